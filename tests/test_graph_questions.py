"""Every fact of JSRM's press release of 2025-08-28, asked as the questions users ask.

Each test asks the bundled graph (union of all named graphs) in SPARQL and checks the answer
against the source text (../shared/source, copied to graph/_sources/). Where it matters, the test
also checks WHICH named graph says so: the release's facts must sit in the release's graph, facts
from other records in theirs.
"""

from __future__ import annotations

import pytest
from graph_helpers import REPO_ROOT, ask, select, values

PR = "https://w3id.org/evkg/graph/jsrm-press-release-2025-08-28"
PR_EN = "https://w3id.org/evkg/graph/jsrm-press-release-2025-08-28-en"


# --- the press release ----------------------------------------------------------------------------
def test_who_published_the_press_release_when_and_in_which_language(kg):
    rows = select(
        kg,
        f"""SELECT ?pub ?date ?lang WHERE {{ GRAPH <{PR}> {{
        document:jsrm-press-release-2025-08-28 a fabio:PressRelease ; dcterms:publisher ?pub ;
            dcterms:issued ?date ; dcterms:language ?lang }} }}""",
    )
    assert rows == [
        {
            "pub": "https://w3id.org/evkg/id/organization/jsrm",
            "date": "2025-08-28",
            "lang": "http://id.loc.gov/vocabulary/iso639-1/ja",
        }
    ]


# --- JSRM -----------------------------------------------------------------------------------------
def test_what_is_jsrm_called_in_japanese_and_english_and_what_is_its_acronym(kg):
    assert values(kg, "SELECT ?l WHERE { organization:jsrm skos:prefLabel ?l FILTER(lang(?l)='ja') }") == {
        "日本再生医療学会"
    }
    assert values(kg, "SELECT ?l WHERE { organization:jsrm skos:prefLabel ?l FILTER(lang(?l)='en') }") == {
        "Japanese Society for Regenerative Medicine"
    }
    assert "JSRM" in values(kg, "SELECT ?l WHERE { organization:jsrm skos:altLabel ?l }")
    assert values(kg, f"SELECT ?n WHERE {{ GRAPH <{PR}> {{ organization:jsrm schema:legalName ?n }} }}") == {
        "一般社団法人日本再生医療学会"
    }


def test_what_legal_form_does_jsrm_have(kg):
    assert values(
        kg,
        """SELECT ?l WHERE { organization:jsrm org:classification ?c . ?c skos:prefLabel ?l
        FILTER(lang(?l)='ja') }""",
    ) == {"一般社団法人"}


def test_where_is_jsrm_as_of_the_release(kg):
    rows = select(
        kg,
        f"""SELECT ?loc ?region ?country ?asof WHERE {{ GRAPH <{PR}> {{ organization:jsrm schema:address
        ?a .
        ?a schema:addressLocality ?loc ; schema:addressRegion ?region ; schema:addressCountry ?country ;
        evkg:asOf ?asof }} }}""",
    )
    assert rows == [{"loc": "中央区", "region": "東京都", "country": "JP", "asof": "2025-08-28"}]
    assert values(kg, "SELECT ?l WHERE { address:jsrm-2025 schema:addressLocality ?l FILTER(lang(?l)='en') }") == {
        "Chuo-ku"
    }


def test_who_chairs_jsrm_and_in_which_office(kg):
    rows = select(
        kg,
        """SELECT ?ja ?en ?role ?asof WHERE { ?m a org:Membership ; org:organization organization:jsrm ;
        org:member ?p ; org:role ?r ; evkg:asOf ?asof . ?r skos:prefLabel ?role FILTER(lang(?role)='ja')
        ?p rdfs:label ?ja FILTER(lang(?ja)='ja') ?p rdfs:label ?en FILTER(lang(?en)='en') FILTER(?asof >=
        "2025-01-01"^^xsd:date) }""",
    )
    assert rows == [{"ja": "西田幸二", "en": "Kohji Nishida", "role": "理事長", "asof": "2025-08-28"}]


