"""A fast SHACL engine: evkg's shapes compiled to SPARQL and run on the pyoxigraph store.

pySHACL (:func:`evkg.quality.shacl_reference.run_shacl`) is the reference; it needs an rdflib copy of the data and runs
in pure Python (minutes at a million triples). This engine compiles each constraint of the shapes graph
into one SPARQL query that returns the offending (focus node, value) pairs, and runs it on the store
itself (default graph = union of the named graphs), read-only. Its report graph has pySHACL's shape
(``sh:ValidationResult`` with focus node, path, value, severity, component, source shape), so
:func:`evkg.quality.findings.shacl_findings` renders both alike. ``tests/test_shaclfast.py`` checks that both
engines report the same results on the shape fixtures, the bundled graph and synthetic data with errors.

RDFS inference (pySHACL's ``inference="rdfs"``) is not materialised: the schema (``rdfs:subClassOf``,
``rdfs:subPropertyOf``, ``rdfs:domain``, ``rdfs:range`` of the data, the ontology included; like
pySHACL's RDFS inference, without the RDFS axiomatic triples) is closed in Python, and the queries
ask for it inline: an instance of ``C`` is a node typed with a subclass of ``C``, or the subject
(object) of a property whose domain (range) is a subclass of ``C``; the values of a property include
those of its sub-properties.

Supported: targets ``sh:targetClass``, ``sh:targetSubjectsOf``, ``sh:targetObjectsOf``, SPARQL targets;
property shapes with a single-property path; ``sh:minCount``, ``sh:maxCount``, ``sh:datatype``,
``sh:nodeKind``, ``sh:class``, ``sh:pattern`` (with ``sh:flags``), ``sh:languageIn``, ``sh:in``,
``sh:hasValue``, ``sh:minInclusive``, ``sh:maxInclusive``, ``sh:minExclusive``, ``sh:maxExclusive``,
``sh:minLength``, ``sh:maxLength``, ``sh:uniqueLang``, ``sh:or``, ``sh:and``, ``sh:not``, ``sh:xone``,
``sh:node``, ``sh:qualifiedValueShape`` with ``sh:qualifiedMinCount``/``MaxCount``, SPARQL constraints
(``sh:select``). Anything else raises :class:`Unsupported` (the caller falls back to pySHACL). SPARQL
targets and constraints run on the asserted data (pySHACL runs them on the inferred graph: the two
differ only when such a query matches a triple that only RDFS inference states).

With ``focus``, only those focus nodes are validated (incremental re-validation, :mod:`evkg.quality.incremental`).
"""

from __future__ import annotations

import itertools
import logging
import os
import re
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.term import Node

from evkg.errors import EvkgError
from evkg.rdf.terms import to_oxigraph, to_rdflib

log = logging.getLogger(__name__)

Term = ox.NamedNode | ox.BlankNode | ox.Literal


class Unsupported(EvkgError):
    """The shapes use a SHACL feature this engine does not compile."""


# --- the schema, closed in Python ------------------------------------------------------------------------
@dataclass
class Schema:
    """RDFS schema of the data: sub-classes, sub-properties, domains and ranges (closed)."""

    sub_classes: dict[str, set[str]] = field(default_factory=dict)  # class -> itself and its subclasses
    sub_properties: dict[str, set[str]] = field(default_factory=dict)  # property -> itself and sub-properties
    domain_props: dict[str, set[str]] = field(default_factory=dict)  # class -> properties typing subjects
    range_props: dict[str, set[str]] = field(default_factory=dict)  # class -> properties typing objects

    @classmethod
    def of(cls, store: ox.Store) -> Schema:
        edges: dict[str, list[tuple[str, str]]] = {"sc": [], "sp": [], "dom": [], "rng": []}
        names = {
            str(RDFS.subClassOf): "sc",
            str(RDFS.subPropertyOf): "sp",
            str(RDFS.domain): "dom",
            str(RDFS.range): "rng",
        }
        for p, key in names.items():
            for q in store.quads_for_pattern(None, ox.NamedNode(p), None):
                if isinstance(q.subject, ox.NamedNode) and isinstance(q.object, ox.NamedNode):
                    edges[key].append((q.subject.value, q.object.value))
        schema = cls()
        schema.sub_classes = _down_closure(edges["sc"])
        schema.sub_properties = _down_closure(edges["sp"])
        for key, target in (("dom", schema.domain_props), ("rng", schema.range_props)):
            for prop, cls_ in edges[key]:
                props = schema.subprops(prop)
                for sup in _up(cls_, edges["sc"]):
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


def _down_closure(edges: list[tuple[str, str]]) -> dict[str, set[str]]:
    """For each node, every node below it (transitively) through (child, parent) edges."""
    children: dict[str, set[str]] = {}
    for child, parent in edges:
        children.setdefault(parent, set()).add(child)
    out: dict[str, set[str]] = {}
    for top in list(children):
        seen: set[str] = set()
        todo = [top]
        while todo:
            for c in children.get(todo.pop(), ()):
                if c not in seen:
                    seen.add(c)
                    todo.append(c)
        out[top] = seen
    return out


