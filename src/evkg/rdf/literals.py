"""Literals as they were written: what pyoxigraph's store rewrites, and the side table that gives them back.

In RDF a literal *is* its lexical form and its datatype: ``"01"^^xsd:integer`` and ``"1"^^xsd:integer``
are two terms, as are ``"5"^^xsd:int`` and ``"5"^^xsd:integer``. pyoxigraph's store (in memory and on
disk alike) keeps the literals of :data:`STORED_AS_VALUE` as their value and gives them back in the
value's canonical form: ``"01"^^xsd:integer`` → ``"1"``, ``"1.50"^^xsd:decimal`` → ``"1.5"``,
``"1"^^xsd:boolean`` → ``"true"``, ``"1e3"^^xsd:double`` → ``"1000"``, and every integer-derived type
(``xsd:int``, ``xsd:positiveInteger``, …) → ``xsd:integer``, without a range check (so
``"300"^^xsd:byte``, not a byte, comes back as a valid ``xsd:integer``). Two written statements can
even become one (``ex:a ex:p true, "1"^^xsd:boolean``). Its parser (:func:`pyoxigraph.parse`),
:class:`pyoxigraph.Dataset` and :func:`pyoxigraph.serialize` keep every literal as written; no option
turns the store's rewriting off (oxigraph issue #526, open). ``tests/test_literal_fidelity.py`` measures
all of this against pyoxigraph itself, so a new version that changes it fails the tests.

So the loader streams the parser's terms into the store and records, per named graph, each statement
whose literal the store rewrites: a :class:`WrittenLiterals` table, keyed by the statement as the
store holds it, giving the literal(s) as written. Everything that lets data leave evkg restores them
(:meth:`WrittenLiterals.restore` for quads, :meth:`WrittenLiterals.restore_ntriples` for the store's
N-Triples dumps, which the exports and the OWL 2 RL engine read, :meth:`WrittenLiterals.restore_triples`
for CONSTRUCT/DESCRIBE results). SELECT results and FILTERs keep the store's form (a value): see
docs/decisions/0019-literals-as-written.md.
Data without such literals (the common case) costs one set lookup per typed literal at load time and
nothing afterwards.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, TypeAlias

import pyoxigraph as ox
from rdflib import URIRef, Variable
from rdflib.paths import AlternativePath

XSD = "http://www.w3.org/2001/XMLSchema#"

#: Datatypes whose literals the store keeps as a value, rewriting the lexical form to the value's
#: canonical one (and the datatype, for the last 13). Measured exhaustively against pyoxigraph
#: (``tests/test_literal_fidelity.py``): no literal of any other datatype (the other XSD types,
#: ``rdf:langString``, ``rdf:XMLLiteral``, ``rdf:JSON``, ``owl:real``, custom ones) is changed, and an
#: invalid lexical form (``"abc"^^xsd:integer``, ``" 5"^^xsd:int``) is kept as written.
STORED_AS_VALUE: frozenset[str] = frozenset(
    XSD + name
    for name in (
        "boolean",
        "decimal",
        "integer",
        "float",
        "double",
        "duration",
        "yearMonthDuration",
        "dayTimeDuration",
        "dateTime",
        "time",
        "date",
        "gYearMonth",
        "gYear",
        "gMonthDay",
        "gDay",
        "gMonth",
        "dateTimeStamp",  # -> xsd:dateTime
        "long",  # these twelve -> xsd:integer
        "int",
        "short",
        "byte",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
    )
)
_AT_RISK: frozenset[ox.NamedNode] = frozenset(ox.NamedNode(iri) for iri in STORED_AS_VALUE)

#: The table's file in a persisted store folder (next to ``manifest.json``).
FILE = "literals.nq"

Subject: TypeAlias = ox.NamedNode | ox.BlankNode | ox.Triple
GraphName: TypeAlias = ox.NamedNode | ox.BlankNode | ox.DefaultGraph
Key: TypeAlias = tuple[Any, ox.NamedNode, ox.Literal, Any]  # (subject, predicate, stored literal, graph)


# --- what the store keeps ------------------------------------------------------------------------------------
_S, _P = ox.NamedNode("urn:evkg:literal:s"), ox.NamedNode("urn:evkg:literal:p")
_YEAR, _MONTH, _DAY = "[1-9][0-9]{3}", "(?:0[1-9]|1[0-2])", "(?:0[1-9]|[12][0-9]|3[01])"
_TIME = "(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\\.[0-9]{0,5}[1-9])?"
#: Lexical forms the store certainly keeps as written (its canonical forms, or forms it does not parse),
#: so that the common literals need no question to the store; tests/test_literal_fidelity.py checks
#: each against pyoxigraph.
_KEPT: dict[ox.NamedNode, re.Pattern[str]] = {
    ox.NamedNode(XSD + name): re.compile(pattern)
    for name, pattern in {
        "integer": "0|-?[1-9][0-9]{0,17}",
        "decimal": "0|-?[1-9][0-9]{0,14}|-?(?:0|[1-9][0-9]{0,14})\\.[0-9]{0,14}[1-9]",
        "boolean": "true|false",
        "gYear": _YEAR,
        "gYearMonth": f"{_YEAR}-{_MONTH}",
        "date": f"{_YEAR}-{_MONTH}-{_DAY}",
        "time": f"{_TIME}Z?",
        "dateTime": f"{_YEAR}-{_MONTH}-{_DAY}T{_TIME}Z?",
    }.items()
}
#: literal -> the store's form, or None when the store keeps it as written (bounded; cleared when full)
_CACHE: dict[ox.Literal, ox.Literal | None] = {}
_CACHE_SIZE = 1 << 17
_MISSING: Any = object()


def _ask_store(literal: ox.Literal) -> ox.Literal | None:
    """What a pyoxigraph store gives back for ``literal`` (None: the literal itself). A new store each
    time (≈ 10 µs): removing from a reused one costs ten times more."""
    pattern = _KEPT.get(literal.datatype)
    if pattern is not None and pattern.fullmatch(literal.value):
        return None
    store = ox.Store()
    store.add(ox.Quad(_S, _P, literal))
    (quad,) = list(store.quads_for_pattern(_S, _P, None))
    kept = quad.object
    assert isinstance(kept, ox.Literal)
    return None if kept == literal else kept


def _rewritten(literal: ox.Literal) -> ox.Literal | None:
    """The store's form of a literal of a :data:`STORED_AS_VALUE` datatype, or None if it keeps it."""
    try:
        return _CACHE[literal]
    except KeyError:
        pass
    found = _ask_store(literal)
    if len(_CACHE) >= _CACHE_SIZE:
        _CACHE.clear()
    _CACHE[literal] = found
    return found


