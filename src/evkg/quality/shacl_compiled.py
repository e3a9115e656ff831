"""The compiled SHACL engine: each constraint of each shape as one SPARQL query on the pyoxigraph store.

pySHACL (:mod:`evkg.quality.shacl_reference`) is the reference; it needs an rdflib copy of the data
and runs in pure Python (minutes at a million triples). This engine compiles every constraint of the
shapes graph into a SELECT that returns the offending (focus node, value) pairs and runs it on the
store itself (default graph = union of the named graphs), read-only. Its report graph has the shape of
pySHACL's (``sh:ValidationResult`` with focus node, path, value, severity, component, source shape).
It is held to the W3C SHACL test suite (``tests/test_w3c_shacl.py``) and to pySHACL on evkg's shapes
and data (``tests/test_shaclfast.py``).

Compiled (SHACL Core, and SPARQL-based constraints): all targets (``sh:targetNode``,
``sh:targetClass``, implicit class targets, ``sh:targetSubjectsOf``/``ObjectsOf``, SPARQL targets);
node and property shapes, nested through ``sh:property`` (also inside property shapes), ``sh:node``,
``sh:and``/``or``/``xone``/``not`` and qualified value shapes; every SHACL path (sequence, alternative,
inverse, zero-or-more, one-or-more, zero-or-one: SPARQL property paths); focus nodes that are literals;
value type, cardinality, range, string, language, pair (``sh:equals``, ``disjoint``, ``lessThan``,
``lessThanOrEquals``), ``sh:closed``, ``sh:hasValue``, ``sh:in``, ``sh:uniqueLang`` and SPARQL constraints
(``sh:select``, with ``$this`` pre-bound as SHACL 5.2.1 defines it: :mod:`evkg.quality.shacl_sparql`).

Refused (:class:`Unsupported`, for that shape alone; :mod:`evkg.quality.shacl` validates it with the
fallback engine): SPARQL-based constraint components, ``sh:closed`` under RDFS inference, a datatype whose
lexical space it does not know, a pattern the store's regex engine rejects, literal constants the store
would rewrite (``"01"^^xsd:integer`` reads as ``"1"`` in SPARQL), a blank node as a constant, shapes that
refer to themselves, and any ``sh:`` parameter it does not know. :attr:`Program.sensitive` lists the shapes
that read literals' lexical forms or datatypes: when the store rewrote literals of the data, those go to
the fallback too.

Inference: ``none`` is SHACL's own semantics (instances through ``rdf:type/rdfs:subClassOf*`` of the data
graph). ``rdfs`` is what pySHACL's ``inference="rdfs"`` gives: the schema of the data (sub-classes,
sub-properties, domains, ranges, the ontology included, without the RDFS axioms) is closed in Python and
asked inline (an instance of ``C`` is a node typed with a subclass of ``C`` or the subject/object of a
property whose domain/range is one; the values of a property include those of its sub-properties).

With ``focus``, only those focus nodes are validated (incremental re-validation, :mod:`evkg.quality.incremental`).
"""

from __future__ import annotations

import itertools
import logging
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.term import Node

from evkg.errors import EvkgError, ShapesError
from evkg.quality import shacl_sparql
from evkg.quality.reach import Reach, forward, inverse
from evkg.quality.shapes_index import ShapesIndex, indexed
from evkg.query.engine import solutions
from evkg.query.lexer import tokens
from evkg.query.parallel import map_in_threads
from evkg.rdf.parse import holds_union
from evkg.rdf.terms import to_oxigraph, to_rdflib

log = logging.getLogger(__name__)

Term = ox.NamedNode | ox.BlankNode | ox.Literal
INFERENCE = ("none", "rdfs")


class Unsupported(EvkgError):
    """A shape uses a SHACL feature this engine does not compile (that shape goes to the fallback)."""


# --- the schema, closed in Python ------------------------------------------------------------------------
@dataclass
class Schema:
    """RDFS schema of the data: sub-classes, sub-properties, domains and ranges (closed).

    With ``inference="none"`` only the sub-classes are read (SHACL's own ``rdfs:subClassOf*``).
    ``exact`` is False when a ``rdfs:subClassOf`` triple involves a blank node: class membership is then
    asked with a property path instead of the closed sets.
    """

    sub_classes: dict[str, set[str]] = field(default_factory=dict)  # class -> its subclasses
    sub_properties: dict[str, set[str]] = field(default_factory=dict)  # property -> its sub-properties
    domain_props: dict[str, set[str]] = field(default_factory=dict)  # class -> properties typing subjects
    range_props: dict[str, set[str]] = field(default_factory=dict)  # class -> properties typing objects
    inference: str = "rdfs"
    exact: bool = True

    @classmethod
    def of(cls, store: ox.Store, inference: str = "rdfs") -> Schema:
        if inference not in INFERENCE:
            raise EvkgError(f"unknown inference {inference!r}: choose one of {', '.join(INFERENCE)}")
        edges: dict[str, list[tuple[str, str]]] = {"sc": [], "sp": [], "dom": [], "rng": []}
        names = {str(RDFS.subClassOf): "sc"}
        if inference == "rdfs":
            names |= {str(RDFS.subPropertyOf): "sp", str(RDFS.domain): "dom", str(RDFS.range): "rng"}
        schema = cls(inference=inference)
        for p, key in names.items():
            for q in store.quads_for_pattern(None, ox.NamedNode(p), None):
                if isinstance(q.subject, ox.NamedNode) and isinstance(q.object, ox.NamedNode):
                    edges[key].append((q.subject.value, q.object.value))
                elif key == "sc":
                    schema.exact = False
        schema.sub_classes = _below(edges["sc"])
        schema.sub_properties = _below(edges["sp"])
        supers = Reach(forward(edges["sc"]))
        for key, target in (("dom", schema.domain_props), ("rng", schema.range_props)):
            for prop, cls_ in edges[key]:
                props = schema.subprops(prop)
                for sup in supers[cls_]:
                    target.setdefault(sup, set()).update(props)
        return schema

    def subclasses(self, c: str) -> set[str]:
        return self.sub_classes.get(c, set()) | {c}

    def classes_of(self, types: set[str], out_props: set[str], in_props: set[str]) -> set[str]:
        """Every class a node is an instance of, from its types and the properties from and to it."""
        classes = set()
        for c, subs in self.sub_classes.items():
            if types & subs:
                classes.add(c)
        classes |= types
        for c, props in self.domain_props.items():
            if out_props & props:
                classes.add(c)
        for c, props in self.range_props.items():
            if in_props & props:
                classes.add(c)
        return classes

    def subprops(self, p: str) -> set[str]:
        return self.sub_properties.get(p, set()) | {p}


def _below(edges: list[tuple[str, str]]) -> dict[str, set[str]]:
    """For each node with children: every node below it through (child, parent) edges."""
    down = Reach(inverse(edges))
    return {top: down[top] for top in down.edges}


# --- SPARQL building blocks -----------------------------------------------------------------------------
_SCRATCH = ox.Store()


def store_keeps(literal: Literal) -> bool:
    """Whether pyoxigraph reads ``literal`` in a query as written (it rewrites ``"01"^^xsd:integer``
    as ``"1"``, ``"5"^^xsd:int`` as ``"5"^^xsd:integer``...)."""
    term = to_oxigraph(literal)
    found = next(iter(solutions(_SCRATCH.query(f"SELECT ?x WHERE {{ BIND ({term} AS ?x) }}"))))["x"]
    return found == term


def nt(term: Node) -> str:
    """A constant of a shape in SPARQL syntax (refused when the store would read it otherwise)."""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, Literal):
        if not store_keeps(term):
            raise Unsupported(f"the literal {term.n3()} would be read as another term by the store")
        return str(to_oxigraph(term))
    raise Unsupported(f"blank node {term} cannot be a constant in a compiled query")


def nt_value(term: Node) -> str:
    """A literal compared by value (``sh:minInclusive``...): a lexical form the store rewrites is fine
    (``"4.0"^^xsd:decimal`` is ``4``), a datatype it rewrites is not (``xsd:int`` becomes ``xsd:integer``)."""
    if isinstance(term, Literal) and not store_keeps(term):
        kept = next(iter(solutions(_SCRATCH.query(f"SELECT ?x WHERE {{ BIND ({to_oxigraph(term)} AS ?x) }}"))))["x"]
        if isinstance(kept, ox.Literal) and kept.datatype.value == str(term.datatype or XSD.string):
            return str(kept)
    return nt(term)


