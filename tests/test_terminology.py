"""The terminology check: curated text that uses a term MISEV2023 marks for caution, or that ISEV discourages,
without the qualification asked for, is a warning in English and Japanese that quotes the recommendation.

The failing and passing uses are in ``tests/fixtures/terminology/uses.ttl`` (a curator's file validated with
the bundled graph); its ``#! SUBJECT PROPERTY LABEL`` lines are the warnings it must raise, no more.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from evkg.quality import pipeline, terminology

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "terminology" / "uses.ttl"
ID = "https://w3id.org/evkg/id/"


def _expected() -> set[tuple[str, str, str]]:
    lines = FIXTURE.read_text(encoding="utf-8").splitlines()
    return {tuple(line[3:].split(" ", 2)) for line in lines if line.startswith("#! ")}  # type: ignore[misc]


@pytest.fixture(scope="module")
def report() -> pipeline.Report:
    return pipeline.validate(files=[FIXTURE])


def _warnings(report: pipeline.Report) -> list:
    return [f for f in report.findings if f.component.startswith(terminology.COMPONENT + ":")]


def test_which_terms_does_misev2023_recommend_with_caution(kg):
    """Which terms does MISEV2023 recommend with caution, and which does ISEV discourage?"""
    found = {(r.term.rsplit("/", 1)[-1], r.verdict.rsplit("/", 1)[-1]) for r in terminology.rules(kg)}
    assert found == {
        ("small-ev", "recommendedWithCaution"),
        ("large-ev", "recommendedWithCaution"),
        ("exosome", "discouraged"),
        ("ectosome", "discouraged"),
    }


def test_the_bundled_graph_uses_no_term_without_its_qualification(kg):
    """Does the curators' own text (notes, definitions, translations) qualify every term used with caution?"""
    assert terminology.uses(kg) == []


def test_a_curators_text_that_uses_a_term_without_its_qualification_is_warned(report):
    """Are exactly the unqualified uses of the fixture warned (and the qualified, quoted ones not)?"""
    got = {(f.focus.replace(ID + "term/", "term:"), f.path, f.value) for f in _warnings(report)}
    assert got == _expected()
    assert all(f.severity == "Warning" for f in _warnings(report))
    assert report.conforms, "a terminology warning never fails validation"


def test_the_warning_quotes_the_recommendation_in_english_and_japanese(kg, report):
    """Does the warning give the recommendation's words, in English and in Japanese?"""
    by_focus = {f.focus.rsplit(":", 1)[-1].rsplit("/", 1)[-1]: f for f in _warnings(report)}
    exosome = by_focus["fixture-a"].message
    assert "ISEV generally recommends using the generic term “EV”" in exosome
    assert "biogenesis" in exosome
    small = by_focus["fixture-b"].message
    assert "Recommended, but caution required" in small and "<200 nm" in small
    japanese = pipeline.validate(files=[FIXTURE], lang="ja", engine="fast")
    messages = {f.focus.rsplit(":", 1)[-1].rsplit("/", 1)[-1]: f.message for f in _warnings(japanese)}
    assert "一般的な用語「EV」の使用・活用を推奨している" in messages["fixture-c"]
    assert re.search(r"「エクソソーム」を用いていますが", messages["fixture-c"])
    assert messages.keys() == by_focus.keys()


def test_a_term_in_quotation_marks_is_mentioned_not_used():
    """Is a title or a source's words in quotation marks left alone?"""
    assert "エクソソーム" not in terminology.unquoted("本文は「エクソソーム等の調製・製造に関する考え方」とする")
    assert "exosomes" not in terminology.unquoted("the title “Views on exosomes” and the file name")