def store_form(literal: ox.Literal) -> ox.Literal:
    """The literal a pyoxigraph store gives back for ``literal`` (``literal`` itself if it keeps it).

    >>> store_form(ox.Literal("01", datatype=ox.NamedNode(XSD + "integer"))).value
    '1'
    >>> store_form(ox.Literal("5", datatype=ox.NamedNode(XSD + "int"))).datatype.value
    'http://www.w3.org/2001/XMLSchema#integer'
    """
    if literal.datatype not in _AT_RISK:
        return literal
    return _rewritten(literal) or literal


def rewrites(literal: ox.Literal) -> bool:
    """True if a pyoxigraph store would give ``literal`` back as another term."""
    return literal.datatype in _AT_RISK and _rewritten(literal) is not None


def _ntriples_line(subject: Any, predicate: ox.NamedNode, obj: Any) -> bytes:
    return (ox.serialize([ox.Triple(subject, predicate, obj)], format=ox.RdfFormat.N_TRIPLES) or b"").rstrip(b"\n")


def _sorted_literals(literals: Iterable[ox.Literal]) -> tuple[ox.Literal, ...]:
    return tuple(sorted(set(literals), key=str))


# --- the side table -----------------------------------------------------------------------------------------------
class WrittenLiterals:
    """The statements of one store whose literal the store rewrote, with their literals as written.

    A statement is keyed as the store holds it (subject, predicate, stored literal, graph); its value
    is every literal written for it, in N-Triples order: one, or several when distinct written
    literals became one stored statement (``ex:a ex:p true, "1"^^xsd:boolean``; the stored form is
    among them when it was written too). An empty table (no literal rewritten: the common case)
    makes every method a pass-through.
    """

    def __init__(self, entries: Mapping[Key, Iterable[ox.Literal]] | None = None) -> None:
        self._entries: dict[Key, tuple[ox.Literal, ...]] = {}
        self._values: set[ox.Literal] = set()
        self._lines: dict[Any, dict[bytes, list[bytes]]] = {}
        self._by_value: dict[ox.Literal, set[ox.Literal]] | None = None
        for key, written in (entries or {}).items():
            self._put(key, _sorted_literals(written))

    def _put(self, key: Key, written: tuple[ox.Literal, ...]) -> None:
        self._entries[key] = written
        self._values.add(key[2])
        self._lines.clear()
        self._by_value = None

    # --- what it holds -------------------------------------------------------------------------------------
    def __bool__(self) -> bool:
        return bool(self._entries)

    def __len__(self) -> int:
        """How many stored statements stand for statements written with another literal."""
        return len(self._entries)

    def __repr__(self) -> str:
        return f"<WrittenLiterals {len(self)} statements in {len(self.graphs())} graphs>"

    def statements(self) -> Iterator[tuple[ox.Quad, tuple[ox.Literal, ...]]]:
        """Each statement as the store holds it, with the literals written for it (sorted)."""
        for (s, p, o, g), written in sorted(self._entries.items(), key=lambda item: str(ox.Quad(*item[0]))):
            yield ox.Quad(s, p, o, g), written

    def written_quads(self) -> Iterator[ox.Quad]:
        """The statements as written (one per literal written), in N-Quads order."""
        for quad, written in self.statements():
            for literal in written:
                yield ox.Quad(quad.subject, quad.predicate, literal, quad.graph_name)

    def graphs(self) -> set[Any]:
        """Named graphs holding a rewritten literal."""
        return {key[3] for key in self._entries}

    def predicates(self) -> frozenset[ox.NamedNode]:
        """Predicates of statements whose literal was rewritten."""
        return frozenset(key[1] for key in self._entries)

    def subjects(self) -> frozenset[Any]:
        """Subjects of statements whose literal was rewritten."""
        return frozenset(key[0] for key in self._entries)

    def values(self) -> frozenset[ox.Literal]:
        """The stored literals that stand for a rewritten one (a stored literal not among them is as written)."""
        return frozenset(self._values)

    def written(self, quad: ox.Quad) -> tuple[Any, ...]:
        """The objects written for a statement the store holds (its own object if not rewritten)."""
        found = self._entries.get((quad.subject, quad.predicate, quad.object, quad.graph_name))  # type: ignore[arg-type]
        return found if found is not None else (quad.object,)

    # --- giving the literals back --------------------------------------------------------------------------------
    def restore(self, quads: Iterable[ox.Quad]) -> Iterator[ox.Quad]:
        """``quads`` read from the store, each with its literal(s) as written."""
        if not self._entries:
            return iter(quads)
        return self._restore(quads)

    def _restore(self, quads: Iterable[ox.Quad]) -> Iterator[ox.Quad]:
        values, entries, literal = self._values, self._entries, ox.Literal
        for q in quads:
            o = q.object
            if type(o) is literal and o in values:
                written = entries.get((q.subject, q.predicate, o, q.graph_name))
                if written is not None:
                    for w in written:
                        yield ox.Quad(q.subject, q.predicate, w, q.graph_name)
                    continue
            yield q

    def dump_lines(self, graph: GraphName) -> dict[bytes, list[bytes]]:
        """For ``store.dump(format=N_TRIPLES, from_graph=graph)``: each line of a statement whose
        literal was rewritten → its lines as written. Empty for a graph without such statements."""
        found = self._lines.get(graph)
        if found is None:
            found = {}
            for (s, p, o, g), written in self._entries.items():
                if g == graph:
                    found[_ntriples_line(s, p, o)] = [_ntriples_line(s, p, w) for w in written]
            self._lines[graph] = found
        return found

    def restore_ntriples(self, graph: GraphName, data: bytes) -> bytes:
        """An N-Triples dump of ``graph`` from the store with the literals as written (see :meth:`dump_lines`)."""
        lines = self.dump_lines(graph) if self._entries else None
        if not lines:
            return data
        out: list[bytes] = []
        for line in data.split(b"\n"):
            out.extend(lines.get(line, (line,)))
        return b"\n".join(out)

    def restore_triples(
        self,
        triples: Iterable[ox.Triple],
        store: ox.Store,
        query: str | None = None,
        prefixes: Mapping[str, str] | None = None,
    ) -> list[ox.Triple]:
        """Triples a query built from ``store`` (CONSTRUCT, DESCRIBE), with literals as written.

        - A triple the data holds gets the literals written for it in every graph that holds it (the
          default graph is their union): exact for DESCRIBE and for templates that copy statements.
        - A triple the query built (not in the data) takes its literal from the statement the
          ``query`` read it from: the template's object variable is bound in the WHERE clause by
          ``?x <p> ?o`` (or ``<p1>|<p2>``) with the template's subject variable or a constant, so
          the literals written for those statements are the ones it copied (all of them, as a query
          on the data as written would build one triple for each).
        - Otherwise (the variable bound by an expression, a longer path, another subject): the only
          literal written for that value by those statements, or in the whole data; else the
          store's form, as the query does not say which of several spellings it read.
        """
        if not self._entries:
            return list(triples)
        sources: dict[Any, list[tuple[Any, Any, tuple[ox.NamedNode, ...] | None]]] | None = None
        out: list[ox.Triple] = []
        for t in triples:
            o = t.object
            if not (isinstance(o, ox.Literal) and o in self._values):
                out.append(t)
                continue
            forms = self._forms(store.quads_for_pattern(t.subject, t.predicate, o, None))
            if not forms:
                if sources is None:
                    sources = _template_sources(query, prefixes) if query else {}
                forms = self._built(t, o, store, sources)
            out.extend(ox.Triple(t.subject, t.predicate, w) for w in forms)
        return out

    def _built(
        self, t: ox.Triple, o: ox.Literal, store: ox.Store, sources: dict[Any, list[tuple[Any, Any, Any]]]
    ) -> list[ox.Literal]:
        """The literal(s) of a triple a CONSTRUCT built (see :meth:`restore_triples`)."""
        tied: list[ox.Literal] = []
        loose: list[ox.Literal] = []
        for template_subject, source_subject, predicates in sources.get((t.predicate, "o"), []):
            if template_subject is not None and template_subject != t.subject:
                continue  # another template triple (its subject is a constant that is not this one)
            subject = t.subject if source_subject == "tied" else source_subject
            for predicate in predicates or (None,):
                forms = self._forms(store.quads_for_pattern(subject, predicate, o, None))
                (tied if subject is not None and predicates else loose).extend(forms)
        if tied:
            return list(dict.fromkeys(tied))
        loose = list(dict.fromkeys(loose))
        if len(loose) == 1:
            return loose
        forms = self._forms(store.quads_for_pattern(t.subject, None, o, None))
        if len(forms) != 1:
            forms = self._forms_of_value(o, store)
        return forms if len(forms) == 1 else [o]

    def _forms(self, quads: Iterable[ox.Quad]) -> list[ox.Literal]:
        found: dict[ox.Literal, None] = {}
        for q in quads:
            for w in self.written(q):
                found[w] = None
        return list(found)

    def _forms_of_value(self, value: ox.Literal, store: ox.Store) -> list[ox.Literal]:
        if self._by_value is None:
            by_value: dict[ox.Literal, set[ox.Literal]] = {}
            for key, written in self._entries.items():
                by_value.setdefault(key[2], set()).update(written)
            self._by_value = by_value
        forms = set(self._by_value.get(value, ()))
        if value not in forms:
            for q in store.quads_for_pattern(None, None, value, None):
                if (q.subject, q.predicate, value, q.graph_name) not in self._entries:
                    forms.add(value)  # the stored form is also written as such somewhere
                    break
        return sorted(forms, key=str)

    # --- recording (the loader) --------------------------------------------------------------------------------------
    def recording(self, quads: Iterable[ox.Quad], graph: GraphName) -> Iterator[ox.Quad]:
        """``quads`` (a parser's terms) moved into ``graph`` as they go to the store, recording here
        every statement whose literal the store will rewrite. The graph's entries are replaced when
        the iterator is exhausted (a graph is one source file)."""
        rewritten: dict[tuple[Any, Any, ox.Literal], list[ox.Literal]] = {}
        kept: set[tuple[Any, Any, ox.Literal]] = set()  # typed literals kept as written (a collapse partner)
        literal, quad, at_risk, cache, missing = ox.Literal, ox.Quad, _AT_RISK, _CACHE, _MISSING
        for q in quads:
            o = q.object
            if type(o) is literal and o.datatype in at_risk:
                stored = cache.get(o, missing)
                if stored is missing:
                    stored = _rewritten(o)
                if stored is None:
                    kept.add((q.subject, q.predicate, o))
                else:
                    rewritten.setdefault((q.subject, q.predicate, stored), []).append(o)
            yield quad(q.subject, q.predicate, o, graph)
        self.drop_graph(graph)
        for (s, p, stored), written in rewritten.items():
            if (s, p, stored) in kept:
                written.append(stored)
            self._put((s, p, stored, graph), _sorted_literals(written))

    def refresh_union(self, store: ox.Store) -> None:
        """Record the union the store's default graph holds (evkg's loader writes one, a set): each of its
        statements that stands for rewritten ones gets every literal written for it in any named graph
        (and the stored form itself where a graph writes that). Called after the named graphs change."""
        default = ox.DefaultGraph()
        for key in [k for k in self._entries if isinstance(k[3], ox.DefaultGraph)]:
            del self._entries[key]
        forms: dict[tuple[Any, Any, ox.Literal], dict[ox.Literal, None]] = {}
        for (s, p, o, _), written in self._entries.items():
            forms.setdefault((s, p, o), {}).update(dict.fromkeys(written))
        for (s, p, o), found in forms.items():
            if next(iter(store.quads_for_pattern(s, p, o, default)), None) is None:
                continue  # no union statement (a store without one)
            for q in store.quads_for_pattern(s, p, o, None):
                if not isinstance(q.graph_name, ox.DefaultGraph) and (s, p, o, q.graph_name) not in self._entries:
                    found[o] = None  # another graph writes the stored form itself
            self._entries[(s, p, o, default)] = _sorted_literals(found)
        self._values = {key[2] for key in self._entries}
        self._lines.clear()
        self._by_value = None

    def drop_graph(self, graph: GraphName) -> None:
        """Forget the statements of ``graph`` (its file is about to be loaded again, or removed)."""
        keys = [key for key in self._entries if key[3] == graph]
        for key in keys:
            del self._entries[key]
        if keys:
            self._values = {key[2] for key in self._entries}
            self._lines.clear()
            self._by_value = None

    def copy(self) -> WrittenLiterals:
        """A table of its own with the same statements (for a copy of the store)."""
        return WrittenLiterals(self._entries)

    def update(self, other: WrittenLiterals) -> None:
        """Take over ``other``'s statements (graphs it holds replace ours)."""
        for graph in other.graphs():
            self.drop_graph(graph)
        for key, written in other._entries.items():
            self._put(key, written)

    # --- persisted stores ---------------------------------------------------------------------------------------------
    def save(self, path: str | Path | IO[bytes]) -> None:
        """Write the statements as written, as N-Quads (sorted); an empty table writes an empty file."""
        data = ox.serialize(list(self.written_quads()), format=ox.RdfFormat.N_QUADS)
        if isinstance(path, str | Path):
            Path(path).write_bytes(data or b"")
        else:
            path.write(data or b"")

    @classmethod
    def read(cls, path: str | Path) -> WrittenLiterals:
        """The table :meth:`save` wrote (blank node labels are the store's own)."""
        entries: dict[Key, list[ox.Literal]] = {}
        for q in ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS):
            assert isinstance(q.object, ox.Literal)
            key = (q.subject, q.predicate, store_form(q.object), q.graph_name)
            entries.setdefault(key, []).append(q.object)
        return cls(entries)


