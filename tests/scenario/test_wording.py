"""Display names inside sentences (issue #8: "to The protest movement's demand")."""

from __future__ import annotations

import re

import pytest

import detente
from detente.scenario import builtin_names, load
from detente.scenario.wording import in_sentence, possessive


@pytest.mark.parametrize(("name", "expected"), [
    ("The protest movement", "the protest movement"),
    ("The U.S. offer at the January talks", "the U.S. offer at the January talks"),
    ("A CSTO deployment at the government's request", "a CSTO deployment at the government's "
                                                       "request"),
    ("An offer", "an offer"),
    ("Russia", "Russia"),                    # a proper noun stays as written
    ("NATO enlargement", "NATO enlargement"),
    ("The", "The"),                          # a one-word name is not an article
    ("Theodore Roosevelt", "Theodore Roosevelt"),
    ("Anatolia", "Anatolia"),
])
def test_only_a_leading_article_is_lowered(name: str, expected: str) -> None:
    assert in_sentence(name) == expected


# An article written with a capital anywhere but at the start of a sentence.
_MID_SENTENCE_ARTICLE = re.compile(r"(?<!^)(?<![.!?] )\b(?:The|A|An) ")


@pytest.mark.parametrize("name", [n for n in builtin_names()
                                  if load(n).crisis is not None])
def test_crisis_headline_does_not_capitalise_names_mid_sentence(name: str) -> None:
    headline = detente.crisis_analysis(name, draws=200, seed=0).headline
    assert not _MID_SENTENCE_ARTICLE.search(headline), headline


def test_the_protest_movement_is_lower_case_after_to() -> None:
    headline = detente.crisis_analysis("kazakhstan-2022", draws=200, seed=0).headline
    assert "to the protest movement's demand" in headline


@pytest.mark.parametrize(("name", "expected"), [
    ("Russia", "Russia's"),
    ("United States", "United States'"),     # was "United States's terms"
    ("Baltic states", "Baltic states'"),
    ("the protest movement", "the protest movement's"),
])
def test_possessive_of_a_name_in_s_takes_the_apostrophe_alone(name: str, expected: str
                                                              ) -> None:
    assert possessive(name) == expected


def test_no_name_ends_in_s_apostrophe_s_in_the_crisis_answer() -> None:
    result = detente.crisis_analysis("ukraine-2022", draws=200, seed=0)
    text = result.to_json()
    assert "States's" not in text and "states's" not in text
    assert "United States' terms" in text