def _up(node: str, edges: list[tuple[str, str]]) -> set[str]:
    parents: dict[str, set[str]] = {}
    for child, parent in edges:
        parents.setdefault(child, set()).add(parent)
    seen, todo = {node}, [node]
    while todo:
        for p in parents.get(todo.pop(), ()):
            if p not in seen:
                seen.add(p)
                todo.append(p)
    return seen


# --- SPARQL building blocks -----------------------------------------------------------------------------
def nt(term: Node) -> str:
    """A term in SPARQL syntax."""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, Literal):
        return str(to_oxigraph(term))
    raise Unsupported(f"blank node {term} cannot be a constant in a constraint")


def _values(var: str, iris: Iterable[str]) -> str:
    return f"VALUES {var} {{ {' '.join(f'<{i}>' for i in sorted(iris))} }}"


_counter = itertools.count()


def fresh(stem: str = "v") -> str:
    return f"?_{stem}{next(_counter)}"


# Lexical forms checked for well-formedness the way rdflib's parsers do (pySHACL: ill-typed literals fail).
_WELL_FORMED = {
    str(XSD.integer): r"^[+-]?[0-9]+$",
    str(XSD.positiveInteger): r"^[+]?0*[1-9][0-9]*$",
    str(XSD.nonNegativeInteger): r"^([+]?[0-9]+|-0+)$",
    str(XSD.decimal): r"^[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)$",
    str(XSD.boolean): r"^(true|false|1|0)$",
    str(XSD.date): r"^-?[0-9]{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])(Z|[+-][0-9]{2}:[0-9]{2})?$",
    str(XSD.dateTime): r"^-?[0-9]{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?"
    r"(Z|[+-][0-9]{2}:[0-9]{2})?$",
    str(XSD.gYear): r"^-?[0-9]{4,}(Z|[+-][0-9]{2}:[0-9]{2})?$",
    str(XSD.gYearMonth): r"^-?[0-9]{4,}-(0[1-9]|1[0-2])(Z|[+-][0-9]{2}:[0-9]{2})?$",
}