def test_how_many_members_does_jsrm_have_and_how_sure_is_the_number(kg):
    rows = select(
        kg,
        """SELECT ?v ?q ?asof ?src WHERE { organization:jsrm evkg:memberCount ?o .
        ?o schema:value ?v ; evkg:countQualifier ?q ; evkg:asOf ?asof ; dcterms:source ?src }""",
    )
    assert rows == [
        {
            "v": 6000,
            "q": "https://w3id.org/evkg/ontology/approximately",
            "asof": "2025-08-28",
            "src": "https://w3id.org/evkg/id/document/jsrm-press-release-2025-08-28",
        }
    ]


def test_what_does_jsrm_say_it_is(kg):
    texts = values(kg, f"SELECT ?v WHERE {{ GRAPH <{PR}> {{ organization:jsrm evkg:asserts ?t . ?t rdf:value ?v }} }}")
    assert any("世界最大規模の再生医療に関する学会" in t for t in texts)
    assert any("唯一無二のプラットフォーム" in t for t in texts)
    english = values(
        kg,
        """SELECT ?v WHERE { organization:jsrm evkg:asserts ?t . ?t evkg:hasTranslation ?tr .
        ?tr rdf:value ?v FILTER(lang(?v)='en') }""",
    )
    assert any("world's largest" in t for t in english)


def test_in_which_disciplines_do_jsrm_members_work(kg):
    assert values(
        kg,
        """SELECT ?l WHERE { organization:jsrm evkg:memberDiscipline ?d . ?d skos:prefLabel ?l
        FILTER(lang(?l)='ja') }""",
    ) == {"基礎医学", "臨床医学", "組織工学", "細胞生物学", "生命倫理学", "規制科学", "法学", "医療経済学"}
    # grouped as the release groups them
    assert values(
        kg,
        """SELECT ?l WHERE { term:bioethics skos:broader ?g . ?g skos:prefLabel ?l FILTER(lang(?l)='ja')
        }""",
    ) == {"人文社会科学分野"}


def test_which_sectors_does_jsrm_bring_together(kg):
    assert values(
        kg,
        """SELECT ?l WHERE { organization:jsrm evkg:convenesSector ?s . ?s skos:prefLabel ?l
        FILTER(lang(?l)='en') }""",
    ) == {"academia", "industry", "government"}


# --- ISEV -----------------------------------------------------------------------------------------
def test_what_is_isev_called_and_where_is_it(kg):
    assert values(kg, "SELECT ?l WHERE { organization:isev skos:prefLabel ?l FILTER(lang(?l)='ja') }") == {
        "国際細胞外小胞学会"
    }
    assert values(kg, "SELECT ?l WHERE { organization:isev skos:prefLabel ?l FILTER(lang(?l)='en') }") == {
        "International Society for Extracellular Vesicles"
    }
    rows = select(
        kg,
        """SELECT ?r ?c WHERE { organization:isev schema:address ?a . ?a schema:addressRegion ?r ;
        schema:addressCountry ?c FILTER(lang(?r)='en') }""",
    )
    assert rows == [{"r": "New Jersey", "c": "US"}]


def test_who_is_isevs_president(kg):
    rows = select(
        kg,
        """SELECT DISTINCT ?name ?role WHERE { ?m org:organization organization:isev ; org:member ?p ;
        org:role ?r .
        ?p foaf:name ?name . ?r skos:prefLabel ?role FILTER(lang(?role)='en') }""",
    )
    assert rows == [{"name": "Kenneth W. Witwer", "role": "President"}]


def test_when_was_isev_founded(kg):
    assert values(kg, f"SELECT ?d WHERE {{ GRAPH <{PR}> {{ organization:isev schema:foundingDate ?d }} }}") == {"2011"}
    # "September 2011" (MISEV2014, Fig. 1) is not asserted: no archived page of that article could be retrieved
    assert values(kg, "SELECT ?d WHERE { organization:isev schema:foundingDate ?d }") == {"2011"}


