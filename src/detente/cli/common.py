"""What every command shares: option types, output (table or JSON, screen or file), and the
rule that bad input ends with a clear message and exit status 2, never a traceback."""

from __future__ import annotations

import enum
import io
import json
import math
import os
import stat
import sys
import tempfile
import warnings
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console, ConsoleOptions, ConsoleRenderable, RenderHook, RenderResult
from rich.segment import Segment
from rich.text import Text

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2

# Control characters (C0 except tab and newline, DEL, C1) and the Unicode bidi controls
# would let a name in a scenario clear or recolour the terminal or reorder what it shows;
# they are printed as escapes instead.
_INVISIBLE = [*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F, *range(0x80, 0xA0),
              *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
_VISIBLE = {c: (f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}") for c in _INVISIBLE}
_JSON_SAFE = {c: f"\\u{c:04x}" for c in _INVISIBLE}


def visible(text: str) -> str:
    """``text`` with every control character written as an escape (``\\x1b``)."""
    return text.translate(_VISIBLE)


class _ShowControls(RenderHook):
    """Last guard before the terminal: control characters inside text that reached the
    console as a ready-made ``Text`` (which skips :meth:`LiteralConsole.render_str`)."""

    def process_renderables(self, renderables: list[ConsoleRenderable]
                            ) -> list[ConsoleRenderable]:
        return [_Visible(r) for r in renderables]


class _Visible:
    def __init__(self, inner: ConsoleRenderable):
        self.inner = inner

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for seg in console.render(self.inner, options):
            yield seg if seg.control else Segment(visible(seg.text), seg.style)


class LiteralConsole(Console):
    """A console that prints every string as it is: no markup, no emoji codes, no
    highlighting, control characters shown as escapes. Scenario text (names, titles, quotes),
    file names and error messages are data, so styling is given explicitly with
    :class:`rich.text.Text` (``Text.assemble(("error:", "bold red"), " ", message)``)."""

    def __init__(self, **kwargs: Any):
        super().__init__(markup=False, emoji=False, highlight=False, **kwargs)
        self.push_render_hook(_ShowControls())

    def render_str(self, text: str, **kwargs: Any) -> Text:
        kwargs.update(markup=False, emoji=False, highlight=False)
        return super().render_str(visible(text), **kwargs)


err_console = LiteralConsole(stderr=True)


class Format(enum.StrEnum):
    table = "table"
    json = "json"


FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
OutputOpt = Annotated[Path | None, typer.Option(
    "--output", "-o", help="Write to this file instead of the terminal.", dir_okay=False)]
ForceOpt = Annotated[bool, typer.Option(
    "--force", help="Overwrite the --output file if it exists.")]
SeedOpt = Annotated[int, typer.Option(
    "--seed", help="Seed of the random generator (stored with the result).", min=0)]
# The analyses that hold every draw in memory at once (whatif's lever search, report's offer
# curve) take at most this many: at this size crisis, before it ran its draws in batches,
# peaked at 643 MiB on ukraine-2022 (benchmarks/bench_hostile_inputs.py --draws).
# `detente crisis` takes up to 10,000,000 in batches; `detente sweep` streams any number.
MAX_DRAWS_IN_MEMORY = 200_000
ScenarioArg = Annotated[str | None, typer.Argument(
    help="A built-in scenario name (see `detente scenarios`) or a file "
         "(.yaml, .json, KTAB .csv/.xml, expected-utility .csv). Default: ukraine-2022.",
    show_default=False)]


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    err_console.print(Text.assemble(("error:", "bold red"), " ", visible(message)),
                      soft_wrap=True)
    raise typer.Exit(code)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn the errors users cause into a message and exit status 2; print the warnings
    raised inside (a degenerate scenario, numerical trouble) as ``warning: ...`` lines."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            with _errors_to_exit():
                yield
        finally:
            show_warnings(caught)


def show_warnings(caught: list[warnings.WarningMessage]) -> None:
    """Each distinct warning once, on stderr (deprecations are for developers)."""
    seen = set()
    for w in caught:
        text = str(w.message)
        if text not in seen and not issubclass(w.category, DeprecationWarning):
            seen.add(text)
            err_console.print(Text.assemble(("warning:", "yellow"), " ", visible(text)),
                              soft_wrap=True)
    caught.clear()


@contextmanager
def _errors_to_exit() -> Iterator[None]:
    # imported here, not at the top: building the command line (`--help`) must not load the
    # scenario and model layers (issue #11, tests/cli/test_startup.py)
    from detente.models.base import ModelInputError
    from detente.scenario import ScenarioError

    try:
        yield
    except ScenarioError as exc:
        count = len(exc.problems)
        for p in exc.problems:
            err_console.print(str(p), soft_wrap=True)
        fail(f"{count} problem{'s' if count != 1 else ''} found; nothing was run")
    except (ModelInputError, KeyError) as exc:
        fail(str(exc.args[0]) if exc.args else str(exc))
    except KeyboardInterrupt:
        err_console.print("interrupted")
        raise typer.Exit(130) from None


def internal_error(exc: BaseException) -> None:
    """The last guard at the process boundary: one line naming the error, never a traceback.
    It must not fail itself, whatever the exception's text holds."""
    try:
        head = f"{type(exc).__name__}: {exc}"
    except Exception:  # an exception whose text cannot be made
        head = type(exc).__name__
    tail = ("This is a bug in detente; rerun with DETENTE_DEBUG=1 for the traceback and "
            "please report it.")
    try:
        err_console.print(Text.assemble(("internal error:", "bold red"), " ", visible(head)),
                          soft_wrap=True)
        err_console.print(tail, soft_wrap=True)
    except Exception:  # the console itself failed: plain bytes, escaped
        sys.stderr.write(f"internal error: {head.encode('ascii', 'backslashreplace').decode()}"
                         f"\n{tail}\n")


def parse_pairs(pairs: list[str] | None, what: str) -> dict[str, str]:
    """``["a=1", "b=x"]`` -> ``{"a": "1", "b": "x"}`` with a clear error for a bad pair."""
    out: dict[str, str] = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            fail(f"{what} {pair!r} is not of the form name=value")
        out[key.strip()] = value.strip()
    return out


def number_pairs(pairs: list[str] | None, option: str) -> dict[str, float]:
    """``--option name=value`` pairs whose values must be finite numbers."""
    out: dict[str, float] = {}
    for key, text in parse_pairs(pairs, option).items():
        try:
            value = float(text)
        except ValueError:
            fail(f"{option} {key}={text!r}: {text!r} is not a number")
        if not math.isfinite(value):
            fail(f"{option} {key}={text!r}: give a finite number")
        out[key] = value
    return out


def coerce(value: str) -> Any:
    """A command-line setting as JSON when it parses (numbers, true/false), else a string."""
    try:
        return json.loads(value)
    except json.JSONDecodeError:
        return value


def emit(fmt: Format, output: Path | None, *, as_json: Callable[[], str],
         as_table: Callable[[Console], None], force: bool = False,
         protect: Iterable[str | Path | None] = ()) -> None:
    """Print (or write to ``output``, see :func:`replacing`) the JSON or the rich tables of a
    result. ``protect``: the command's input files, which ``output`` may never replace."""
    if fmt is Format.json:
        # json.dumps leaves DEL, C1 and bidi controls raw; as \\u escapes the data is the same
        text = as_json().translate(_JSON_SAFE) + "\n"
        if output is None:
            sys.stdout.write(text)
        else:
            write_output(output, text, force=force, protect=protect)
        return
    if output is None:
        as_table(LiteralConsole())
        return
    console = LiteralConsole(record=True, width=120, file=io.StringIO())
    as_table(console)
    write_output(output, console.export_text(), force=force, protect=protect)


def write_output(path: Path, text: str, *, force: bool = False,
                 protect: Iterable[str | Path | None] = ()) -> None:
    """Write ``text`` to ``path`` through :func:`replacing` and say so on stderr."""
    with replacing(path, force=force, protect=protect) as tmp, \
            open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        if stat.S_ISREG(os.fstat(f.fileno()).st_mode):  # on disk before it replaces the old
            os.fsync(f.fileno())
    err_console.print(f"wrote {path}", soft_wrap=True)


def check_output(path: Path | None, *, force: bool = False,
                 protect: Iterable[str | Path | None] = ()) -> None:
    """Refuse, before any work is done, an output that would replace an input of the
    command (always) or any existing file (unless ``force``)."""
    if path is None:
        return
    for item in protect:
        if item is not None and _same_file(path, _input_path(item)):
            fail(f"{path} is an input of this command; choose another output file")
    if _is_regular(path) and not force:
        fail(f"{path} exists; pass --force to overwrite it")


@contextmanager
def replacing(path: Path, *, force: bool = False,
              protect: Iterable[str | Path | None] = ()) -> Iterator[Path]:
    """The one way a command writes a file. Yields a temporary path beside ``path`` (same
    suffix) for the caller to write; only when that succeeds is it renamed over ``path``
    (atomic on POSIX), so a failed write (full disk, error, Ctrl-C) leaves the old file as it
    was. Refuses as :func:`check_output` does. A device or pipe (``-o /dev/stdout``) is
    written directly, as there is nothing to replace."""
    protect = list(protect)
    check_output(path, force=force, protect=protect)
    if path.exists() and not _is_regular(path) and not path.is_dir():
        try:
            yield path
        except OSError as exc:
            fail(f"cannot write {path}: {exc.strerror or exc}")
        return
    target = Path(os.path.realpath(path))  # through a symlink: replace the file it names
    try:
        fd, name = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=f".tmp{target.suffix}",
                                    dir=target.parent)
    except OSError as exc:
        fail(f"cannot write {path}: {exc.strerror}")
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        mode = (stat.S_IMODE(target.stat().st_mode) if target.exists()
                else 0o666 & ~_umask())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except OSError as exc:
        fail(f"cannot write {path}: {exc.strerror or exc}; the old file (if any) is "
             "unchanged")
    finally:
        tmp.unlink(missing_ok=True)


def _input_path(item: str | Path) -> Path:
    from detente.scenario.loader import resolve

    return resolve(item) if isinstance(item, str) else item


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist (yet): then they are not the same file
        return False


def _is_regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except OSError:
        return False


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
