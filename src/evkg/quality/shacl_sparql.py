"""SPARQL inside SHACL shapes: prefixes, the checks made before anything runs, and pre-binding.

Shapes carry SPARQL in ``sh:select`` and ``sh:ask`` (SPARQL-based constraints, constraint components'
validators) and in SPARQL targets. Before any of it runs, :func:`check_text` reads it with evkg's one
lexer (:mod:`evkg.query.lexer`) and refuses, with one line naming the shape:

- what would reach another host: ``SERVICE``, ``LOAD``, ``FROM`` / ``FROM NAMED`` (shapes never reach
  the network; the endpoint refuses the same keywords);
- what SHACL 1.0 §5.2.1 says a query with pre-bound variables must not contain: ``MINUS``,
  ``VALUES``, ``AS`` re-binding a pre-bound variable (``$this``, ``$value``, ...), a nested ``SELECT``
  that does not return every pre-bound variable it uses (``SELECT *`` included), and ``$shapesGraph``
  (a named graph of shapes, which evkg does not offer).

Pre-binding (§5.2.1): ``$this`` stands for one focus node everywhere in the query, also inside nested
groups, subqueries and before it would be bound by a pattern. The compiled engine validates all focus
nodes in one query by putting a *binder* (a group pattern that binds ``?this`` to the focus nodes) first
in every group that mentions ``$this`` (:func:`bind_this`): the groups then agree on one value of ``?this``
through the joins, which is what substituting one focus node at a time would give. Queries whose
solution modifiers mix focus nodes (``LIMIT``, ``OFFSET``, ``GROUP BY``, ``HAVING``, ``ORDER BY``,
aggregates) are run one focus node at a time instead (:func:`batchable`).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from urllib.parse import urljoin

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, SH
from rdflib.term import Node

from evkg.errors import QuerySyntaxError, ShapesError
from evkg.quality.shapes_index import ShapesIndex
from evkg.query.lexer import Token, decode_escapes, network_clauses, tokens

#: Where the binder of ``?this`` goes (a private-use character: never in a user's query).
BINDER = "\ue000"
_AGGREGATES = {"COUNT", "SUM", "MIN", "MAX", "AVG", "SAMPLE", "GROUP_CONCAT"}
_MODIFIERS = {"LIMIT", "OFFSET", "GROUP", "HAVING", "ORDER"}


def prefix_block(shapes: Graph | ShapesIndex, holder: Node, where: str) -> str:
    """``PREFIX`` lines for the declarations ``holder``'s ``sh:prefixes`` point at (SHACL 5.2.2)."""
    lines: dict[str, str] = {}
    sources: list[Node] = []
    todo = list(shapes.objects(holder, SH.prefixes))
    while todo:  # sh:prefixes, and the ontologies they owl:import (SHACL 5.2.1)
        node = todo.pop()
        if node not in sources:
            sources.append(node)
            todo += list(shapes.objects(node, OWL.imports))
    for source in sources:
        for decl in shapes.objects(source, SH.declare):
            prefix, namespace = shapes.value(decl, SH.prefix), shapes.value(decl, SH.namespace)
            if not isinstance(prefix, Literal) or not isinstance(namespace, Literal | URIRef):
                raise ShapesError(f"{where}: a sh:declare of {source} lacks sh:prefix or sh:namespace")
            if str(prefix) in lines and lines[str(prefix)] != str(namespace):
                raise ShapesError(f"{where}: prefix {prefix}: is declared twice, with different namespaces")
            lines[str(prefix)] = str(namespace)
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in sorted(lines.items()))


@dataclass(frozen=True)
class Group:
    """A ``{ ... }`` of a query: where it opens, its kind, and its parent group."""

    open: int  # index of the "{" token
    kind: str  # "group", "exists" (FILTER [NOT] EXISTS {...}), "wrapper" ({ SELECT ... })
    parent: int | None  # index into the groups list


@functools.lru_cache(maxsize=512)
def _tokens(text: str) -> tuple[Token, ...]:
    return tuple(tokens(text))


def _groups(toks: list[Token] | tuple[Token, ...]) -> tuple[list[Group], list[int | None], list[bool]]:
    """Every group, the innermost group of each token, and whether a token is in a SELECT projection."""
    groups: list[Group] = []
    stack: list[int] = []
    owner: list[int | None] = []
    projection: list[bool] = []
    in_projection = False
    for i, t in enumerate(toks):
        if t.keyword == "SELECT":
            in_projection = True
        elif in_projection and (t.keyword == "WHERE" or t.text == "{"):
            in_projection = False
        projection.append(in_projection)
        if t.text == "{":
            before = toks[i - 1].keyword if i else ""
            after = toks[i + 1].keyword if i + 1 < len(toks) else ""
            kind = "exists" if before == "EXISTS" else "wrapper" if after == "SELECT" else "group"
            groups.append(Group(i, kind, stack[-1] if stack else None))
            stack.append(len(groups) - 1)
            owner.append(stack[-1])
            continue
        owner.append(stack[-1] if stack else None)
        if t.text == "}":
            if not stack:
                raise QuerySyntaxError(f"SPARQL syntax error: unbalanced '}}' at character {t.at}")
            stack.pop()
    if stack:
        raise QuerySyntaxError("SPARQL syntax error: a '{' is never closed")
    return groups, owner, projection