class Compiler:
    """Turns shapes into SPARQL: boolean conformance expressions and violation queries."""

    def __init__(self, shapes: Graph, schema: Schema) -> None:
        self.g = shapes
        self.schema = schema
        self.declared = {
            str(shapes.value(d, SH.prefix)): str(shapes.value(d, SH.namespace))
            for d in shapes.objects(None, SH.declare)
            if shapes.value(d, SH.prefix) is not None
        }

    # --- helpers ---
    def one(self, node: Node, prop: URIRef) -> Node | None:
        values = list(self.g.objects(node, prop))
        if len(values) > 1:
            raise Unsupported(f"{node}: more than one {prop}")
        return values[0] if values else None

    def path(self, shape: Node) -> str:
        path = self.one(shape, SH.path)
        if not isinstance(path, URIRef):
            raise Unsupported(f"{shape}: only single-property paths are compiled")
        return str(path)

    def values_of(self, subject: str, prop: str, var: str) -> str:
        """Triple pattern(s) for the values of ``prop`` (with its sub-properties) of ``subject``."""
        props = self.schema.subprops(prop)
        if len(props) == 1:
            return f"{subject} <{prop}> {var} ."
        pv = fresh("p")
        return f"{_values(pv, props)} {subject} {pv} {var} ."

    def instance_of(self, var: str, cls: str) -> str:
        """Boolean: ``var`` is an instance of ``cls`` under RDFS inference."""
        parts = [f"EXISTS {{ {_values(c := fresh('c'), self.schema.subclasses(cls))} {var} a {c} }}"]
        dom = self.schema.domain_props.get(cls)
        if dom:
            parts.append(f"EXISTS {{ {_values(p := fresh('p'), dom)} {var} {p} [] }}")
        rng = self.schema.range_props.get(cls)
        if rng:
            parts.append(f"EXISTS {{ {_values(p := fresh('p'), rng)} [] {p} {var} }}")
        return "(" + " || ".join(parts) + ")"

    def targets(self, shape: Node, prefixes: str) -> str:
        """A group pattern binding ``?this`` to the shape's focus nodes (never literals)."""
        alts = []
        for c in self.g.objects(shape, SH.targetClass):
            cls = str(c)
            alts.append(f"{{ {_values('?_tc', self.schema.subclasses(cls))} ?this a ?_tc }}")
            if self.schema.domain_props.get(cls):
                alts.append(f"{{ {_values('?_tp', self.schema.domain_props[cls])} ?this ?_tp [] }}")
            if self.schema.range_props.get(cls):
                alts.append(f"{{ {_values('?_tp', self.schema.range_props[cls])} [] ?_tp ?this }}")
        for p in self.g.objects(shape, SH.targetSubjectsOf):
            alts.append(f"{{ {_values('?_tp', self.schema.subprops(str(p)))} ?this ?_tp [] }}")
        for p in self.g.objects(shape, SH.targetObjectsOf):
            alts.append(f"{{ {_values('?_tp', self.schema.subprops(str(p)))} [] ?_tp ?this }}")
        for t in self.g.objects(shape, SH.target):
            select = self.one(t, SH.select)
            if (t, RDF.type, SH.SPARQLTarget) not in self.g or select is None:
                raise Unsupported(f"{shape}: only SPARQL targets with sh:select are compiled")
            query = self.sparql(str(select), self.declared)
            inline = _SELECT_THIS.match(query)  # the group itself: evaluated with ?this bound when it is
            alts.append(inline.group(1) if inline else f"{{ {query} }}")
        if list(self.g.objects(shape, SH.targetNode)):
            for n in self.g.objects(shape, SH.targetNode):
                alts.append(f"{{ BIND ({nt(n)} AS ?this) }}")
        if not alts:
            return ""
        return "{ " + " } UNION { ".join(a.strip("{} ") if False else a[1:-1].strip() for a in alts) + " }"

    # --- value-node constraints as boolean expressions ---
    def node_checks(self, shape: Node, var: str) -> list[tuple[URIRef, str]]:
        """(component, boolean expression true when ``var`` satisfies it) for the node-level constraints."""
        out: list[tuple[URIRef, str]] = []
        g = self.g
        for dt in g.objects(shape, SH.datatype):
            out.append((SH.DatatypeConstraintComponent, self.datatype(var, str(dt))))
        for kind in g.objects(shape, SH.nodeKind):
            out.append((SH.NodeKindConstraintComponent, _node_kind(var, kind)))
        for c in g.objects(shape, SH["class"]):
            out.append((SH.ClassConstraintComponent, self.class_check(var, str(c))))
        for pattern in g.objects(shape, SH.pattern):
            flags = self.one(shape, SH.flags)
            args = f', "{flags}"' if flags else ""
            out.append((SH.PatternConstraintComponent, f"(!isBlank({var}) && REGEX(STR({var}), {nt(pattern)}{args}))"))
        for langs in g.objects(shape, SH.languageIn):
            tests = " || ".join(f'LANGMATCHES(LANG({var}), "{lang}")' for lang in Collection(g, langs))
            out.append((SH.LanguageInConstraintComponent, f"(isLiteral({var}) && ({tests or 'false'}))"))
        for members in g.objects(shape, SH["in"]):
            tests = " || ".join(f"sameTerm({var}, {nt(m)})" for m in Collection(g, members))
            out.append((SH.InConstraintComponent, f"({tests or 'false'})"))
        for value in g.objects(shape, SH.hasValue):
            if (shape, SH.path, None) not in g:
                out.append((SH.HasValueConstraintComponent, f"sameTerm({var}, {nt(value)})"))
        for prop, op, comp in (
            (SH.minInclusive, ">=", SH.MinInclusiveConstraintComponent),
            (SH.maxInclusive, "<=", SH.MaxInclusiveConstraintComponent),
            (SH.minExclusive, ">", SH.MinExclusiveConstraintComponent),
            (SH.maxExclusive, "<", SH.MaxExclusiveConstraintComponent),
        ):
            for bound in g.objects(shape, prop):
                out.append((comp, f"COALESCE({var} {op} {nt(bound)}, false)"))
        for prop, op, comp in (
            (SH.minLength, ">=", SH.MinLengthConstraintComponent),
            (SH.maxLength, "<=", SH.MaxLengthConstraintComponent),
        ):
            for bound in g.objects(shape, prop):
                out.append((comp, f"(!isBlank({var}) && STRLEN(STR({var})) {op} {int(bound)})"))
        for lst in g.objects(shape, SH["or"]):
            parts = [self.conforms(s, var) for s in Collection(g, lst)]
            out.append((SH.OrConstraintComponent, "(" + (" || ".join(parts) or "false") + ")"))
        for lst in g.objects(shape, SH["and"]):
            parts = [self.conforms(s, var) for s in Collection(g, lst)]
            out.append((SH.AndConstraintComponent, "(" + (" && ".join(parts) or "true") + ")"))
        for lst in g.objects(shape, SH.xone):
            parts = [f"IF({self.conforms(s, var)}, 1, 0)" for s in Collection(g, lst)]
            out.append((SH.XoneConstraintComponent, "((" + (" + ".join(parts) or "0") + ") = 1)"))
        for inner in g.objects(shape, SH["not"]):
            out.append((SH.NotConstraintComponent, f"!({self.conforms(inner, var)})"))
        for inner in g.objects(shape, SH.node):
            out.append((SH.NodeConstraintComponent, self.conforms(inner, var)))
        known = {
            SH.datatype,
            SH.nodeKind,
            SH["class"],
            SH.pattern,
            SH.flags,
            SH.languageIn,
            SH["in"],
            SH.hasValue,
            SH.minInclusive,
            SH.maxInclusive,
            SH.minExclusive,
            SH.maxExclusive,
            SH.minLength,
            SH.maxLength,
            SH["or"],
            SH["and"],
            SH.xone,
            SH["not"],
            SH.node,
            SH.property,
            SH.path,
            SH.minCount,
            SH.maxCount,
            SH.uniqueLang,
            SH.qualifiedValueShape,
            SH.qualifiedMinCount,
            SH.qualifiedMaxCount,
            SH.severity,
            SH.message,
            SH.closed,
            SH.targetClass,
            SH.targetSubjectsOf,
            SH.targetObjectsOf,
            SH.target,
            SH.targetNode,
            SH.sparql,
            SH.deactivated,
            SH.name,
            SH.description,
            SH.order,
            SH.group,
            SH.defaultValue,
            SH.prefixes,
            SH.declare,
        }
        for p in set(g.predicates(shape, None)):
            if str(p).startswith(str(SH)) and p not in known:
                raise Unsupported(f"{shape}: {p} is not compiled")
        if (shape, SH.closed, Literal(True)) in g:
            raise Unsupported(f"{shape}: sh:closed true is not compiled")
        return out

    def datatype(self, var: str, dt: str) -> str:
        if dt == str(RDF.langString):
            return f'(isLiteral({var}) && LANG({var}) != "")'
        if dt == str(XSD.string):
            return f'(isLiteral({var}) && LANG({var}) = "" && DATATYPE({var}) = <{dt}>)'
        if dt == str(RDFS.Literal):
            return f"isLiteral({var})"
        check = f'(isLiteral({var}) && LANG({var}) = "" && DATATYPE({var}) = <{dt}>'
        if dt in _WELL_FORMED:
            check += f' && REGEX(STR({var}), "{_WELL_FORMED[dt]}")'
        return check + ")"

    def class_check(self, var: str, cls: str) -> str:
        """An IRI or blank node that is an instance of ``cls`` (literals never are, even typed by a range)."""
        return f"(!isLiteral({var}) && {self.instance_of(var, cls)})"

    def sparql(self, text: str, declared: dict[str, str]) -> str:
        """A SPARQL target or constraint, with ``?x a C .`` matching inferred instances too.

        Raises Unsupported when the query uses a property that has sub-properties (whose values
        only RDFS inference would add).
        """
        body = _strip_prefixes(text)

        def expand(name: str) -> str:
            if name.startswith("<"):
                return name[1:-1]
            prefix, _, local = name.partition(":")
            if prefix not in declared:
                raise Unsupported(f"unknown prefix {prefix}: in a SPARQL shape")
            return declared[prefix] + local

        for name in set(re.findall(r"<[^>\s]+>|\b[A-Za-z][\w-]*:[\w-]*", _mask_strings(body))):
            try:
                iri = expand(name)
            except Unsupported:
                continue
            if len(self.schema.subprops(iri)) > 1:
                raise Unsupported(f"a SPARQL shape uses {name}, which has sub-properties")

        def typed(m: re.Match[str]) -> str:
            var, cls = m.group(1), expand(m.group(2))
            alts = [f"{{ {_values(c := fresh('c'), self.schema.subclasses(cls))} {var} a {c} }}"]
            if self.schema.domain_props.get(cls):
                alts.append(f"{{ {_values(p := fresh('p'), self.schema.domain_props[cls])} {var} {p} [] }}")
            if self.schema.range_props.get(cls):
                alts.append(f"{{ {_values(p := fresh('p'), self.schema.range_props[cls])} [] {p} {var} }}")
            return "{ SELECT DISTINCT " + var + " WHERE { " + " UNION ".join(alts) + " } }"

        return _TYPE_PATTERN.sub(typed, body)

    def conforms(self, shape: Node, var: str) -> str:
        """Boolean: ``var`` conforms to ``shape`` (a node shape or a property shape)."""
        if (shape, SH.deactivated, Literal(True)) in self.g:
            return "true"
        if (shape, SH.path, None) in self.g:
            return self.property_conforms(shape, var)
        parts = [expr for _, expr in self.node_checks(shape, var)]
        for ps in self.g.objects(shape, SH.property):
            parts.append(self.property_conforms(ps, var))
        if list(self.g.objects(shape, SH.sparql)):
            raise Unsupported(f"{shape}: SPARQL constraints in nested shapes are not compiled")
        return "(" + (" && ".join(parts) or "true") + ")"

    def property_conforms(self, ps: Node, var: str) -> str:
        prop = self.path(ps)
        parts = []
        v = fresh()
        checks = self.node_checks(ps, v)
        if checks:
            cond = " && ".join(expr for _, expr in checks)
            parts.append(f"NOT EXISTS {{ {self.values_of(var, prop, v)} FILTER (!({cond})) }}")
        n = self.one(ps, SH.minCount)
        if n is not None and int(n) > 0:
            parts.append(self.at_least(var, prop, int(n)))
        n = self.one(ps, SH.maxCount)
        if n is not None:
            parts.append(f"!({self.at_least(var, prop, int(n) + 1)})")
        for value in self.g.objects(ps, SH.hasValue):
            parts.append(f"EXISTS {{ {self.values_of(var, prop, nt(value))} }}")
        if (ps, SH.uniqueLang, Literal(True)) in self.g:
            a, b = fresh(), fresh()
            parts.append(
                f"NOT EXISTS {{ {self.values_of(var, prop, a)} {self.values_of(var, prop, b)} "
                f'FILTER (!sameTerm({a}, {b}) && LANG({a}) != "" && LCASE(LANG({a})) = LCASE(LANG({b}))) }}'
            )
        if list(self.g.objects(ps, SH.qualifiedValueShape)):
            raise Unsupported(f"{ps}: qualified value shapes in nested shapes are not compiled")
        return "(" + (" && ".join(parts) or "true") + ")"

    def at_least(self, var: str, prop: str, n: int, qualified: Node | None = None) -> str:
        """Boolean: ``var`` has at least ``n`` distinct values of ``prop`` (conforming to ``qualified``)."""
        if n <= 0:
            return "true"
        vs = [fresh() for _ in range(n)]
        patterns = " ".join(self.values_of(var, prop, x) for x in vs)
        conds = [f"!sameTerm({a}, {b})" for a, b in itertools.combinations(vs, 2)]
        if qualified is not None:
            conds += [self.conforms(qualified, x) for x in vs]
        return f"EXISTS {{ {patterns} {'FILTER (' + ' && '.join(conds) + ')' if conds else ''} }}"


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
    return tests[kind]