def _values(var: str, iris: Iterable[str]) -> str:
    return f"VALUES {var} {{ {' '.join(f'<{i}>' for i in sorted(iris))} }}"


_counter = itertools.count()


def fresh(stem: str = "v") -> str:
    return f"?_{stem}{next(_counter)}"


def safe(expr: str) -> str:
    """A condition that is never an error: an error counts as "does not satisfy" (a violation)."""
    return f"COALESCE({expr}, false)"


_X = str(XSD)
# Well-formed lexical forms: datatypes the store can cast (its cast applies the lexical mapping) ...
_CASTS = {
    f"{_X}{name}"
    for name in (
        "boolean decimal integer double float date dateTime time duration gYear gYearMonth gMonth gDay "
        "dayTimeDuration yearMonthDuration"
    ).split()
}
# ... the types derived from xsd:integer by range ...
_INTEGER_RANGES: dict[str, tuple[int | None, int | None]] = {
    f"{_X}long": (-(2**63), 2**63 - 1),
    f"{_X}int": (-(2**31), 2**31 - 1),
    f"{_X}short": (-(2**15), 2**15 - 1),
    f"{_X}byte": (-128, 127),
    f"{_X}nonNegativeInteger": (0, None),
    f"{_X}positiveInteger": (1, None),
    f"{_X}nonPositiveInteger": (None, 0),
    f"{_X}negativeInteger": (None, -1),
    f"{_X}unsignedLong": (0, 2**64 - 1),
    f"{_X}unsignedInt": (0, 2**32 - 1),
    f"{_X}unsignedShort": (0, 2**16 - 1),
    f"{_X}unsignedByte": (0, 255),
}
# ... and regular expressions (SPARQL string syntax) for a few more; any other string type is refused.
_PATTERNS = {
    f"{_X}dateTimeStamp": r"^-?[0-9]{4,}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?"
    r"(Z|[+-][0-9]{2}:[0-9]{2})$",
    f"{_X}language": r"^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$",
    f"{_X}normalizedString": r"^[^\\r\\n\\t]*$",
    f"{_X}token": r"^([^\\s]+( [^\\s]+)*)?$",
}
_ANY_LEXICAL = {str(XSD.string), f"{_X}anyURI"}
_XSD_KNOWN_ELSEWHERE = _CASTS | set(_INTEGER_RANGES) | set(_PATTERNS) | _ANY_LEXICAL

# every parameter of SHACL Core and SHACL-SPARQL a shape may carry (anything else under sh: is refused)
_KNOWN = {
    SH[n]
    for n in (
        "datatype nodeKind class pattern flags languageIn in hasValue minInclusive maxInclusive minExclusive "
        "maxExclusive minLength maxLength or and xone not node property path minCount maxCount uniqueLang "
        "qualifiedValueShape qualifiedMinCount qualifiedMaxCount qualifiedValueShapesDisjoint severity message "
        "closed ignoredProperties targetClass targetSubjectsOf targetObjectsOf target targetNode sparql "
        "deactivated name description order group defaultValue prefixes declare equals disjoint lessThan "
        "lessThanOrEquals select"
    ).split()
}
_LITERAL_READERS = {
    SH.datatype,
    SH.pattern,
    SH.languageIn,
    SH["in"],
    SH.hasValue,
    SH.minInclusive,
    SH.maxInclusive,
    SH.minExclusive,
    SH.maxExclusive,
    SH.minLength,
    SH.maxLength,
    SH.uniqueLang,
    SH.equals,
    SH.disjoint,
    SH.lessThan,
    SH.lessThanOrEquals,
    SH.sparql,
}
_MAX_COUNT_PATTERNS = 6  # min/max/qualified counts above this are not unrolled into patterns


def _is_true(graph: Graph | ShapesIndex, node: Node, prop: URIRef) -> bool:
    return (node, prop, Literal(True)) in graph