def _chain(groups: list[Group], g: int | None) -> list[int]:
    out = []
    while g is not None:
        out.append(g)
        g = groups[g].parent
    return out  # innermost first


def check_text(text: str, where: str, pre_bound: frozenset[str] = frozenset()) -> None:
    """Refuse SPARQL of a shape that reaches the network or breaks SHACL's pre-binding rules.

    ``pre_bound``: the variables the query is evaluated with (``this``, ``value``, parameters...); empty
    for SPARQL targets. Raises :class:`ShapesError` (one line naming ``where``) or nothing.
    """
    problem = _problem(text, pre_bound)
    if problem is not None:
        raise ShapesError(f"{where}: {problem}")


@functools.lru_cache(maxsize=512)
def _problem(text: str, pre_bound: frozenset[str]) -> str | None:
    """What :func:`check_text` refuses in ``text``, or None."""
    try:
        remote = network_clauses(text)
        toks = list(_tokens(decode_escapes(text)))
        groups, owner, projection = _groups(toks)
    except QuerySyntaxError as exc:
        return str(exc)
    if remote:
        return f"{remote[0]} is not allowed in shapes: evkg never reaches the network"
    if not pre_bound:
        return None
    words = {t.keyword for t in toks if t.kind == "name"}
    for word in ("MINUS", "VALUES"):
        if word in words:
            return f"{word} is not allowed in a query with pre-bound variables (SHACL 5.2.1)"
    for i, t in enumerate(toks):
        if t.keyword == "AS" and i + 1 < len(toks) and toks[i + 1].variable in pre_bound:
            return f"AS {toks[i + 1].text} re-binds a pre-bound variable, which SHACL 5.2.1 does not allow"
    if "shapesGraph" in {t.variable for t in toks}:
        return "$shapesGraph is not supported (evkg validates one data graph)"
    # nested SELECTs must return every pre-bound variable they use
    for g, group in enumerate(groups):
        if group.kind != "wrapper":
            continue
        start = group.open + 1
        inside = [i for i in range(start, len(toks)) if g in _chain(groups, owner[i])]
        projected = {toks[i].variable for i in inside if projection[i] and toks[i].kind == "var"}
        star = any(projection[i] and toks[i].text == "*" for i in inside)
        required = pre_bound - {"currentShape", "shapesGraph"}
        if star:
            return f"a nested SELECT * does not return the pre-bound {_vars(required)}: name them (SHACL 5.2.1)"
        missing = required - projected
        if missing:
            return f"a nested SELECT must return the pre-bound {_vars(missing)} (SHACL 5.2.1)"
    return None


def _vars(names: set[str] | frozenset[str]) -> str:
    return ", ".join(f"${n}" for n in sorted(names))


def batchable(text: str) -> bool:
    """Whether the query can validate many focus nodes at once (no modifier mixes their solutions)."""
    words = {t.keyword for t in _tokens(text) if t.kind == "name"}
    return not (words & (_AGGREGATES | _MODIFIERS))


def bind_this(text: str, binder: str = BINDER) -> str:
    """``text`` (a SELECT) with ``binder`` first in its WHERE group and in every group that mentions
    ``$this`` (a group inside ``FILTER EXISTS`` counts as the group around the ``EXISTS``, which
    substitutes the outer solution; a ``{ SELECT ... }`` wrapper takes no binder: the subquery's own
    WHERE group does)."""
    toks = list(_tokens(text))
    groups, owner, projection = _groups(toks)
    marked: set[int] = set()
    first = next((g for g, group in enumerate(groups) if group.parent is None), None)
    if first is None:
        raise ShapesError("a SPARQL constraint has no WHERE group")
    marked.add(first)
    for i, t in enumerate(toks):
        if t.variable != "this" or projection[i]:
            continue
        chain = _chain(groups, owner[i])
        exists = [g for g in chain if groups[g].kind == "exists"]
        target = groups[exists[-1]].parent if exists else next((g for g in chain if groups[g].kind == "group"), None)
        if target is not None:
            marked.add(target)
    out = text
    for g in sorted(marked, key=lambda g: groups[g].open, reverse=True):
        at = toks[groups[g].open].at + 1
        out = out[:at] + f" {binder} " + out[at:]
    return out