_SELECT_THIS = re.compile(r"^\s*SELECT\s+(?:DISTINCT\s+)?\?this\s+WHERE\s*(\{.*\})\s*$", re.DOTALL | re.IGNORECASE)
_TYPE_PATTERN = re.compile(r"(\?\w+)\s+(?:a|rdf:type)\s+(<[^>\s]+>|[A-Za-z][\w-]*:[\w-]*)\s*\.")


def _mask_strings(text: str) -> str:
    return re.sub(r'"(?:[^"\\]|\\.)*"', '""', text)


def _strip_prefixes(query: str) -> str:
    """The body of a SELECT without PREFIX/BASE lines (the compiled query declares the prefixes)."""
    lines = [line for line in query.splitlines() if not line.strip().upper().startswith(("PREFIX ", "BASE "))]
    return "\n".join(lines).replace("$this", "?this")


# --- checks: one query per constraint ---------------------------------------------------------------------
@dataclass
class Check:
    """One compiled constraint: a SELECT returning ?this (and ?value, ?path) per violation."""

    shape: Node  # the shape that holds the constraint (sourceShape)
    component: URIRef
    severity: URIRef
    query: str
    path: str | None = None
    constraint: Node | None = None  # sh:sparql node of a SPARQL constraint
    value_is_focus: bool = False  # node-level constraint: sh:value is the focus node
    messages: tuple[Literal, ...] = ()
    target: str = ""  # group pattern binding ?this to the shape's focus nodes
    # the same check for a run over every focus node, where a set operation beats a probe per node
    # (MINUS needs ?this bound on its left: not for a focus node given as a substitution)
    full_query: str | None = None
    spec: TargetSpec = field(default_factory=lambda: TargetSpec(other=True))


