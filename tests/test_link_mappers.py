"""What do the registries' answers say, once mapped to evkg's model? (pure parsers and mapping, no I/O)"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rdflib import RDF, XSD, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV

from evkg.data import prefixes
from evkg.link import crossref, csl, pubmed
from evkg.link.http import MalformedResponse
from evkg.link.rdfmap import Provenance, Vocab, date_literal, work_graph

RECORDED = Path(__file__).parent / "fixtures" / "registries"
ROOT = Path(__file__).parents[1]


@pytest.fixture(scope="module")
def reg() -> prefixes.Prefixes:
    return prefixes.read(ROOT / "ontology" / "prefixes.ttl")


def test_what_does_crossref_say_about_misev2023() -> None:
    """Which title, first author (with ORCID), journal and article number does Crossref record?"""
    w = crossref.parse((RECORDED / "crossref" / "10.1002_jev2.12404.json").read_bytes())
    assert w.doi == "10.1002/jev2.12404"
    assert (
        w.title
        == "Minimal information for studies of extracellular vesicles (MISEV2023): From basic to advanced approaches"
    )
    assert (w.authors[0].family, w.authors[0].given, w.authors[0].orcid) == (
        "Welsh",
        "Joshua A.",
        "0000-0002-1097-9756",
    )
    assert w.authors[0].name_as_printed == "Welsh"  # what the answer prints ("Welsh JA" is not in it)
    assert (w.volume, w.issue, w.article_number, w.page, w.issued) == ("13", "2", "e12404", None, (2024,))
    assert w.issn_electronic == "2001-3078" and w.issn_print is None
    assert w.references == ["10.1080/20013078.2018.1535750", "10.3402/jev.v3.26913"]


def test_which_authors_does_crossref_list_for_daneshmandi_2020_in_order() -> None:
    w = crossref.parse((RECORDED / "crossref" / "10.1016_j.tibtech.2020.04.013.json").read_bytes())
    assert [a.family for a in w.authors] == [a.name_as_printed for a in w.authors] == [
        "Daneshmandi",
        "Shah",
        "Jafari",
        "Bhattacharjee",
        "Momah",
        "Saveh-Shemshaki",
        "Lo",
        "Laurencin",
    ]
    assert [a.initials for a in w.authors][-2:] == ["KW", "CT"]  # the NLM form is still derived, for citing
    # the answer prints the PII compact ("S0167779920301189"), not in its normal form: left out, since
    # every identifier of a snapshot is printed in its raw answer (evkg validate checks it)
    assert w.issn_print == "0167-7799" and w.pii is None


def test_what_does_pubmed_esummary_say_about_daneshmandi_2020() -> None:
    w = pubmed.parse_summary((RECORDED / "pubmed" / "esummary-32622558.json").read_bytes())
    assert (w.pmid, w.pmcid, w.doi, w.pii) == (
        "32622558",
        "PMC7666064",
        "10.1016/j.tibtech.2020.04.013",
        "S0167-7799(20)30118-9",
    )
    assert w.nlm_abbreviation == "Trends Biotechnol"
    assert (
        w.title == "Emergence of the Stem Cell Secretome in Regenerative Engineering"
    )  # PubMed's final full stop removed
    assert [a.printed for a in w.authors][:2] == ["Daneshmandi L", "Shah S"]
    assert all(a.given is None for a in w.authors)  # PubMed's initials are not given names


def test_what_does_pubmed_efetch_add_an_orcid_for_welsh() -> None:
    w = pubmed.parse_article((RECORDED / "pubmed" / "efetch-38326288.xml").read_bytes())
    assert (w.pmid, w.pmcid, w.doi) == ("38326288", "PMC10850029", "10.1002/jev2.12404")
    assert (w.authors[0].family, w.authors[0].given, w.authors[0].orcid) == ("Welsh", "Joshua A", "0000-0002-1097-9756")
    assert (w.issn_electronic, w.nlm_abbreviation, w.article_number) == ("2001-3078", "J Extracell Vesicles", "e12404")


def test_what_does_doi_content_negotiation_give_for_misev2014() -> None:
    w = csl.parse((RECORDED / "doi" / "10.3402_jev.v3.26913.json").read_bytes())
    assert w.doi == "10.3402/jev.v3.26913" and len(w.authors) == 15 and w.authors[0].family == "Lötvall"
    assert w.issued == (2014, 12, 22)


@pytest.mark.parametrize(
    ("parser", "body", "phrase"),
    [
        (crossref.parse, b'{"status": "ok", "message-type": "work", "message": {"DOI": "10.5555/1"', "malformed JSON"),
        (crossref.parse, b'{"status": "ok", "message-type": "work-list", "message": {}}', "not a Crossref work"),
        (crossref.parse, b'{"status": "ok", "message-type": "work", "message": {"title": ["x"]}}', "no valid DOI"),
        (csl.parse, b"[1, 2]", "not a CSL-JSON item"),
        (lambda b: pubmed.parse_summary(b), b'{"header": {}, "result": {}}', "not an ESummary result"),
        (lambda b: pubmed.parse_article(b), b"<PubmedArticleSet><PubmedArticle>", "malformed XML"),
        (crossref.parse, b"\xff\xfe{}", "not UTF-8"),
    ],
)
def test_why_is_a_malformed_answer_rejected(parser, body: bytes, phrase: str) -> None:
    with pytest.raises(MalformedResponse) as caught:
        parser(body)
    assert phrase in str(caught.value) and "\n" not in str(caught.value)


def _synthetic() -> bytes:
    # Crossref's test prefix 10.5555 identifies nothing real
    return json.dumps(
        {
            "status": "ok",
            "message-type": "work",
            "message": {
                "DOI": "10.5555/EVKG-TEST-1",
                "type": "journal-article",
                "title": ["A test record"],
                "author": [
                    {"given": "Ann B.", "family": "Example", "sequence": "first"},
                    {"name": "Test Consortium", "sequence": "additional"},
                ],
                "container-title": ["Journal of Tests"],
                "issn-type": [{"value": "2001-3078", "type": "electronic"}],
                "page": "10-20",
                "issued": {"date-parts": [[2021, 3]]},
                "reference": [{"key": "r1", "DOI": "10.1002/jev2.12404"}, {"key": "r2", "unstructured": "no DOI"}],
                "update-to": [
                    {"DOI": "10.5555/evkg-test-0", "type": "correction", "updated": {"date-parts": [[2021]]}}
                ],
            },
        }
    ).encode()


def test_how_is_a_record_modelled_in_rdf(reg: prefixes.Prefixes) -> None:
    """Ordered authorships, group author, pages, date precision, external citations, provenance."""
    v = Vocab.of(reg)
    work = crossref.parse(_synthetic())
    gid = v.graph["external/crossref/doi-10-5555-evkg-test-1"]
    prov = Provenance(
        "crossref",
        "https://api.crossref.org/works/10.5555/evkg-test-1",
        datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        "ab" * 32,
        crossref.LICENSE,
        "test",
    )
    g = work_graph(work, prefixes=reg, graph_iri=gid, provenance=prov)
    pub = v.publication["doi-10-5555-evkg-test-1"]
    assert (pub, RDF.type, v.fabio.Correction) in g and (pub, RDF.type, v.schema.ScholarlyArticle) in g
    assert g.value(pub, DCTERMS.issued) == Literal("2021-03", datatype=XSD.gYearMonth)
    assert (g.value(pub, v.prism.pageRange), g.value(pub, v.prism.startingPage), g.value(pub, v.prism.endingPage)) == (
        Literal("10-20"),
        Literal("10"),
        Literal("20"),
    )
    first, second = URIRef(f"{pub}/author/1"), URIRef(f"{pub}/author/2")
    assert g.value(first, v.evkg.authorPosition) == Literal(1, datatype=XSD.positiveInteger)
    assert g.value(first, v.evkg.nameAsPrinted) == Literal("Example")  # the family name the answer prints
    assert g.value(first, PROV.agent) == v.person["example-ab"]
    assert (g.value(second, PROV.agent), RDF.type, FOAF.Organization) in g
    assert g.value(pub, v.evkg.citesDoi) == Literal("10.1002/jev2.12404")  # not in this (empty) graph
    assert (gid, RDF.type, v.evkg.SourceGraph) in g
    assert g.value(gid, v.evkg.responseSha256) == Literal("ab" * 32)
    assert g.value(gid, PROV.wasAttributedTo) == v.agent["evkg-link"]
    assert not list(g.triples((None, URIRef("http://www.w3.org/2002/07/owl#sameAs"), None)))


@pytest.mark.parametrize(
    ("parts", "datatype"), [((2024,), XSD.gYear), ((2024, 2), XSD.gYearMonth), ((2024, 2, 7), XSD.date)]
)
def test_dates_are_as_precise_as_the_record(parts: tuple[int, ...], datatype: URIRef) -> None:
    assert date_literal(parts).datatype == datatype