class Compiler:
    """Turns shapes into SPARQL: boolean conformance expressions and violation queries."""

    def __init__(self, shapes: Graph, schema: Schema) -> None:
        self.g = indexed(shapes)
        self.schema = schema
        self.components = _component_parameters(shapes)
        self.reads_literals = False  # set while compiling a shape that reads lexical forms or datatypes
        self.reads: set[str] | None = set()  # the predicates a shape reads (None: any, e.g. ?s ?p ?o)
        self._regex_ok: dict[tuple[str, str], bool] = {}

    # --- helpers ---
    def one(self, node: Node, prop: URIRef) -> Node | None:
        values = list(self.g.objects(node, prop))
        if len(values) > 1:
            raise Unsupported(f"{node}: more than one {prop}")
        return values[0] if values else None

    def count(self, node: Node, prop: URIRef) -> int | None:
        value = self.one(node, prop)
        if value is None:
            return None
        if (
            not isinstance(value, Literal)
            or not isinstance(value.toPython(), int)
            or isinstance(value.toPython(), bool)
        ):
            raise Unsupported(f"{node}: {prop} {value} is not an integer")  # the shapes checker words it first
        return int(value.toPython())

    def path_of(self, shape: Node) -> Node:
        path = self.one(shape, SH.path)
        if path is None:
            raise Unsupported(f"{shape}: no sh:path")
        return path

    def path_text(self, path: Node, depth: int = 0) -> str:
        """A SHACL path as a SPARQL property path (sub-properties included under RDFS inference)."""
        if depth > 20:
            raise Unsupported("a SHACL path nested too deep")
        g = self.g
        if isinstance(path, URIRef):
            props = sorted(self.schema.subprops(str(path)))
            self.read(props)
            return f"<{props[0]}>" if len(props) == 1 else "(" + "|".join(f"<{p}>" for p in props) + ")"
        if not isinstance(path, BNode):
            raise Unsupported(f"{path!r} is not a SHACL path")
        if (path, RDF.first, None) in g:
            items = list(g.items(path))
            if len(items) < 2:
                raise Unsupported("a sequence path needs two members or more")
            return "(" + "/".join(self.path_text(p, depth + 1) for p in items) + ")"
        inverse = g.value(path, SH.inversePath)
        if inverse is not None:
            return f"^({self.path_text(inverse, depth + 1)})"
        alternative = g.value(path, SH.alternativePath)
        if alternative is not None:
            items = list(g.items(alternative))
            if len(items) < 2:
                raise Unsupported("an alternative path needs two members or more")
            return "(" + "|".join(self.path_text(p, depth + 1) for p in items) + ")"
        for prop, mod in ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?")):
            inner = g.value(path, prop)
            if inner is not None:
                return f"({self.path_text(inner, depth + 1)}){mod}"
        raise Unsupported(f"{path} is not a SHACL path")

    def read(self, predicates: Iterable[str] | None) -> None:
        """Record predicates the shape being compiled reads (None: any predicate)."""
        if predicates is None:
            self.reads = None
        elif self.reads is not None:
            self.reads.update(predicates)

    def values_of(self, subject: str, path: Node, var: str) -> str:
        """A pattern binding ``var`` to the values of ``path`` for ``subject``."""
        if isinstance(path, URIRef):
            props = self.schema.subprops(str(path))
            self.read(props)
            if len(props) == 1:
                return f"{subject} <{path}> {var} ."
            pv = fresh("p")
            return f"{_values(pv, props)} {subject} {pv} {var} ."
        return f"{subject} {self.path_text(path)} {var} ."

    def instance_of(self, var: str, cls: str) -> str:
        """Boolean: ``var`` is a SHACL instance of ``cls`` (under RDFS inference when asked)."""
        if not self.schema.exact:
            parts = [f"EXISTS {{ {var} <{RDF.type}>/<{RDFS.subClassOf}>* <{cls}> }}"]
        else:
            parts = [f"EXISTS {{ {_values(c := fresh('c'), self.schema.subclasses(cls))} {var} a {c} }}"]
        dom = self.schema.domain_props.get(cls)
        if dom:
            parts.append(f"EXISTS {{ {_values(p := fresh('p'), dom)} {var} {p} [] }}")
        rng = self.schema.range_props.get(cls)
        if rng:
            parts.append(f"EXISTS {{ {_values(p := fresh('p'), rng)} [] {p} {var} }}")
        return "(" + " || ".join(parts) + ")"

    def target_classes(self, shape: Node) -> list[str]:
        """The classes whose instances a shape targets: ``sh:targetClass`` and, if the shape is itself
        a class (an instance of ``rdfs:Class`` in the shapes graph), the shape (implicit class target)."""
        out = [str(c) for c in self.g.objects(shape, SH.targetClass) if isinstance(c, URIRef)]
        if any(not isinstance(c, URIRef) for c in self.g.objects(shape, SH.targetClass)):
            raise Unsupported(f"{shape}: a sh:targetClass that is not an IRI")
        if is_class(self.g, shape):
            if not isinstance(shape, URIRef):
                raise Unsupported(f"{shape}: a blank node that is a class")
            out.append(str(shape))
        return out

    def targets(self, shape: Node) -> str:
        """A group pattern binding ``?this`` to the shape's focus nodes (literals included)."""
        alts = []
        for cls in self.target_classes(shape):
            if not self.schema.exact:
                alts.append(f"?this <{RDF.type}>/<{RDFS.subClassOf}>* <{cls}>")
            else:
                alts.append(f"{_values('?_tc', self.schema.subclasses(cls))} ?this a ?_tc")
            if self.schema.domain_props.get(cls):
                alts.append(f"{_values('?_tp', self.schema.domain_props[cls])} ?this ?_tp []")
            if self.schema.range_props.get(cls):
                alts.append(f"{_values('?_tp', self.schema.range_props[cls])} [] ?_tp ?this")
        for p in self.g.objects(shape, SH.targetSubjectsOf):
            alts.append(f"{_values('?_tp', self.schema.subprops(str(p)))} ?this ?_tp []")
        for p in self.g.objects(shape, SH.targetObjectsOf):
            alts.append(f"{_values('?_tp', self.schema.subprops(str(p)))} [] ?_tp ?this")
        for t in self.g.objects(shape, SH.target):
            select = self.one(t, SH.select)
            if (t, RDF.type, SH.SPARQLTarget) not in self.g or select is None:
                raise Unsupported(f"{shape}: only SPARQL targets with sh:select are compiled")
            where = f"the SPARQL target of {shape}"
            text = shacl_sparql.prefix_block(self.g, t, where) + str(select)
            shacl_sparql.check_text(text, where)
            query = self.sparql(text, where)
            inline = _SELECT_THIS.match(query)  # the group itself: evaluated with ?this bound when it is
            alts.append(inline.group(1)[1:-1].strip() if inline else f"{{ {query} }}")
        nodes = list(self.g.objects(shape, SH.targetNode))
        if nodes:
            alts.append(f"VALUES ?this {{ {' '.join(nt(n) for n in nodes)} }}")
        if not alts:
            return ""
        return "{ " + " } UNION { ".join(alts) + " }"

    # --- value-node constraints as boolean expressions ---
    def node_checks(self, shape: Node, var: str, seen: tuple[Node, ...] = ()) -> list[tuple[URIRef, str]]:
        """(component, condition true when ``var`` satisfies it) for the value-node constraints of ``shape``."""
        out: list[tuple[URIRef, str]] = []
        g = self.g
        self.refuse_unknown(shape)
        for dt in g.objects(shape, SH.datatype):
            out.append((SH.DatatypeConstraintComponent, safe(self.datatype(var, dt))))
        for kind in g.objects(shape, SH.nodeKind):
            out.append((SH.NodeKindConstraintComponent, _node_kind(var, kind)))
        for c in g.objects(shape, SH["class"]):
            if not isinstance(c, URIRef):
                raise Unsupported(f"{shape}: sh:class {c} is not an IRI")
            out.append((SH.ClassConstraintComponent, safe(f"(!isLiteral({var}) && {self.instance_of(var, str(c))})")))
        for pattern in g.objects(shape, SH.pattern):
            flags = self.one(shape, SH.flags)
            self.check_regex(str(pattern), str(flags or ""))
            args = f", {nt(Literal(str(flags)))}" if flags else ""
            expr = f"(!isBlank({var}) && REGEX(STR({var}), {nt(Literal(str(pattern)))}{args}))"
            out.append((SH.PatternConstraintComponent, safe(expr)))
        for langs in g.objects(shape, SH.languageIn):
            tags = [str(t) for t in g.items(langs)]
            tests = " || ".join(f"LANGMATCHES(LANG({var}), {nt(Literal(t))})" for t in tags)
            out.append((SH.LanguageInConstraintComponent, safe(f"(isLiteral({var}) && ({tests or 'false'}))")))
        for members in g.objects(shape, SH["in"]):
            tests = " || ".join(f"sameTerm({var}, {nt(m)})" for m in g.items(members))
            out.append((SH.InConstraintComponent, safe(f"({tests or 'false'})")))
        if (shape, SH.path, None) not in g:
            for value in g.objects(shape, SH.hasValue):
                out.append((SH.HasValueConstraintComponent, safe(f"sameTerm({var}, {nt(value)})")))
        for prop, op, comp in (
            (SH.minInclusive, ">=", SH.MinInclusiveConstraintComponent),
            (SH.maxInclusive, "<=", SH.MaxInclusiveConstraintComponent),
            (SH.minExclusive, ">", SH.MinExclusiveConstraintComponent),
            (SH.maxExclusive, "<", SH.MaxExclusiveConstraintComponent),
        ):
            for bound in g.objects(shape, prop):
                if not isinstance(bound, Literal):
                    raise Unsupported(f"{shape}: {prop} {bound} is not a literal")
                out.append((comp, safe(f"(isLiteral({var}) && {var} {op} {nt_value(bound)})")))
        for prop, op, comp in (
            (SH.minLength, ">=", SH.MinLengthConstraintComponent),
            (SH.maxLength, "<=", SH.MaxLengthConstraintComponent),
        ):
            for _ in g.objects(shape, prop):
                length = self.count(shape, prop)
                out.append((comp, safe(f"(!isBlank({var}) && STRLEN(STR({var})) {op} {length})")))
        for lst in g.objects(shape, SH["or"]):
            parts = [self.conforms(s, var, seen) for s in g.items(lst)]
            out.append((SH.OrConstraintComponent, "(" + (" || ".join(parts) or "false") + ")"))
        for lst in g.objects(shape, SH["and"]):
            parts = [self.conforms(s, var, seen) for s in g.items(lst)]
            out.append((SH.AndConstraintComponent, "(" + (" && ".join(parts) or "true") + ")"))
        for lst in g.objects(shape, SH.xone):
            parts = [f"IF({self.conforms(s, var, seen)}, 1, 0)" for s in g.items(lst)]
            out.append((SH.XoneConstraintComponent, "((" + (" + ".join(parts) or "0") + ") = 1)"))
        for inner in g.objects(shape, SH["not"]):
            out.append((SH.NotConstraintComponent, f"!({self.conforms(inner, var, seen)})"))
        for inner in g.objects(shape, SH.node):
            out.append((SH.NodeConstraintComponent, self.conforms(inner, var, seen)))
        return out

    def refuse_unknown(self, shape: Node) -> None:
        g = self.g
        for p in set(g.predicates(shape, None)):
            if str(p).startswith(str(SH)) and p not in _KNOWN:
                raise Unsupported(f"{shape}: {p} is not compiled")
            if p in _LITERAL_READERS:
                self.reads_literals = True
        for component, (required, _optional) in self.components.items():
            if required and all((shape, p, None) in g for p in required):
                raise Unsupported(f"{shape}: the SPARQL-based constraint component {component} is not compiled")
        if _is_true(g, shape, SH.closed) and self.schema.inference != "none":
            raise Unsupported(f"{shape}: sh:closed under RDFS inference (inferred triples count) is not compiled")

    def check_regex(self, pattern: str, flags: str) -> None:
        """Refuse a pattern the store's regular expressions read otherwise than XPath (or not at all)."""
        key = (pattern, flags)
        if key not in self._regex_ok:
            try:
                _SCRATCH.query(f"ASK {{ FILTER (REGEX('', {nt(Literal(pattern))}, {nt(Literal(flags))})) }}")
                # back-references and (?...) extensions other than (?:...) are not XPath's
                ok = not re.search(r"(?<!\\)(?:\\\\)*\\[1-9]|(?<!\\)\((?=\?[^:])", pattern)
            except (SyntaxError, RuntimeError, ValueError):
                ok = False
            self._regex_ok[key] = ok
        if not self._regex_ok[key]:
            raise Unsupported(f"the pattern {pattern!r} (flags {flags!r}) is not one the store reads as XPath does")

    def datatype(self, var: str, dt: Node) -> str:
        if not isinstance(dt, URIRef):
            raise Unsupported(f"sh:datatype {dt} is not an IRI")
        d = str(dt)
        if d == str(RDF.langString):
            return f'(isLiteral({var}) && LANG({var}) != "")'
        check = f'(isLiteral({var}) && LANG({var}) = "" && DATATYPE({var}) = <{d}>'
        if d in _CASTS:
            check += f" && isLiteral(<{d}>(STR({var})))"
        elif d in _INTEGER_RANGES:
            low, high = _INTEGER_RANGES[d]
            number = f"<{_X}integer>(STR({var}))"
            check += f" && isLiteral({number})"
            if low is not None:
                check += f" && {number} >= {low}"
            if high is not None:
                check += f" && {number} <= {high}"
        elif d in _PATTERNS:
            check += f' && REGEX(STR({var}), "{_PATTERNS[d]}")'
        elif d.startswith(_X) and d not in _XSD_KNOWN_ELSEWHERE:
            raise Unsupported(f"sh:datatype {d}: its lexical space is not compiled")
        return check + ")"

    def conforms(self, shape: Node, var: str, seen: tuple[Node, ...] = ()) -> str:
        """Boolean: ``var`` conforms to ``shape`` (a node shape or a property shape)."""
        if shape in seen:
            raise Unsupported(f"{shape}: a shape that refers to itself (recursive shapes are undefined in SHACL)")
        if len(seen) > 12:
            raise Unsupported(f"{shape}: shapes nested deeper than 12")
        seen = (*seen, shape)
        g = self.g
        if _is_true(g, shape, SH.deactivated):
            return "true"
        if list(g.objects(shape, SH.sparql)):
            raise Unsupported(f"{shape}: SPARQL constraints in nested shapes are not compiled")
        if (shape, SH.path, None) in g:
            return self.property_conforms(shape, var, seen)
        parts = [expr for _, expr in self.node_checks(shape, var, seen)]
        parts += [expr for _, expr in self.pair_checks(shape, var, None, var)]
        for other in g.objects(shape, SH.equals):
            parts.append(f"NOT EXISTS {{ {self.equals_missing(shape, var, None, other, fresh())} }}")
        if _is_true(g, shape, SH.closed):
            parts.append(self.closed_ok(shape, var))
        for ps in g.objects(shape, SH.property):
            parts.append(self.conforms(ps, var, seen))
        return "(" + (" && ".join(parts) or "true") + ")"

    def property_conforms(self, ps: Node, var: str, seen: tuple[Node, ...]) -> str:
        path = self.path_of(ps)
        parts = []
        v = fresh()
        checks = self.node_checks(ps, v, seen)
        nested = [self.conforms(inner, v, seen) for inner in self.g.objects(ps, SH.property)]
        conds = [expr for _, expr in checks] + nested
        if _is_true(self.g, ps, SH.closed):
            conds.append(self.closed_ok(ps, v))
        if conds:
            parts.append(f"NOT EXISTS {{ {self.values_of(var, path, v)} FILTER (!({' && '.join(conds)})) }}")
        n = self.count(ps, SH.minCount)
        if n is not None and n > 0:
            parts.append(self.at_least(var, path, n))
        n = self.count(ps, SH.maxCount)
        if n is not None:
            parts.append(f"!({self.at_least(var, path, n + 1)})")
        for value in self.g.objects(ps, SH.hasValue):
            parts.append(f"EXISTS {{ {self.values_of(var, path, nt(value))} }}")
        if _is_true(self.g, ps, SH.uniqueLang):
            a, b = fresh(), fresh()
            parts.append(
                f"NOT EXISTS {{ {self.values_of(var, path, a)} {self.values_of(var, path, b)} "
                f'FILTER (!sameTerm({a}, {b}) && LANG({a}) != "" && LCASE(LANG({a})) = LCASE(LANG({b}))) }}'
            )
        for qvs in self.g.objects(ps, SH.qualifiedValueShape):
            qmin, qmax = self.count(ps, SH.qualifiedMinCount), self.count(ps, SH.qualifiedMaxCount)
            if qmin is not None and qmin > 0:
                parts.append(self.at_least(var, path, qmin, self.qualified(ps, qvs, seen)))
            if qmax is not None:
                parts.append(f"!({self.at_least(var, path, qmax + 1, self.qualified(ps, qvs, seen))})")
        v = fresh()
        parts += [
            f"NOT EXISTS {{ {self.values_of(var, path, v)} FILTER (!({expr})) }}"
            for _, expr in self.pair_checks(ps, var, path, v)
        ]
        for other in self.g.objects(ps, SH.equals):
            parts.append(f"NOT EXISTS {{ {self.equals_missing(ps, var, path, other, fresh())} }}")
        return "(" + (" && ".join(parts) or "true") + ")"

    def qualified(self, ps: Node, qvs: Node, seen: tuple[Node, ...]) -> list[tuple[Node, bool]]:
        """The shape a qualified value must conform to, and its siblings it must not (if disjoint)."""
        out = [(qvs, True)]
        if _is_true(self.g, ps, SH.qualifiedValueShapesDisjoint):
            for parent in self.g.subjects(SH.property, ps):
                for sibling in self.g.objects(parent, SH.property):
                    for other in self.g.objects(sibling, SH.qualifiedValueShape):
                        if sibling != ps:
                            out.append((other, False))
        return out

    def qualified_expr(self, var: str, shapes: list[tuple[Node, bool]], seen: tuple[Node, ...]) -> str:
        return " && ".join(
            self.conforms(s, var, seen) if positive else f"!({self.conforms(s, var, seen)})" for s, positive in shapes
        )

    def at_least(self, var: str, path: Node, n: int, qualified: list[tuple[Node, bool]] | None = None) -> str:
        """Boolean: ``var`` has at least ``n`` distinct values of ``path`` (qualified ones, if asked)."""
        if n <= 0:
            return "true"
        if n > _MAX_COUNT_PATTERNS:
            raise Unsupported(f"counting {n} values inside a nested or qualified shape is not compiled")
        vs = [fresh() for _ in range(n)]
        patterns = " ".join(self.values_of(var, path, x) for x in vs)
        conds = [f"!sameTerm({a}, {b})" for a, b in itertools.combinations(vs, 2)]
        if qualified:
            conds += [self.qualified_expr(x, qualified, ()) for x in vs]
        return f"EXISTS {{ {patterns} {'FILTER (' + ' && '.join(conds) + ')' if conds else ''} }}"

    def pair_checks(self, shape: Node, focus: str, path: Node | None, value: str) -> list[tuple[URIRef, str]]:
        """(component, condition on ``value`` (a value node of ``focus``)) for sh:equals, sh:disjoint,
        sh:lessThan and sh:lessThanOrEquals; sh:equals also needs :meth:`equals_missing`."""
        out = []
        g = self.g
        for other in g.objects(shape, SH.equals):
            o = fresh()
            out.append(
                (
                    SH.EqualsConstraintComponent,
                    f"EXISTS {{ {self.values_of(focus, other, o)} FILTER (sameTerm({o}, {value})) }}",
                )
            )
        for other in g.objects(shape, SH.disjoint):
            o = fresh()
            out.append(
                (
                    SH.DisjointConstraintComponent,
                    f"NOT EXISTS {{ {self.values_of(focus, other, o)} FILTER (sameTerm({o}, {value})) }}",
                )
            )
        for prop, op, comp in (
            (SH.lessThan, "<", SH.LessThanConstraintComponent),
            (SH.lessThanOrEquals, "<=", SH.LessThanOrEqualsConstraintComponent),
        ):
            for other in g.objects(shape, prop):
                if path is None:
                    raise Unsupported(f"{shape}: {prop} on a node shape")
                o = fresh()
                out.append(
                    (comp, f"NOT EXISTS {{ {self.values_of(focus, other, o)} FILTER (!{safe(f'{value} {op} {o}')}) }}")
                )
        return out

    def equals_missing(self, shape: Node, focus: str, path: Node | None, other: Node, o: str) -> str:
        """Pattern binding ``o`` to the values of ``other`` that are not values of ``shape`` (sh:equals)."""
        if path is None:
            return f"{self.values_of(focus, other, o)} FILTER (!sameTerm({o}, {focus}))"
        v = fresh()
        mine = self.values_of(focus, path, v)
        return f"{self.values_of(focus, other, o)} FILTER NOT EXISTS {{ {mine} FILTER (sameTerm({v}, {o})) }}"

    def sparql(self, text: str, where: str) -> str:
        """A SPARQL target or constraint, self-contained (see :func:`_sparql`)."""
        return _sparql(self, text, where)

    def closed_allowed(self, shape: Node) -> list[str]:
        allowed = {
            str(p) for ps in self.g.objects(shape, SH.property) if isinstance(p := self.g.value(ps, SH.path), URIRef)
        }
        for lst in self.g.objects(shape, SH.ignoredProperties):
            allowed |= {str(p) for p in self.g.items(lst)}
        return sorted(allowed)

    def closed_ok(self, shape: Node, var: str) -> str:
        self.read(None)
        p, o = fresh("p"), fresh()
        allowed = self.closed_allowed(shape)
        test = f"FILTER ({p} NOT IN ({', '.join(f'<{a}>' for a in allowed)}))" if allowed else ""
        return f"NOT EXISTS {{ {var} {p} {o} {test} }}"


