"""Random small OWL 2 RL ontologies (hypothesis strategies) for the differential test of the two engines.

:func:`ontologies` draws a graph over a small vocabulary (classes ex:C0-C3, object properties ex:p0-p3,
datatype properties ex:d0-d1, individuals ex:a0-a4, a few literals) from every kind of axiom the OWL 2 RL
rule tables read: class axioms (subClassOf, equivalentClass, disjointWith, complementOf, AllDisjointClasses,
intersectionOf, unionOf, oneOf), restrictions (someValuesFrom, allValuesFrom, hasValue, maxCardinality and
maxQualifiedCardinality 0 and 1), property axioms (subPropertyOf, equivalentProperty, inverseOf, domain,
range, the characteristics, propertyDisjointWith, AllDisjointProperties, property chains of 2 and 3,
hasKey), declarations, and facts (types, property values, sameAs, differentFrom, AllDifferent, negative
property assertions). Small vocabularies make the axioms meet often.
"""

from __future__ import annotations

from hypothesis import strategies as st
from rdflib import BNode, Literal, Namespace
from rdflib.collection import Collection
from rdflib.graph import Graph
from rdflib.namespace import OWL, RDF, RDFS, XSD

EX = Namespace("http://example.org/")
CLASSES = [EX[f"C{i}"] for i in range(4)]
OBJECT_PROPERTIES = [EX[f"p{i}"] for i in range(4)]
DATA_PROPERTIES = [EX[f"d{i}"] for i in range(2)]
INDIVIDUALS = [EX[f"a{i}"] for i in range(5)]
LITERALS = [
    Literal(1),
    Literal(2),
    Literal("1", datatype=XSD.nonNegativeInteger),
    Literal(True),
    Literal("x", datatype=XSD.string),
    Literal("2025-01-01", datatype=XSD.date),
]
# Each literal's value (value space, value): 1 and "1"^^xsd:nonNegativeInteger are one value (difference 6).
VALUES = {
    LITERALS[0]: ("real", 1),
    LITERALS[1]: ("real", 2),
    LITERALS[2]: ("real", 1),
    LITERALS[3]: ("boolean", True),
    LITERALS[4]: ("string", "x"),
    LITERALS[5]: ("date", "2025-01-01"),
}
DATATYPES = [XSD.integer, XSD.decimal, XSD.string, XSD.boolean, RDFS.Literal]

classes = st.sampled_from(CLASSES)
class_or_thing = st.sampled_from([*CLASSES, OWL.Thing])
properties = st.sampled_from(OBJECT_PROPERTIES)
data_properties = st.sampled_from(DATA_PROPERTIES)
individuals = st.sampled_from(INDIVIDUALS)
literals = st.sampled_from(LITERALS)
datatypes = st.sampled_from(DATATYPES)


def _list(graph: Graph, items: list) -> BNode:
    head = BNode()
    Collection(graph, head, list(items))
    return head


@st.composite
def restriction(draw: st.DrawFn, graph: Graph) -> BNode:
    """A restriction node (someValuesFrom, allValuesFrom, hasValue, max(Qualified)Cardinality 0/1)."""
    node = BNode()
    graph.add((node, RDF.type, OWL.Restriction))
    kind = draw(st.sampled_from(["svf", "svf-data", "avf", "hv", "hv-data", "maxc", "maxqc"]))
    if kind in ("svf-data", "hv-data"):
        prop = draw(data_properties)
    else:
        prop = draw(properties)
    graph.add((node, OWL.onProperty, prop))
    if kind == "svf":
        graph.add((node, OWL.someValuesFrom, draw(class_or_thing)))
    elif kind == "svf-data":
        graph.add((node, OWL.someValuesFrom, draw(datatypes)))
    elif kind == "avf":
        graph.add((node, OWL.allValuesFrom, draw(classes)))
    elif kind == "hv":
        graph.add((node, OWL.hasValue, draw(individuals)))
    elif kind == "hv-data":
        graph.add((node, OWL.hasValue, draw(literals)))
    elif kind == "maxc":
        graph.add((node, OWL.maxCardinality, Literal(draw(st.sampled_from([0, 1])), datatype=XSD.nonNegativeInteger)))
    else:
        number = draw(st.sampled_from([0, 1]))
        graph.add((node, OWL.maxQualifiedCardinality, Literal(number, datatype=XSD.nonNegativeInteger)))
        graph.add((node, OWL.onClass, draw(class_or_thing)))
    return node