@functools.lru_cache(maxsize=256)
def _parsed_construct(query: str, prefixes: tuple[tuple[str, str], ...]) -> Any:
    # lazy: rdflib's SPARQL parser (pyparsing) loads only for a CONSTRUCT
    from rdflib.plugins.sparql import prepareQuery

    try:
        return prepareQuery(query, initNs={k: URIRef(v) for k, v in prefixes}).algebra
    except Exception:  # noqa: BLE001 - a text rdflib cannot read: no template to learn from
        return None


def _template_sources(query: str, prefixes: Mapping[str, str] | None) -> dict[Any, list[tuple[Any, Any, Any]]]:
    """For each template triple ``s <p> ?o`` of a CONSTRUCT: where ``?o`` comes from in its WHERE clause.

    Keyed by (``<p>`` as a pyoxigraph term, ``"o"``); each value: (the template's subject as a term, or
    None if a variable; ``"tied"`` when the WHERE binds ``?o`` from the template's subject variable, a
    constant subject, or None; the WHERE's predicates, or None when a path is not a plain IRI or
    ``a|b``). Empty when rdflib cannot read the text (then the value alone decides).
    """
    # lazy: rdflib's SPARQL parser (pyparsing) loads only for a CONSTRUCT
    from rdflib.plugins.sparql.parserutils import CompValue

    algebra = _parsed_construct(query, tuple(sorted((prefixes or {}).items())))
    if algebra is None or getattr(algebra, "name", "") != "ConstructQuery" or not dict.get(algebra, "template"):
        return {}
    bound: dict[Any, list[tuple[Any, Any]]] = {}

    def walk(node: Any) -> None:
        if isinstance(node, CompValue):
            for s_, p_, o_ in dict.get(node, "triples") or ():
                if isinstance(o_, Variable):
                    if isinstance(p_, URIRef):
                        predicates: Any = (ox.NamedNode(str(p_)),)
                    elif isinstance(p_, AlternativePath) and all(isinstance(a, URIRef) for a in p_.args):
                        predicates = tuple(ox.NamedNode(str(a)) for a in p_.args)
                    else:
                        predicates = None
                    bound.setdefault(o_, []).append((s_, predicates))
            for value in node.values():
                walk(value)
        elif isinstance(node, list | tuple):
            for value in node:
                walk(value)

    walk(dict.get(algebra, "p"))
    out: dict[Any, list[tuple[Any, Any, Any]]] = {}
    for s_, p_, o_ in algebra["template"]:
        if not isinstance(p_, URIRef) or not isinstance(o_, Variable):
            continue
        template_subject = ox.NamedNode(str(s_)) if isinstance(s_, URIRef) else None
        for where_subject, predicates in bound.get(o_, []):
            if isinstance(where_subject, Variable):
                source: Any = "tied" if where_subject == s_ else None
            elif isinstance(where_subject, URIRef):
                source = ox.NamedNode(str(where_subject))
            else:
                source = None
            out.setdefault((ox.NamedNode(str(p_)), "o"), []).append((template_subject, source, predicates))
    return out


