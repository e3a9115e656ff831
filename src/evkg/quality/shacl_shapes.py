"""Is a shapes graph one evkg will run? Checked before any engine sees it, the same for both engines.

:func:`check_shapes` refuses, with one line naming the shape, the constraint and the value
(:class:`~evkg.errors.ShapesError`, exit status 2):

- a malformed value of a SHACL Core parameter (SHACL 1.0 §2 and §4: ``sh:minCount "two"``, a negative
  ``sh:maxLength``, ``sh:datatype`` that is not an IRI, an ``sh:in`` that is not a list, an unknown
  ``sh:nodeKind``, a path that is not a SHACL path, two values where one is allowed ...);
- SPARQL (``sh:select``, ``sh:ask``, SPARQL targets, constraint components' validators) that reaches the
  network or breaks SHACL's pre-binding rules (:func:`evkg.quality.shacl_sparql.check_text`).

pySHACL would end in a Python traceback on most of these; the compiled engine would skip them.
"""

from __future__ import annotations

from collections.abc import Callable

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.term import Node

from evkg.errors import ShapesError
from evkg.quality import shacl_sparql
from evkg.quality.shapes_index import ShapesIndex, indexed

_INTEGER_TYPES = {
    XSD.integer,
    XSD.nonNegativeInteger,
    XSD.positiveInteger,
    XSD.int,
    XSD.long,
    XSD.short,
    XSD.byte,
    XSD.unsignedInt,
    XSD.unsignedLong,
    XSD.unsignedShort,
    XSD.unsignedByte,
}
_COUNTS = (
    SH.minCount,
    SH.maxCount,
    SH.minLength,
    SH.maxLength,
    SH.qualifiedMinCount,
    SH.qualifiedMaxCount,
)
_SINGLE = (
    *_COUNTS,
    SH.path,
    SH.datatype,
    SH.nodeKind,
    SH.flags,
    SH.severity,
    SH.closed,
    SH.deactivated,
    SH.uniqueLang,
    SH.qualifiedValueShapesDisjoint,
    SH.minInclusive,
    SH.maxInclusive,
    SH.minExclusive,
    SH.maxExclusive,
)
_IRI_VALUED = (
    SH.datatype,
    SH["class"],
    SH.severity,
    SH.equals,
    SH.disjoint,
    SH.lessThan,
    SH.lessThanOrEquals,
    SH.targetClass,
    SH.targetSubjectsOf,
    SH.targetObjectsOf,
)
_LITERAL_VALUED = (SH.minInclusive, SH.maxInclusive, SH.minExclusive, SH.maxExclusive, SH.pattern, SH.flags)
_BOOLEAN_VALUED = (SH.closed, SH.deactivated, SH.uniqueLang, SH.qualifiedValueShapesDisjoint)
_LIST_VALUED = (SH["in"], SH.languageIn, SH["and"], SH["or"], SH.xone, SH.ignoredProperties)
_NODE_KINDS = {SH.IRI, SH.BlankNode, SH.Literal, SH.BlankNodeOrIRI, SH.BlankNodeOrLiteral, SH.IRIOrLiteral}
_SHAPE_VALUED = (SH.node, SH["not"], SH.property, SH.qualifiedValueShape)


def shape_nodes(g: Graph | ShapesIndex) -> set[Node]:
    """Every shape of the graph: typed as one, targeted, holding a constraint, or the value of a
    parameter that takes shapes (SHACL 1.0 §2.1)."""
    found: set[Node] = set(g.subjects(RDF.type, SH.NodeShape)) | set(g.subjects(RDF.type, SH.PropertyShape))
    for p in (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target, SH.targetNode, SH.path):
        found |= set(g.subjects(p, None))
    for p in _SHAPE_VALUED:
        found |= set(g.objects(None, p))
    for p in (SH["and"], SH["or"], SH.xone):
        for lst in g.objects(None, p):
            found |= set(_items(g, lst))
    return found


def _items(g: Graph | ShapesIndex, lst: Node) -> list[Node]:
    try:
        return list(g.items(lst)) if isinstance(lst, BNode) or lst == RDF.nil else []
    except Exception:  # noqa: BLE001 - a broken list is reported by check_shapes
        return []