def expand_prefixes(text: str, where: str) -> str:
    """The query without its prologue: prefixed names written as full IRIs (relative IRIs resolved
    against ``BASE``), so that it can be nested in another query."""
    toks = list(_tokens(text))
    declared: dict[str, str] = {}
    base: str | None = None
    i = 0
    while i < len(toks) and toks[i].keyword in ("PREFIX", "BASE"):
        if toks[i].keyword == "PREFIX":
            if i + 2 >= len(toks) or toks[i + 1].kind != "pname" or toks[i + 2].kind != "iri":
                raise ShapesError(f"{where}: malformed PREFIX declaration")
            declared[toks[i + 1].text[:-1]] = toks[i + 2].text[1:-1]
            i += 3
        else:
            if i + 1 >= len(toks) or toks[i + 1].kind != "iri":
                raise ShapesError(f"{where}: malformed BASE declaration")
            base = toks[i + 1].text[1:-1]
            i += 2
    if i >= len(toks):
        raise ShapesError(f"{where}: the query is empty")
    out, last = [], toks[i].at
    for t in toks[i:]:
        if t.kind == "pname":
            prefix, _, local = t.text.partition(":")
            if prefix not in declared:
                raise ShapesError(f"{where}: undeclared prefix {prefix}: (declare it with sh:declare and sh:prefixes)")
            replacement = "<" + declared[prefix] + re.sub(r"\\(.)", r"\1", local) + ">"
        elif t.kind == "iri" and base and not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", t.text[1:-1]):
            replacement = "<" + urljoin(base, t.text[1:-1]) + ">"
        else:
            continue
        out += [text[last : t.at], replacement]
        last = t.at + len(t.text)
    out.append(text[last:])
    return "".join(out)


def substitute(text: str, names: dict[str, str]) -> str:
    """Replace variables (``$PATH``, ``$currentShape``) by SPARQL text, token by token."""
    out = []
    last = 0
    for t in _tokens(text):
        if t.variable in names:
            out.append(text[last : t.at])
            out.append(names[t.variable])
            last = t.at + len(t.text)
    out.append(text[last:])
    return "".join(out)


def substitution_safe(text: str, names: frozenset[str]) -> bool:
    """Whether binding ``names`` with pyoxigraph's ``substitutions`` gives pre-binding's answer: not when
    one is read inside ``BIND (...)``, ``bound(...)`` or a group nested in the WHERE group (pyoxigraph
    leaves it unbound there)."""
    try:
        toks = list(_tokens(text))
        groups, owner, projection = _groups(toks)
    except QuerySyntaxError:
        return False
    depth = 0
    inside_call = 0
    for i, t in enumerate(toks):
        if t.keyword in ("BIND", "BOUND") and i + 1 < len(toks) and toks[i + 1].text == "(":
            inside_call = max(inside_call, 1)
            depth = 0
        if inside_call:
            if t.text == "(":
                depth += 1
            elif t.text == ")":
                depth -= 1
                if depth == 0:
                    inside_call = 0
        if t.variable in names and not projection[i]:
            if inside_call:
                return False
            chain = _chain(groups, owner[i])
            if len([g for g in chain if groups[g].kind == "group"]) > 1:
                return False
    return True


def predicates_read(text: str) -> set[str] | None:
    """The IRIs a query can read as predicates: every IRI it names (a superset), or None when a
    variable stands in a predicate position (``?s ?p ?o``: any predicate)."""
    toks = list(_tokens(text))
    try:
        projection = _groups(toks)[2]
    except QuerySyntaxError:
        return None
    terms = ("var", "iri", "pname", "bnode", "string", "number")
    for i in range(1, len(toks) - 1):
        if projection[i] or projection[i - 1]:
            continue
        if toks[i].kind == "var" and toks[i - 1].kind in terms and toks[i + 1].kind in terms:
            if toks[i - 1].kind in ("var", "iri", "pname", "bnode") and not _in_expression(toks, i):
                return None
    return {t.text[1:-1] for t in toks if t.kind == "iri"}


def _in_expression(toks: list[Token], i: int) -> bool:
    """Whether token ``i`` sits inside parentheses (an expression, not a triple pattern)."""
    depth = 0
    for t in toks[:i]:
        if t.text == "(":
            depth += 1
        elif t.text == ")":
            depth -= 1
        elif t.text in ("{", "}"):
            depth = 0
    return depth > 0


def projects(text: str, name: str) -> bool:
    """Whether the query's outer SELECT names ``?name`` (or is ``SELECT *``)."""
    toks = list(_tokens(text))
    _, _, projection = _groups(toks)
    depth_ok = [i for i, t in enumerate(toks) if projection[i]]
    outer: list[int] = []
    for i in depth_ok:
        if outer and i != outer[-1] + 1:
            break
        outer.append(i)
    return any(toks[i].variable == name or toks[i].text == "*" for i in outer)


__all__ = [
    "BINDER",
    "batchable",
    "bind_this",
    "check_text",
    "expand_prefixes",
    "predicates_read",
    "prefix_block",
    "projects",
    "substitute",
    "substitution_safe",
]