@st.composite
def class_expression(draw: st.DrawFn, graph: Graph) -> object:
    """A named class, owl:Thing, a restriction, or an intersection, union or enumeration."""
    kind = draw(st.sampled_from(["named", "named", "restriction", "restriction", "and", "or", "oneOf"]))
    if kind == "named":
        return draw(classes)
    if kind == "restriction":
        return draw(restriction(graph))
    node = BNode()
    if kind == "oneOf":
        graph.add((node, OWL.oneOf, _list(graph, draw(st.lists(individuals, min_size=1, max_size=3)))))
        return node
    members = draw(st.lists(st.one_of(classes, restriction(graph)), min_size=2, max_size=3))
    graph.add((node, OWL.intersectionOf if kind == "and" else OWL.unionOf, _list(graph, members)))
    return node


@st.composite
def axiom(draw: st.DrawFn, graph: Graph) -> None:
    """One axiom or fact, added to ``graph``."""
    kind = draw(
        st.sampled_from(
            [
                "subClassOf", "equivalentClass", "disjointWith", "complementOf", "AllDisjointClasses",
                "subPropertyOf", "equivalentProperty", "inverseOf", "domain", "range", "range-data",
                "characteristic", "propertyDisjointWith", "AllDisjointProperties", "chain", "hasKey",
                "declaration", "type", "type", "value", "value", "value", "data-value", "data-value",
                "sameAs", "differentFrom", "AllDifferent", "negative",
            ]
        )
    )  # fmt: skip
    if kind in ("subClassOf", "equivalentClass", "disjointWith"):
        graph.add((draw(class_expression(graph)), getattr(RDFS if kind == "subClassOf" else OWL, kind),
                   draw(class_expression(graph))))  # fmt: skip
    elif kind == "complementOf":
        graph.add((draw(classes), OWL.complementOf, draw(classes)))
    elif kind in ("AllDisjointClasses", "AllDisjointProperties", "AllDifferent"):
        pool = {"AllDisjointClasses": classes, "AllDisjointProperties": properties, "AllDifferent": individuals}[kind]
        node = BNode()
        graph.add((node, RDF.type, OWL[kind]))
        predicate = OWL.distinctMembers if kind == "AllDifferent" and draw(st.booleans()) else OWL.members
        graph.add((node, predicate, _list(graph, draw(st.lists(pool, min_size=2, max_size=4)))))
    elif kind in ("subPropertyOf", "equivalentProperty", "inverseOf", "propertyDisjointWith"):
        pool = properties if kind != "subPropertyOf" else st.sampled_from(OBJECT_PROPERTIES)
        graph.add((draw(pool), getattr(RDFS if kind == "subPropertyOf" else OWL, kind), draw(pool)))
    elif kind == "domain":
        graph.add((draw(st.one_of(properties, data_properties)), RDFS.domain, draw(class_expression(graph))))
    elif kind == "range":
        graph.add((draw(properties), RDFS.range, draw(class_expression(graph))))
    elif kind == "range-data":
        graph.add((draw(data_properties), RDFS.range, draw(datatypes)))
    elif kind == "characteristic":
        characteristic = draw(
            st.sampled_from(
                [OWL.FunctionalProperty, OWL.InverseFunctionalProperty, OWL.SymmetricProperty,
                 OWL.AsymmetricProperty, OWL.TransitiveProperty, OWL.IrreflexiveProperty]
            )
        )  # fmt: skip
        graph.add((draw(st.one_of(properties, data_properties) if characteristic == OWL.FunctionalProperty
                        else properties), RDF.type, characteristic))  # fmt: skip
    elif kind == "chain":
        chain = draw(st.lists(properties, min_size=2, max_size=3))
        graph.add((draw(properties), OWL.propertyChainAxiom, _list(graph, chain)))
    elif kind == "hasKey":
        keys = draw(st.lists(st.one_of(properties, data_properties), min_size=1, max_size=2, unique=True))
        graph.add((draw(classes), OWL.hasKey, _list(graph, keys)))
    elif kind == "declaration":
        kind_of = draw(st.sampled_from(["class", "object", "data"]))
        if kind_of == "class":
            graph.add((draw(classes), RDF.type, OWL.Class))
        elif kind_of == "object":
            graph.add((draw(properties), RDF.type, OWL.ObjectProperty))
        else:
            graph.add((draw(data_properties), RDF.type, OWL.DatatypeProperty))
    elif kind == "type":
        graph.add((draw(individuals), RDF.type, draw(class_expression(graph))))
    elif kind == "value":
        graph.add((draw(individuals), draw(properties), draw(individuals)))
    elif kind == "data-value":
        graph.add((draw(individuals), draw(data_properties), draw(literals)))
    elif kind in ("sameAs", "differentFrom"):
        graph.add((draw(individuals), OWL[kind], draw(individuals)))
    else:  # a negative property assertion
        node = BNode()
        graph.add((node, RDF.type, OWL.NegativePropertyAssertion))
        graph.add((node, OWL.sourceIndividual, draw(individuals)))
        if draw(st.booleans()):
            graph.add((node, OWL.assertionProperty, draw(properties)))
            graph.add((node, OWL.targetIndividual, draw(individuals)))
        else:
            graph.add((node, OWL.assertionProperty, draw(data_properties)))
            graph.add((node, OWL.targetValue, draw(literals)))