def _well_formed_list(g: Graph | ShapesIndex, lst: Node) -> bool:
    seen = set()
    while lst != RDF.nil:
        if not isinstance(lst, BNode) or lst in seen:
            return False
        seen.add(lst)
        if len(list(g.objects(lst, RDF.first))) != 1 or len(list(g.objects(lst, RDF.rest))) != 1:
            return False
        lst = g.value(lst, RDF.rest)  # type: ignore[assignment]
    return True


def _path_ok(g: Graph | ShapesIndex, path: Node, depth: int = 0) -> bool:
    if depth > 50:
        return False
    if isinstance(path, URIRef):
        return True
    if not isinstance(path, BNode):
        return False
    if (path, RDF.first, None) in g:
        return (
            _well_formed_list(g, path)
            and len(_items(g, path)) >= 2
            and all(_path_ok(g, p, depth + 1) for p in _items(g, path))
        )
    kinds = [
        (p, v)
        for p in (SH.inversePath, SH.alternativePath, SH.zeroOrMorePath, SH.oneOrMorePath, SH.zeroOrOnePath)
        for v in g.objects(path, p)
    ]
    if len(kinds) != 1:
        return False
    p, v = kinds[0]
    if p == SH.alternativePath:
        return (
            _well_formed_list(g, v) and len(_items(g, v)) >= 2 and all(_path_ok(g, x, depth + 1) for x in _items(g, v))
        )
    return _path_ok(g, v, depth + 1)


def check_shapes(graph: Graph, name: Callable[[Node], str] | None = None) -> None:
    """Raise :class:`ShapesError` for the first shape evkg will not run (see the module doc)."""
    g = indexed(graph)
    show = name or _default_name
    for shape in sorted(shape_nodes(g), key=lambda n: (isinstance(n, BNode), str(n))):
        if isinstance(shape, Literal):
            raise ShapesError(f"the literal {shape.n3()} is used as a shape")
        where = _where(g, shape, show)
        for p in _SINGLE:
            values = list(g.objects(shape, p))
            if len(values) > 1:
                shown = ", ".join(_value(v, show) for v in values)
                raise ShapesError(f"{where}: {show(p)} has {len(values)} values ({shown}); SHACL allows one")
        for p in _COUNTS:
            for v in g.objects(shape, p):
                if not (
                    isinstance(v, Literal)
                    and v.datatype in _INTEGER_TYPES
                    and isinstance(v.toPython(), int)
                    and not isinstance(v.toPython(), bool)
                    and v.toPython() >= 0
                ):
                    raise ShapesError(f"{where}: {show(p)} {_value(v, show)} is not a non-negative integer")
        for p in _IRI_VALUED:
            for v in g.objects(shape, p):
                if not isinstance(v, URIRef):
                    raise ShapesError(f"{where}: {show(p)} {_value(v, show)} is not an IRI")
        for p in _LITERAL_VALUED:
            for v in g.objects(shape, p):
                if not isinstance(v, Literal):
                    raise ShapesError(f"{where}: {show(p)} {_value(v, show)} is not a literal")
        for p in _BOOLEAN_VALUED:
            for v in g.objects(shape, p):
                if not (isinstance(v, Literal) and v.datatype == XSD.boolean):
                    raise ShapesError(f"{where}: {show(p)} {_value(v, show)} is not a boolean (true or false)")
        for p in _LIST_VALUED:
            for v in g.objects(shape, p):
                if not _well_formed_list(g, v):
                    raise ShapesError(f"{where}: {show(p)} {_value(v, show)} is not a well-formed RDF list")
        for v in g.objects(shape, SH.languageIn):
            for tag in _items(g, v):
                if not isinstance(tag, Literal):
                    raise ShapesError(f"{where}: sh:languageIn holds {_value(tag, show)}, not a language tag")
        for v in g.objects(shape, SH.nodeKind):
            if v not in _NODE_KINDS:
                raise ShapesError(f"{where}: sh:nodeKind {_value(v, show)} is not one of SHACL's six node kinds")
        for v in g.objects(shape, SH.path):
            if not _path_ok(g, v):
                raise ShapesError(f"{where}: sh:path {_value(v, show)} is not a well-formed SHACL path")
        for p in _SHAPE_VALUED:
            for v in g.objects(shape, p):
                if isinstance(v, Literal):
                    raise ShapesError(f"{where}: {show(p)} {_value(v, show)} is not a shape")
        for v in g.objects(shape, SH.property):
            if (v, SH.path, None) not in g:
                raise ShapesError(f"{where}: sh:property {_value(v, show)} has no sh:path")
        if (shape, SH.qualifiedValueShape, None) in g and not any(
            (shape, p, None) in g for p in (SH.qualifiedMinCount, SH.qualifiedMaxCount)
        ):
            raise ShapesError(f"{where}: sh:qualifiedValueShape without sh:qualifiedMinCount or sh:qualifiedMaxCount")
        check_sparql(g, shape, where)
    for component in _components(g):
        check_component(g, component, _where(g, component, show))