def test_how_many_members_does_isev_have(kg):
    rows = select(
        kg,
        """SELECT ?min ?q ?value WHERE { organization:isev evkg:memberCount ?o . ?o schema:minValue ?min ;
        evkg:countQualifier ?q OPTIONAL { ?o schema:value ?value } }""",
    )
    assert rows == [{"min": 1700, "q": "https://w3id.org/evkg/ontology/moreThan", "value": None}]


def test_what_does_isev_do(kg):
    assert values(
        kg,
        """SELECT ?l WHERE { organization:isev evkg:activity ?a . ?a rdfs:label ?l FILTER(lang(?l)='ja')
        }""",
    ) >= {"年次大会の開催", "オープンアクセス学術誌の刊行", "標準化", "教育", "知識の共有", "応用推進"}
    assert values(kg, "SELECT ?j WHERE { organization:isev evkg:officialJournal ?j }") == {
        "https://w3id.org/evkg/id/journal/j-extracell-vesicles"
    }


def test_which_guideline_series_does_isev_issue_and_in_which_years(kg):
    rows = select(
        kg,
        """SELECT ?edition ?year WHERE { series:misev dcterms:creator organization:isev ;
        evkg:hasEdition ?e .
        ?e rdfs:label ?edition ; dcterms:issued ?year ; schema:position ?pos FILTER(lang(?edition)='en') } ORDER
        BY ?pos""",
    )
    assert rows == [
        {"edition": "MISEV2014", "year": "2014"},
        {"edition": "MISEV2018", "year": "2018"},
        {"edition": "MISEV2023", "year": "2024"},
    ]
    assert values(kg, "SELECT ?e WHERE { series:misev evkg:latestEdition ?e }") == {
        "https://w3id.org/evkg/id/document/misev2023"
    }


# --- the MOU --------------------------------------------------------------------------------------
def test_when_did_jsrm_and_isev_sign_their_mou(kg):
    rows = select(
        kg,
        f"""SELECT ?date WHERE {{ GRAPH <{PR}> {{ ?mou a evkg:MemorandumOfUnderstanding ;
        evkg:signatory organization:jsrm , organization:isev ; evkg:signingDate ?date }} }}""",
    )
    assert rows == [{"date": "2025-07-20"}]


def test_which_societies_has_isev_signed_an_mou_with(kg):
    assert values(
        kg,
        """SELECT ?other WHERE { ?mou a evkg:MemorandumOfUnderstanding ; evkg:signatory
        organization:isev , ?other
        FILTER(?other != organization:isev) }""",
    ) == {"https://w3id.org/evkg/id/organization/jsrm"}


def test_which_fields_does_the_mou_cover(kg):
    assert values(
        kg,
        """SELECT ?l WHERE { agreement:jsrm-isev-mou-2025 evkg:field ?f . ?f skos:prefLabel ?l
        FILTER(lang(?l)='en') }""",
    ) == {"extracellular vesicle", "secretome"}


def test_what_are_the_mous_purposes(kg):
    rows = select(
        kg,
        """SELECT ?ja ?en WHERE { agreement:jsrm-isev-mou-2025 evkg:purpose ?p . ?p schema:position ?n ;
        rdfs:label ?ja , ?en FILTER(lang(?ja)='ja' && lang(?en)='en') } ORDER BY ?n""",
    )
    assert len(rows) == 5
    assert [r["ja"] for r in rows][1:] == [
        "細胞外小胞およびセクレトームの科学的・臨床的応用の推進に向けた研究協力",
        "国際的な規制の調和や標準化の推進",
        "社会に向けて積極的に情報を発信し、理解と信頼を高めていくこと",
        "包括的な協力体制の構築",
    ]
    assert "regulatory harmonisation" in rows[2]["en"]