@st.composite
def ontologies(draw: st.DrawFn, max_axioms: int = 12) -> Graph:
    """A random ontology of 1 to ``max_axioms`` axioms and facts."""
    graph = Graph()
    for _ in range(draw(st.integers(min_value=1, max_value=max_axioms))):
        draw(axiom(graph))
    return graph


# --- comparing the engines ------------------------------------------------------------------------------------
# Each known difference between owlrl and the rule tables is made up for in owlrl's *input*, in a way
# that cannot change the answer of a correct engine, so that the two closures can be compared exactly;
# what is still different is a bug of one of them. docs/validation.md lists the same differences.
KEY_PAD, PAD = EX.keyPad, EX.pad
# 1. owlrl types literals only with its own table: no rdfs:Literal, no xsd:string ⊂ rdf:PlainLiteral, no
#    type for a language-tagged string. Given: each literal's types as the fast engine's dt-type2 states them.
# 2. owlrl declares two datatypes disjoint only when both type something in the input graph. Given: the
#    disjointness of every two value spaces (the fast engine's cax-dw table).
# 3. owlrl checks eq-diff2/eq-diff3/prp-adp on the pairs of positions (i, j) with j < n - 1 only: the last
#    member of a list is never compared. Given: each such list ends with a fresh member no one uses.
# 4. owlrl's prp-key ignores the last key property. Given: each key ends with ex:keyPad, which every node
#    has with the value ex:pad (a key property all share changes nothing); ex:keyPad is left out after.
# 6. owlrl has no dt-eq or dt-diff (its comment: "skipped on purpose"). Given: for the literals that are
#    owl:sameAs something in owlrl's own closure (those the fast engine compares), owl:sameAs between two of
#    them with one value and owl:differentFrom between two with different values (:data:`VALUES`),
#    until owlrl's closure has no such literal left.
# 5. owlrl never flags a member listed twice in an owl:AllDifferent (it skips zi = zj, which eq-ref makes
#    the same): not made up for; :func:`differences` accepts the fast engine's eq-diff2/eq-diff3 alone on a
#    graph where owlrl finds nothing and an owl:AllDifferent lists a member twice.


def _rule_pairs(name: str, values: str) -> set[tuple[str, str]]:
    import re

    from evkg.quality import owl2rl

    query = next(r.query for r in owl2rl.rules() if r.name == name and values in r.query)
    return set(re.findall(r'\((\w+:\w+) "?(\w+:\w+|\w+)"?\)', query.split(values, 1)[1]))


def _expand(curie: str):  # -> URIRef
    prefix, local = curie.split(":")
    return {"xsd": XSD, "rdf": RDF, "rdfs": RDFS}[prefix][local]


