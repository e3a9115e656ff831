"""Seeded synthetic evkg data at any size, shaped like the curated graph and conforming to its shapes.

:func:`generate` writes a complete data folder (``ontology/`` and ``queries/`` copied from a real data
folder, ``graph/synth/*.ttl`` generated, each source graph with the archived copy of its synthetic source
text in ``graph/_sources/synth/``: every word it states, as decision 0014 asks) of about ``triples`` triples.
The same seed and size give the same bytes. What it holds, in the proportions of a graph that links out to
the literature:

- a core graph: the curators, concept schemes (glossary, cargo, disciplines, sectors, roles), the
  field's terms (``term:extracellular-vesicle``, ``term:exosome``, ``term:secretome``, …), the MISEV
  guideline series with its editions and articles, and the anchor societies JSRM, ISEV and JSEV;
- per *round*: one society source graph (organisation, address, officers with their people,
  membership count, activities, self-descriptions as texts, an MOU with another society with its
  purposes, areas of cooperation and evidence quotes, the press release announcing it, a guidance
  document with ja/en versions), its curators' English translation graph (a evkg:TranslationGraph
  holding the ``@en`` labels), and one bibliographic source graph (journal articles with authors,
  ORCID iDs, journals with ISSNs, DOIs, PMIDs, citations, errata); every tenth round a glossary
  graph (terms with broader/narrower, sourced definitions and translations, GO/MeSH mappings,
  usage recommendations).

Identifiers are syntactically valid with correct check digits (ORCID, ISSN, ROR) but synthetic.
IRIs of the anchors are those of the curated graph (``organization:jsrm``, ``publication:misev2023``,
``term:exosome``, …), so the query helpers' example parameters find data.

>>> import tempfile
>>> with tempfile.TemporaryDirectory() as tmp:
...     result = generate(tmp, 3000, seed=7)
>>> result.triples >= 3000
True
"""

from __future__ import annotations

import hashlib
import os
import random
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from evkg.data.identifiers import RESOLVERS, identifier_of_iri, issn_check_digit, orcid_check_digit, ror_check_digits
from evkg.data.layout import DataDir, resolve
from evkg.data.prefixes import Prefixes, registry

#: Folder under ``graph/`` that holds the generated files (so they form their own named graphs).
SYNTH_DIR = "synth"
GENERATED_AT = "2026-11-29T12:00:00Z"
LICENSE = "https://creativecommons.org/licenses/by/4.0/"

# --- words -----------------------------------------------------------------------------------------------
_FAMILY = [
    ("Sato", "佐藤"),
    ("Suzuki", "鈴木"),
    ("Takahashi", "高橋"),
    ("Tanaka", "田中"),
    ("Watanabe", "渡辺"),
    ("Ito", "伊藤"),
    ("Yamamoto", "山本"),
    ("Nakamura", "中村"),
    ("Kobayashi", "小林"),
    ("Kato", "加藤"),
    ("Yoshida", "吉田"),
    ("Yamada", "山田"),
    ("Sasaki", "佐々木"),
    ("Yamaguchi", "山口"),
    ("Matsumoto", "松本"),
    ("Smith", "スミス"),
    ("Garcia", "ガルシア"),
    ("Muller", "ミュラー"),
    ("Rossi", "ロッシ"),
    ("Kim", "キム"),
    ("Chen", "チェン"),
    ("Wang", "ワン"),
    ("Martin", "マルタン"),
    ("Silva", "シルバ"),
    ("Novak", "ノヴァーク"),
]
_GIVEN = [
    ("Haruto", "陽翔"),
    ("Yui", "結衣"),
    ("Sota", "蒼太"),
    ("Aoi", "葵"),
    ("Ren", "蓮"),
    ("Mio", "澪"),
    ("Kenji", "健二"),
    ("Akiko", "明子"),
    ("Hiroshi", "博"),
    ("Naoko", "直子"),
    ("Anna", "アンナ"),
    ("David", "デイビッド"),
    ("Maria", "マリア"),
    ("Lucas", "ルーカス"),
    ("Elena", "エレナ"),
    ("Wei", "ウェイ"),
    ("Jonas", "ヨナス"),
    ("Sofia", "ソフィア"),
    ("Min-jun", "ミンジュン"),
    ("Clara", "クララ"),
]
_TOPICS = [
    ("extracellular vesicles", "細胞外小胞"),
    ("exosomes", "エクソソーム"),
    ("secretome", "セクレトーム"),
    ("mesenchymal stem cells", "間葉系幹細胞"),
    ("cardiac repair", "心臓修復"),
    ("liquid biopsy", "リキッドバイオプシー"),
    ("neurodegeneration", "神経変性"),
    ("wound healing", "創傷治癒"),
    ("tumour microenvironment", "腫瘍微小環境"),
    ("miRNA cargo", "miRNA カーゴ"),
    ("isolation methods", "分離法"),
    ("quality control", "品質管理"),
]
_VERBS = [
    ("Characterisation of", "の特性解析"),
    ("Standardised isolation of", "の標準化された分離"),
    ("Therapeutic potential of", "の治療的可能性"),
    ("Proteomic profiling of", "のプロテオーム解析"),
    ("A multicentre study of", "に関する多施設研究"),
    ("Release and uptake of", "の放出と取り込み"),
]
_ROLES = [
    ("president", "President", "会長"),
    ("rijicho", "Chair of the Board", "理事長"),
    ("vice-president", "Vice-President", "副会長"),
    ("secretary-general", "Secretary-General", "事務局長"),
    ("treasurer", "Treasurer", "会計担当理事"),
    ("director", "Director", "理事"),
]
_REGIONS = [
    ("Tokyo", "東京都", "Chuo", "中央区", "JP"),
    ("Osaka", "大阪府", "Kita", "北区", "JP"),
    ("Kyoto", "京都府", "Sakyo", "左京区", "JP"),
    ("New Jersey", "ニュージャージー州", "Princeton", "プリンストン", "US"),
    ("Bavaria", "バイエルン州", "Munich", "ミュンヘン", "DE"),
    ("Ile-de-France", "イル＝ド＝フランス", "Paris", "パリ", "FR"),
]
_PURPOSES = [
    ("international collaboration in the EV and secretome field", "細胞外小胞・セクレトーム分野における国際連携"),
    ("research cooperation towards clinical application", "臨床応用に向けた研究協力"),
    ("harmonisation of regulation and standards", "規制の調和と標準化"),
    ("communication with the public", "社会への情報発信"),
]
_AREAS = [
    ("joint research and support for industrialisation", "共同研究と産業化の支援"),
    ("sharing of scientific and regulatory information", "科学・規制情報の共有"),
    ("guidelines and standardisation", "ガイドラインと標準化"),
    ("joint meetings and dialogue", "合同会議と対話"),
]
_ACTIVITIES = [
    ("annual meeting", "年次大会の開催"),
    ("education programme", "教育プログラム"),
    ("journal publication", "学術誌の刊行"),
    ("standardisation work", "標準化活動"),
]
_CARGO = [
    ("lipid", "脂質"),
    ("protein", "タンパク質"),
    ("RNA", "RNA"),
    ("DNA", "DNA"),
    ("microRNA", "マイクロRNA"),
    ("metabolite", "代謝物"),
]
#: The field's terms (slug, en, ja, broader slug or None); the anchors of the curated glossary.
_TERMS = [
    ("extracellular-particle", "extracellular particle", "細胞外粒子", None),
    ("extracellular-vesicle", "extracellular vesicle", "細胞外小胞", "extracellular-particle"),
    (
        "non-vesicular-extracellular-particle",
        "non-vesicular extracellular particle",
        "非小胞性細胞外粒子",
        "extracellular-particle",
    ),
    ("exosome", "exosome", "エクソソーム", "extracellular-vesicle"),
    ("ectosome", "ectosome", "エクトソーム", "extracellular-vesicle"),
    ("secretome", "secretome", "セクレトーム", None),
    ("soluble-factor", "soluble factor", "液性因子", "secretome"),
    ("growth-factor", "growth factor", "成長因子", "soluble-factor"),
    ("cytokine", "cytokine", "サイトカイン", "soluble-factor"),
    ("chemokine", "chemokine", "ケモカイン", "cytokine"),
    ("enzyme", "enzyme", "酵素", "soluble-factor"),
]
_ANCHOR_ORGS = [
    ("jsrm", "Japanese Society for Regenerative Medicine", "日本再生医療学会", "JSRM"),
    ("isev", "International Society for Extracellular Vesicles", "国際細胞外小胞学会", "ISEV"),
    ("jsev", "Japanese Society for Extracellular Vesicles", "日本細胞外小胞学会", "JSEV"),
]