def test_what_are_the_mous_areas_of_cooperation_in_japanese_and_english(kg):
    rows = select(
        kg,
        """SELECT ?ja ?en WHERE { agreement:jsrm-isev-mou-2025 evkg:areaOfCooperation ?a .
        ?a a evkg:CooperationArea ; schema:position ?n ; rdfs:label ?ja , ?en FILTER(lang(?ja)='ja' &&
        lang(?en)='en') } ORDER BY ?n""",
    )
    assert [r["ja"] for r in rows] == [
        "細胞外小胞・セクレトーム分野における国際共同研究および産業化の支援",
        "科学・臨床・規制等に関する情報共有と知識交換",
        "国際的なガイドラインや標準化に向けた協働",
        "学会・フォーラム等の共催による産学官の対話促進",
        "社会に向けた発信活動を通じた理解と信頼の醸成",
    ]
    assert all(r["en"] for r in rows)
    # the English is ours, and lives in the translation graph, not in the release's graph
    assert not ask(
        kg,
        f"""ASK {{ GRAPH <{PR}> {{ ?a a evkg:CooperationArea ; rdfs:label ?l FILTER(lang(?l)='en') }}
        }}""",
    )
    assert ask(
        kg,
        f"""ASK {{ GRAPH <{PR_EN}> {{ area:jsrm-isev-mou-2025-dialogue rdfs:label ?l FILTER(lang(?l)='en') }}
        <{PR_EN}> a evkg:TranslationGraph }}""",
    )


def test_which_document_announced_the_mou(kg):
    assert values(kg, "SELECT ?d WHERE { agreement:jsrm-isev-mou-2025 evkg:announcedIn ?d }") == {
        "https://w3id.org/evkg/id/document/jsrm-press-release-2025-08-28"
    }


# --- the guidance documents -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("work", "ja_date", "en_date"),
    [
        ("jsrm-exosome-guidance-2021", "2021-03", "2022-05"),
        ("jsrm-ev-clinical-guidance-2024", "2024-04", "2025-03"),
    ],
)
def test_when_did_each_language_version_of_the_guidance_appear_according_to_the_release(kg, work, ja_date, en_date):
    rows = select(
        kg,
        f"""SELECT ?lang ?date WHERE {{ GRAPH <{PR}> {{ document:{work} a evkg:GuidanceDocument ;
        dcterms:creator organization:jsrm ; frbr:realization ?v . ?v dcterms:language ?lang ; dcterms:issued ?date }} }}
        ORDER BY ?lang""",
    )
    assert rows == [
        {"lang": "http://id.loc.gov/vocabulary/iso639-1/en", "date": en_date},
        {"lang": "http://id.loc.gov/vocabulary/iso639-1/ja", "date": ja_date},
    ]


def test_when_did_the_english_version_of_the_exosome_document_appear(kg):
    assert values(
        kg,
        """SELECT ?d WHERE { document:jsrm-exosome-guidance-2021-ja schema:workTranslation ?en .
        ?en dcterms:issued ?d }""",
    ) == {"2022-05"}


def test_where_can_i_read_the_guidance_documents(kg):
    urls = values(kg, f"SELECT ?u WHERE {{ GRAPH <{PR}> {{ ?v frbr:realizationOf ?w ; schema:url ?u }} }}")
    assert "https://jsev.jp/docs/jsev_ev_treatment_2023122501.pdf" in urls
    assert any(u.startswith("https://www.jsrm.jp/cms/uploads/2021/04/") for u in urls)


def test_what_are_the_titles_and_identifiers_of_the_english_clinical_guidance(kg):
    rows = select(
        kg,
        """SELECT ?title ?doi ?pmid ?pmcid ?date WHERE { document:jsrm-ev-clinical-guidance-2024-en
        dcterms:title ?title ; evkg:doi ?doi ; evkg:pmid ?pmid ; evkg:pmcid ?pmcid ; dcterms:issued ?date
        FILTER(datatype(?date) = xsd:date) }""",
    )
    assert rows == [
        {
            "title": "Guidance on the clinical application of extracellular vesicles",
            "doi": "10.1016/j.reth.2025.02.008",
            "pmid": "40124467",
            "pmcid": "PMC11930518",
            "date": "2025-03-07",
        }
    ]