def is_class(g: Graph | ShapesIndex, node: Node) -> bool:
    """Whether ``node`` is a SHACL instance of rdfs:Class in the shapes graph (implicit class target)."""
    classes = {RDFS.Class} | set(g.transitive_subjects(RDFS.subClassOf, RDFS.Class))
    return any(t in classes for t in g.objects(node, RDF.type))


def _component_parameters(g: Graph) -> dict[Node, tuple[list[Node], list[Node]]]:
    """SPARQL-based constraint components: their (required, optional) parameter paths."""
    out = {}
    kinds = {SH.ConstraintComponent} | set(g.transitive_subjects(RDFS.subClassOf, SH.ConstraintComponent))
    for kind in kinds:
        for component in g.subjects(RDF.type, kind):
            required: list[Node] = []
            optional: list[Node] = []
            for param in g.objects(component, SH.parameter):
                path = g.value(param, SH.path)
                if path is not None:
                    (optional if _is_true(g, param, SH.optional) else required).append(path)
            out[component] = (required, optional)
    return out


def _node_kind(var: str, kind: Node) -> str:
    tests = {
        SH.IRI: f"isIRI({var})",
        SH.BlankNode: f"isBlank({var})",
        SH.Literal: f"isLiteral({var})",
        SH.BlankNodeOrIRI: f"(isBlank({var}) || isIRI({var}))",
        SH.BlankNodeOrLiteral: f"(isBlank({var}) || isLiteral({var}))",
        SH.IRIOrLiteral: f"(isIRI({var}) || isLiteral({var}))",
    }
    if kind not in tests:
        raise Unsupported(f"unknown sh:nodeKind {kind}")
    return tests[kind]  # type: ignore[index]