def oracle_input(graph: Graph) -> set:
    """owlrl's input: ``graph`` plus what makes up for owlrl's known differences (1-4 above)."""
    triples = set(graph)
    supers: dict = {}
    for sub, sup in _rule_pairs("dt-type2", "VALUES (?own ?dt)"):
        supers.setdefault(_expand(sub), set()).add(_expand(sup))
    for literal in {o for _, _, o in graph if isinstance(o, Literal)}:
        own = RDF.langString if literal.language else (literal.datatype or XSD.string)
        mine = {RDF.PlainLiteral} if literal.language else {own}
        triples |= {(literal, RDF.type, t) for t in mine | supers.get(own, set())}
    spaces: dict = {}
    for datatype, space in _rule_pairs("cax-dw", "VALUES (?dt ?space)"):
        spaces.setdefault(space, []).append(_expand(datatype))
    tops = [(space, d) for space, ds in spaces.items() for d in ds]
    triples |= {(d1, OWL.disjointWith, d2) for s1, d1 in tops for s2, d2 in tops if s1 != s2}
    for node, kind in list(graph.subject_objects(RDF.type)):
        if kind in (OWL.AllDifferent, OWL.AllDisjointProperties):
            for members in graph.objects(node, OWL.members) if kind != OWL.AllDifferent else [
                *graph.objects(node, OWL.members), *graph.objects(node, OWL.distinctMembers)
            ]:
                _pad(graph, triples, members, BNode())
    nodes = {n for t in graph for n in (t[0], t[2]) if not isinstance(n, Literal)}
    for keys in list(graph.objects(None, OWL.hasKey)):
        _pad(graph, triples, keys, KEY_PAD)
        triples |= {(n, KEY_PAD, PAD) for n in nodes}
    return triples


def _pad(graph: Graph, triples: set, head, extra) -> None:
    """Append ``extra`` to the RDF list at ``head`` (of ``graph``) in ``triples``."""
    last = head
    while graph.value(last, RDF.rest) not in (None, RDF.nil):
        last = graph.value(last, RDF.rest)
    cell = BNode()
    triples.discard((last, RDF.rest, RDF.nil))
    triples |= {(cell, RDF.first, extra), (cell, RDF.rest, RDF.nil), (last, RDF.rest, cell)}


def canonical(triples) -> set:
    """The triples with ``"x"^^xsd:string`` written ``"x"`` (one RDF term, two rdflib objects), pads left out."""
    out = set()
    for s, p, o in triples:
        if KEY_PAD in (s, p, o) or PAD in (s, p, o):
            continue
        if isinstance(o, Literal) and o.datatype == XSD.string:
            o = Literal(str(o))
        out.add((s, p, o))
    return out


def _owlrl_raw(triples: set) -> set:
    """owlrl's owl:sameAs triples, unfiltered (literal subjects included), on ``triples``."""
    import owlrl
    from rdflib import Dataset, URIRef

    dataset = Dataset()
    data = dataset.graph(URIRef("urn:evkg:test:input"))
    for triple in triples:
        data.add(triple)
    out = dataset.graph(URIRef("urn:evkg:test:closure"))
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(dataset, destination=out)
    return {t for t in (*data, *out) if t[1] == OWL.sameAs}


def _listed_twice(graph: Graph) -> bool:
    """Does an owl:AllDifferent list one member twice (difference 5)?"""
    for node in graph.subjects(RDF.type, OWL.AllDifferent):
        for head in [*graph.objects(node, OWL.members), *graph.objects(node, OWL.distinctMembers)]:
            members = list(graph.items(head))
            if len(set(members)) < len(members):
                return True
    return False


def differences(graph: Graph) -> list[str]:
    """What the fast engine and owlrl (given :func:`oracle_input`) disagree on, beyond difference 5."""
    from owl2rl_suite import closure_of

    from evkg.quality import owl2rl

    fast = closure_of(set(graph))
    given = oracle_input(graph)
    while True:  # difference 6
        sames = [(s, o) for s, _, o in _owlrl_raw(given) if s != o]  # eq-ref's x owl:sameAs x aside
        literals = {n for pair in sames for n in pair if isinstance(n, Literal)} & set(VALUES)
        facts = {
            (a, OWL.sameAs if VALUES[a] == VALUES[b] else OWL.differentFrom, b)
            for a in literals
            for b in literals
            if a != b
        }
        if facts <= given:
            break
        given |= facts
    reference = owl2rl.owlrl_closure(given)
    out: list[str] = []
    if fast.consistent != reference.consistent:
        if (
            reference.consistent
            and _listed_twice(graph)
            and all(i.rule in ("eq-diff2", "eq-diff3") for i in fast.inconsistencies)
        ):
            return []
        said = {e.engine: [i.message for i in e.inconsistencies] for e in (fast, reference)}
        return [f"fast: {said['fast']}; owlrl: {said['owlrl']}"]
    if not fast.consistent:
        return []  # an inconsistent graph entails everything: the closures are not compared
    ours, theirs = canonical(fast.triples), canonical(reference.triples)
    out += [f"fast only: {' '.join(n.n3() for n in t)}" for t in sorted(ours - theirs)]
    out += [f"owlrl only: {' '.join(n.n3() for n in t)}" for t in sorted(theirs - ours)]
    return out
