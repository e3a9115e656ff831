"""evkg's own ontology terms as a typed rdflib namespace (``EVKG.Agreement``).

GENERATED from ontology/evkg.ttl by scripts/generate_namespaces.py; do not edit by hand.
tests/test_package_namespaces.py fails when this file is out of date. ``_fail = True``: a
term that the ontology does not define raises AttributeError instead of minting an IRI.
"""

from rdflib.namespace import DefinedNamespace, Namespace
from rdflib.term import URIRef


class EVKG(DefinedNamespace):
    """Terms defined in ontology/evkg.ttl (104 terms)."""

    _NS = Namespace("https://w3id.org/evkg/ontology/")
    _fail = True

    Activity: URIRef  # organisational activity
    Agreement: URIRef  # agreement
    AgreementPurpose: URIRef  # purpose of an agreement
    ArchiveExtent: URIRef  # extent of an archived copy
    ArchivedCopy: URIRef  # archived copy of a source
    Authorship: URIRef  # authorship
    CooperationArea: URIRef  # area of cooperation
    CountQualifier: URIRef  # count qualifier
    Definition: URIRef  # definition
    DefinitionCriterion: URIRef  # definition criterion
    EnglishOnlyTerm: URIRef  # term named in English only
    Evidence: URIRef  # evidence quote
    EvidenceGrade: URIRef  # evidence grade
    GuidanceDocument: URIRef  # guidance document
    GuidelineEdition: URIRef  # guideline edition
    GuidelineSeries: URIRef  # guideline series
    LanguageVersion: URIRef  # language version
    LearnedSociety: URIRef  # learned society
    MembershipCount: URIRef  # membership count
    MemorandumOfUnderstanding: URIRef  # memorandum of understanding
    SourceConflict: URIRef  # conflict between sources
    SourceGraph: URIRef  # source graph
    TermMapping: URIRef  # term mapping
    Text: URIRef  # text
    Translation: URIRef  # translation
    TranslationGraph: URIRef  # translation graph
    UsageRecommendation: URIRef  # usage recommendation
    UsageVerdict: URIRef  # usage verdict
    activity: URIRef  # activity
    announcedIn: URIRef  # announced in
    approximately: URIRef  # approximately
    archiveExtent: URIRef  # extent of the archived copy
    archiveFile: URIRef  # archive file
    archivedCopy: URIRef  # archived copy
    areaOfCooperation: URIRef  # area of cooperation
    articleNumber: URIRef  # article number
    asOf: URIRef  # as of
    asserts: URIRef  # self-description
    authorCount: URIRef  # number of authors
    authorPosition: URIRef  # author position
    biogenesisCriterion: URIRef  # biogenesis
    cargoCriterion: URIRef  # cargo
    carries: URIRef  # carries
    citesDoi: URIRef  # cites DOI
    component: URIRef  # has component class
    condition: URIRef  # condition
    conflictProperty: URIRef  # conflicting property
    conflictStatus: URIRef  # conflict status
    conflictSubject: URIRef  # conflict about
    conflictingEvidence: URIRef  # conflicting evidence
    convenesSector: URIRef  # convenes sector
    correspondingAuthor: URIRef  # corresponding author
    countQualifier: URIRef  # count qualifier
    curatorsWork: URIRef  # curators' own work
    definitionCriteria: URIRef  # definition criteria
    definitionCriterion: URIRef  # rests on
    discouraged: URIRef  # discouraged
    discouragedTerm: URIRef  # term used with caution
    doi: URIRef  # DOI
    editionOf: URIRef  # edition of
    evidenceGrade: URIRef  # evidence grade
    exactly: URIRef  # exactly
    excerpts: URIRef  # excerpts
    field: URIRef  # field
    functionCriterion: URIRef  # function
    hasEdition: URIRef  # has edition
    hasTranslation: URIRef  # has translation
    isTranslationOf: URIRef  # is translation of
    latestEdition: URIRef  # latest edition
    mappingJustification: URIRef  # mapping justification
    memberCount: URIRef  # member count
    memberDiscipline: URIRef  # member discipline
    membraneCriterion: URIRef  # membrane
    moreThan: URIRef  # more than
    nameAsPrinted: URIRef  # name as printed
    officialJournal: URIRef  # official journal
    orcid: URIRef  # ORCID iD
    pii: URIRef  # publisher item identifier
    pmcid: URIRef  # PubMed Central ID
    pmid: URIRef  # PubMed ID
    primarySource: URIRef  # primary source
    purpose: URIRef  # purpose
    qualificationCue: URIRef  # qualification cue
    rationale: URIRef  # rationale
    recommended: URIRef  # recommended
    recommendedBy: URIRef  # recommended by
    recommendedTerm: URIRef  # recommended term
    recommendedWithCaution: URIRef  # recommended with caution
    releaseCriterion: URIRef  # release from cells
    responseSha256: URIRef  # response SHA-256
    reviewer: URIRef  # reviewer
    rorId: URIRef  # ROR ID
    secondarySource: URIRef  # secondary source
    signatory: URIRef  # signatory
    signed: URIRef  # signed
    signingDate: URIRef  # signing date
    sizeCriterion: URIRef  # size
    storedCopyDate: URIRef  # date of the stored copy
    translationOfGraph: URIRef  # translation of graph
    translator: URIRef  # translator
    usageVerdict: URIRef  # usage verdict
    usageVerdicts: URIRef  # usage verdicts
    wholeText: URIRef  # whole text
    wikidataId: URIRef  # Wikidata ID


__all__ = ["EVKG"]