_SELECT_THIS = re.compile(r"^\s*SELECT\s+(?:DISTINCT\s+)?\?this\s+WHERE\s*(\{.*\})\s*$", re.DOTALL | re.IGNORECASE)


_RDF_TYPE_IRI = f"<{RDF.type}>"
_TYPE_PATTERN = re.compile(r"(\?\w+)\s+(?:a|<http://www\.w3\.org/1999/02/22-rdf-syntax-ns#type>)\s+(<[^>\s]+>)\s*\.")


def _sparql(comp: Compiler, text: str, where: str) -> str:
    """A SPARQL target or constraint as one self-contained query (prefixed names expanded, ``$var``
    written ``?var``, so that it nests in another query). Under RDFS inference ``?x a C .`` also
    matches inferred instances, and a property with sub-properties is refused (only RDFS inference
    would add its values)."""
    body = shacl_sparql.expand_prefixes(text, where)
    body = shacl_sparql.substitute(body, {t.variable: "?" + t.variable for t in tokens(body) if t.text.startswith("$")})
    schema = comp.schema
    if schema.inference == "none":
        return body
    for t in tokens(body):
        if t.kind == "iri" and len(schema.subprops(t.text[1:-1])) > 1:
            raise Unsupported(f"{where} uses {t.text}, which has sub-properties")

    def typed(m: re.Match[str]) -> str:
        var, cls = m.group(1), m.group(2)[1:-1]
        alts = [f"{{ {_values(c := fresh('c'), schema.subclasses(cls))} {var} a {c} }}"]
        if schema.domain_props.get(cls):
            alts.append(f"{{ {_values(p := fresh('p'), schema.domain_props[cls])} {var} {p} [] }}")
        if schema.range_props.get(cls):
            alts.append(f"{{ {_values(p := fresh('p'), schema.range_props[cls])} [] {p} {var} }}")
        return "{ SELECT DISTINCT " + var + " WHERE { " + " UNION ".join(alts) + " } }"

    return _TYPE_PATTERN.sub(typed, body)


# --- checks: one query per constraint ---------------------------------------------------------------------
MARK = "%TARGETS%"  # where the focus nodes are bound (?this)


@dataclass
class Check:
    """One compiled constraint: a SELECT returning ?this (and ?value, ?path) per violation."""

    shape: Node  # the shape that holds the constraint (sourceShape)
    component: URIRef
    severity: URIRef
    query: str
    path: Node | None = None  # the shape's sh:path (IRI or the path's blank node in the shapes graph)
    constraint: Node | None = None  # sh:sparql node of a SPARQL constraint
    value_is_focus: bool = False  # node-level constraint: sh:value is the focus node
    messages: tuple[Literal, ...] = ()
    target: str = ""  # group pattern binding ?this to the shape's focus nodes
    # the same check for a run over every focus node, where a set operation beats a probe per node
    # (MINUS needs ?this bound on its left: not for a focus node given as a substitution)
    full_query: str | None = None
    spec: TargetSpec = field(default_factory=lambda: TargetSpec(other=True))
    top: Node | None = None  # the targeted shape this check belongs to (the unit of fallback)
    per_node: bool = False  # a SPARQL constraint run once per focus node (modifiers mix focus nodes)
    node_shape_value: bool = False  # SPARQL constraint of a node shape: sh:value defaults to the focus
    keys: tuple[str, ...] = ()  # variables telling apart the ways a nested focus node was reached
    detail_of: Node | None = None  # a check of a sh:node shape: its results are sh:detail of this shape's


@dataclass(frozen=True)
class TargetSpec:
    """A shape's targets as sets (for testing a few nodes in Python) and as a SPARQL group."""

    classes: frozenset[str] = frozenset()
    subjects_of: frozenset[str] = frozenset()  # with their sub-properties
    objects_of: frozenset[str] = frozenset()
    other: bool = False  # SPARQL targets, sh:targetNode or a nested shape: only the SPARQL group says


@dataclass
class Program:
    checks: list[Check]
    prefixes: str = ""
    seconds: float = 0.0
    schema: Schema = field(default_factory=Schema)
    fallback: dict[Node, str] = field(default_factory=dict)  # targeted shape -> why it is not compiled
    sensitive: set[Node] = field(default_factory=set)  # targeted shapes that read literals as written
    reads: dict[Node, frozenset[str] | None] = field(default_factory=dict)  # their predicates (None: any)


def targeted_shapes(shapes: Graph) -> list[Node]:
    """The shapes with targets (explicit, or implicit: a shape that is also a class), sorted."""
    found = {
        s
        for p in (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target, SH.targetNode)
        for s in shapes.subjects(p, None)
    }
    for kind in (SH.NodeShape, SH.PropertyShape):
        for s in shapes.subjects(RDF.type, kind):
            if is_class(shapes, s):
                found.add(s)
    return sorted(found, key=lambda n: (isinstance(n, BNode), str(n)))


def compile_shapes(shapes: Graph, schema: Schema) -> Program:
    """Every constraint of every targeted shape as a violation query; shapes it cannot compile are
    listed in :attr:`Program.fallback` with the reason (their checks are left out)."""
    started = time.perf_counter()
    comp = Compiler(shapes, schema)
    shapes = comp.g  # type: ignore[assignment]
    program = Program([], "", 0.0, schema)
    for shape in targeted_shapes(shapes):
        if _is_true(shapes, shape, SH.deactivated):
            continue
        comp.reads_literals, comp.reads = False, set()
        try:
            target = comp.targets(shape)
            if not target:
                continue
            spec = TargetSpec(
                classes=frozenset(comp.target_classes(shape)),
                subjects_of=frozenset(
                    q for p in shapes.objects(shape, SH.targetSubjectsOf) for q in schema.subprops(str(p))
                ),
                objects_of=frozenset(
                    q for p in shapes.objects(shape, SH.targetObjectsOf) for q in schema.subprops(str(p))
                ),
                other=bool(list(shapes.objects(shape, SH.target)) or list(shapes.objects(shape, SH.targetNode))),
            )
            checks = shape_checks(comp, shape, target, spec)
        except Unsupported as exc:
            program.fallback[shape] = str(exc)
            continue
        for check in checks:
            check.top = shape
        program.checks += checks
        if comp.reads_literals:
            program.sensitive.add(shape)
            program.reads[shape] = None if comp.reads is None else frozenset(comp.reads)
    program.seconds = time.perf_counter() - started
    return program