# --- where a rewritten literal was written ---------------------------------------------------------------
@dataclass(frozen=True)
class Rewrite:
    """A literal written in a source that the store keeps as another term."""

    graph: str  # the named graph (source file) it was written in
    written: ox.Literal
    stored: ox.Literal
    statements: int  # how many statements of that graph hold it
    first: ox.Quad  # the first of them (in N-Quads order), as the store holds it
    merged: tuple[ox.Literal, ...] = ()  # other literals written for one of those statements, stored as one
    made_valid: bool = False  # an invalid literal for its datatype became a valid one (``"300"^^xsd:byte``)


def rewrites_of(table: WrittenLiterals) -> list[Rewrite]:
    """Each (graph, written literal) the store keeps rewritten, with what that changes, sorted."""
    found: dict[tuple[str, ox.Literal], list[Any]] = {}
    for quad, written in table.statements():
        if isinstance(quad.graph_name, ox.DefaultGraph):
            continue  # the union the store keeps there repeats the named graphs
        graph = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else ""
        stored = quad.object
        assert isinstance(stored, ox.Literal)
        for literal in written:
            if literal == stored:
                continue
            entry = found.setdefault((graph, literal), [stored, 0, set(), quad])
            entry[1] += 1
            entry[2].update(w for w in written if w != literal)
    return [
        Rewrite(graph, literal, stored, count, first, _sorted_literals(others), made_valid(literal, stored))
        for (graph, literal), (stored, count, others, first) in sorted(
            found.items(), key=lambda i: (i[0][0], str(i[0][1]))
        )
    ]