@dataclass(frozen=True)
class TargetSpec:
    """A shape's targets as sets (for testing a few nodes in Python) and as a SPARQL group."""

    classes: frozenset[str] = frozenset()
    subjects_of: frozenset[str] = frozenset()  # with their sub-properties
    objects_of: frozenset[str] = frozenset()
    other: bool = False  # SPARQL targets, sh:targetNode or a nested sh:node: only the SPARQL group says


@dataclass
class Program:
    checks: list[Check]
    prefixes: str
    seconds: float = 0.0
    schema: Schema = field(default_factory=Schema)


def _declared_prefixes(shapes: Graph) -> str:
    lines = {}
    for decl in shapes.objects(None, SH.declare):
        prefix, ns = shapes.value(decl, SH.prefix), shapes.value(decl, SH.namespace)
        if prefix is not None and ns is not None:
            lines[str(prefix)] = f"PREFIX {prefix}: <{ns}>"
    return "\n".join(lines[k] for k in sorted(lines)) + "\n"


def compile_shapes(shapes: Graph, schema: Schema) -> Program:
    """Every constraint of every targeted shape of ``shapes`` as a violation query."""
    started = time.perf_counter()
    comp = Compiler(shapes, schema)
    prefixes = _declared_prefixes(shapes)
    checks: list[Check] = []
    node_shapes = set(shapes.subjects(RDF.type, SH.NodeShape)) | {
        s
        for p in (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target, SH.targetNode)
        for s in shapes.subjects(p, None)
    }
    for shape in sorted(node_shapes, key=str):
        if (shape, SH.deactivated, Literal(True)) in shapes:
            continue
        first_of_shape = len(checks)
        target = comp.targets(shape, prefixes)
        if not target:
            continue  # used through sh:node only
        severity = shapes.value(shape, SH.severity) or SH.Violation
        messages = tuple(m for m in shapes.objects(shape, SH.message) if isinstance(m, Literal))
        if (shape, SH.path, None) in shapes:
            raise Unsupported(f"{shape}: targeted property shapes are not compiled")
        for component, expr in comp.node_checks(shape, "?this"):
            q = f"SELECT DISTINCT ?this WHERE {{ {MARK} FILTER (!({expr})) }}"
            checks.append(Check(shape, component, severity, q, value_is_focus=True, messages=messages))  # type: ignore[arg-type]
        for ps in shapes.objects(shape, SH.property):
            checks += _property_checks(comp, ps)
        for sparql in shapes.objects(shape, SH.sparql):
            select = shapes.value(sparql, SH.select)
            if select is None:
                raise Unsupported(f"{shape}: SPARQL constraints other than sh:select are not compiled")
            body = comp.sparql(str(select), comp.declared).replace("WHERE {", "WHERE { " + INNER, 1)
            sev = shapes.value(sparql, SH.severity) or severity
            msgs = tuple(m for m in shapes.objects(sparql, SH.message) if isinstance(m, Literal)) or messages
            q = f"SELECT DISTINCT ?this ?path ?value WHERE {{ {MARK} {{ {body} }} }}"
            checks.append(Check(shape, SH.SPARQLConstraintComponent, sev, q, constraint=sparql, messages=msgs))  # type: ignore[arg-type]
        spec = TargetSpec(
            classes=frozenset(str(c) for c in shapes.objects(shape, SH.targetClass)),
            subjects_of=frozenset(
                q for p in shapes.objects(shape, SH.targetSubjectsOf) for q in schema.subprops(str(p))
            ),
            objects_of=frozenset(q for p in shapes.objects(shape, SH.targetObjectsOf) for q in schema.subprops(str(p))),
            other=bool(list(shapes.objects(shape, SH.target)) or list(shapes.objects(shape, SH.targetNode))),
        )
        for check in checks[first_of_shape:]:
            if not check.target:
                check.target, check.spec = target, spec
        checks += _nested_node_checks(comp, shape, target)
    return Program(checks, prefixes, time.perf_counter() - started, schema)