def _nested_focus(comp: Compiler, target: str, path: Node, keys: tuple[str, ...]) -> tuple[str, tuple[str, ...]]:
    """The focus pattern of shapes under a property shape: the values of its path from its focus nodes,
    with the focus node they were reached from kept as a key (SHACL reports a nested result once per
    focus node it was reached from)."""
    outer, v, key = fresh("o"), fresh("in"), f"?_fk{len(keys) + 1}"
    carried = " ".join(keys)
    pattern = (
        f"{{ SELECT DISTINCT {carried} ({outer} AS {key}) ({v} AS ?this) WHERE {{ "
        f"{{ SELECT DISTINCT {carried} (?this AS {outer}) WHERE {{ {target} }} }} "
        f"{comp.values_of(outer, path, v)} }} }}"
    )
    return pattern, (*keys, key)


def shape_checks(
    comp: Compiler,
    shape: Node,
    target: str,
    spec: TargetSpec,
    seen: tuple[Node, ...] = (),
    keys: tuple[str, ...] = (),
) -> list[Check]:
    """The checks of ``shape`` on the focus nodes ``target`` binds to ``?this`` (nested shapes included);
    ``keys``: the variables that tell apart the ways a nested focus node was reached."""
    g = comp.g
    if _is_true(g, shape, SH.deactivated):
        return []
    if shape in seen:
        raise Unsupported(f"{shape}: a shape that refers to itself through sh:property")
    if len(seen) > 12:
        raise Unsupported(f"{shape}: property shapes nested deeper than 12")
    seen = (*seen, shape)
    severity = g.value(shape, SH.severity) or SH.Violation
    if not isinstance(severity, URIRef):
        raise Unsupported(f"{shape}: sh:severity {severity} is not an IRI")
    messages = tuple(m for m in g.objects(shape, SH.message) if isinstance(m, Literal))
    path = g.value(shape, SH.path)
    out: list[Check] = []
    key_list = "".join(f" {k}" for k in keys)

    def add(component: URIRef, body: str, with_value: bool, columns: str = "", **kw: object) -> Check:
        select = "DISTINCT ?this" + (" ?value" if with_value else "") + columns + key_list
        check = Check(
            shape, component, severity, f"SELECT {select} WHERE {{ {MARK} {body} }}", path=path,
            messages=messages, target=target, spec=spec, keys=keys, **kw,  # type: ignore[arg-type]
        )  # fmt: skip
        out.append(check)
        return check

    def pairs(focus_value: str, body: str, value_is_focus: bool) -> None:
        for other in g.objects(shape, SH.equals):
            o = fresh()
            test = f"FILTER NOT EXISTS {{ {comp.values_of('?this', other, o)} FILTER (sameTerm({o}, {focus_value})) }}"
            add(SH.EqualsConstraintComponent, f"{body} {test}", not value_is_focus, value_is_focus=value_is_focus)
            add(SH.EqualsConstraintComponent, comp.equals_missing(shape, "?this", path, other, "?value"), True)
        for other in g.objects(shape, SH.disjoint):
            test = f"{comp.values_of('?this', other, focus_value)}"
            add(SH.DisjointConstraintComponent, f"{body} {test}", not value_is_focus, value_is_focus=value_is_focus)
        for prop, op, component in (
            (SH.lessThan, "<", SH.LessThanConstraintComponent),
            (SH.lessThanOrEquals, "<=", SH.LessThanOrEqualsConstraintComponent),
        ):
            for other in g.objects(shape, prop):
                if path is None:
                    raise Unsupported(f"{shape}: {prop} on a node shape")
                test = f"{comp.values_of('?this', other, '?_other')} FILTER (!{safe(f'?value {op} ?_other')})"
                add(component, f"{body} {test}", True, " ?_other")  # one result per pair (SHACL 4.5.3)

    if path is None:  # a node shape: the value node is the focus node
        for component, expr in comp.node_checks(shape, "?this"):
            has_value = component == SH.HasValueConstraintComponent  # no sh:value (SHACL 4.8.3)
            add(component, f"FILTER (!({expr}))", False, value_is_focus=not has_value)
        pairs("?this", "", True)
        if _is_true(g, shape, SH.closed):
            comp.read(None)
            allowed = comp.closed_allowed(shape)
            test = f"FILTER (?path NOT IN ({', '.join(f'<{a}>' for a in allowed)}))" if allowed else ""
            add(SH.ClosedConstraintComponent, f"?this ?path ?value {test}", True, " ?path")
        for ps in g.objects(shape, SH.property):
            out += shape_checks(comp, ps, target, spec, seen, keys)
        out += sparql_checks(comp, shape, None, target, spec, severity, messages)
        out += _details(comp, shape, target, keys, seen)
        return out

    # a property shape: the value nodes are the values of its path
    comp.path_text(path)  # refuse a malformed path early
    values = comp.values_of("?this", path, "?value")
    for component, expr in comp.node_checks(shape, "?value"):
        add(component, f"{values} FILTER (!({expr}))", True)
    pairs("?value", values, False)
    n = comp.count(shape, SH.minCount)
    if n is not None and n > 0:
        check = add(SH.MinCountConstraintComponent, f"FILTER (!({comp.at_least('?this', path, n)}))", False)
        if n == 1:  # over every focus node: one anti-join instead of a look-up per node (1 M: 3.9 s -> 1 s)
            missing = f"MINUS {{ {comp.values_of('?this', path, fresh())} }}"
            check.full_query = f"SELECT DISTINCT ?this{key_list} WHERE {{ {MARK} {missing} }}"
    n = comp.count(shape, SH.maxCount)
    if n is not None:  # counted per focus node: a hash aggregate, not a self-join per node (1 M: 8 s -> 2 s)
        v = fresh()
        q = (
            f"SELECT ?this{key_list} WHERE {{ {MARK} {comp.values_of('?this', path, v)} }} "
            f"GROUP BY ?this{key_list} HAVING (COUNT(DISTINCT {v}) > {n})"
        )
        check = Check(shape, SH.MaxCountConstraintComponent, severity, q, path=path, messages=messages)
        check.target, check.spec, check.keys = target, spec, keys
        out.append(check)
    for value in g.objects(shape, SH.hasValue):
        test = f"FILTER NOT EXISTS {{ {comp.values_of('?this', path, nt(value))} }}"
        add(SH.HasValueConstraintComponent, test, False)
    if _is_true(g, shape, SH.uniqueLang):
        a, b = fresh(), fresh()
        body = (
            f"{comp.values_of('?this', path, a)} {comp.values_of('?this', path, b)} "
            f'FILTER (!sameTerm({a}, {b}) && LANG({a}) != "" && LCASE(LANG({a})) = LCASE(LANG({b}))) '
            f"BIND (LCASE(LANG({a})) AS ?lang)"
        )
        add(SH.UniqueLangConstraintComponent, body, False, " ?lang")
    for qvs in g.objects(shape, SH.qualifiedValueShape):
        qmin, qmax = comp.count(shape, SH.qualifiedMinCount), comp.count(shape, SH.qualifiedMaxCount)
        qualified = comp.qualified(shape, qvs, seen)
        if qmin is not None and qmin > 0:
            enough = comp.at_least("?this", path, qmin, qualified)
            add(SH.QualifiedMinCountConstraintComponent, f"FILTER (!({enough}))", False)
        if qmax is not None:
            too_many = comp.at_least("?this", path, qmax + 1, qualified)
            add(SH.QualifiedMaxCountConstraintComponent, f"FILTER ({too_many})", False)
    if _is_true(g, shape, SH.closed):
        comp.read(None)
        allowed = comp.closed_allowed(shape)
        test = f"FILTER (?path NOT IN ({', '.join(f'<{a}>' for a in allowed)}))" if allowed else ""
        closed = f"{comp.values_of('?this', path, '?_cv')} ?_cv ?path ?value {test}"
        add(SH.ClosedConstraintComponent, closed, True, " ?path")
    inner = list(g.objects(shape, SH.property))
    if inner:
        focus, inner_keys = _nested_focus(comp, target, path, keys)
        for ps in inner:
            out += shape_checks(comp, ps, focus, TargetSpec(other=True), seen, inner_keys)
    out += sparql_checks(comp, shape, path, target, spec, severity, messages)
    if list(g.objects(shape, SH.node)):
        focus, inner_keys = _nested_focus(comp, target, path, keys)
        out += _details(comp, shape, focus, inner_keys, seen)
    return out


