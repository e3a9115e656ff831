"""The definition ledger: every sourced definition of the field's core terms side by side (CQ-31), MISEV2023's
Table 2 with its verdicts, and the reviewed SSSOM mapping set, validated by the SSSOM reference validator."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from rdflib import URIRef

from evkg.link import table

ID = "https://w3id.org/evkg/id/"
EVKG = "https://w3id.org/evkg/ontology/"
SSSOM = Path(sys.executable).with_name("sssom")


def _ledger(kg, term: str):
    return kg.queries.definition_ledger(term=ID + "term/" + term)


def test_how_do_go_and_misev2023_define_an_extracellular_vesicle(kg):
    """How do GO and MISEV2023 define an extracellular vesicle, and where do they differ?"""
    rows = {str(r.definition).rsplit("/", 1)[-1]: r for r in _ledger(kg, "extracellular-vesicle")}
    go, misev = rows["extracellular-vesicle-go-en"], rows["extracellular-vesicle-misev2023-en"]
    assert str(go.text) == "Any vesicle that is part of the extracellular region."
    assert str(misev.text).startswith("Particles that are released from cells, are delimited by a lipid bilayer")
    assert str(go.definerLabel) == "Gene Ontology Consortium"
    assert misev.membrane.toPython() is True and go.membrane.toPython() is False
    assert str(misev.verdict) == EVKG + "recommended"


def test_extracellular_vesicle_and_exosome_have_at_least_five_sourced_definitions(kg):
    """Do at least five sourced definitions of EV, and five of exosome, each in the graph of the page that prints
    it (not the curators' own), give their words? (OpenMD prints both MeSH's and NCIt's definition of EV: two
    definers on one page.)"""
    for term in ("extracellular-vesicle", "exosome"):
        rows = [
            r for r in _ledger(kg, term) if str(r.grade) != EVKG + "curatorsWork" and not r.isTranslation.toPython()
        ]
        definitions = {(str(r.definer), str(r.source)) for r in rows}
        assert len(definitions) >= 5, (term, sorted(definitions))
        assert all(r.graph is not None and r.text for r in rows)


def test_are_definitions_of_exosome_size_based_or_biogenesis_based(kg):
    """Which definitions of exosome rest on size, which on biogenesis, and is the term discouraged?"""
    rows = {str(r.definition).rsplit("/", 1)[-1]: r for r in _ledger(kg, "exosome")}
    assert rows["exosome-nikkei-biotech-ja"].sizeBased.toPython() is True
    assert rows["exosome-nikkei-biotech-ja"].biogenesisBased.toPython() is False
    assert rows["exosome-nikkei-biotech-strict-ja"].biogenesisBased.toPython() is True
    assert rows["exosome-go-en"].sizeBased.toPython() and rows["exosome-go-en"].biogenesisBased.toPython()
    assert all(r.discouraged.toPython() is True for r in rows.values())


def test_which_rows_of_misev2023_table2_are_in_the_graph(kg):
    """Which terms of MISEV2023 Table 2 does the graph hold, with which verdict, each backed by its row?"""
    rows = kg.sparql(
        """SELECT ?term ?verdict ?exact WHERE {
             ?rec evkg:recommendedBy organization:isev ; evkg:recommendedTerm ?term ; evkg:usageVerdict ?verdict .
             ?evidence oa:hasBody/rdf:subject ?rec ; oa:hasTarget/oa:hasSelector/oa:exact ?exact .
           }"""
    )
    rows = [{k: r[k].value for k in ("term", "verdict", "exact")} for r in rows]
    got = {r["term"].rsplit("/", 1)[-1]: r["verdict"].rsplit("/", 1)[-1] for r in rows}
    assert got == {
        "extracellular-vesicle": "recommended",
        "non-vesicular-extracellular-particle": "recommended",
        "extracellular-particle": "recommended",
        "ev-mimetic": "recommended",
        "artificial-cell-derived-vesicle": "recommended",
        "synthetic-vesicle": "recommended",
        "small-ev": "recommendedWithCaution",
        "large-ev": "recommendedWithCaution",
    }
    # each recommendation is backed by its whole row of the table (term | definition | usage)
    verdicts = ("| Recommended", "| Recommended, but caution required")
    rows_quoted = {r["term"] for r in rows if r["exact"].endswith(verdicts)}
    assert rows_quoted == {r["term"] for r in rows}


def test_terms_no_japanese_source_names_are_english_only(kg):
    """Are the Table 2 terms that no Japanese source names labelled in English only, never translated by us?"""
    english_only = {str(s).rsplit("/", 1)[-1] for s in kg.rdflib_graph().subjects(
        URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), URIRef(EVKG + "EnglishOnlyTerm"))}
    assert {"ev-mimetic", "artificial-cell-derived-vesicle", "synthetic-vesicle", "apoptotic-body"} <= english_only
    assert "small-ev" not in english_only  # 小EV: Nikkei Biotechnology's glossary names it


def test_the_sssom_mapping_set_validates_against_the_sssom_schema(tmp_path):
    """Does `evkg link table --sssom` give a reviewed mapping set that SSSOM's own validator accepts (and does
    that validator reject a broken one)?"""
    text = table.sssom_tsv(None)
    body = [line.split("\t") for line in text.splitlines() if not line.startswith("#")]
    header, rows = body[0], body[1:]
    assert {(r[0], r[2], r[3]) for r in rows} >= {
        ("term:extracellular-vesicle", "skos:closeMatch", "GO:1903561"),
        ("term:exosome", "skos:closeMatch", "GO:0070062"),
        ("term:ectosome", "skos:closeMatch", "GO:1990742"),
        ("term:apoptotic-body", "skos:exactMatch", "GO:0097189"),
    }
    column = dict(zip(header, range(len(header)), strict=True))
    assert all(r[column["comment"]] and r[column["see_also"]].startswith("https://") for r in rows)
    good = tmp_path / "terms.sssom.tsv"
    good.write_text(text, encoding="utf-8")
    checks = ["-V", "JsonSchema", "-V", "PrefixMapCompleteness", "-V", "StrictCurieFormat"]
    done = subprocess.run([str(SSSOM), "validate", *checks, str(good)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    bad = tmp_path / "bad.sssom.tsv"
    bad.write_text(text.replace("semapv:ManualMappingCuration", "semapv:Guessing", 1), encoding="utf-8")
    done = subprocess.run([str(SSSOM), "validate", *checks, str(bad)], capture_output=True, text=True, timeout=120)
    assert done.returncode != 0 and "semapv:Guessing" in done.stderr