# --- publications ---------------------------------------------------------------------------------
def test_how_does_the_release_cite_misev2023(kg):
    rows = select(
        kg,
        f"""SELECT ?title ?journal ?vol ?issue ?art ?year ?first WHERE {{ GRAPH <{PR}> {{
        publication:misev2023 dcterms:title ?title ; dcterms:isPartOf ?j ; prism:volume ?vol ;
        prism:issueIdentifier ?issue ;
        evkg:articleNumber ?art ; dcterms:issued ?year ; prov:qualifiedAttribution ?a .
        ?a evkg:authorPosition 1 ; evkg:nameAsPrinted ?first . ?j fabio:hasNLMJournalTitleAbbreviation ?journal
        }} }}""",
    )
    assert rows == [
        {
            "title": (
                "Minimal information for studies of extracellular vesicles"
                " (MISEV2023): From basic to advanced approaches"
            ),
            "journal": "J Extracell Vesicles",
            "vol": "13",
            "issue": "2",
            "art": "e12404",
            "year": "2024",
            "first": "Welsh JA",
        }
    ]


def test_what_does_the_misev2023_erratum_correct(kg):
    rows = select(
        kg,
        """SELECT ?vol ?issue ?art WHERE { ?e a fabio:Erratum ; cito:corrects publication:misev2023 ;
        prism:volume ?vol ; prism:issueIdentifier ?issue ; evkg:articleNumber ?art }""",
    )
    assert rows == [{"vol": "13", "issue": "5", "art": "e12451"}]


def test_the_unverified_erratum_doi_is_not_in_the_graph(kg):
    assert not ask(kg, 'ASK { ?x ?p ?o FILTER(CONTAINS(STR(?o), "jev2.12451")) }')


def test_how_does_the_release_cite_daneshmandi_2020(kg):
    rows = select(
        kg,
        f"""SELECT ?vol ?issue ?pages ?year WHERE {{ GRAPH <{PR}> {{ publication:daneshmandi-2020
        prism:volume ?vol ; prism:issueIdentifier ?issue ; prism:pageRange ?pages ; dcterms:issued ?year }} }}""",
    )
    assert rows == [{"vol": "38", "issue": "12", "pages": "1373-1384", "year": "2020"}]


@pytest.mark.parametrize(
    ("pub", "doi", "pmid", "pmcid"),
    [
        ("misev2023", "10.1002/jev2.12404", None, "PMC10850029"),
        ("misev2018", "10.1080/20013078.2018.1535750", None, "PMC6322352"),
        ("misev2014", "10.3402/jev.v3.26913", "25536934", "PMC4275645"),
        ("daneshmandi-2020", "10.1016/j.tibtech.2020.04.013", None, "PMC7666064"),
    ],
)
def test_what_are_the_identifiers_of_each_publication(kg, pub, doi, pmid, pmcid):
    """PMIDs that no archived page prints (MISEV2023, MISEV2018, Daneshmandi 2020) are candidates, not facts."""
    rows = select(
        kg,
        f"""SELECT ?doi ?pmid ?pmcid WHERE {{ publication:{pub} evkg:doi ?doi ; evkg:pmcid ?pmcid
        OPTIONAL {{ publication:{pub} evkg:pmid ?pmid }} }}""",
    )
    assert rows == [{"doi": doi, "pmid": pmid, "pmcid": pmcid}]
    # and the DOI resolves from the graph, as an IRI (never owl:sameAs)
    assert ask(kg, f"ASK {{ publication:{pub} schema:sameAs <https://doi.org/{doi}> }}")


def test_which_identifiers_come_only_from_a_secondary_source(kg):
    rows = values(
        kg,
        """SELECT ?doi WHERE { GRAPH ?g { publication:daneshmandi-2020 evkg:doi ?doi } ?g evkg:evidenceGrade
        evkg:secondarySource }""",
    )
    assert rows == {"10.1016/j.tibtech.2020.04.013"}