def _nested_node_checks(comp: Compiler, shape: Node, target: str, depth: int = 0) -> list[Check]:
    """pySHACL reports the results of a ``sh:node`` shape on the value nodes too: so do we."""
    out: list[Check] = []
    if depth > 3:
        raise Unsupported(f"{shape}: sh:node nested deeper than 3")
    for ps in comp.g.objects(shape, SH.property):
        for inner in comp.g.objects(ps, SH.node):
            prop = comp.path(ps)
            v, outer = fresh("in"), fresh("out")
            inner_target = (
                f"{{ SELECT DISTINCT ({v} AS ?this) WHERE {{ "
                f"{{ SELECT DISTINCT (?this AS {outer}) WHERE {{ {target} }} }} "
                f"{comp.values_of(outer, prop, v)} }} }}"
            )
            severity = comp.g.value(inner, SH.severity) or SH.Violation
            messages = tuple(m for m in comp.g.objects(inner, SH.message) if isinstance(m, Literal))
            for component, expr in comp.node_checks(inner, "?this"):
                q = f"SELECT DISTINCT ?this WHERE {{ {MARK} FILTER (!({expr})) }}"
                out.append(
                    Check(
                        inner,
                        component,
                        severity,
                        q,
                        value_is_focus=True,
                        messages=messages,  # type: ignore[arg-type]
                        target=inner_target,
                    )
                )
            for ips in comp.g.objects(inner, SH.property):
                for check in _property_checks(comp, ips):
                    check.target = inner_target
                    out.append(check)
            if list(comp.g.objects(inner, SH.sparql)):
                raise Unsupported(f"{inner}: SPARQL constraints in a sh:node shape are not compiled")
            out += _nested_node_checks(comp, inner, inner_target, depth + 1)
    return out