# --- a small Turtle writer ---------------------------------------------------------------------------------
def lit(text: str, lang: str | None = None, datatype: str | None = None) -> str:
    """A Turtle literal (``"..."@ja``, ``"..."^^xsd:date``)."""
    body = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    if lang:
        return f'"{body}"@{lang}'
    if datatype:
        return f'"{body}"^^{datatype}'
    return f'"{body}"'


def iri(value: str) -> str:
    return f"<{value}>"


_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")
PO = list[tuple[str, object]]  # (predicate, object) where object is a term string, or a nested PO list


class TurtleFile:
    """One graph file: subject blocks with predicate lists, counted triple by triple."""

    def __init__(self, prefixes: Prefixes, graph: str) -> None:
        self.prefixes = prefixes
        self.graph = graph
        self.blocks: list[str] = []
        self.triples = 0
        self.used: set[str] = set()
        self.language = "en"  # of its synthetic source's text
        self.translation = False
        self.words: dict[str, None] = {}  # what the (synthetic) source prints: every literal, every link out

    def _term(self, term: str) -> str:
        if not term.startswith(("<", '"', "[")) and ":" in term:
            self.used.add(term.split(":", 1)[0])
        elif term.startswith('"') and "^^" in term:
            self.used.add(term.rsplit("^^", 1)[1].split(":", 1)[0])
        if term.startswith('"'):
            body = term[1 : term.rindex('"')]
            self.words[body.replace("\\n", " ").replace('\\"', '"').replace("\\\\", "\\")] = None
        elif term.startswith("<http") and not term.startswith("<https://w3id.org/evkg/"):
            self.words[term[1:-1]] = None
            known = identifier_of_iri(term[1:-1])
            if known is not None:
                self.words[known[1]] = None  # as a page prints it: GO:0070062, not the OBO IRI
        elif _NUMBER.fullmatch(term):
            self.words[term] = None
        return term

    def _pairs(self, pairs: PO, indent: str) -> str:
        parts = []
        for p, o in pairs:
            self.triples += 1
            if isinstance(o, list):
                inner = self._pairs(o, indent + "    ")
                parts.append(f"{self._term(p)} [ {inner} ]")
            else:
                parts.append(f"{self._term(p)} {self._term(str(o))}")
        return f" ;\n{indent}".join(parts)

    def add(self, subject: str, pairs: PO) -> None:
        self.blocks.append(f"{self._term(subject)} {self._pairs(pairs, '    ')} .\n")

    def text(self) -> str:
        head = self.prefixes.turtle_block(sorted(self.used))
        return f"# Synthetic evkg data (benchmarks.synth); named graph <{self.graph}>\n{head}\n" + "\n".join(
            self.blocks
        )


# --- the generator ------------------------------------------------------------------------------------------
@dataclass
class SynthResult:
    """What :func:`generate` wrote."""

    root: Path
    triples: int
    files: list[Path] = field(default_factory=list)
    seed: int = 0


