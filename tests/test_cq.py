"""Competency questions: each queries/cq/*.rq answers its question on the bundled graph.

Every CQ is run with its header's example parameters and compared with its reviewed answer in
tests/golden/cq/<file>.srj (as a list when the query has ORDER BY, else as a multiset). After a
deliberate change of a query or of the graph, regenerate with ``pytest --update-golden`` and review
the diff. The named tests below check what the press release and the other sources actually say.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from evkg.query.helpers import discover
from evkg.query.results import result_from_json

REPO = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).resolve().parent / "golden" / "cq"
CQ = [s for s in discover(REPO) if s.area == "cq"]
ID = "https://w3id.org/evkg/id/"
EVKG = "https://w3id.org/evkg/ontology/"


def golden_text(result) -> str:
    doc = result.to_sparql_json()
    for binding in doc.get("results", {}).get("bindings", []):
        for term in binding.values():
            if term["type"] == "bnode":
                term["value"] = "_"  # blank node labels differ between runs
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"


def test_there_are_at_least_twenty_documented_competency_questions():
    """Does the cookbook hold at least 20 competency questions, each with a question and a summary?"""
    assert len(CQ) >= 20
    assert all(s.question and s.summary and s.cq for s in CQ)
    assert len({s.cq for s in CQ}) == len(CQ), "two files claim the same CQ id"


@pytest.mark.parametrize("spec", CQ, ids=lambda s: s.name)
def test_competency_question_gives_its_reviewed_answer(spec, kg, request):
    """Does this competency question still give the answer reviewed in tests/golden/cq/?"""
    result = kg.queries[spec.name](**spec.example_bindings())
    golden = GOLDEN / f"{spec.stem}.srj"
    if request.config.getoption("--update-golden"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(golden_text(result), encoding="utf-8")
    assert golden.is_file(), f"no golden answer for {spec.stem}: run pytest --update-golden and review it"
    if result.boolean is None:
        assert len(result) > 0, f"{spec.name} answers nothing on the bundled graph with its example parameters"
    expected = result_from_json(json.loads(golden.read_text(encoding="utf-8")))
    assert result.boolean == expected.boolean
    assert result.vars == expected.vars
    if spec.ordered:
        assert result.canonical() == expected.canonical()
    else:
        assert Counter(result.canonical()) == Counter(expected.canonical())


def test_every_golden_answer_belongs_to_a_query():
    """Is every golden answer still backed by a query file (no stale goldens)?"""
    stems = {s.stem for s in CQ}
    assert {p.stem for p in GOLDEN.glob("*.srj")} <= stems


def test_which_societies_has_isev_signed_an_mou_with(kg):
    """Which societies has ISEV signed an MOU with, and when?"""
    rows = kg.queries.agreements_of_organization(org=ID + "organization/isev")
    assert (URIRef(ID + "organization/jsrm"), Literal("2025-07-20", datatype=XSD.date)) in {
        (r.party, r.signed) for r in rows
    }
    assert all(r.party != URIRef(ID + "organization/isev") for r in rows)


def test_have_jsrm_and_isev_signed_an_agreement_with_each_other(kg):
    """Have JSRM and ISEV signed an agreement with each other (yes), and has JSRM one with itself (no)?"""
    assert kg.queries.signed_agreement_with(org="organization:jsrm", other="organization:isev").boolean is True
    assert kg.queries.signed_agreement_with(org="organization:jsrm", other="organization:jsrm").boolean is False


def test_labels_come_in_the_requested_language_with_fallback(kg):
    """Do I get JSRM's name in Japanese for lang=ja, in English for lang=en, and Japanese first for lang=de?"""
    ja = {r.name for r in kg.queries.organization_profile(org="organization:jsrm", lang="ja")}
    en = {r.name for r in kg.queries.organization_profile(org="organization:jsrm", lang="en")}
    de = {r.name for r in kg.queries.organization_profile(org="organization:jsrm", lang="de")}
    assert ja and {n.language for n in ja} == {"ja"}
    assert en and {n.language for n in en} == {"en"}
    assert de == ja  # no German label: falls back to Japanese, then English


def test_how_many_members_does_isev_have_and_who_says_so(kg):
    """How many members does ISEV have (more than 1,700), as of when, and which graph says so?"""
    rows = kg.queries.membership_counts(org="organization:isev")
    release = "https://w3id.org/evkg/graph/jsrm-press-release-2025-08-28"
    match = [r for r in rows if r.minValue is not None and r.minValue.toPython() == 1700]
    assert match and match[0].qualifier == URIRef(EVKG + "moreThan")
    assert str(match[0].graph) == release and str(match[0].asOf) == "2025-08-28"


def test_what_does_the_secretome_consist_of(kg):
    """What does the secretome consist of: soluble factors (cytokines …) and EVs (carrying lipids …)?"""
    rows = kg.queries.term_components(term="term:secretome")
    pairs = {(str(r.parent).rsplit("/", 1)[-1], str(r.part).rsplit("/", 1)[-1]) for r in rows}
    assert {("secretome", "soluble-factor"), ("secretome", "extracellular-vesicle")} <= pairs
    assert ("soluble-factor", "cytokine") in pairs and ("extracellular-vesicle", "lipid") in pairs