def _details(comp: Compiler, shape: Node, focus: str, keys: tuple[str, ...], seen: tuple[Node, ...]) -> list[Check]:
    """The checks of the ``sh:node`` shapes of ``shape`` on its value nodes: their results become the
    ``sh:detail`` of the ``sh:node`` result, as pySHACL reports them (never results of the report itself)."""
    out = []
    for inner in comp.g.objects(shape, SH.node):
        if inner in seen:
            raise Unsupported(f"{inner}: a shape that refers to itself through sh:node")
        for check in shape_checks(comp, inner, focus, TargetSpec(other=True), seen, keys):
            if check.detail_of is None:
                check.detail_of = shape
            out.append(check)
    return out


SPARQL_PRE_BOUND = frozenset({"this", "currentShape", "shapesGraph"})


def sparql_checks(
    comp: Compiler,
    shape: Node,
    path: Node | None,
    target: str,
    spec: TargetSpec,
    severity: URIRef,
    messages: tuple[Literal, ...],
) -> list[Check]:
    """The SPARQL-based constraints (``sh:sparql``) of a shape."""
    g = comp.g
    out = []
    for sparql in g.objects(shape, SH.sparql):
        if _is_true(g, sparql, SH.deactivated):
            continue
        select = g.value(sparql, SH.select)
        if select is None:
            raise Unsupported(f"{shape}: a SPARQL constraint without sh:select")
        where = f"the SPARQL constraint of {shape}"
        names: dict[str, str] = {}
        if path is not None:
            names["PATH"] = comp.path_text(path)
        text = shacl_sparql.prefix_block(g, sparql, where) + shacl_sparql.substitute(str(select), names)
        shacl_sparql.check_text(text, where, SPARQL_PRE_BOUND)
        if "currentShape" in {t for t in re.findall(r"[?$](\w+)", text)}:
            if not isinstance(shape, URIRef):
                raise Unsupported(f"{shape}: $currentShape of a blank node shape")
            text = shacl_sparql.substitute(text, {"currentShape": f"<{shape}>"})
        query = comp.sparql(text, where)
        comp.read(shacl_sparql.predicates_read(query))
        per_node = not shacl_sparql.batchable(query)
        if not per_node and not shacl_sparql.projects(query, "this"):
            per_node = True
        bound = shacl_sparql.bind_this(query, MARK)
        sev = g.value(sparql, SH.severity) or severity
        msgs = tuple(m for m in g.objects(sparql, SH.message) if isinstance(m, Literal)) or messages
        out.append(
            Check(
                shape,
                SH.SPARQLConstraintComponent,
                sev,  # type: ignore[arg-type]
                bound,
                path=path,
                constraint=sparql,
                messages=msgs,
                target=target,
                spec=spec,
                per_node=per_node,
                node_shape_value=path is None,
            )  # fmt: skip
        )
    return out


# --- running -------------------------------------------------------------------------------------------------
def blank_neighbours(store: ox.Store, iris: Iterable[str]) -> set[ox.BlankNode]:
    """The blank nodes within two hops of ``iris`` (validated with them in focused runs)."""
    out: set[ox.BlankNode] = set()
    for iri in iris:
        for q in store.quads_for_pattern(ox.NamedNode(iri), None, None):
            if isinstance(q.object, ox.BlankNode):
                out.add(q.object)
                for q2 in store.quads_for_pattern(q.object, None, None):
                    if isinstance(q2.object, ox.BlankNode):
                        out.add(q2.object)
    return out


class _Focus:
    """What the focused run needs to know of each focus node: its classes and properties (RDFS included)."""

    def __init__(self, program: Program, store: ox.Store, nodes: list[ox.NamedNode | ox.BlankNode]) -> None:
        self.program, self.store, self.nodes = program, store, nodes
        self.union = bag_union(store)
        schema = program.schema
        incoming = set().union(*schema.range_props.values()) if schema.range_props else set()
        incoming |= {p for c in program.checks for p in c.spec.objects_of}
        self.incoming = [ox.NamedNode(p) for p in sorted(incoming)]
        self.facts: dict[ox.NamedNode | ox.BlankNode, tuple[set[str], set[str], set[str]]] = {}
        self.cache: dict[str, list[ox.NamedNode | ox.BlankNode]] = {}

    def _facts(self, node: ox.NamedNode | ox.BlankNode) -> tuple[set[str], set[str], set[str]]:
        if node not in self.facts:
            types, out = set(), set()
            for q in self.store.quads_for_pattern(node, None, None):
                out.add(q.predicate.value)
                if q.predicate.value == _RDF_TYPE and isinstance(q.object, ox.NamedNode):
                    types.add(q.object.value)
            into = {p.value for p in self.incoming if next(iter(self.store.quads_for_pattern(None, p, node)), None)}
            self.facts[node] = (self.program.schema.classes_of(types, out, into), out, into)
        return self.facts[node]

    def targeted(self, check: Check) -> list[ox.NamedNode | ox.BlankNode]:
        """The focus nodes ``check``'s shape targets."""
        if check.target not in self.cache:
            spec = check.spec
            hits = []
            if spec.other or not self.program.schema.exact:  # ask the store, the named nodes at once
                named = [n for n in self.nodes if isinstance(n, ox.NamedNode)]
                if named:
                    values = "VALUES ?this { " + " ".join(f"<{n.value}>" for n in named) + " }"
                    query = f"SELECT DISTINCT ?this WHERE {{ {values} {{ {check.target} }} }}"
                    hits += [
                        row["this"]
                        for row in solutions(
                            self.store.query(self.program.prefixes + query, use_default_graph_as_union=self.union)
                        )
                    ]
                query = f"SELECT ?this WHERE {{ {check.target} }} LIMIT 1"
                for blank in (n for n in self.nodes if isinstance(n, ox.BlankNode)):
                    found = solutions(
                        self.store.query(
                            self.program.prefixes + query,
                            use_default_graph_as_union=self.union,
                            substitutions={ox.Variable("this"): blank},
                        )
                    )
                    if next(iter(found), None) is not None:
                        hits.append(blank)
            else:
                for node in self.nodes:
                    classes, out, into = self._facts(node)
                    if classes & spec.classes or out & spec.subjects_of or into & spec.objects_of:
                        hits.append(node)
            self.cache[check.target] = hits
        return self.cache[check.target]


_RDF_TYPE = str(RDF.type)


def run(
    program: Program, store: ox.Store, focus: Iterable[str] | None = None, workers: int | None = None
) -> tuple[bool, Graph]:
    """Run every check on ``store`` (union of its graphs); returns (conforms, report graph).

    ``conforms`` is SHACL's: no result of any severity. ``workers``: threads running the checks of a
    full validation (default: one per CPU). Shapes whose checks meet something they cannot evaluate are
    added to :attr:`Program.fallback` and reported by nobody here (the caller runs the fallback).

    ``focus``: validate only these IRIs and the blank nodes within two hops of them (incremental runs):
    each shape's targets are first tested on those nodes alone, then its checks run on the targeted ones.
    """
    started = time.perf_counter()
    union = bag_union(store)
    rows_of: list[tuple[Check, list[str], list[ox.QuerySolution]]] = []
    chosen: _Focus | None = None
    if focus is not None:
        iris = sorted(set(focus))
        nodes = [ox.NamedNode(i) for i in iris] + sorted(blank_neighbours(store, iris), key=str)
        chosen = _Focus(program, store, nodes)
    if chosen is None:  # every focus node once; the checks run side by side (pyoxigraph frees the GIL)
        batch = [c for c in program.checks if not c.per_node]
        texts = []
        for check in batch:
            binder = f"{{ SELECT DISTINCT ?this{''.join(' ' + k for k in check.keys)} WHERE {{ {check.target} }} }}"
            query = check.full_query or check.query
            texts.append(program.prefixes + query.replace(MARK, binder))
        answers = parallel_select(store, texts, workers, union=union)
        for check, (variables, rows) in zip(batch, answers, strict=True):
            if isinstance(rows, Exception):  # the store cannot run what was compiled: the fallback can
                _failed(program, check, rows)
                continue
            rows_of.append((check, variables, rows))
        for check in program.checks:
            if check.per_node:
                try:
                    found = store.query(
                        f"SELECT DISTINCT ?this WHERE {{ {check.target} }}", use_default_graph_as_union=union
                    )
                except (SyntaxError, RuntimeError) as exc:
                    _failed(program, check, exc)
                    continue
                _per_node(program, store, check, [row["this"] for row in found], rows_of, union)  # type: ignore[union-attr]
    for check in program.checks if chosen is not None else ():  # focus nodes: few, one query at a time
        assert chosen is not None
        hits: list[Any] = chosen.targeted(check)
        if check.per_node:
            _per_node(program, store, check, hits, rows_of, union)
            continue
        runs: list[tuple[str, dict]] = []
        named = [n for n in hits if isinstance(n, ox.NamedNode)]
        if named:
            values = "{ VALUES ?this { " + " ".join(f"<{n.value}>" for n in named) + " } }"
            runs.append((check.query.replace(MARK, values), {}))
        for blank in (n for n in hits if isinstance(n, ox.BlankNode)):
            runs.append((check.query.replace(MARK, ""), {ox.Variable("this"): blank}))
        for query, subs in runs:
            text = program.prefixes + query
            try:
                found = solutions(store.query(text, use_default_graph_as_union=union, substitutions=subs or None))
                rows_of.append((check, [v.value for v in found.variables], list(found)))
            except (SyntaxError, RuntimeError) as exc:
                _failed(program, check, exc)
    report = Graph(bind_namespaces="none")
    root = BNode()
    report.add((root, RDF.type, SH.ValidationReport))
    conforms = True
    details: list[tuple[BNode, Node, Node]] = []  # (result, its focus node, the shape whose sh:node it details)
    for check, variables, rows in rows_of:
        if check.top in program.fallback:
            continue
        conforms &= _report(report, root, check, variables, rows, details)
    _link_details(report, details)
    report.add((root, SH.conforms, Literal(conforms)))
    log.info("shacl_compiled: %d checks in %.2f s", len(program.checks), time.perf_counter() - started)
    return conforms, report


