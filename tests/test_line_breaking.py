"""How evkg breaks a label or a text into lines (evkg.wording.wrap: diagrams, served pictures, terminal records).

Every label and definition of the bundled graph, in Japanese and English, at the widths the pictures use.
"""

from __future__ import annotations

import pytest
from rich.cells import cell_len

from evkg.wording import wrap

NO_START = set("、。，．）」』】〕〉》ーッャュョァィゥェォっゃゅょぁぃぅぇぉ")
NO_END = set("（「『【〔〈《")


@pytest.fixture(scope="module")
def texts(kg) -> list[str]:
    rows = kg.sparql(
        """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
           PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
           PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
           SELECT DISTINCT ?text WHERE { { ?s skos:prefLabel|rdfs:label ?text } UNION { ?d rdf:value ?text } }"""
    )
    found = sorted({row["text"].value for row in rows})
    assert any("、" in t for t in found) and any(" " in t for t in found)
    return found


@pytest.mark.parametrize("width", [12, 20, 24, 30, 40])
def test_every_label_wraps_within_the_width_and_loses_no_character(texts: list[str], width: int) -> None:
    """Is every line at most the width, and are the lines, joined, the text (only the spaces broken at go)?"""
    for text in texts:
        lines = wrap(text, width)
        assert all(cell_len(line) <= width for line in lines), (text, lines)
        assert "".join(lines).replace(" ", "") == "".join(text.split()), (text, lines)


@pytest.mark.parametrize("width", [12, 20, 24, 30, 40])
def test_japanese_lines_keep_the_rules_of_japanese_typesetting(texts: list[str], width: int) -> None:
    """Does no line start with closing punctuation or a small kana, nor end with an opening bracket (kinsoku)?"""
    for text in texts:
        lines = wrap(text, width, break_long_words=False)
        for before, after in zip(lines, lines[1:], strict=False):
            assert after[0] not in NO_START and before[-1] not in NO_END, (text, lines)


def test_no_last_line_holds_one_character_alone(texts: list[str]) -> None:
    """Is a Japanese text never left with one character on its last line (国際的な…の推 / 進)?"""
    for width in (20, 24, 30, 40):
        for text in texts:
            lines = wrap(text, width)
            if len(lines) > 1 and len(lines[-2]) > 2:
                assert len(lines[-1]) > 1, (text, lines)


def test_english_breaks_only_at_spaces_and_a_long_word_stays_whole_when_asked() -> None:
    """Are English words never split, unless one is longer than a line (and then only if allowed)?"""
    assert wrap("Definition of exosome (evkg curators)", 24) == ["Definition of exosome", "(evkg curators)"]
    iri = "https://w3id.org/evkg/id/organization/jsrm"
    assert wrap(f"see {iri} now", 20, break_long_words=False) == ["see", iri, "now"]
    assert all(cell_len(line) <= 20 for line in wrap(f"see {iri} now", 20))


def test_japanese_prefers_to_break_after_a_clause() -> None:
    """Does a Japanese sentence break after 、 when the line is well filled, and keep a number with its counter?"""
    assert wrap("細胞外小胞は、脂質二重層で区切られた粒子。", 16)[0] == "細胞外小胞は、"
    assert all(not line.startswith("年") for line in wrap("覚書（2025年7月20日締結）", 10))