class _World:
    """Everything generated so far that later rounds may refer to."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.orgs: list[str] = []
        self.people: list[str] = []
        self.publications: list[str] = []
        self.journals: list[str] = []
        self.terms: list[str] = []
        self.cargo: list[str] = []
        self.disciplines: list[str] = []
        self.sectors: list[str] = []
        self.person_n = 0
        self.pub_n = 0


class Generator:
    def __init__(self, prefixes: Prefixes, seed: int) -> None:
        self.p = prefixes
        self.rng = random.Random(seed)
        self.w = _World(self.rng)
        self.graph_ns = prefixes["graph"]

    # --- helpers ---
    def graph_iri(self, name: str) -> str:
        return f"{self.graph_ns}{SYNTH_DIR}/{name}"

    def new_file(
        self,
        name: str,
        label_en: str,
        label_ja: str,
        derived_from: str,
        *,
        translation_of: str | None = None,
        grade: str | None = None,
    ) -> TurtleFile:
        graph = self.graph_iri(name)
        f = TurtleFile(self.p, graph)
        pairs: PO = [
            ("a", "evkg:TranslationGraph" if translation_of else "evkg:SourceGraph"),
            ("rdfs:label", lit(label_en, "en")),
            ("rdfs:label", lit(label_ja, "ja")),
            ("prov:wasDerivedFrom", derived_from),
            ("prov:generatedAtTime", lit(GENERATED_AT, datatype="xsd:dateTime")),
            ("prov:wasAttributedTo", "agent:evkg-curators"),
            ("dcterms:license", iri(LICENSE)),
            ("evkg:evidenceGrade", grade or ("evkg:curatorsWork" if translation_of else "evkg:primarySource")),
        ]
        if translation_of:
            pairs.append(("evkg:translationOfGraph", iri(self.graph_iri(translation_of))))
            f.translation = True
        f.add(iri(graph), pairs)
        return f

    def date(self, year_from: int = 2005, year_to: int = 2025) -> str:
        y = self.rng.randint(year_from, year_to)
        return f"{y}-{self.rng.randint(1, 12):02d}-{self.rng.randint(1, 28):02d}"

    def orcid(self) -> str:
        base = f"0000000{self.rng.randint(10**8, 10**9 - 1)}"[-15:]
        digits = base + orcid_check_digit(base)
        return "-".join(digits[i : i + 4] for i in range(0, 16, 4))

    def issn(self) -> str:
        base = f"{self.rng.randint(1000000, 9999999)}"
        return f"{base[:4]}-{base[4:]}{issn_check_digit(base)}"

    def ror(self) -> str:
        alphabet = "0123456789abcdefghjkmnpqrstvwxyz"
        base = "0" + "".join(self.rng.choice(alphabet) for _ in range(6))
        return base + ror_check_digits(base)

    def person(self, f: TurtleFile, *, orcid: bool) -> str:
        self.w.person_n += 1
        n = self.w.person_n
        fam_en, fam_ja = self.rng.choice(_FAMILY)
        giv_en, giv_ja = self.rng.choice(_GIVEN)
        slug = f"person:p{n:07d}"
        pairs: PO = [
            ("a", "foaf:Person"),
            ("a", "schema:Person"),
            ("a", "prov:Agent"),
            ("rdfs:label", lit(f"{giv_en} {fam_en}", "en")),
            ("rdfs:label", lit(f"{fam_ja}{giv_ja}" if fam_ja[0] > "\u4e00" else f"{giv_ja}・{fam_ja}", "ja")),
            ("foaf:name", lit(f"{giv_en} {fam_en}")),
            ("schema:givenName", lit(giv_en)),
            ("schema:familyName", lit(fam_en)),
        ]
        if orcid:
            value = self.orcid()
            pairs += [("evkg:orcid", lit(value)), ("schema:sameAs", iri(RESOLVERS["orcid"] + value))]
        f.add(slug, pairs)
        self.w.people.append(slug)
        return slug

    # --- the core graph ---
    def core(self) -> TurtleFile:
        f = self.new_file(
            "core",
            "Synthetic core: curators, schemes, terms, series",
            "合成データの中核：キュレーター、スキーム、用語、シリーズ",
            iri("https://www.example.org/evkg-synth/core"),
        )
        f.language = "ja"
        f.add(
            "agent:evkg-curators",
            [
                ("a", "prov:Agent"),
                ("a", "foaf:Organization"),
                ("rdfs:label", lit("evkg curators", "en")),
                ("rdfs:label", lit("evkg キュレーター", "ja")),
            ],
        )
        schemes = [
            ("ev-glossary", "EV glossary", "EV 用語集"),
            ("ev-cargo", "EV cargo", "EV の積荷"),
            ("disciplines", "disciplines", "学問分野"),
            ("sectors", "sectors", "社会の分野"),
            ("roles", "roles", "役職"),
        ]
        for slug, en, ja in schemes:
            f.add(
                f"scheme:{slug}",
                [
                    ("a", "skos:ConceptScheme"),
                    ("skos:prefLabel", lit(en, "en")),
                    ("skos:prefLabel", lit(ja, "ja")),
                    ("rdfs:label", lit(en, "en")),
                    ("rdfs:label", lit(ja, "ja")),
                ],
            )
        for slug, en, ja in _ROLES:
            self.concept(f, f"role:{slug}", en, ja, "roles", extra=[("a", "org:Role")])
        for i, (en, ja) in enumerate(_CARGO):
            self.concept(f, f"term:cargo-{i + 1}", en, ja, "ev-cargo")
            self.w.cargo.append(f"term:cargo-{i + 1}")
        for i, (en, ja) in enumerate(
            [
                ("cell biology", "細胞生物学"),
                ("clinical medicine", "臨床医学"),
                ("bioethics", "生命倫理学"),
                ("regulatory science", "規制科学"),
            ]
        ):
            self.concept(f, f"term:discipline-{i + 1}", en, ja, "disciplines")
            self.w.disciplines.append(f"term:discipline-{i + 1}")
        for i, (en, ja) in enumerate([("academia", "学術界"), ("industry", "産業界"), ("government", "政府")]):
            self.concept(f, f"term:sector-{i + 1}", en, ja, "sectors")
            self.w.sectors.append(f"term:sector-{i + 1}")
        # journals first: the series' articles need one
        for _ in range(3):
            self.journal(f)
        self.series(f, "misev", "MISEV", "MISEV", 3)
        for slug, en, ja, broader in _TERMS:
            self.term(f, f"term:{slug}", en, ja, f"term:{broader}" if broader else None, "publication:misev2023")
        for slug, en, ja, acronym in _ANCHOR_ORGS:
            self.organization(f, f"organization:{slug}", en, ja, acronym)
        # the curated graph's anchors, so the query helpers' example parameters find data
        self.article(f, "publication:daneshmandi-2020")
        self.erratum(
            f, "publication:misev2023", "Minimal information for studies of extracellular vesicles (MISEV2023)"
        )
        self.recommendation(
            f, "recommendation:misev2023-ev", "term:extracellular-vesicle", "term:exosome", "publication:misev2023"
        )
        return f

    def anchors(self) -> list[tuple[TurtleFile, TurtleFile]]:
        """JSRM's press release on its MOU with ISEV, and ISEV's own page with its MOU with JSEV."""
        names = {slug: (en, ja) for slug, en, ja, _ in _ANCHOR_ORGS}
        out = []
        for r, (org, other, agreement, doc, work) in enumerate(
            [
                ("jsrm", "isev", "jsrm-isev-mou-2025", "jsrm-press-release-2025-08-28", "jsrm-exosome-guidance-2021"),
                ("isev", "jsev", "isev-jsev-mou-2024", "isev-news-2024", "isev-ev-guidance-2022"),
            ],
            start=1,
        ):
            out.append(
                self.society_round(
                    -r,
                    {
                        "org": f"organization:{org}",
                        "en": names[org][0],
                        "ja": names[org][1],
                        "other": f"organization:{other}",
                        "key": org,
                        "name": doc,
                        "agreement": f"agreement:{agreement}",
                        "doc": f"document:{doc}",
                        "work": f"document:{work}",
                    },
                )
            )
        return out

    def concept(self, f: TurtleFile, subject: str, en: str, ja: str, scheme: str, extra: PO | None = None) -> None:
        f.add(
            subject,
            [
                ("a", "skos:Concept"),
                *(extra or []),
                ("skos:inScheme", f"scheme:{scheme}"),
                ("skos:prefLabel", lit(en, "en")),
                ("skos:prefLabel", lit(ja, "ja")),
                ("rdfs:label", lit(en, "en")),
                ("rdfs:label", lit(ja, "ja")),
            ],
        )

    def journal(self, f: TurtleFile) -> str:
        n = len(self.w.journals) + 1
        slug = "journal:j-extracell-vesicles" if n == 1 else f"journal:j{n:05d}"
        topic_en, topic_ja = _TOPICS[n % len(_TOPICS)]
        en, ja = (
            ("Journal of Extracellular Vesicles", "細胞外小胞ジャーナル")
            if n == 1
            else (f"Journal of {topic_en.capitalize()} Research {n}", f"{topic_ja}研究誌 第{n}")
        )
        f.add(
            slug,
            [
                ("a", "fabio:Journal"),
                ("rdfs:label", lit(en, "en")),
                ("rdfs:label", lit(ja, "ja")),
                ("dcterms:title", lit(en, "en")),
                ("prism:issn", lit(self.issn())),
                ("prism:eIssn", lit(self.issn())),
            ],
        )
        self.w.journals.append(slug)
        return slug

    def series(self, f: TurtleFile, slug: str, en: str, ja: str, editions: int) -> None:
        years = [2014, 2018, 2023] if slug == "misev" else sorted(self.rng.sample(range(2005, 2025), editions))
        eds = [f"series:{slug}-{y}" for y in years]
        f.add(
            f"series:{slug}",
            [
                ("a", "evkg:GuidelineSeries"),
                ("rdfs:label", lit(f"{en} guidelines", "en")),
                ("rdfs:label", lit(f"{ja} ガイドライン", "ja")),
                *[("evkg:hasEdition", e) for e in eds],
                ("evkg:latestEdition", eds[-1]),
            ],
        )
        for pos, (year, ed) in enumerate(zip(years, eds, strict=True), start=1):
            article = f"publication:{slug}{year}"
            self.article(
                f,
                article,
                title=f"Minimal information for studies of extracellular vesicles ({en}{year})",
                year=year,
                authors=4,
            )
            f.add(
                ed,
                [
                    ("a", "evkg:GuidelineEdition"),
                    ("rdfs:label", lit(f"{en}{year}", "en")),
                    ("rdfs:label", lit(f"{ja}{year}（{pos}版）", "ja")),
                    ("evkg:editionOf", f"series:{slug}"),
                    ("schema:position", str(pos)),
                    ("dcterms:issued", lit(str(year), datatype="xsd:gYear")),
                    ("frbr:realization", article),
                ],
            )

    def term(self, f: TurtleFile, subject: str, en: str, ja: str, broader: str | None, source: str) -> None:
        slug = subject.split(":", 1)[1]
        pairs: PO = [
            ("a", "skos:Concept"),
            ("skos:inScheme", "scheme:ev-glossary"),
            ("skos:prefLabel", lit(en, "en")),
            ("skos:prefLabel", lit(ja, "ja")),
            ("rdfs:label", lit(en, "en")),
            ("rdfs:label", lit(ja, "ja")),
            ("skos:definition", f"definition:{slug}-en"),
        ]
        if broader:
            pairs.append(("skos:broader", broader))
        if self.w.cargo and self.rng.random() < 0.5:
            pairs.append(("evkg:carries", self.rng.choice(self.w.cargo)))
        if self.rng.random() < 0.4:
            pairs.append(("skos:closeMatch", iri(f"{self.p['obo']}GO_{self.rng.randint(10**6, 10**7 - 1):07d}")))
        if self.rng.random() < 0.3:
            pairs.append(("skos:closeMatch", iri(f"{self.p['mesh']}D{self.rng.randint(10**5, 10**6 - 1):06d}")))
        f.add(subject, pairs)
        if broader:
            f.add(broader, [("skos:narrower", subject)])
        f.add(
            f"definition:{slug}-en",
            [
                ("a", "evkg:Definition"),
                ("rdfs:label", lit(f"Definition of {en}", "en")),
                ("rdfs:label", lit(f"{ja}の定義（英語原文）", "ja")),
                (
                    "rdf:value",
                    lit(f"A {en} is a particle or factor released by cells, as defined for the study of {en}.", "en"),
                ),
                ("dcterms:language", "iso6391:en"),
                ("dcterms:source", source),
            ],
        )
        f.add(
            f"definition:{slug}-ja",
            [
                ("a", "evkg:Definition"),
                ("a", "evkg:Translation"),
                ("rdfs:label", lit(f"Definition of {en} (Japanese)", "en")),
                ("rdfs:label", lit(f"{ja}の定義（日本語訳）", "ja")),
                ("rdf:value", lit(f"{ja}とは、細胞から放出される粒子または因子をいう。", "ja")),
                ("dcterms:language", "iso6391:ja"),
                ("dcterms:source", source),
                ("evkg:isTranslationOf", f"definition:{slug}-en"),
                ("evkg:translator", "agent:evkg-curators"),
            ],
        )
        f.add(subject, [("skos:definition", f"definition:{slug}-ja")])
        self.w.terms.append(subject)

    def organization(self, f: TurtleFile, subject: str, en: str, ja: str, acronym: str) -> None:
        region = self.rng.choice(_REGIONS)
        slug = subject.split(":", 1)[1]
        address = f"address:{slug}-2025"
        f.add(
            subject,
            [
                ("a", "org:FormalOrganization"),
                ("a", "schema:Organization"),
                ("a", "foaf:Organization"),
                ("a", "prov:Agent"),
                ("skos:prefLabel", lit(en, "en")),
                ("skos:prefLabel", lit(ja, "ja")),
                ("rdfs:label", lit(en, "en")),
                ("rdfs:label", lit(ja, "ja")),
                ("skos:altLabel", lit(acronym, "en")),
                ("schema:legalName", lit(f"一般社団法人{ja}", "ja")),
                ("schema:address", address),
                ("schema:foundingDate", lit(str(self.rng.randint(1950, 2020)), datatype="xsd:gYear")),
                ("schema:url", iri(f"https://www.{slug}.example.org/")),
                ("evkg:rorId", lit(self.ror())),
                ("evkg:memberDiscipline", self.rng.choice(self.w.disciplines)),
                ("evkg:convenesSector", self.rng.choice(self.w.sectors)),
            ],
        )
        f.add(
            address,
            [
                ("a", "schema:PostalAddress"),
                ("rdfs:label", lit(f"Address of {en} (2025)", "en")),
                ("rdfs:label", lit(f"{ja}の所在地（2025年）", "ja")),
                ("schema:addressLocality", lit(region[2], "en")),
                ("schema:addressLocality", lit(region[3], "ja")),
                ("schema:addressRegion", lit(region[0], "en")),
                ("schema:addressRegion", lit(region[1], "ja")),
                ("schema:addressCountry", lit(region[4])),
                ("evkg:asOf", lit("2025-08-28", datatype="xsd:date")),
            ],
        )
        self.w.orgs.append(subject)

    def article(
        self,
        f: TurtleFile,
        subject: str,
        *,
        title: str | None = None,
        year: int | None = None,
        authors: int | None = None,
    ) -> None:
        self.w.pub_n += 1
        verb_en, verb_ja = self.rng.choice(_VERBS)
        topic_en, topic_ja = self.rng.choice(_TOPICS)
        n = self.w.pub_n
        title = title or f"{verb_en} {topic_en} ({n})"
        year = year or self.rng.randint(2010, 2025)
        journal = self.rng.choice(self.w.journals)
        doi = f"10.{1000 + n % 9000}/ev.{year}.{n:07d}"
        pairs: PO = [
            ("a", "fabio:JournalArticle"),
            ("a", "schema:ScholarlyArticle"),
            ("rdfs:label", lit(title, "en")),
            ("rdfs:label", lit(f"{topic_ja}{verb_ja}（{n}）", "ja")),
            ("dcterms:title", lit(title, "en")),
            ("dcterms:isPartOf", journal),
            ("prism:volume", lit(str(year - 2000))),
            ("prism:issueIdentifier", lit(str(self.rng.randint(1, 12)))),
            ("dcterms:issued", lit(f"{year}-{self.rng.randint(1, 12):02d}", datatype="xsd:gYearMonth")),
            ("evkg:doi", lit(doi)),
            ("schema:sameAs", iri(RESOLVERS["doi"] + doi)),
            ("evkg:pmid", lit(str(20000000 + n))),
        ]
        if self.rng.random() < 0.5:
            first = self.rng.randint(1, 900)
            pairs.append(("prism:pageRange", lit(f"{first}-{first + self.rng.randint(5, 20)}")))
        else:
            pairs.append(("evkg:articleNumber", lit(f"e{10000 + n}")))
        count = authors or self.rng.randint(3, 8)
        for pos in range(1, count + 1):
            pairs.append(
                ("prov:qualifiedAttribution", iri(f"{self.p['publication']}{subject.split(':', 1)[1]}/author/{pos}"))
            )
        cited = set()
        if self.w.publications:
            for _ in range(self.rng.randint(2, 6)):
                cited.add(self.rng.choice(self.w.publications))
            if "publication:misev2023" in self.w.publications and self.rng.random() < 0.6:
                cited.add("publication:misev2023")
        pairs += [("cito:cites", c) for c in sorted(cited)]
        f.add(subject, pairs)
        for pos in range(1, count + 1):
            if self.w.people and self.rng.random() < 0.6:
                person = self.rng.choice(self.w.people)
            else:
                person = self.person(f, orcid=self.rng.random() < 0.5)
            fam = person[-4:]
            a = [
                ("a", "evkg:Authorship"),
                ("prov:agent", person),
                ("evkg:authorPosition", str(pos)),
                ("evkg:nameAsPrinted", lit(f"Author{fam} {chr(65 + pos % 26)}")),
            ]
            if pos == count:
                a.append(("evkg:correspondingAuthor", "true"))
            f.add(iri(f"{self.p['publication']}{subject.split(':', 1)[1]}/author/{pos}"), a)
        self.w.publications.append(subject)
        if n % 40 == 0:  # an erratum now and then
            self.erratum(f, subject, title)

    def erratum(self, f: TurtleFile, subject: str, title: str) -> None:
        journal = self.rng.choice(self.w.journals)
        year = self.rng.randint(2011, 2025)
        f.add(
            f"{subject}-erratum",
            [
                ("a", "fabio:Erratum"),
                ("a", "schema:ScholarlyArticle"),
                ("rdfs:label", lit(f"Correction to: {title}", "en")),
                ("rdfs:label", lit(f"訂正：{title}", "ja")),
                ("dcterms:title", lit(f"Correction to: {title}", "en")),
                ("dcterms:isPartOf", journal),
                ("cito:corrects", subject),
                ("dcterms:issued", lit(str(year), datatype="xsd:gYear")),
            ],
        )

    def recommendation(self, f: TurtleFile, rec: str, recommended: str, discouraged: str, source: str) -> None:
        rationale = f"text:{rec.split(':', 1)[1]}-rationale"
        f.add(
            rec,
            [
                ("a", "evkg:UsageRecommendation"),
                ("rdfs:label", lit(f"Usage recommendation {rec.split(':', 1)[1]}", "en")),
                ("rdfs:label", lit(f"用語使用の推奨 {rec.split(':', 1)[1]}", "ja")),
                ("evkg:recommendedTerm", recommended),
                ("evkg:discouragedTerm", discouraged),
                ("evkg:recommendedBy", "organization:isev"),
                ("evkg:rationale", rationale),
                ("dcterms:source", source),
            ],
        )
        f.add(
            rationale,
            [
                ("a", "evkg:Text"),
                ("rdfs:label", lit(f"Rationale of {rec.split(':', 1)[1]}", "en")),
                ("rdfs:label", lit(f"{rec.split(':', 1)[1]} の理由", "ja")),
                ("rdf:value", lit("Use the generic term unless the biogenesis is shown.", "en")),
                ("dcterms:language", "iso6391:en"),
                ("dcterms:source", source),
            ],
        )

    # --- rounds ---
    def society_round(self, r: int, anchor: dict[str, str] | None = None) -> tuple[TurtleFile, TurtleFile]:
        """One society's press release as a source graph and its English translation graph.

        ``anchor`` (for the core graph) names existing IRIs to describe instead of new ones: keys
        ``org``, ``other``, ``key`` (slug stem), ``agreement``, ``doc``, ``work``, ``name`` (graph file).
        """
        a = anchor or {}
        key = a.get("key", f"society-{r:05d}")
        name = a.get("name", key)
        doc = a.get("doc", f"document:press-release-{r:05d}")
        page = iri(f"https://www.{key}.example.org/news/mou")  # the press release's page (its schema:url)
        f = self.new_file(
            name, f"What press release {r} of society {r} says", f"学会{r}のプレスリリース{r}の記述", page
        )
        f.language = "ja"
        t = self.new_file(
            f"{name}-en",
            f"The curators' English of press release {r}",
            f"プレスリリース{r}の英訳",
            page,
            translation_of=name,
        )
        topic_en, topic_ja = self.rng.choice(_TOPICS)
        if "org" in a:
            org, en, ja = a["org"], a["en"], a["ja"]
        else:
            org = f"organization:society-{r:05d}"
            en, ja = f"Society for {topic_en.capitalize()} {r}", f"{topic_ja}学会 第{r}"
            self.organization(f, org, en, ja, f"S{r}")
        # officers
        for i, (role, role_en, role_ja) in enumerate(self.rng.sample(_ROLES, 3)):
            person = self.person(f, orcid=self.rng.random() < 0.3)
            post = f"post:{key}-{role}-{i}"
            f.add(
                post,
                [
                    ("a", "org:Membership"),
                    ("rdfs:label", lit(f"{ja} {role_ja}（2025年8月時点）", "ja")),
                    ("org:member", person),
                    ("org:organization", org),
                    ("org:role", f"role:{role}"),
                    ("evkg:asOf", lit("2025-08-28", datatype="xsd:date")),
                ],
            )
            t.add(post, [("rdfs:label", lit(f"{en}, {role_en} (as of August 2025)", "en"))])
        count = f"observation:{key}-members-2025"
        more = self.rng.random() < 0.5
        f.add(
            count,
            [
                ("a", "evkg:MembershipCount"),
                ("rdfs:label", lit(f"{ja}の会員数（2025年）", "ja")),
                ("schema:minValue" if more else "schema:value", str(self.rng.randint(100, 9000))),
                ("evkg:countQualifier", "evkg:moreThan" if more else "evkg:approximately"),
                ("evkg:asOf", lit("2025-08-28", datatype="xsd:date")),
                ("dcterms:source", doc),
            ],
        )
        t.add(count, [("rdfs:label", lit(f"Members of {en} (2025)", "en"))])
        f.add(org, [("evkg:memberCount", count)])
        for i, (act_en, act_ja) in enumerate(self.rng.sample(_ACTIVITIES, 2)):
            act = f"activity:{key}-{i}"
            f.add(act, [("a", "evkg:Activity"), ("rdfs:label", lit(act_ja, "ja")), ("prov:wasAssociatedWith", org)])
            t.add(act, [("rdfs:label", lit(f"{act_en} of {en}", "en"))])
            f.add(org, [("evkg:activity", act)])
        text = f"text:{key}-self-description"
        f.add(
            text,
            [
                ("a", "evkg:Text"),
                ("rdfs:label", lit(f"{ja}による自己紹介", "ja")),
                ("rdf:value", lit(f"{ja}は{topic_ja}に関する学会であり、細胞外小胞の研究者が参加しています。", "ja")),
                ("dcterms:language", "iso6391:ja"),
                ("dcterms:source", doc),
                ("prov:wasAttributedTo", org),
            ],
        )
        t.add(text, [("rdfs:label", lit(f"Self-description of {en}", "en"))])
        f.add(org, [("evkg:asserts", text)])
        # the MOU with another society, announced by the press release
        other = a.get("other") or self.rng.choice(self.w.orgs[:-1])
        agreement = a.get("agreement", f"agreement:mou-{r:05d}")
        signed = self.date(2015, 2025)
        pairs: PO = [
            ("a", "evkg:MemorandumOfUnderstanding"),
            ("rdfs:label", lit(f"{ja}の覚書（{signed[:4]}年）", "ja")),
            ("skos:altLabel", lit("MOU", "en")),
            ("evkg:signatory", org),
            ("evkg:signatory", other),
            ("evkg:signingDate", lit(signed, datatype="xsd:date")),
            ("evkg:field", "term:extracellular-vesicle"),
            ("evkg:field", "term:secretome"),
            ("evkg:announcedIn", doc),
        ]
        for kind, items in (("purpose", _PURPOSES), ("area", _AREAS)):
            for pos, (item_en, item_ja) in enumerate(self.rng.sample(items, 3), start=1):
                node = f"{kind}:{agreement.split(':', 1)[1]}-{pos}"
                pairs.append(("evkg:purpose" if kind == "purpose" else "evkg:areaOfCooperation", node))
                f.add(
                    node,
                    [
                        ("a", "evkg:AgreementPurpose" if kind == "purpose" else "evkg:CooperationArea"),
                        ("schema:position", str(pos)),
                        ("rdfs:label", lit(item_ja, "ja")),
                    ],
                )
                t.add(node, [("rdfs:label", lit(item_en, "en"))])
        f.add(agreement, pairs)
        t.add(agreement, [("rdfs:label", lit(f"MOU of {en} ({signed[:4]})", "en"))])
        f.add(
            doc,
            [
                ("a", "fabio:PressRelease"),
                ("a", "schema:CreativeWork"),
                ("rdfs:label", lit(f"{ja}プレスリリース「覚書締結」", "ja")),
                ("dcterms:publisher", org),
                ("dcterms:creator", org),
                ("dcterms:issued", lit(signed, datatype="xsd:date")),
                ("dcterms:language", "iso6391:ja"),
                ("schema:url", iri(f"https://www.{key}.example.org/news/mou")),
                ("schema:about", agreement),
                ("cito:cites", "publication:misev2023"),
            ],
        )
        t.add(doc, [("rdfs:label", lit(f"Press release of {en}: MOU signed", "en"))])
        quote = f"{ja}は、{signed[:4]}年、覚書を締結いたしました。"
        ev = f"evidence:{agreement.split(':', 1)[1]}-signing"
        f.add(
            ev,
            [
                ("a", "evkg:Evidence"),
                ("rdfs:label", lit("根拠：覚書の締結日と当事者", "ja")),
                ("oa:motivatedBy", "oa:describing"),
                (
                    "oa:hasBody",
                    [
                        ("a", "rdf:Statement"),
                        ("rdf:subject", agreement),
                        ("rdf:predicate", "evkg:signingDate"),
                        ("rdf:object", lit(signed, datatype="xsd:date")),
                    ],
                ),
                (
                    "oa:hasBody",
                    [
                        ("a", "rdf:Statement"),
                        ("rdf:subject", agreement),
                        ("rdf:predicate", "evkg:signatory"),
                        ("rdf:object", org),
                    ],
                ),
                (
                    "oa:hasTarget",
                    [
                        ("a", "oa:SpecificResource"),
                        ("oa:hasSource", doc),
                        ("oa:hasSelector", [("a", "oa:TextQuoteSelector"), ("oa:exact", lit(quote))]),
                    ],
                ),
            ],
        )
        t.add(ev, [("rdfs:label", lit("Evidence: signing date and parties of the MOU", "en"))])
        # a guidance document with ja and en versions
        work = a.get("work", f"document:guidance-{r:05d}")
        issued = f"{self.rng.randint(2015, 2025)}-{self.rng.randint(1, 12):02d}"
        g_en, g_ja = f"Guidance on {topic_en} ({r})", f"{topic_ja}に関する手引き（{r}）"
        f.add(
            work,
            [
                ("a", "evkg:GuidanceDocument"),
                ("rdfs:label", lit(g_ja, "ja")),
                ("dcterms:creator", org),
                ("frbr:realization", f"{work}-ja"),
                ("frbr:realization", f"{work}-en"),
            ],
        )
        t.add(work, [("rdfs:label", lit(g_en, "en"))])
        for lang, title in (("ja", g_ja), ("en", g_en)):
            v: PO = [
                ("a", "evkg:LanguageVersion"),
                ("rdfs:label", lit(f"{g_ja}（{lang}版）", "ja")),
                ("dcterms:language", f"iso6391:{lang}"),
                ("dcterms:issued", lit(issued, datatype="xsd:gYearMonth")),
                ("dcterms:title", lit(title, lang)),
                ("frbr:realizationOf", work),
                ("schema:url", iri(f"https://www.{key}.example.org/guidance-{lang}.pdf")),
            ]
            v.append(
                ("schema:translationOfWork", f"{work}-ja") if lang == "en" else ("schema:workTranslation", f"{work}-en")
            )
            f.add(f"{work}-{lang}", v)
            t.add(f"{work}-{lang}", [("rdfs:label", lit(f"{g_en} ({lang} version)", "en"))])
        return f, t

    def literature_round(self, r: int, articles: int) -> TurtleFile:
        f = self.new_file(
            f"crossref-{r:05d}",
            f"Crossref records, batch {r}",
            f"Crossref の記録（第{r}群）",
            iri(f"https://api.crossref.org/works?batch={r}"),
        )
        if r % 5 == 1 or not self.w.journals:
            self.journal(f)
        for _ in range(articles):
            self.article(f, f"publication:pub{self.w.pub_n + 1:07d}")
        return f

    def glossary_round(self, r: int) -> TurtleFile:
        f = self.new_file(
            f"glossary-{r:05d}",
            f"Glossary additions, batch {r}",
            f"用語集への追加（第{r}群）",
            iri(f"https://www.example.org/glossary/{r}"),
        )
        source = self.rng.choice(self.w.publications)
        for _ in range(8):
            k = len(self.w.terms) + 1
            topic_en, topic_ja = _TOPICS[k % len(_TOPICS)]
            broader = self.rng.choice(self.w.terms)
            self.term(f, f"term:t{k:06d}", f"{topic_en} vesicle subtype {k}", f"{topic_ja}小胞亜型{k}", broader, source)
        recommended, discouraged = self.rng.sample(self.w.terms, 2)
        self.recommendation(f, f"recommendation:r{r:05d}", recommended, discouraged, source)
        return f


def _copy_static(source: DataDir, root: Path) -> None:
    """ontology/ (the OWL file, prefix registry, shapes, context) and queries/ from the source folder."""
    for sub in ("ontology", "queries"):
        target = root / sub
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(source.root / sub, target)


def iter_files(triples: int, seed: int, prefixes: Prefixes) -> Iterator[tuple[str, TurtleFile]]:
    """The generated graph files (relative path under ``graph/``, file) until ``triples`` are reached."""
    gen = Generator(prefixes, seed)
    total = 0
    core = gen.core()
    total += core.triples
    yield f"{SYNTH_DIR}/core.ttl", core
    for source, translation in gen.anchors():
        for f in (source, translation):
            total += f.triples
            yield f"{SYNTH_DIR}/{f.graph.rsplit('/', 1)[1]}.ttl", f
    r = 0
    while total < triples:
        r += 1
        society, translation = gen.society_round(r)
        literature = gen.literature_round(r, articles=25)
        batch = [
            (f"{SYNTH_DIR}/society-{r:05d}.ttl", society),
            (f"{SYNTH_DIR}/society-{r:05d}-en.ttl", translation),
            (f"{SYNTH_DIR}/crossref-{r:05d}.ttl", literature),
        ]
        if r % 10 == 1:
            batch.append((f"{SYNTH_DIR}/glossary-{r:05d}.ttl", gen.glossary_round(r)))
        for name, f in batch:
            total += f.triples
            yield name, f


def _archive(f: TurtleFile, name: Path, folder: Path) -> None:
    """Write the synthetic source text of ``f`` (every word it states, one per line) and describe it in ``f``."""
    stem = name.with_suffix("")  # synth/core
    file = f"{stem.as_posix()}.{f.language}.txt"
    text = "\n".join(f.words) + "\n"
    (folder / file).write_text(text, encoding="utf-8")
    slug = stem.as_posix().replace("/", "-")
    copy = f"archive:{slug}"
    f.add(iri(f.graph), [("evkg:archivedCopy", copy)])
    f.add(
        copy,
        [
            ("a", "evkg:ArchivedCopy"),
            ("rdfs:label", lit(f"Synthetic source text of {stem.as_posix()}", "en")),
            ("rdfs:label", lit(f"{stem.as_posix()} の合成出典本文", "ja")),
            ("evkg:archiveFile", lit(file)),
            ("pav:retrievedFrom", iri(f"https://www.example.org/evkg-synth/{stem.as_posix()}")),
            ("pav:retrievedOn", lit(GENERATED_AT[:10], datatype="xsd:date")),
            ("evkg:archiveExtent", "evkg:wholeText"),
            ("dcterms:language", f"iso6391:{f.language}"),
            (
                "spdx:checksum",
                [
                    ("a", "spdx:Checksum"),
                    ("spdx:algorithm", "spdx:checksumAlgorithm_sha256"),
                    (
                        "spdx:checksumValue",
                        lit(hashlib.sha256(text.encode("utf-8")).hexdigest(), datatype="xsd:hexBinary"),
                    ),
                ],
            ),
            ("dcterms:license", iri(LICENSE)),
        ],
    )


def generate(
    out: str | os.PathLike[str], triples: int, seed: int = 1, *, source: str | os.PathLike[str] | None = None
) -> SynthResult:
    """Write a synthetic data folder of about ``triples`` triples (at least that many) into ``out``.

    Args:
        out: the folder to write (``ontology/``, ``queries/`` and ``graph/synth/`` are replaced).
        triples: how many triples to generate, at least.
        seed: the random seed (same seed and size: same files).
        source: the data folder whose ontology, shapes and queries are copied (default: the bundled one).
    """
    data = resolve(source)
    root = Path(out)
    root.mkdir(parents=True, exist_ok=True)
    _copy_static(data, root)
    graph_dir = root / "graph" / SYNTH_DIR
    if graph_dir.exists():
        shutil.rmtree(graph_dir)
    graph_dir.mkdir(parents=True)
    prefixes = registry(root)
    result = SynthResult(root.resolve(), 0, seed=seed)
    sources_dir = root / "graph" / "_sources" / SYNTH_DIR
    if sources_dir.exists():
        shutil.rmtree(sources_dir)
    sources_dir.mkdir(parents=True)
    for name, f in iter_files(triples, seed, prefixes):
        path = root / "graph" / name
        if not f.translation:
            _archive(f, Path(name), root / "graph" / "_sources")
        path.write_text(f.text(), encoding="utf-8")
        result.files.append(path)
        result.triples += f.triples
    return result