def _property_checks(comp: Compiler, ps: Node) -> list[Check]:
    g = comp.g
    if (ps, SH.deactivated, Literal(True)) in g:
        return []
    prop = comp.path(ps)
    severity = g.value(ps, SH.severity) or SH.Violation
    messages = tuple(m for m in g.objects(ps, SH.message) if isinstance(m, Literal))
    out = []

    def add(component: URIRef, body: str, with_value: bool) -> None:
        select = "DISTINCT ?this ?value" if with_value else "DISTINCT ?this"
        q = f"SELECT {select} WHERE {{ {MARK} {body} }}"
        out.append(Check(ps, component, severity, q, path=prop, messages=messages))  # type: ignore[arg-type]

    for component, expr in comp.node_checks(ps, "?value"):
        add(component, f"{comp.values_of('?this', prop, '?value')} FILTER (!({expr}))", True)
    n = comp.one(ps, SH.minCount)
    if n is not None and int(n) > 0:
        add(SH.MinCountConstraintComponent, f"FILTER (!({comp.at_least('?this', prop, int(n))}))", False)
        if int(n) == 1:  # over every focus node: one anti-join instead of a look-up per node (1 M: 3.9 s -> 1 s)
            values = comp.values_of("?this", prop, fresh())
            out[-1].full_query = f"SELECT DISTINCT ?this WHERE {{ {MARK} MINUS {{ {values} }} }}"
    n = comp.one(ps, SH.maxCount)
    if n is not None:  # counted per focus node: a hash aggregate, not a self-join per node (1 M: 8 s -> 2 s)
        v = fresh()
        q = (
            f"SELECT ?this WHERE {{ {MARK} {comp.values_of('?this', prop, v)} }} "
            f"GROUP BY ?this HAVING (COUNT(DISTINCT {v}) > {int(n)})"
        )
        out.append(Check(ps, SH.MaxCountConstraintComponent, severity, q, path=prop, messages=messages))  # type: ignore[arg-type]
    for value in g.objects(ps, SH.hasValue):
        add(
            SH.HasValueConstraintComponent, f"FILTER NOT EXISTS {{ {comp.values_of('?this', prop, nt(value))} }}", False
        )
    if (ps, SH.uniqueLang, Literal(True)) in g:
        a, b = fresh(), fresh()
        body = (
            f"{comp.values_of('?this', prop, a)} {comp.values_of('?this', prop, b)} "
            f'FILTER (!sameTerm({a}, {b}) && LANG({a}) != "" && LCASE(LANG({a})) = LCASE(LANG({b}))) '
            f"BIND (LCASE(LANG({a})) AS ?lang)"
        )
        q = f"SELECT DISTINCT ?this ?lang WHERE {{ {MARK} {body} }}"
        out.append(Check(ps, SH.UniqueLangConstraintComponent, severity, q, path=prop, messages=messages))  # type: ignore[arg-type]
    for qvs in g.objects(ps, SH.qualifiedValueShape):
        qmin, qmax = comp.one(ps, SH.qualifiedMinCount), comp.one(ps, SH.qualifiedMaxCount)
        if (ps, SH.qualifiedValueShapesDisjoint, Literal(True)) in g:
            raise Unsupported(f"{ps}: sh:qualifiedValueShapesDisjoint is not compiled")
        if qmin is not None and int(qmin) > 0:
            enough = comp.at_least("?this", prop, int(qmin), qvs)
            add(SH.QualifiedMinCountConstraintComponent, f"FILTER (!({enough}))", False)
        if qmax is not None:
            too_many = comp.at_least("?this", prop, int(qmax) + 1, qvs)
            add(SH.QualifiedMaxCountConstraintComponent, f"FILTER ({too_many})", False)
    return out