#: Value ranges of the integer types the store turns into ``xsd:integer`` without checking them.
_RANGES: dict[str, tuple[int | None, int | None]] = {
    XSD + "byte": (-(2**7), 2**7 - 1),
    XSD + "short": (-(2**15), 2**15 - 1),
    XSD + "int": (-(2**31), 2**31 - 1),
    XSD + "long": (-(2**63), 2**63 - 1),
    XSD + "unsignedByte": (0, 2**8 - 1),
    XSD + "unsignedShort": (0, 2**16 - 1),
    XSD + "unsignedInt": (0, 2**32 - 1),
    XSD + "unsignedLong": (0, 2**64 - 1),
    XSD + "positiveInteger": (1, None),
    XSD + "nonNegativeInteger": (0, None),
    XSD + "negativeInteger": (None, -1),
    XSD + "nonPositiveInteger": (None, 0),
}


def made_valid(written: ox.Literal, stored: ox.Literal) -> bool:
    """True if ``written`` is not a valid literal of its datatype but the store's ``stored`` is one of its own.

    The two cases the store causes (measured): an integer-derived type out of its range
    (``"300"^^xsd:byte`` → ``"300"^^xsd:integer``) and an ``xsd:dateTimeStamp`` without a time zone
    (→ an ``xsd:dateTime``). Other invalid literals are kept as written.
    """
    datatype = written.datatype.value
    if written == stored:
        return False
    if datatype in _RANGES:
        low, high = _RANGES[datatype]
        value = int(stored.value)
        return (low is not None and value < low) or (high is not None and value > high)
    if datatype == XSD + "dateTimeStamp":
        return not _TIME_ZONE.search(stored.value)
    return False