def test_who_says_the_mou_was_signed_on_20_july_2025(kg):
    """Who says the MOU was signed on 2025-07-20, and in which exact words?"""
    rows = kg.queries.who_says_so(resource="agreement:jsrm-isev-mou-2025", lang="en")
    dated = [r for r in rows if str(r.predicate) == EVKG + "signingDate"]
    assert dated and all("2025年7月20日" in str(r.quote) for r in dated)
    assert any(str(r.document) == ID + "document/jsrm-press-release-2025-08-28" for r in dated)
    assert any(r.quoteTranslation is not None and r.quoteTranslation.language == "en" for r in dated)


def test_how_is_extracellular_vesicle_defined_and_which_language_is_original(kg):
    """How is 'extracellular vesicle' defined, by which source, and is the Japanese a translation?"""
    rows = kg.queries.term_definitions(term="term:extracellular-vesicle")
    misev = [r for r in rows if str(r.source) == ID + "publication/misev2023"]
    by_lang = {r.language.toPython(): r for r in misev}
    assert by_lang["en"].isTranslation.toPython() is False
    assert by_lang["ja"].isTranslation.toPython() is True
    assert str(by_lang["ja"].original) == str(by_lang["en"].definition)
    # the other definitions (GO, NCIt and MeSH as OpenMD shows them, SrbEVs) are English originals of their own
    others = [r for r in rows if r not in misev]
    assert others and all(r.isTranslation.toPython() is False and r.language.toPython() == "en" for r in others)


def test_does_label_search_find_terms_in_japanese_and_english(kg):
    """Does searching 細胞外小胞 or 'EXTRACELLULAR vesicle' (any case) find the term?"""
    ev = URIRef(ID + "term/extracellular-vesicle")
    assert ev in {r.resource for r in kg.queries.label_search(text="細胞外小胞")}
    assert ev in {r.resource for r in kg.queries.label_search(text="EXTRACELLULAR vesicle")}


def test_which_erratum_corrects_misev2023(kg):
    """Has MISEV2023 been corrected, and where (J Extracell Vesicles 13(5) e12451)?"""
    rows = kg.queries.errata_of_publication(publication="publication:misev2023")
    assert ("13", "5", "e12451") in {(str(r.volume), str(r.issue), str(r.articleNumber)) for r in rows}


# --- the command line ---------------------------------------------------------------------------------
def test_evkg_query_list_shows_every_documented_query(run_evkg):
    """Does `evkg query --list` show at least 20 documented queries?"""
    done = run_evkg("query", "--list", "--format", "json")
    assert done.returncode == 0, done.stderr
    listed = json.loads(done.stdout)
    assert len([q for q in listed if q["cq"]]) >= 20
    assert all(q["summary"] for q in listed)


def test_evkg_query_answers_in_json_like_the_python_helper(run_evkg, kg):
    """Does `evkg query … --format json` give the same rows as kg.queries in Python?"""
    done = run_evkg(
        "query",
        "agreement_purposes",
        "-p",
        "agreement=agreement:jsrm-isev-mou-2025",
        "--lang",
        "ja",
        "--format",
        "json",
    )
    assert done.returncode == 0, done.stderr
    expected = kg.queries.agreement_purposes(agreement="agreement:jsrm-isev-mou-2025", lang="ja")
    assert result_from_json(json.loads(done.stdout)).canonical() == expected.canonical()


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("query", "organisation_profile", "-p", "org=organization:jsrm"), "did you mean organization_profile"),
        (("query", "organization_profile", "-p", "orgg=organization:jsrm"), "valid: org: iri"),
        (("query", "organization_profile"), "missing required parameter org"),
        (("query", "organization_profile", "-p", "org=not an iri"), "is not a valid absolute IRI"),
        (("query", "organization_profile", "-p", "org=organization:jsrm", "--lang", "e n"), "language tag"),
        (("query", "organization_profile", "-p", "org=organization:jsrm", "-f", "yaml"), "one of: table, json"),
    ],
    ids=["unknown-query", "unknown-param", "missing-param", "bad-iri", "bad-lang", "bad-format"],
)
def test_a_wrong_query_call_says_what_is_valid(run_evkg, args, needle):
    """Do I get one clear line listing what is valid (exit 2, no traceback) when I call a query wrongly?"""
    done = run_evkg(*args)
    assert done.returncode == 2
    assert needle in done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_the_readme_questions_show_their_real_answers():
    """Do the query examples in the README (```pycon blocks) still print exactly what the README shows?"""
    import doctest
    import re

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```pycon\n(.*?)```", readme, re.DOTALL)
    assert blocks, "the README has no ```pycon example"
    test = doctest.DocTestParser().get_doctest("\n".join(blocks), {}, "README.md", "README.md", 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test)
    assert runner.failures == 0, "README query examples no longer match the graph: update README.md"


def test_every_query_execution_is_logged_with_name_bindings_and_time(kg, caplog):
    """Is each helper call logged with the query's name, its bound parameters and the elapsed time?"""
    import logging

    with caplog.at_level(logging.INFO, logger="evkg.query.helpers"):
        kg.queries.agreement_fields(agreement="agreement:jsrm-isev-mou-2025", lang="ja")
    (record,) = [r for r in caplog.records if r.name == "evkg.query.helpers"]
    message = record.getMessage()
    assert "agreement_fields" in message and ID + "agreement/jsrm-isev-mou-2025" in message
    assert "'lang': 'ja'" in message and " ms " in message
