"""Are evkg's citations right by the rules of each format, and never pass a partial author list off as whole?

Checked against the specifications: CSL 1.0.2 name truncation (``et-al-min``, ``et-al-use-first``,
``et-al-use-last``: APA 7 lists up to 20 authors, then 19, "…" and the last; NLM *Citing Medicine*
lists 6 and "et al."), RIS (``TY`` first, ``ER`` last, one ``AU`` per author, ``DA`` as
``YYYY/MM/DD/``, CR LF line ends, no other lines), BibTeX (``and others`` for "et al.") and
CSL-JSON (the name ``{"literal": "others"}``). The works here are synthetic (DOIs under Crossref's
test prefix 10.5555); the last tests use the bundled graph.
"""

from __future__ import annotations

import json
from pathlib import Path

import bibtexparser
import rispy

from evkg.data import layout, prefixes
from evkg.link import citation
from evkg.link.rdfmap import Lookup
from evkg.link.work import Contributor, Work

ROOT = Path(__file__).parents[1]
FAMILIES = [f"Author{chr(ord('A') + i)}" for i in range(25)]


def _work(n: int, *, complete: bool) -> Work:
    return Work(
        title="A synthetic article for citation tests",
        authors=[Contributor(family=f, given="Test Q.") for f in FAMILIES[:n]],
        container_title="Journal of Tests",
        nlm_abbreviation="J Tests",
        volume="7",
        issue="1",
        page="10-20",
        issued=(2018, 11, 23),
        doi="10.5555/evkg-test-citation",
        author_count=n if complete else None,
    )


def test_apa_lists_a_complete_list_of_up_to_20_with_an_ampersand() -> None:
    text = citation.render_text(_work(3, complete=True), "apa")
    assert text.startswith("AuthorA, T. Q., AuthorB, T. Q., & AuthorC, T. Q. (2018).")
    assert "et al." not in text


def test_apa_gives_19_then_an_ellipsis_and_the_last_of_a_complete_list_of_25() -> None:
    text = citation.render_text(_work(25, complete=True), "apa")
    assert "AuthorS, T. Q., … AuthorY, T. Q. (2018)." in text
    assert "AuthorT" not in text and "et al." not in text


def test_apa_never_prints_an_incomplete_list_as_complete() -> None:
    """Two names of an unknown number: "et al.", never "Théry, C., & Witwer, K. W."."""
    text = citation.render_text(_work(2, complete=False), "apa")
    assert text.startswith("AuthorA, T. Q., AuthorB, T. Q., et al. (2018).")
    assert "&" not in text.split("(2018)")[0]
    one = citation.render_text(_work(1, complete=False), "apa")
    assert one.startswith("AuthorA, T. Q., et al. (2018).")


def test_nlm_lists_six_then_et_al_and_dates_with_spaces() -> None:
    text = citation.render_text(_work(8, complete=True), "nlm")
    assert text.startswith("AuthorA TQ, AuthorB TQ, AuthorC TQ, AuthorD TQ, AuthorE TQ, AuthorF TQ, et al. ")
    assert "J Tests. 2018 Nov 23;7(1):10-20." in text
    assert citation.render_text(_work(2, complete=True), "nlm").startswith("AuthorA TQ, AuthorB TQ. ")
    assert citation.render_text(_work(2, complete=False), "nlm").startswith("AuthorA TQ, AuthorB TQ, et al. ")


def test_vancouver_short_form_keeps_the_first_author_and_et_al() -> None:
    for complete in (True, False):
        assert citation.render_text(_work(3, complete=complete), "vancouver").startswith("AuthorA TQ, et al. ")


def test_ris_follows_the_specification() -> None:
    for complete in (True, False):
        text = citation.render_ris(_work(3, complete=complete))
        lines = text.split("\r\n")
        assert lines[-1] == "" and "\n" not in text.replace("\r\n", "")  # CR LF line ends
        body = lines[:-1]
        assert body[0] == "TY  - JOUR" and body[-1] == "ER  - "  # no "1." line before TY
        assert all(len(line) >= 6 and line[2:6] == "  - " and line[:2].isalnum() for line in body)
        assert [line for line in body if line.startswith("AU")] == [f"AU  - Author{c}, Test Q." for c in "ABC"]
        assert "DA  - 2018/11/23/" in body and "PY  - 2018" in body
        assert "SP  - 10" in body and "EP  - 20" in body
        assert any(line.startswith("N1  - Author list incomplete") for line in body) is not complete
        (entry,) = rispy.loads(text)
        assert entry["doi"] == "10.5555/evkg-test-citation"


def test_bibtex_ends_an_incomplete_list_with_and_others() -> None:
    for complete in (True, False):
        library = bibtexparser.parse_string(citation.render_bibtex(_work(2, complete=complete), "key"))
        authors = library.entries[0].fields_dict["author"].value
        assert authors.startswith("AuthorA, Test Q. and AuthorB, Test Q.")
        assert authors.endswith(" and others") is not complete


def test_every_format_of_the_graphs_misev2018_says_its_two_authors_are_not_all() -> None:
    """MISEV2018 has some 380 authors; the graph names two. No format may present them as all."""
    data = layout.resolve(ROOT)
    registry = prefixes.read(data.prefixes_file)
    lookup = Lookup.load(data, registry)

    def out(**kw: str) -> str:
        return citation.cite(lookup, registry, "misev2018", **kw)

    assert out(style="apa").startswith("Théry, C., Witwer, K. W., et al. (2018).")
    nlm = out(style="nlm")
    # no archived page states MISEV2018's issue number (its first page prints "2018, VOL. 7, 1535750")
    assert nlm.startswith("Théry C, Witwer KW, et al. ") and " 2018 Nov 23;7:1535750." in nlm
    assert "Witwer, Kenneth W. and others}" in out(fmt="bibtex")
    assert json.loads(out(fmt="csl-json"))[0]["author"][-1] == {"literal": "others"}
    ris = out(fmt="ris")
    assert ris.startswith("TY  - JOUR\r\n") and "N1  - Author list incomplete" in ris and "\n1." not in ris
    misev2023 = citation.cite(lookup, registry, "misev2023", style="apa")
    assert misev2023.startswith("Welsh, J. A., et al. (2024).")