def test_which_identifiers_are_only_candidates_and_why():
    """Identifiers known only from a weak source wait in graph/_candidates.tsv, outside the graph."""
    from evkg.link.candidates import read

    rows = {(c.kind, c.value, c.about) for c in read(REPO_ROOT / "graph" / "_candidates.tsv")}
    assert {
        ("pmid", "38326288", "misev2023"),
        ("pmid", "30637094", "misev2018"),
        ("pmid", "32622558", "daneshmandi-2020"),
        ("mesh", "D055354", "exosome"),
        ("issn", "0167-7799", "trends-biotechnol"),
    } <= rows


def test_who_are_the_authors_of_misev2014_in_order(kg):
    rows = select(
        kg,
        """SELECT ?n WHERE { publication:misev2014 prov:qualifiedAttribution ?a . ?a evkg:authorPosition
        ?pos ;
        evkg:nameAsPrinted ?n } ORDER BY ?pos""",
    )
    names = [r["n"] for r in rows]
    assert len(names) == 15 and names[0] == "Lötvall, Jan" and names[-1] == "Théry, Clotilde"


def test_what_is_joshua_welshs_orcid(kg):
    # his site's configuration replaced 0000-0003-1746-1279 (another person's) on 2025-06-01
    assert values(kg, "SELECT ?o WHERE { person:joshua-a-welsh evkg:orcid ?o }") == {"0000-0002-1097-9756"}
    assert ask(
        kg,
        """ASK { GRAPH graph:welsh-site-config {
        person:joshua-a-welsh schema:sameAs <https://orcid.org/0000-0002-1097-9756> } }""",
    )


def test_what_is_the_issn_of_each_journal(kg):
    assert values(kg, "SELECT ?i WHERE { journal:j-extracell-vesicles prism:eIssn ?i }") == {"2001-3078"}
    # Trends in Biotechnology's print ISSN is only embedded in a PII: a candidate, not a fact
    assert values(kg, "SELECT ?i WHERE { journal:trends-biotechnol prism:issn ?i }") == set()


# --- terms ----------------------------------------------------------------------------------------
TERMS = {
    "extracellular-vesicle": ("細胞外小胞", "extracellular vesicle"),
    "exosome": ("エクソソーム", "exosome"),
    "ectosome": ("エクトソーム", "ectosome"),
    "secretome": ("セクレトーム", "secretome"),
    "soluble-factor": ("可溶性因子", "soluble factor"),
    "growth-factor": ("成長因子", "growth factor"),
    "cytokine": ("サイトカイン", "cytokine"),
    "chemokine": ("ケモカイン", "chemokine"),
    "enzyme": ("酵素", "enzyme"),
}


@pytest.mark.parametrize("slug", sorted(TERMS))
def test_what_is_each_term_called_in_japanese_and_english(kg, slug):
    ja, en = TERMS[slug]
    rows = select(
        kg,
        f"""SELECT ?ja ?en WHERE {{ term:{slug} skos:inScheme scheme:ev-glossary ; skos:prefLabel ?ja ,
        ?en
        FILTER(lang(?ja)='ja' && lang(?en)='en') }}""",
    )
    assert rows == [{"ja": ja, "en": en}]
    # and it has at least one definition with a source
    assert ask(kg, f"ASK {{ term:{slug} skos:definition ?d . ?d rdf:value ?v ; dcterms:source ?s }}")


