"""The crisis games as extensive-form game trees, written in Gambit's ``.efg`` format so that
an outside solver can check detente's closed forms (``detente game``, ``docs/games.md``).

Format: Gambit's extensive-form file, version 2 (R: real payoffs), as documented in the
Gambit manual, "Game representation formats" (https://gambitproject.readthedocs.io): a header
``EFG 2 R "title" { "player 1" "player 2" }``, a comment string, then the nodes in preorder:
``c "label" infoset "name" { "action" prob ... } outcome`` for chance (probabilities written
as exact rationals, ``3/10``, since Gambit requires them to sum to exactly one), ``p "label" player
infoset "name" { "action" ... } outcome`` for a player's move, ``t "label" outcome "name" {
payoffs }`` for a terminal node. Nodes of one player that share an information-set number are
one information set (the player cannot tell them apart).

Games:

* :func:`deterrence_game`: :func:`detente.crisis.deterrence.deterrence` (Morrow 1994, ch. 8):
  chance picks a resolved (``q``) or irresolute defender; the challenger, not knowing which,
  challenges or not; the defender resists or concedes; a resisted challenger fights or, with
  ``back_down`` given, backs down (one information set: it cannot tell the types apart).
* :func:`sanctions_game`: :func:`detente.crisis.sanctions.sanctions_complete_information`
  (Lacy and Niou 2004): threat, acquiescence or defiance, imposition or backing down, giving in
  or enduring.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

#: the defender's payoffs in the deterrence game, which the closed form leaves open: it needs
#: only that the resolved type prefers fighting to conceding and the irresolute type the
#: reverse (Morrow 1994, ch. 8), and, with ``back_down``, that every defender prefers the
#: challenger's retreat to conceding; status quo 0, conceding -1, a retreat keeps the status quo
DEFENDER_STATUS_QUO = 0.0
DEFENDER_CONCEDES = -1.0
DEFENDER_WAR = {"resolved": -0.5, "irresolute": -1.5}
DEFENDER_CHALLENGER_BACKS_DOWN = DEFENDER_STATUS_QUO


@dataclass(frozen=True)
class Terminal:
    label: str
    payoffs: tuple[float, ...]


@dataclass(frozen=True)
class Move:
    """A decision node: ``player`` 1.. moves, or chance (``player`` 0, with ``probs``)."""

    label: str
    player: int
    infoset: int
    actions: tuple[str, ...]
    children: tuple[Move | Terminal, ...]
    probs: tuple[float, ...] = ()
    infoset_name: str = ""


@dataclass(frozen=True)
class GameTree:
    title: str
    players: tuple[str, ...]
    root: Move | Terminal
    comment: str = ""


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _num(x: float) -> str:
    return repr(float(x) + 0.0)  # + 0.0: no "-0.0" in the file


def _chance(probs: tuple[float, ...]) -> list[str]:
    """Chance probabilities as exact rationals that sum to exactly one, as Gambit requires
    (the last is one minus the others)."""
    parts = [Fraction(p).limit_denominator(10**9) for p in probs[:-1]]
    parts.append(1 - sum(parts, Fraction(0)))
    if any(p < 0 for p in parts):
        raise ValueError(f"chance probabilities {probs} are not a distribution")
    return [f"{p.numerator}/{p.denominator}" for p in parts]


def to_efg(game: GameTree) -> str:
    """The game as the text of a Gambit ``.efg`` file (version 2, real payoffs)."""
    lines = [f"EFG 2 R {_q(game.title)} {{ {' '.join(_q(p) for p in game.players)} }}",
             _q(game.comment), ""]
    outcome = 0

    def visit(node: Move | Terminal) -> None:
        nonlocal outcome
        if isinstance(node, Terminal):
            outcome += 1
            pay = ", ".join(_num(v) for v in node.payoffs)
            lines.append(f"t {_q(node.label)} {outcome} {_q(node.label)} {{ {pay} }}")
            return
        if node.player == 0:
            acts = " ".join(f"{_q(a)} {p}" for a, p in zip(node.actions, _chance(node.probs),
                                                             strict=True))
            lines.append(f"c {_q(node.label)} {node.infoset} {_q(node.infoset_name)} "
                         f"{{ {acts} }} 0")
        else:
            acts = " ".join(_q(a) for a in node.actions)
            lines.append(f"p {_q(node.label)} {node.player} {node.infoset} "
                         f"{_q(node.infoset_name)} {{ {acts} }} 0")
        for child in node.children:
            visit(child)

    visit(game.root)
    return "\n".join(lines) + "\n"


def deterrence_game(p_resolved: float, *, win: float = 1.0, status_quo: float = 0.0,
                    war: float = -0.5, back_down: float | None = None) -> GameTree:
    """The deterrence game of :func:`detente.crisis.deterrence.deterrence`, players
    challenger (1) and defender (2). A resisted challenger fights; with ``back_down`` given it
    chooses between fighting and backing down in one information set (its second), since it
    does not know which type resisted."""
    if not 0.0 <= p_resolved <= 1.0:
        raise ValueError(f"p_resolved must be in [0, 1], not {p_resolved}")

    def branch(kind: str, infoset: int) -> Move:
        fight = Terminal(f"war ({kind})", (war, DEFENDER_WAR[kind]))
        resist: Move | Terminal = fight
        if back_down is not None:
            retreat = Terminal(f"challenger backs down ({kind})",
                               (back_down, DEFENDER_CHALLENGER_BACKS_DOWN))
            resist = Move(f"challenger resisted ({kind} defender)", 1, 2,
                          ("fight", "back down"), (fight, retreat), infoset_name="resisted")
        concede = Terminal(f"defender concedes ({kind})", (win, DEFENDER_CONCEDES))
        return Move(f"{kind} defender challenged", 2, infoset, ("resist", "concede"),
                    (resist, concede), infoset_name=kind)

    def challenger(kind: str, infoset: int) -> Move:
        stay = Terminal(f"status quo ({kind})", (status_quo, DEFENDER_STATUS_QUO))
        return Move(f"challenger ({kind} defender)", 1, 1, ("challenge", "status quo"),
                    (branch(kind, infoset), stay), infoset_name="challenge?")

    root = Move("nature", 0, 1, ("resolved", "irresolute"),
                (challenger("resolved", 1), challenger("irresolute", 2)),
                probs=(p_resolved, 1.0 - p_resolved), infoset_name="defender's type")
    return GameTree("deterrence (Morrow 1994, ch. 8)", ("challenger", "defender"), root,
                    f"p_resolved={p_resolved!r} win={win!r} status_quo={status_quo!r} "
                    f"war={war!r}" + ("" if back_down is None else f" back_down={back_down!r}")
                    + "; written by detente")


def sanctions_game(stake_sender: float, cost_sender: float, audience_cost: float,
                   cost_compliance: float, cost_target: float, *,
                   interim_share: float = 0.25) -> GameTree:
    """The sanctions threat game of :func:`detente.crisis.sanctions.sanctions_complete_information`
    with its payoffs (module docstring there), players sender (1) and target (2)."""
    v_s, c_s, a, v_t, c_t, lam = (stake_sender, cost_sender, audience_cost, cost_compliance,
                                  cost_target, interim_share)
    gives_in = Terminal("target gives in after imposition (TIES 7)",
                        (v_s - c_s, -v_t - lam * c_t))
    endures = Terminal("stalemate after imposition (TIES 9)", (-c_s, -c_t))
    imposed = Move("sanctions imposed", 2, 2, ("give in", "endure"), (gives_in, endures),
                   infoset_name="imposed")
    backs_down = Terminal("sender backs down (TIES 3)", (-a, 0.0))
    defied = Move("target defied", 1, 2, ("impose", "back down"), (imposed, backs_down),
                  infoset_name="defied")
    acquiesces = Terminal("target acquiesces to the threat (TIES 2)", (v_s, -v_t))
    threatened = Move("threat made", 2, 1, ("acquiesce", "defy"), (acquiesces, defied),
                      infoset_name="threatened")
    none = Terminal("no threat", (0.0, 0.0))
    root = Move("sender", 1, 1, ("threaten", "no threat"), (threatened, none),
                infoset_name="threaten?")
    return GameTree("sanctions threat (Lacy and Niou 2004)", ("sender", "target"), root,
                    f"stake_sender={v_s!r} cost_sender={c_s!r} audience_cost={a!r} "
                    f"cost_compliance={v_t!r} cost_target={c_t!r} interim_share={lam!r}; "
                    "written by detente")


def signalling_game(mu: float, *, b: float, c: float, k: float, a: float, v_h: float,
                    w_h: float, v_l: float, w_l: float) -> GameTree:
    """The two-type costly-signal game of :func:`detente.simulate.policy.stage_game`
    (``docs/escalation.md``, section 3; Fearon 1997), players signaller (1) and receiver (2).

    Chance makes the signaller resolved (``mu``) or unresolved; the signaller, knowing its
    type (one information set per type), signals or not; the receiver sees only whether a
    signal was sent (one information set after a signal, one after none) and yields or
    presses; a pressed signaller fights or backs down. Signaller payoffs: ``v`` if the
    receiver yields, ``w`` if it fights, 0 if it backs down, and after a signal the sunk cost
    ``k`` off every payoff and the audience cost ``a`` off backing down. Receiver payoffs: 0
    if it yields, ``b`` if a pressed signaller backs down, ``-c`` if it fights.
    """
    if not 0.0 <= mu <= 1.0:
        raise ValueError(f"mu must be in [0, 1], not {mu}")
    value = {"resolved": (v_h, w_h), "unresolved": (v_l, w_l)}
    infosets = {("resolved", True): 3, ("unresolved", True): 4,
                ("resolved", False): 5, ("unresolved", False): 6}

    def after(kind: str, signal: bool) -> Move:
        v, w = value[kind]
        cost, shame = (k, a) if signal else (0.0, 0.0)
        sent = "signal" if signal else "no signal"
        pressed = Move(f"{kind} signaller pressed after {sent}", 1, infosets[kind, signal],
                       ("fight", "back down"),
                       (Terminal(f"war ({kind}, {sent})", (w - cost, -c)),
                        Terminal(f"{kind} backs down after {sent}", (-shame - cost, b))),
                       infoset_name=f"{kind}, pressed after {sent}")
        yields = Terminal(f"receiver yields to the {kind} signaller ({sent})", (v - cost, 0.0))
        return Move(f"receiver sees {sent} ({kind})", 2, 1 if signal else 2,
                    ("yield", "press"), (yields, pressed), infoset_name=sent)

    def signaller(kind: str, infoset: int) -> Move:
        return Move(f"{kind} signaller", 1, infoset, ("signal", "no signal"),
                    (after(kind, True), after(kind, False)), infoset_name=kind)

    root = Move("nature", 0, 1, ("resolved", "unresolved"),
                (signaller("resolved", 1), signaller("unresolved", 2)),
                probs=(mu, 1.0 - mu), infoset_name="signaller's type")
    return GameTree("costly signal (Fearon 1997; docs/escalation.md, section 3)",
                    ("signaller", "receiver"), root,
                    f"mu={mu!r} b={b!r} c={c!r} k={k!r} a={a!r} v_h={v_h!r} w_h={w_h!r} "
                    f"v_l={v_l!r} w_l={w_l!r}; written by detente")