def _failed(program: Program, check: Check, exc: Exception) -> None:
    """A compiled query the store refused to run: its shape goes to the fallback, never unreported."""
    log.info("compiled SHACL query for %s failed (%s): the shape goes to the fallback", check.shape, exc)
    program.fallback.setdefault(check.top or check.shape, f"the store cannot run its compiled query ({exc})")


def _per_node(
    program: Program,
    store: ox.Store,
    check: Check,
    nodes: list[Term],
    rows_of: list[tuple[Check, list[str], list[ox.QuerySolution]]],
    union: bool = True,
) -> None:
    """A SPARQL constraint whose modifiers mix focus nodes: one query per focus node (``$this`` bound
    by a VALUES block in every group that mentions it); a blank focus node cannot be written in a query:
    the shape goes to the fallback."""
    for node in nodes:
        if isinstance(node, ox.BlankNode):
            program.fallback.setdefault(
                check.top or check.shape,
                f"{check.shape}: a SPARQL constraint with LIMIT, GROUP BY or aggregates on a blank focus node",
            )
            return
        text = program.prefixes + check.query.replace(MARK, f"VALUES ?this {{ {node} }}")
        try:
            found = store.query(text, use_default_graph_as_union=union)
        except (SyntaxError, RuntimeError) as exc:
            _failed(program, check, exc)
            return
        variables = [v.value for v in found.variables]  # type: ignore[union-attr]
        rows = list(found)  # type: ignore[arg-type]
        if "this" not in variables:
            rows_of.append((check, ["this", *variables], [_with_this(r, variables, node) for r in rows]))
        else:
            rows_of.append((check, variables, rows))


class _Row(dict[str, Any]):
    """A result row with ?this added (a per-node query that does not project it)."""


def _with_this(row: ox.QuerySolution, variables: list[str], node: Term) -> ox.QuerySolution:
    out = _Row({v: row[v] for v in variables})
    out["this"] = node
    return out  # type: ignore[return-value]


def bag_union(store: ox.Store) -> bool:
    """Whether queries must ask for the union of the named graphs (``use_default_graph_as_union``):
    not on a store whose default graph already holds it (evkg's loader fills it, each triple once)."""
    return not holds_union(store)


def parallel_select(
    store: ox.Store, texts: list[str], workers: int | None = None, *, union: bool = True
) -> list[tuple[list[str], list[ox.QuerySolution] | Exception]]:
    """Run SELECT queries on ``store`` (union default graph) in ``workers`` threads, results in order.

    pyoxigraph evaluates a query in Rust without holding the GIL, so on a machine with two cores two
    queries run at once (docs/decisions/0013-scale-and-speed.md). Each result is (column names, rows),
    or the exception the query raised (the caller words it: it knows which check it was).
    """

    def one(text: str) -> tuple[list[str], list[ox.QuerySolution] | Exception]:
        try:
            rows = solutions(store.query(text, use_default_graph_as_union=union))
            return [v.value for v in rows.variables], list(rows)
        except (SyntaxError, RuntimeError) as exc:
            return [], exc

    return map_in_threads(one, texts, workers, "evkg-sparql")


_TRUE = ox.Literal("true", datatype=ox.NamedNode(str(XSD.boolean)))


def _link_details(report: Graph, details: list[tuple[BNode, Node, Node]]) -> None:
    """Hang each detail result under the ``sh:node`` results whose value it is about; drop the others."""
    parents: dict[tuple[Node, Node], list[Node]] = {}
    for result in report.subjects(SH.sourceConstraintComponent, SH.NodeConstraintComponent):
        key = (report.value(result, SH.sourceShape), report.value(result, SH.value))
        parents.setdefault(key, []).append(result)  # type: ignore[arg-type]
    for result, focus, shape in details:
        found = parents.get((shape, focus), [])
        for parent in found:
            report.add((parent, SH.detail, result))
        if not found:
            report.remove((result, None, None))


def _report(
    report: Graph,
    root: BNode,
    check: Check,
    variables: list[str],
    rows: list[ox.QuerySolution],
    details: list[tuple[BNode, Node, Node]] | None = None,
) -> bool:
    """Add a sh:ValidationResult per row; False if there is any (SHACL: any result breaks conformance).
    Results of a check that details a ``sh:node`` result are collected in ``details`` instead."""
    conforms = True
    columns = set(variables)
    for row in rows:
        if check.constraint is not None and "failure" in columns and row["failure"] == _TRUE:
            raise EvkgError(f"the SPARQL constraint of {check.shape} reports a failure (?failure true)")
        if row["this"] is None:
            raise EvkgError(f"the SPARQL constraint of {check.shape} returns no $this")
        this = to_rdflib(row["this"])
        value = None
        if check.value_is_focus:
            value = this
        elif "value" in columns and row["value"] is not None:
            value = to_rdflib(row["value"])
        elif check.node_shape_value:
            value = this
        path: Node | None = check.path
        if check.constraint is not None and "path" in columns and row["path"] is not None:
            path = to_rdflib(row["path"])
        if check.component == SH.ClosedConstraintComponent:
            path = to_rdflib(row["path"])
        result = BNode()
        if check.detail_of is not None and details is not None:
            details.append((result, this, check.detail_of))
        else:
            report.add((root, SH.result, result))
            conforms = False
        report.add((result, RDF.type, SH.ValidationResult))
        report.add((result, SH.focusNode, this))
        if path is not None:
            report.add((result, SH.resultPath, path))
        if value is not None:
            report.add((result, SH.value, value))
        report.add((result, SH.resultSeverity, check.severity))
        report.add((result, SH.sourceConstraintComponent, check.component))
        report.add((result, SH.sourceShape, check.shape))
        if check.constraint is not None:
            report.add((result, SH.sourceConstraint, check.constraint))
        for m in check.messages:
            report.add((result, SH.resultMessage, m))
    return conforms


def validate(
    store: ox.Store, shapes: Graph, focus: Iterable[str] | None = None, inference: str = "rdfs"
) -> tuple[bool, Graph]:
    """Compile ``shapes`` against the schema in ``store`` and run them (see :func:`run`).

    Raises :class:`Unsupported` when a shape is not compiled (callers with a fallback use
    :func:`evkg.quality.shacl.validate_shacl`).
    """
    program = compile_shapes(shapes, Schema.of(store, inference))
    if program.fallback:
        shape, why = next(iter(program.fallback.items()))
        raise Unsupported(f"{shape}: {why}")
    conforms, report = run(program, store, focus)
    if program.fallback:
        shape, why = next(iter(program.fallback.items()))
        raise Unsupported(f"{shape}: {why}")
    return conforms, report


__all__ = [
    "Check",
    "INFERENCE",
    "Program",
    "Schema",
    "ShapesError",
    "Unsupported",
    "blank_neighbours",
    "compile_shapes",
    "run",
    "targeted_shapes",
    "validate",
]