# --- running -------------------------------------------------------------------------------------------------
MARK = "%TARGETS%"
INNER = "%FOCUS%"  # where a SPARQL constraint's own query receives the focus nodes


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
            if spec.other:  # SPARQL targets, nested shapes: ask the store, the named nodes at once
                named = [n for n in self.nodes if isinstance(n, ox.NamedNode)]
                if named:
                    values = "VALUES ?this { " + " ".join(f"<{n.value}>" for n in named) + " }"
                    query = f"SELECT DISTINCT ?this WHERE {{ {values} {{ {check.target} }} }}"
                    hits += [
                        row["this"]
                        for row in self.store.query(self.program.prefixes + query, use_default_graph_as_union=True)
                    ]
                query = f"SELECT ?this WHERE {{ {check.target} }} LIMIT 1"
                for blank in (n for n in self.nodes if isinstance(n, ox.BlankNode)):
                    found = self.store.query(
                        self.program.prefixes + query,
                        use_default_graph_as_union=True,
                        substitutions={ox.Variable("this"): blank},
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
    """Run every check on ``store`` (union of its graphs); returns (conforms, pySHACL-shaped report graph).

    ``workers``: threads running the checks of a full validation (default: one per CPU).

    ``focus``: validate only these IRIs and the blank nodes within two hops of them (incremental runs):
    each shape's targets are first tested on those nodes alone, then its checks run on the targeted ones.
    """
    started = time.perf_counter()
    report = Graph(bind_namespaces="none")
    root = BNode()
    report.add((root, RDF.type, SH.ValidationReport))
    conforms = True
    chosen: _Focus | None = None
    if focus is not None:
        iris = sorted(set(focus))
        nodes = [ox.NamedNode(i) for i in iris] + sorted(blank_neighbours(store, iris), key=str)
        chosen = _Focus(program, store, nodes)
    if chosen is None:  # every focus node once; the checks run side by side (pyoxigraph frees the GIL)
        texts = []
        for check in program.checks:
            pattern = f"{{ SELECT DISTINCT ?this WHERE {{ {check.target} FILTER (!isLiteral(?this)) }} }}"
            query = check.full_query or check.query
            texts.append(program.prefixes + query.replace(MARK, pattern).replace(INNER, ""))
        for check, text, (variables, rows) in zip(
            program.checks, texts, parallel_select(store, texts, workers), strict=True
        ):
            if isinstance(rows, Exception):
                raise EvkgError(f"compiled SHACL query for {check.shape} failed: {rows}\n{text}")
            conforms &= _report(report, root, check, variables, rows)
    for check in program.checks if chosen is not None else ():  # focus nodes: few, one query at a time
        runs: list[tuple[str, dict]] = []
        hits = chosen.targeted(check)
        named = [n for n in hits if isinstance(n, ox.NamedNode)]
        if named:
            values = "VALUES ?this { " + " ".join(f"<{n.value}>" for n in named) + " }"
            runs.append((check.query.replace(MARK, values).replace(INNER, values), {}))
        for blank in (n for n in hits if isinstance(n, ox.BlankNode)):
            runs.append((check.query.replace(MARK, "").replace(INNER, ""), {ox.Variable("this"): blank}))
        for query, subs in runs:
            text = program.prefixes + query
            try:
                rows = store.query(text, use_default_graph_as_union=True, substitutions=subs or None)
                variables, found = [v.value for v in rows.variables], list(rows)  # type: ignore[union-attr]
            except (SyntaxError, RuntimeError) as exc:
                raise EvkgError(f"compiled SHACL query for {check.shape} failed: {exc}\n{text}") from None
            conforms &= _report(report, root, check, variables, found)
    report.add((root, SH.conforms, Literal(conforms)))
    log.info("shaclfast: %d checks in %.2f s", len(program.checks), time.perf_counter() - started)
    return conforms, report


def parallel_select(
    store: ox.Store, texts: list[str], workers: int | None = None
) -> list[tuple[list[str], list[ox.QuerySolution] | Exception]]:
    """Run SELECT queries on ``store`` (union default graph) in ``workers`` threads, results in order.

    pyoxigraph evaluates a query in Rust without holding the GIL, so on a machine with two cores two
    queries run at once (docs/decisions/0013-scale-and-speed.md). Each result is (column names, rows),
    or the exception the query raised (the caller words it: it knows which check it was).
    """

    def one(text: str) -> tuple[list[str], list[ox.QuerySolution] | Exception]:
        try:
            rows = store.query(text, use_default_graph_as_union=True)
            return [v.value for v in rows.variables], list(rows)  # type: ignore[union-attr]
        except (SyntaxError, RuntimeError) as exc:
            return [], exc

    count = workers if workers is not None else (os.cpu_count() or 1)
    if count <= 1 or len(texts) <= 1:
        return [one(t) for t in texts]
    with ThreadPoolExecutor(max_workers=count, thread_name_prefix="evkg-sparql") as pool:
        return list(pool.map(one, texts))


def _report(report: Graph, root: BNode, check: Check, variables: list[str], rows: list[ox.QuerySolution]) -> bool:
    """Add a sh:ValidationResult per row; False if any has severity Violation."""
    conforms = True
    columns = set(variables)
    for row in rows:
        this = to_rdflib(row["this"])
        value = None
        if check.value_is_focus:
            value = this
        elif "value" in columns and row["value"] is not None:
            value = to_rdflib(row["value"])
        path: Node | None = URIRef(check.path) if check.path else None
        if check.constraint is not None and "path" in columns and row["path"] is not None:
            path = to_rdflib(row["path"])
        result = BNode()
        report.add((root, SH.result, result))
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
        if check.severity == SH.Violation:
            conforms = False
    return conforms


def validate(store: ox.Store, shapes: Graph, focus: Iterable[str] | None = None) -> tuple[bool, Graph]:
    """Compile ``shapes`` against the schema in ``store`` and run them (see :func:`run`)."""
    program = compile_shapes(shapes, Schema.of(store))
    return run(program, store, focus)
