"""Display names inside sentences.

Scenario authors write actor, issue and offer names as they would stand alone ("The protest
movement", "The U.S. offer at the January talks"). Inside a sentence a leading article is
lower-cased ("... to the protest movement's demand"); every other word is kept as written,
because a name's first word is as often a proper noun ("Russia", "NATO enlargement") as not,
and only the article can be told apart without a dictionary.
"""

from __future__ import annotations

_ARTICLES = ("The", "A", "An")


def in_sentence(name: str) -> str:
    """``name`` as it reads after the first word of a sentence: a leading "The", "A" or "An"
    lower-cased, nothing else touched."""
    first, sep, rest = name.partition(" ")
    if sep and rest and first in _ARTICLES:
        return first.lower() + sep + rest
    return name


def possessive(name: str) -> str:
    """``name`` with the possessive ending: "Russia's", but "United States'" and "Baltic
    states'": a name ending in "s" takes the apostrophe alone (the usual style for plural
    names; a singular name in "s" cannot be told apart without a dictionary, and the
    apostrophe alone is accepted for it too, as in AP style)."""
    return name + ("'" if name.endswith("s") else "'s")