_TIME_ZONE = re.compile(r"(Z|[+-][0-9]{2}:[0-9]{2})$")


def written_line(text: str, literal: ox.Literal) -> int | None:
    """The first line (1-based) of Turtle ``text`` where ``literal`` is written, if it can be found.

    Looks for the quoted lexical form followed by ``^^`` and the datatype's local name, or for a bare
    number or boolean (Turtle's shorthand for ``xsd:integer``, ``decimal``, ``double``, ``boolean``).
    """
    lexical, datatype = re.escape(literal.value), literal.datatype.value
    local = re.escape(datatype.rsplit("#", 1)[-1])
    patterns = [rf"""(["']){lexical}\1\s*\^\^\s*(?:<[^>]*[#/]{local}>|[\w.-]*:{local}(?![\w-]))"""]
    if datatype in _BARE:
        patterns.append(rf"(?<![\w.:+\-\"']){lexical}(?![\w:]|\.[0-9])")
    for pattern in patterns:
        match = re.search(pattern, text)
        if match:
            return text.count("\n", 0, match.start()) + 1
    return None


_BARE = {XSD + "integer", XSD + "decimal", XSD + "double", XSD + "boolean"}


class RestoredTriples:
    """A CONSTRUCT/DESCRIBE result with its literals as written, read like :class:`pyoxigraph.QueryTriples`."""

    def __init__(self, triples: list[ox.Triple]) -> None:
        self._triples = triples

    def __iter__(self) -> Iterator[ox.Triple]:
        return iter(self._triples)

    def __len__(self) -> int:
        return len(self._triples)

    def serialize(self, output: Any = None, format: ox.RdfFormat | None = None) -> bytes | None:  # noqa: A002
        """As :meth:`pyoxigraph.QueryTriples.serialize` (N-Triples by default)."""
        return ox.serialize(self._triples, output, format=format or ox.RdfFormat.N_TRIPLES)


__all__ = [
    "FILE",
    "STORED_AS_VALUE",
    "RestoredTriples",
    "Rewrite",
    "WrittenLiterals",
    "made_valid",
    "rewrites_of",
    "written_line",
    "rewrites",
    "store_form",
]