def check_sparql(g: Graph | ShapesIndex, shape: Node, where: str) -> None:
    """The SPARQL of a shape: its SPARQL targets and SPARQL-based constraints."""
    for target in g.objects(shape, SH.target):
        for select in g.objects(target, SH.select):
            text = shacl_sparql.prefix_block(g, target, where) + str(select)
            shacl_sparql.check_text(text, f"{where} (SPARQL target)")
    for constraint in g.objects(shape, SH.sparql):
        selects = list(g.objects(constraint, SH.select))
        if len(selects) != 1 or not isinstance(selects[0], Literal):
            raise ShapesError(f"{where}: a SPARQL constraint (sh:sparql) needs exactly one sh:select string")
        text = shacl_sparql.prefix_block(g, constraint, where) + str(selects[0])
        shacl_sparql.check_text(
            text, f"{where} (SPARQL constraint)", frozenset({"this", "currentShape", "shapesGraph"})
        )


def _components(g: Graph | ShapesIndex) -> list[Node]:
    kinds = {SH.ConstraintComponent} | set(g.transitive_subjects(RDFS.subClassOf, SH.ConstraintComponent))
    return sorted({c for k in kinds for c in g.subjects(RDF.type, k)}, key=str)


def check_component(g: Graph | ShapesIndex, component: Node, where: str) -> None:
    """A SPARQL-based constraint component: its parameters and validators' SPARQL."""
    names = set()
    for param in g.objects(component, SH.parameter):
        path = g.value(param, SH.path)
        if not isinstance(path, URIRef):
            raise ShapesError(f"{where}: a sh:parameter without an IRI sh:path")
        names.add(path.split("#")[-1].split("/")[-1])
    pre_bound = frozenset({"this", "value", "currentShape", "shapesGraph", *names})
    for p in (SH.validator, SH.nodeValidator, SH.propertyValidator):
        for validator in g.objects(component, p):
            for q in (SH.select, SH.ask):
                for text in g.objects(validator, q):
                    full = shacl_sparql.prefix_block(g, validator, where) + str(text)
                    shacl_sparql.check_text(full, f"{where} (validator)", pre_bound)


def _default_name(node: Node) -> str:
    if isinstance(node, URIRef):
        if str(node).startswith(str(SH)):
            return "sh:" + str(node)[len(str(SH)) :]
        return f"<{node}>"
    if isinstance(node, Literal):
        return node.n3()
    return "[]"


def _value(v: Node, show: Callable[[Node], str]) -> str:
    if isinstance(v, Literal):
        return v.n3(namespace_manager=None) if v.datatype and v.datatype != XSD.string else f'"{v}"'
    return show(v)


def _where(g: Graph | ShapesIndex, shape: Node, show: Callable[[Node], str]) -> str:
    """The shape named for a message: its IRI, or a property shape by its path and parent."""
    if not isinstance(shape, BNode):
        return show(shape)
    path = g.value(shape, SH.path)
    parent = next(iter(g.subjects(SH.property, shape)), None)
    text = f"the property shape of path {show(path)}" if isinstance(path, URIRef) else "a blank-node shape"
    if parent is not None and not isinstance(parent, BNode):
        text += f" of {show(parent)}"
    return text


__all__ = ["check_component", "check_shapes", "check_sparql", "shape_nodes"]