def test_which_definition_of_ev_does_misev2023_give_and_who_says_so(kg):
    rows = select(
        kg,
        """SELECT ?text ?g WHERE { term:extracellular-vesicle skos:definition ?d .
        GRAPH ?g { ?d rdf:value ?text ; dcterms:source publication:misev2023 } FILTER(lang(?text)='en') }""",
    )
    assert rows == [
        {
            "text": (
                "Particles that are released from cells, are delimited by a"
                " lipid bilayer, and cannot replicate on their own."
            ),
            "g": "https://w3id.org/evkg/graph/pmc-misev2023",
        }
    ]
    # the Japanese is the release's, and is marked as JSRM's translation of MISEV2023's English
    rows = select(
        kg,
        f"""SELECT ?text ?translator WHERE {{ GRAPH <{PR}> {{ term:extracellular-vesicle skos:definition
        ?d .
        ?d a evkg:Translation ; rdf:value ?text ; evkg:translator ?translator ;
        evkg:isTranslationOf definition:extracellular-vesicle-misev2023-en }} }}""",
    )
    assert rows == [
        {
            "text": (
                "細胞から放出される、脂質二重層によって区切られかつ自"
                "己複製できない（すなわち、機能的な核を含まない）粒子。"
            ),
            "translator": "https://w3id.org/evkg/id/organization/jsrm",
        }
    ]
    # who says so, and where: the quote in the release
    assert ask(
        kg,
        """ASK { ?e a evkg:Evidence ; oa:hasBody [ rdf:subject term:extracellular-vesicle ; rdf:predicate
        skos:definition ] ;
        oa:hasTarget [ oa:hasSource document:jsrm-press-release-2025-08-28 ; oa:hasSelector [ oa:exact ?q ] ] }""",
    )


def test_which_language_is_original_for_each_definition(kg):
    rows = select(
        kg,
        """SELECT ?term ?lang WHERE { ?term skos:inScheme scheme:ev-glossary ; skos:definition ?d .
        ?d rdf:value ?v FILTER NOT EXISTS { ?d evkg:isTranslationOf ?o } BIND(lang(?v) AS ?lang) }""",
    )
    originals = {(r["term"].rsplit("/", 1)[1], r["lang"]) for r in rows}
    assert ("extracellular-vesicle", "en") in originals
    assert ("secretome", "en") in originals
    assert ("extracellular-vesicle", "ja") not in originals


def test_how_does_daneshmandi_define_the_secretome(kg):
    assert values(
        kg,
        """SELECT ?v WHERE { term:secretome skos:definition ?d . ?d dcterms:source
        publication:daneshmandi-2020 ;
        rdf:value ?v FILTER(lang(?v)='en') FILTER NOT EXISTS { ?d evkg:isTranslationOf ?x } }""",
    ) == {"the set of molecules and biological factors that are secreted by cells into the extracellular space"}


def test_what_is_the_secretome_made_of(kg):
    assert values(kg, "SELECT ?c WHERE { term:secretome evkg:component ?c }") == {
        "https://w3id.org/evkg/id/term/soluble-factor",
        "https://w3id.org/evkg/id/term/extracellular-vesicle",
    }
    assert values(
        kg,
        """SELECT ?l WHERE { term:secretome evkg:component/skos:narrower ?x . ?x skos:prefLabel ?l
        FILTER(lang(?l)='en') }""",
    ) >= {"growth factor", "cytokine", "chemokine", "enzyme", "exosome", "ectosome"}


def test_what_do_evs_carry(kg):
    assert values(
        kg,
        """SELECT ?l WHERE { term:extracellular-vesicle evkg:carries ?c . ?c skos:prefLabel ?l
        FILTER(lang(?l)='ja') }""",
    ) == {"脂質", "タンパク質", "RNA", "DNA"}


def test_how_are_exosome_and_ectosome_related_to_ev(kg):
    """Exosome, ectosome, apoptotic body and MISEV2023's operational small and large EVs are kinds of EV."""
    assert values(kg, "SELECT ?t WHERE { ?t skos:broader term:extracellular-vesicle }") == {
        "https://w3id.org/evkg/id/term/exosome",
        "https://w3id.org/evkg/id/term/ectosome",
        "https://w3id.org/evkg/id/term/apoptotic-body",
        "https://w3id.org/evkg/id/term/small-ev",
        "https://w3id.org/evkg/id/term/large-ev",
    }


def test_which_term_does_isev_recommend_and_why(kg):
    rows = select(
        kg,
        """SELECT ?by ?rec ?rationale WHERE { ?r a evkg:UsageRecommendation ; evkg:recommendedBy ?by ;
        evkg:recommendedTerm ?rec ; evkg:rationale ?t ; evkg:discouragedTerm term:exosome , term:ectosome .
        ?t rdf:value ?rationale FILTER(lang(?rationale)='ja') }""",
    )
    assert len(rows) == 1
    assert rows[0]["by"].endswith("/organization/isev") and rows[0]["rec"].endswith("/term/extracellular-vesicle")
    assert "一般的な用語「EV」" in rows[0]["rationale"]


