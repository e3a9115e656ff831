"""Can a user cite MISEV2023 and Daneshmandi 2020 exactly as JSRM's press release does?"""

from __future__ import annotations

import json
from pathlib import Path

import bibtexparser
import pytest
import rispy

from evkg.data import layout, prefixes
from evkg.link import citation
from evkg.link.rdfmap import Lookup

ROOT = Path(__file__).parents[1]
SOURCE = Path(ROOT).parent / "shared" / "source" / "000_3bc42254f8994a00.txt"

PRESS_RELEASE = {
    "misev2023": "Welsh JA, et al. Minimal information for studies of extracellular vesicles (MISEV2023): "
    "From basic to advanced approaches. J Extracell Vesicles. 2024;13(2):e12404.",
    "daneshmandi-2020": "Daneshmandi L, et al. Emergence of the stem cell secretome in regenerative engineering. "
    "Trends Biotechnol. 2020;38(12):1373-1384.",
}


@pytest.fixture(scope="module")
def graph() -> tuple[Lookup, prefixes.Prefixes]:
    data = layout.resolve(ROOT)
    reg = prefixes.read(data.prefixes_file)
    return Lookup.load(data, reg), reg


def test_the_expected_strings_are_the_press_releases_own() -> None:
    """The expected references are the ones printed in the source text (when shared/ is present)."""
    if not SOURCE.is_file():
        pytest.skip("shared/source not available")
    text = SOURCE.read_text(encoding="utf-8")
    for reference in PRESS_RELEASE.values():
        assert reference in text


@pytest.mark.parametrize(("ident", "expected"), PRESS_RELEASE.items())
def test_does_vancouver_reproduce_the_press_release(graph, ident: str, expected: str) -> None:
    lookup, reg = graph
    assert citation.cite(lookup, reg, ident, style="vancouver") == expected + "\n"


@pytest.mark.parametrize(
    "ident",
    [
        "10.1002/jev2.12404",
        "https://doi.org/10.1002/JEV2.12404",
        "https://w3id.org/evkg/id/publication/misev2023",
        "publication/misev2023",
    ],
)
def test_can_a_publication_be_named_by_doi_pmid_iri_or_slug(graph, ident: str) -> None:
    lookup, reg = graph
    assert citation.cite(lookup, reg, ident) == PRESS_RELEASE["misev2023"] + "\n"


def test_can_a_publication_be_named_by_its_pmid(graph) -> None:
    """MISEV2014's PMID is printed in its library record; MISEV2023's is only a candidate (not in the graph)."""
    lookup, reg = graph
    assert citation.cite(lookup, reg, "25536934") == citation.cite(lookup, reg, "publication/misev2014")


def test_which_formats_round_trip(graph) -> None:
    """BibTeX, RIS and CSL-JSON exports parse back with the same DOI and first author."""
    lookup, reg = graph
    bib = bibtexparser.parse_string(citation.cite(lookup, reg, "misev2023", fmt="bibtex"))
    assert bib.entries[0].fields_dict["doi"].value == "10.1002/jev2.12404"
    assert bib.entries[0].fields_dict["author"].value.startswith("Welsh, ")
    ris = rispy.loads(citation.cite(lookup, reg, "misev2023", fmt="ris"))
    assert ris[0]["doi"] == "10.1002/jev2.12404" and ris[0]["authors"][0].startswith("Welsh")
    item = json.loads(citation.cite(lookup, reg, "misev2023", fmt="csl-json"))[0]
    assert item["DOI"] == "10.1002/jev2.12404" and item["author"][0]["family"] == "Welsh"


def test_apa_and_nlm_styles_are_bundled_and_render(graph) -> None:
    lookup, reg = graph
    apa = citation.cite(lookup, reg, "misev2014", style="apa")
    assert apa.startswith("Lötvall, J.") and "https://doi.org/10.3402/jev.v3.26913" in apa
    nlm = citation.cite(lookup, reg, "misev2014", style="nlm")
    assert nlm.startswith("Lötvall J, Hill AF, Hochberg F") and "et al." in nlm
    assert all(p.is_file() for p in citation.style_files())


def test_sentence_case_keeps_acronyms_and_the_word_after_a_colon() -> None:
    assert citation.sentence_case("Emergence of the Stem Cell Secretome in Regenerative Engineering") == (
        "Emergence of the stem cell secretome in regenerative engineering"
    )
    assert citation.sentence_case("Guidance on the clinical application of extracellular vesicles in Japan") == (
        "Guidance on the clinical application of extracellular vesicles in Japan"
    )


def test_the_cli_reproduces_the_press_release(run_evkg) -> None:
    """`evkg cite misev2023 --style vancouver` prints the press release's reference."""
    for ident, expected in PRESS_RELEASE.items():
        done = run_evkg("cite", ident, "--style", "vancouver", "--data", ROOT)
        assert done.returncode == 0, done.stderr
        assert done.stdout == expected + "\n"


def test_an_unknown_id_is_one_clear_line(run_evkg) -> None:
    done = run_evkg("cite", "no-such-publication", "--data", ROOT)
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert done.stderr.strip().count("\n") == 0 and "no-such-publication" in done.stderr