def test_which_gene_ontology_terms_do_ev_and_exosome_map_to(kg):
    assert values(kg, "SELECT ?go WHERE { term:extracellular-vesicle skos:closeMatch ?go }") == {
        "http://purl.obolibrary.org/obo/GO_1903561"
    }
    assert "http://purl.obolibrary.org/obo/GO_0070062" in values(
        kg, "SELECT ?go WHERE { term:exosome skos:closeMatch ?go }"
    )


# --- provenance, quotes, conflicts ----------------------------------------------------------------
@pytest.mark.parametrize(
    ("subject", "predicate"),
    [
        ("agreement:jsrm-isev-mou-2025", "evkg:signingDate"),
        ("document:jsrm-exosome-guidance-2021-en", "dcterms:issued"),
        ("document:jsrm-ev-clinical-guidance-2024-en", "dcterms:issued"),
        ("organization:jsrm", "evkg:memberCount"),
        ("organization:isev", "evkg:memberCount"),
        ("organization:isev", "schema:foundingDate"),
        ("post:jsrm-rijicho-kohji-nishida-2025", "org:member"),
        ("post:isev-president-kenneth-w-witwer-2025", "org:member"),
        ("recommendation:isev-generic-term-ev", "evkg:recommendedTerm"),
        ("term:secretome", "skos:definition"),
    ],
)
def test_who_says_so_and_where(kg, subject, predicate):
    rows = select(
        kg,
        f"""SELECT ?src ?quote WHERE {{ ?e a evkg:Evidence ;
        oa:hasBody [ rdf:subject {subject} ; rdf:predicate {predicate} ] ;
        oa:hasTarget [ oa:hasSource ?src ; oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact ?quote ] ] }}""",
    )
    assert rows, f"no quote backs {subject} {predicate}"
    assert all(r["quote"] for r in rows)


def test_which_conflicts_between_sources_are_recorded(kg):
    rows = select(
        kg,
        """SELECT ?c (COUNT(DISTINCT ?e) AS ?n) WHERE { ?c a evkg:SourceConflict ; evkg:conflictStatus
        "unresolved" ;
        evkg:conflictingEvidence ?e } GROUP BY ?c""",
    )
    found = {r["c"].rsplit("/", 1)[1]: r["n"] for r in rows}
    assert found.keys() >= {"exosome-guidance-2021-title", "clinical-guidance-location", "press-release-date"}
    assert all(n >= 2 for n in found.values())


def test_both_titles_of_the_2021_document_are_kept_each_with_its_source(kg):
    rows = select(
        kg,
        """SELECT ?title ?src WHERE { conflict:exosome-guidance-2021-title evkg:conflictingEvidence ?e .
        ?e oa:hasBody [ rdf:object ?title ] ; oa:hasTarget [ oa:hasSource ?src ] }""",
    )
    titles = {r["title"] for r in rows}
    assert "エクソソーム等の調製・製造に関する考え方" in titles
    assert "エクソソーム等の調製・治療に対する考え方" in titles


def test_facts_from_other_records_are_not_mixed_into_the_release_graph(kg):
    # identifiers come from the registries' records, never from the release
    assert not ask(kg, f"ASK {{ GRAPH <{PR}> {{ ?x evkg:doi|evkg:pmid|evkg:pmcid|evkg:orcid ?id }} }}")
    # JSRM's founding year is on its own site, not in the release
    assert not ask(kg, f"ASK {{ GRAPH <{PR}> {{ organization:jsrm schema:foundingDate ?d }} }}")
    founded = "SELECT ?d WHERE { GRAPH graph:jsrm-news-12817 { organization:jsrm schema:foundingDate ?d } }"
    assert values(kg, founded) == {"2001"}
