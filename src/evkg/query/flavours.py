"""How a SPARQL server is asked: the one place where evkg adapts to a server's dialect.

A query helper has one text (its ``.rq`` file). :class:`evkg.query.engines.RemoteEngine` sends it to a
server through a :class:`Flavour`, which states the dataset in the request, rewrites the text where
the server needs another form, and reads the answer back into standard SPARQL 1.1 JSON results. No
helper carries a second copy of its query for a server.

``sparql11`` (:class:`Flavour`): any SPARQL 1.1 server (Fuseki, QLever, GraphDB). The dataset is
    stated in each request: ``default-graph-uri`` and ``named-graph-uri`` = every named graph of
    the server, so the default graph is their union (most servers: a bag, a triple once per graph).

``oxigraph`` (:class:`OxigraphFlavour`): the Oxigraph server: its own default graph is the union
    that ``evkg load`` stores there, a set, as in the embedded store; requests name no dataset.

``virtuoso`` (:class:`VirtuosoFlavour`): OpenLink Virtuoso 7. It differs from SPARQL 1.1 in ways
    that change answers, each adapted here:

    - *default graph*: Virtuoso merges the graphs of ``default-graph-uri`` (or ``FROM``) as a bag:
      a triple stated by k graphs matches k times, and without them its default graph is every
      graph of the server, its own system graphs included. ``evkg load`` therefore publishes the
      union of the named graphs as one more graph, named by the dataset's IRI (the ``graph:``
      namespace itself, ``https://w3id.org/evkg/graph/``, which no source file can take), where
      each distinct triple is stored once; every request names it as the default graph. The
      default graph is a *set*, as the SPARQL 1.1 RDF merge (and issue 15's embedded store) is.
    - *named graphs*: evkg's graphs are those in the ``graph:`` namespace (Virtuoso's system
      graphs are not). They are not listed in the request (Virtuoso echoes ``named-graph-uri`` in
      an answer header that outgrows HTTP clients at ~1 700 graphs): each ``GRAPH ?g`` of the
      query is restricted to them instead, so it ranges over them only.
    - *answers*: blank nodes come back as ``nodeID://b1234`` (not a valid blank node label),
      ``xsd:boolean`` values as ``"1"``/``"0"``, and some versions answer an ASK asked in JSON
      with a one-row table whose variable is ``__ask_retval``; all three are read back into the
      standard form (``_:b1234``, ``"true"``/``"false"``, a boolean).
    - *query text*: :meth:`VirtuosoFlavour.rewrite` (see there for each rewrite and why).

Which flavour a URL needs is asked with :func:`detect` (the ``Server`` header Virtuoso sends on
every answer) unless the caller names it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import httpx

from evkg.errors import UsageError
from evkg.query.lexer import Token
from evkg.query.lexer import tokens as lexer_tokens

__all__ = ["FLAVOURS", "Flavour", "GRAPH_NAMESPACE", "OxigraphFlavour", "VirtuosoFlavour", "detect", "get_flavour"]

GRAPH_NAMESPACE = "https://w3id.org/evkg/graph/"
XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_ORDERED = 'define sql:select-option "order"\n'


class Flavour:
    """A standard SPARQL 1.1 server: the dataset is stated in each request, the text is sent as is."""

    name = "sparql11"
    #: the server stores the union of the named graphs as a graph of its own (``evkg load`` puts it there)
    needs_union_graph = False
    #: the form field of a SPARQL Update request (Virtuoso's /sparql-auth reads updates as "query")
    update_field = "update"
    #: a request names the dataset's named graphs (``named-graph-uri``, one per graph); a flavour
    #: that does not restricts ``GRAPH ?g`` in the query text instead (:meth:`rewrite`)
    lists_named_graphs = True
    #: the stored union is the server's own default graph (requests then name no dataset at all)
    union_in_default_graph = False

    def __init__(self, graph_namespace: str = GRAPH_NAMESPACE) -> None:
        self.graph_namespace = graph_namespace

    @property
    def union_graph(self) -> str:
        """IRI of the graph holding the union of the named graphs (the dataset's own IRI)."""
        return self.graph_namespace

    def _in_namespace(self, var: str = "?g") -> str:
        ns = self.graph_namespace.replace("\\", "\\\\").replace('"', '\\"')
        return f'STRSTARTS(STR({var}), "{ns}") && STR({var}) != "{ns}"'

    def named_graphs_query(self) -> str:
        """The query that lists the dataset's named graphs (one column ``?g``): every graph of the
        server, or, where the union is stored, the graphs of evkg's ``graph:`` namespace but it."""
        if self.needs_union_graph:
            return f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER({self._in_namespace()}) }}"
        return "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"

    def is_dataset_graph(self, iri: str) -> bool:
        """Whether a graph of the server is one of the dataset's named graphs."""
        if self.needs_union_graph:
            return iri.startswith(self.graph_namespace) and iri != self.union_graph
        return True

    def dataset(self, graphs: Sequence[str], named: bool = True) -> list[tuple[str, str]]:
        """Request parameters that make the default graph the union of ``graphs`` and, with ``named``,
        name them (a query without ``GRAPH`` reads no named graph)."""
        if self.union_in_default_graph:  # the server's default graph is the union, GRAPH ranges over its graphs
            return []
        names = [("named-graph-uri", g) for g in graphs] if named and self.lists_named_graphs else []
        if self.needs_union_graph:  # the stored union: each distinct triple once (a set)
            return [("default-graph-uri", self.union_graph), *names]
        return [("default-graph-uri", g) for g in graphs] + names

    def union_update(self) -> str:
        """The SPARQL Update that fills the union graph from the named graphs of the namespace, on
        the server (so blank nodes stay those of the named graphs)."""
        target = "?s ?p ?o" if self.union_in_default_graph else f"GRAPH <{self.union_graph}> {{ ?s ?p ?o }}"
        return f"INSERT {{ {target} }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER({self._in_namespace()}) }}"

    def union_reset(self) -> list[str]:
        """The SPARQL Updates that empty the union before :meth:`union_update` fills it again (also
        the union graph an earlier evkg stored as a named graph, where the union now is the default)."""
        drops = [f"DROP SILENT GRAPH <{self.union_graph}>"]
        return [*drops, "DROP SILENT DEFAULT"] if self.union_in_default_graph else drops

    def union_check(self) -> str:
        """An ASK that is true when the server holds the union evkg load stores."""
        if self.union_in_default_graph:
            return "ASK { ?s ?p ?o }"
        return f"ASK {{ GRAPH <{self.union_graph}> {{ ?s ?p ?o }} }}"

    def rewrite(self, query: str, bindings: Mapping[str, Any]) -> str:
        """The text to send for ``query``, whose ``bindings`` are already in it (a ``VALUES`` block)."""
        return query

    def read(self, body: bytes, headers: Mapping[str, str]) -> bytes:
        """The server's SPARQL JSON answer as standard SPARQL 1.1 JSON results.

        Raises:
            ValueError: the server says the answer is incomplete.
        """
        return body

    def __repr__(self) -> str:
        return f"<flavour {self.name}>"


class OxigraphFlavour(Flavour):
    """The Oxigraph server (``oxigraph serve``): standard SPARQL 1.1, laid out as the embedded store.

    Named in each request, a dataset of N default graphs is evaluated as their union with each
    triple once per graph that states it (a bag), and every pattern is matched against N graphs: at
    100 k triples (170 graphs) ``publication_details`` took 14 s and two QC queries more than 40 s.
    A dataset that lists the N named graphs is slow too: ``GRAPH ?g`` is matched graph by graph (at
    1 M triples, 1 642 graphs: ``unrecorded_conflict_violation`` gave no answer within 40 s, 8.5 s
    embedded). ``evkg load`` therefore stores the union of the named graphs in the server's own
    default graph, as the embedded store holds it (a set), and requests name no dataset: the server
    evaluates them as the embedded store does. ``GRAPH ?g`` then ranges over every named graph of
    the server, so :meth:`rewrite` restricts it to evkg's (as on Virtuoso).
    """

    name = "oxigraph"
    needs_union_graph = True
    lists_named_graphs = False
    union_in_default_graph = True

    def rewrite(self, query: str, bindings: Mapping[str, Any]) -> str:
        """Each ``GRAPH ?g { P }`` restricted to evkg's graphs (:func:`_graphs_of_dataset`)."""
        for start, end, text in sorted(_graphs_of_dataset(list(lexer_tokens(query)), self._in_namespace), reverse=True):
            query = query[:start] + text + query[end:]
        return query


class VirtuosoFlavour(Flavour):
    """OpenLink Virtuoso 7 (see the module docstring for what differs and how it is adapted)."""

    name = "virtuoso"
    needs_union_graph = True
    update_field = "query"
    #: Virtuoso echoes each ``named-graph-uri`` of a request in one ``X-SPARQL-Named-Graph`` answer
    #: header: at 1 700 graphs the header outgrows what an HTTP client reads (httpx: 100 kB, "Receive
    #: buffer too long"). Without the list ``GRAPH ?g`` ranges over every graph of the server, so
    #: :meth:`rewrite` restricts it to evkg's graphs (:func:`_graphs_of_dataset`).
    lists_named_graphs = False

    def union_update(self) -> str:
        # no transaction log for it (Virtuoso: sql:log-enable 3), as its bulk loader does
        return "define sql:log-enable 3 " + super().union_update()

    def rewrite(self, query: str, bindings: Mapping[str, Any]) -> str:
        """Virtuoso 7.2's forms for what it evaluates wrongly as written (each is the same query):

        - a triple pattern of the WHERE group whose predicate is an alternative path (``a|^b``)
          is evaluated on its own, in a sub-select of its two ends: Virtuoso joins the UNION it
          makes of the path with the OPTIONALs of the same group wrongly (rows with an
          OPTIONAL's variable unbound that the embedded store does not give);
        - a plain sub-select that starts an OPTIONAL's group is written out as its pattern
          (:func:`_inlined_subselects`): Virtuoso matches it for the first row only;
        - a boolean expression bound to a variable (``BIND(BOUND(?x) AS ?y)``, ``(?a = ?b AS ?c)``)
          is cast with ``xsd:boolean(…)``: Virtuoso answers a boolean it computed as an
          ``xsd:integer`` 1 or 0, a cast one as an ``xsd:boolean``;
        - ``STR(?v)`` of a parameter bound to a simple literal is sent as
          ``STR(STRDT(?v, xsd:string))``: Virtuoso keeps a simple literal of a ``VALUES`` block as
          a narrow SQL string, and its ``STR()`` turns non-ASCII text into ``?`` (``label_search``
          with ``text=小胞`` found nothing). The ``VALUES`` block keeps the simple literal itself:
          written ``"小胞"^^xsd:string`` it would no longer equal the same text in the data
          (Virtuoso keeps RDF 1.0's distinction between the two);
        - each ``GRAPH ?g { P }`` is followed by ``FILTER(?g is one of evkg's graphs)``
          (the ``graph:`` namespace but the union graph): requests do not list the named graphs
          (:attr:`lists_named_graphs`), so Virtuoso would match its own system graphs and the
          union graph too;
        - a run of ``GRAPH ?g { triples }`` patterns (only filters between them) is preceded by a
          copy of their triples, matched in the default graph, the stored union
          (:func:`_union_copies`): Virtuoso evaluates ``GRAPH ?g`` as a join over every graph
          that holds a triple, and two such patterns on one resource as the product of the
          graphs that state it (``multiple_values_per_source_violation``: 2.2 s at 100 k triples,
          no answer within 40 s at 1 M); from the union, where each triple is once, it reaches
          the few candidate rows first (0.006 s at 100 k);
        - the query is compiled with ``define sql:select-option "order"`` (Virtuoso's pragma for
          "join in the order written"): its SQL optimiser, reordering the outer joins of several
          label OPTIONALs around a ``FILTER(?party != ?org)``, put ``?org``'s value in the
          ``?party`` column (``agreements_of_organization``). evkg's queries are written to be
          evaluated in their order (bound parameters first, OPTIONALs after what they extend).
        """
        tokens = list(lexer_tokens(query))
        simple = {name for name, term in bindings.items() if _is_simple_literal(term)}
        edits = (
            _boolean_casts(tokens)
            + _isolated_alternative_paths(tokens)
            + _typed_str(tokens, simple)
            + _inlined_subselects(tokens)
        )
        for start, end, text in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
            query = query[:start] + text + query[end:]
        # on the text the edits above made (they may move or re-write a GRAPH pattern)
        for start, end, text in sorted(_union_copies(list(lexer_tokens(query))), reverse=True):
            query = query[:start] + text + query[end:]
        for start, end, text in sorted(_graphs_of_dataset(list(lexer_tokens(query)), self._in_namespace), reverse=True):
            query = query[:start] + text + query[end:]
        return _ORDERED + query

    def read(self, body: bytes, headers: Mapping[str, str]) -> bytes:
        """Standard JSON results; a partial answer is refused rather than read as the whole answer.

        Virtuoso answers HTTP 200 with what it has when a query runs past ``MaxQueryExecutionTime``
        (header ``X-SQL-State: S1TAT``, an "anytime" answer) and cuts a result at
        ``ResultSetMaxRows`` rows (header ``X-SPARQL-MaxRows``).
        """
        if headers.get("x-sparql-maxrows"):
            raise ValueError(
                f"the answer was cut at {headers['x-sparql-maxrows']} rows (Virtuoso's ResultSetMaxRows); "
                "raise it in the [SPARQL] section of virtuoso.ini or ask for fewer rows"
            )
        if headers.get("x-sql-state"):
            message = " ".join(str(headers.get("x-sql-message", "")).split())[:200]
            raise ValueError(
                f"the answer is incomplete ({headers['x-sql-state']}: {message}); the query ran past Virtuoso's "
                "MaxQueryExecutionTime ([SPARQL] section of virtuoso.ini)"
            )
        if b'"bnode"' not in body and XSD_BOOLEAN.encode() not in body and b"__ask_retval" not in body.lower():
            return body  # nothing to mend (most answers): no JSON round trip
        doc = json.loads(body)
        variables = [v.lower() for v in doc.get("head", {}).get("vars", [])]
        if "boolean" not in doc and variables == ["__ask_retval"]:
            rows = doc.get("results", {}).get("bindings", [])
            first: dict[str, Any] = next(iter(rows[0].values()), {}) if rows else {}
            value = str(first.get("value", "0"))
            return json.dumps({"head": {}, "boolean": value not in ("0", "false", "")}).encode()
        for row in doc.get("results", {}).get("bindings", []):
            for term in row.values():
                _mend_term(term)
        return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def _mend_term(term: dict[str, Any]) -> None:
    kind = term.get("type")
    if kind == "bnode":
        label = str(term.get("value", ""))
        label = label.removeprefix("nodeID://").removeprefix("_:")
        term["value"] = re.sub(r"[^A-Za-z0-9_]", "_", label) or "b"
    elif kind in ("typed-literal", "literal") and term.get("datatype") == XSD_BOOLEAN:
        term["value"] = {"1": "true", "0": "false"}.get(term.get("value", ""), term.get("value"))


def _is_simple_literal(term: Any) -> bool:
    text = str(term)  # N-Triples: "…" alone (no @lang, no ^^datatype)
    return text.startswith('"') and text.endswith('"')


# --- the rewrites (on the tokens of evkg.query.lexer: strings, IRIs and comments are single tokens) ---
_BOOLEAN_CALLS = {
    "BOUND", "ISIRI", "ISURI", "ISBLANK", "ISLITERAL", "ISNUMERIC", "SAMETERM", "LANGMATCHES", "REGEX",
    "CONTAINS", "STRSTARTS", "STRENDS", "EXISTS", "NOT",
}  # fmt: skip
_BOOLEAN_OPERATORS = {"=", "!=", "<", ">", "<=", ">=", "&&", "||", "!"}


def _is_boolean(expr: list[Token]) -> bool:
    """Whether an expression (its tokens) is boolean-valued at its top level."""
    if not expr:
        return False
    if len(expr) == 1:
        return expr[0].keyword in ("TRUE", "FALSE")
    depth = 0
    for tok in expr:
        if tok.text == "(":
            depth += 1
        elif tok.text == ")":
            depth -= 1
        elif depth == 0 and (tok.text in _BOOLEAN_OPERATORS or tok.keyword == "IN"):
            return True
    first = expr[0].keyword
    if first in _BOOLEAN_CALLS:  # the whole expression is this one call: FN( … ) or NOT EXISTS { … }
        depth, closed_at = 0, -1
        for i, tok in enumerate(expr):
            if tok.text in "({":
                depth += 1
            elif tok.text in ")}":
                depth -= 1
                if depth == 0:
                    closed_at = i
                    break
        return closed_at == len(expr) - 1
    return False


def _boolean_casts(tokens: list[Token]) -> list[tuple[int, int, str]]:
    """Edits that cast each boolean expression bound with ``AS ?v`` (in BIND or SELECT) to xsd:boolean."""
    edits = []
    for i, tok in enumerate(tokens):
        if tok.keyword != "AS" or i + 1 >= len(tokens) or tokens[i + 1].kind != "var":
            continue
        depth, j = 0, i - 1
        while j >= 0:  # back to the "(" that opens this expression
            if tokens[j].text == ")":
                depth += 1
            elif tokens[j].text == "(":
                if depth == 0:
                    break
                depth -= 1
            j -= 1
        expr = tokens[j + 1 : i]
        if j >= 0 and _is_boolean(expr):
            edits.append((expr[0].at, expr[0].at, f"<{XSD_BOOLEAN}>("))
            edits.append((expr[-1].at + len(expr[-1].text), expr[-1].at + len(expr[-1].text), ")"))
    return edits


def _typed_str(tokens: list[Token], variables: set[str]) -> list[tuple[int, int, str]]:
    """Edits that turn ``STR(?v)`` into ``STR(STRDT(?v, xsd:string))`` for each of ``variables``."""
    edits = []
    for i in range(len(tokens) - 3):
        fn, open_, var, close = tokens[i : i + 4]
        if fn.keyword == "STR" and open_.text == "(" and var.kind == "var" and close.text == ")":
            if var.variable in variables:
                edits.append((var.at, var.at + len(var.text), f"STRDT({var.text}, <{XSD_STRING}>)"))
    return edits


_PATH_TOKEN_KINDS = ("pname", "iri")
_PATH_PUNCT = {"^", "/", "|", "(", ")", "*", "+", "?", "!"}
_NODE_KINDS = ("var", "iri", "pname", "bnode")


def _is_path_token(tok: Token) -> bool:
    return tok.kind in _PATH_TOKEN_KINDS or (tok.kind == "punct" and tok.text in _PATH_PUNCT) or tok.text == "a"


def _groups(tokens: list[Token]) -> list[tuple[str, ...]]:
    """For each token, the kinds of the groups it is in, outermost first: ``WHERE`` (the query's
    pattern), ``OPTIONAL``, ``MINUS``, ``EXISTS``, ``GRAPH``, ``SELECT`` (a sub-select) or ``{`` (any
    other group: UNION branches, VALUES data, nested groups)."""
    out: list[tuple[str, ...]] = []
    stack: list[str] = []
    for i, tok in enumerate(tokens):
        if tok.kind == "punct" and tok.text == "{":
            before = [t.keyword for t in tokens[max(0, i - 2) : i]]
            if before and before[-1] in ("WHERE", "OPTIONAL", "MINUS", "EXISTS"):
                kind = before[-1]
            elif before and before[0] == "GRAPH":
                kind = "GRAPH"
            elif i + 1 < len(tokens) and tokens[i + 1].keyword == "SELECT":
                kind = "SELECT"
            else:
                kind = "{"
            stack.append(kind)
        out.append(tuple(stack))
        if tok.kind == "punct" and tok.text == "}" and stack:
            stack.pop()
    return out


def _isolated_alternative_paths(tokens: list[Token]) -> list[tuple[int, int, str]]:
    """Edits that put each ``subject a|b object`` triple pattern of the WHERE group itself in a
    sub-select of its variables (inside an OPTIONAL a sub-select is no help: see
    :func:`_inlined_subselects`, so those are left as written)."""
    edits: list[tuple[int, int, str]] = []
    done_until = -1
    groups = _groups(tokens)
    for i, tok in enumerate(tokens):
        if tok.text != "|" or tok.kind != "punct" or i <= done_until:
            continue
        if groups[i] != ("WHERE",):
            continue
        start = i  # the path: a run of path tokens around the "|"
        while start > 0 and _is_path_token(tokens[start - 1]):
            start -= 1
        end = i
        while end + 1 < len(tokens) and _is_path_token(tokens[end + 1]):
            end += 1
        # the run takes in the subject / object when they are IRIs or prefixed names: give them back
        subject_at, object_at = start - 1, end + 1
        if subject_at < 0 or tokens[subject_at].kind not in _NODE_KINDS:
            if tokens[start].kind in ("pname", "iri") and start + 1 < i:
                subject_at, start = start, start + 1
            else:
                continue
        if object_at >= len(tokens) or tokens[object_at].kind not in _NODE_KINDS + ("string", "number"):
            if tokens[end].kind in ("pname", "iri") and end - 1 > i:
                object_at, end = end, end - 1
            else:
                continue
        before = tokens[subject_at - 1].text if subject_at > 0 else ""
        if before not in ("{", ".", "}", ")"):  # not the start of a triple pattern (e.g. after ";" or ",")
            continue
        after_at = object_at + 1
        after = tokens[after_at].text if after_at < len(tokens) else ""
        if after not in (".", ";", "}"):
            continue
        subject, obj = tokens[subject_at], tokens[object_at]
        variables = list(dict.fromkeys(t.text for t in (subject, obj) if t.kind == "var"))
        if not variables:
            continue
        path = " ".join(t.text for t in tokens[start : end + 1])
        group = f"{{ SELECT {' '.join(variables)} WHERE {{ {subject.text} {path} {obj.text} }} }}"
        if after == ";":  # S path O ; P2 O2 -> { … } S P2 O2
            edits.append((subject.at, tokens[after_at].at + len(tokens[after_at].text), f"{group} {subject.text}"))
        else:
            edits.append((subject.at, obj.at + len(obj.text), group))
        done_until = object_at
    return edits


def _inlined_subselects(tokens: list[Token]) -> list[tuple[int, int, str]]:
    """Edits that write ``OPTIONAL { { SELECT DISTINCT ?a ?b WHERE { P } } Q }`` as ``OPTIONAL { P . Q }``.

    Virtuoso 7.2 matches a sub-select that starts an OPTIONAL's group (followed by more patterns)
    for the first row of the group it extends only: ``publication_details`` at 100 k triples gave a
    second row, whose journal label fell back to Japanese. Only a plain sub-select is inlined (its
    projection is its pattern's variables, no modifiers), and only when the whole query is a
    ``SELECT DISTINCT``, for which the two forms give the same rows.
    """
    form = next((i for i, t in enumerate(tokens) if t.keyword in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")), None)
    if form is None or tokens[form].keyword != "SELECT" or tokens[form + 1].keyword != "DISTINCT":
        return []
    edits: list[tuple[int, int, str]] = []
    for i in range(len(tokens) - 4):
        if not (tokens[i].keyword == "OPTIONAL" and tokens[i + 1].text == "{" and tokens[i + 2].text == "{"):
            continue
        if tokens[i + 3].keyword != "SELECT":
            continue
        j = i + 4
        if tokens[j].keyword == "DISTINCT":
            j += 1
        projected = []
        while j < len(tokens) and tokens[j].kind == "var":
            projected.append(tokens[j].text)
            j += 1
        if not projected or tokens[j].keyword != "WHERE" or tokens[j + 1].text != "{":
            continue
        depth, k = 0, j + 1  # the sub-select's pattern: from its "{" to the matching "}"
        while k < len(tokens):
            depth += {"{": 1, "}": -1}.get(tokens[k].text, 0) if tokens[k].kind == "punct" else 0
            if depth == 0:
                break
            k += 1
        body = tokens[j + 2 : k]
        if k + 1 >= len(tokens) or tokens[k + 1].text != "}" or any(t.text in "{}" for t in body if t.kind == "punct"):
            continue  # modifiers after the pattern, or a nested group: not a plain sub-select
        if {t.text for t in body if t.kind == "var"} - set(projected):
            continue  # a variable the sub-select hides would become visible
        if k + 2 < len(tokens) and tokens[k + 2].text == "}":
            continue  # the sub-select is the OPTIONAL's whole group: Virtuoso answers that one right
        text = " ".join(t.text for t in body).rstrip(" .")
        edits.append((tokens[i + 2].at, tokens[k + 1].at + 1, text + " ."))
    return edits


_TRIPLE_TOKEN_KINDS = ("var", "iri", "pname", "string", "number", "lang")


def _is_plain_triples(body: list[Token]) -> bool:
    """Whether tokens are triple patterns only: terms, ``a``, ``.``, ``;``, ``,``, ``^^`` (no blank
    node, no path, no group, no filter)."""
    return bool(body) and all(
        t.kind in _TRIPLE_TOKEN_KINDS
        or (t.kind == "punct" and t.text in (".", ";", ",", "^^"))
        or t.text == "a"
        or t.keyword in ("TRUE", "FALSE")
        for t in body
    )


def _closing(tokens: list[Token], at: int) -> int:
    """The index of the bracket that closes the one at ``at`` (``(``/``{``), or ``len(tokens)``."""
    depth, k = 0, at
    while k < len(tokens):
        if tokens[k].kind == "punct" and tokens[k].text in "({":
            depth += 1
        elif tokens[k].kind == "punct" and tokens[k].text in ")}":
            depth -= 1
            if depth == 0:
                return k
        k += 1
    return k


def _after_filters(tokens: list[Token], j: int) -> int:
    """The index of the first token from ``j`` on that is neither ``.`` nor part of a ``FILTER``."""
    while j < len(tokens):
        if tokens[j].kind == "punct" and tokens[j].text == ".":
            j += 1
        elif tokens[j].keyword == "FILTER":
            k = j + 1
            while k < len(tokens) and tokens[k].keyword in ("NOT", "EXISTS"):
                k += 1
            while k < len(tokens) and not (tokens[k].kind == "punct" and tokens[k].text in "({"):
                k += 1  # a function name: FILTER regex(…), FILTER <iri>(…)
            j = _closing(tokens, k) + 1
        else:
            return j
    return j


def _union_copies(tokens: list[Token]) -> list[tuple[int, int, str]]:
    """Edits that put, before a run of ``GRAPH ?g { triples }`` patterns, a copy of their triples.

    A run is a sequence of ``GRAPH`` patterns of one group with nothing but filters between them
    (inner joins, and filters that apply to the whole group, so their order is free). The copy is
    matched in the default graph, the stored union of the dataset's named graphs: each row of a
    ``GRAPH ?g { P }`` matches ``P`` in the union exactly once (every variable of ``P`` is bound by
    it, and a triple of a named graph is in the union), so the join keeps the rows and their number.
    Patterns with blank nodes (more than one match) or paths, and ``GRAPH`` inside ``GRAPH`` (whose
    copy would be matched in the outer graph), are left as written.
    """
    patterns: dict[int, int] = {}  # GRAPH token -> its closing "}"
    inside_until = -1
    for i, tok in enumerate(tokens[:-2]):
        if tok.keyword == "GRAPH" and tokens[i + 1].kind in ("var", "iri", "pname") and tokens[i + 2].text == "{":
            k = _closing(tokens, i + 2)
            if i > inside_until and k < len(tokens):
                patterns[i] = k
                inside_until = k
    edits: list[tuple[int, int, str]] = []
    seen: set[int] = set()
    for i in patterns:
        if i in seen:
            continue
        run = [i]
        j = _after_filters(tokens, patterns[i] + 1)
        while j in patterns:
            run.append(j)
            j = _after_filters(tokens, patterns[j] + 1)
        seen.update(run)
        copies = []
        for g in run:
            body = tokens[g + 3 : patterns[g]]
            if tokens[g + 1].kind == "var" and _is_plain_triples(body):
                copies.append(" ".join(t.text for t in body).rstrip(" ."))
        if copies:
            before = tokens[i - 1].text if i else "{"
            lead = "" if before in ("{", ".") else ". "
            edits.append((tokens[i].at, tokens[i].at, lead + " . ".join(copies) + " . "))
    return edits


def _graphs_of_dataset(tokens: list[Token], condition: Callable[[str], str]) -> list[tuple[int, int, str]]:
    """Edits that write each ``GRAPH ?g { P }`` as ``GRAPH ?g { P } FILTER(condition("?g"))``.

    The filter goes into the group that holds the ``GRAPH`` pattern (a group's filters apply to the
    whole group, and the pattern binds ``?g`` in each of its rows), not a group of its own: a
    bottom-up engine would evaluate ``{ GRAPH ?g { ?s ?p ?o } FILTER(…) }`` before the group's
    ``VALUES`` and bound parameters restrict it. In an ``OPTIONAL``'s group it becomes the
    condition of the optional match, in ``NOT EXISTS`` part of the test: the rows are those of a
    dataset that names the graphs. ``GRAPH <iri>`` is left as is.
    """
    edits: list[tuple[int, int, str]] = []
    for i, tok in enumerate(tokens[:-2]):
        if tok.keyword != "GRAPH" or tokens[i + 1].kind != "var" or tokens[i + 2].text != "{":
            continue
        depth, k = 0, i + 2
        while k < len(tokens):
            if tokens[k].kind == "punct" and tokens[k].text in "{}":
                depth += 1 if tokens[k].text == "{" else -1
                if depth == 0:
                    break
            k += 1
        if k == len(tokens):
            continue  # unbalanced: the server will say so
        end = tokens[k].at + 1
        edits.append((end, end, f" FILTER({condition(tokens[i + 1].text)})"))
    return edits


FLAVOURS: dict[str, Callable[..., Flavour]] = {
    "sparql11": Flavour,
    "oxigraph": OxigraphFlavour,
    "virtuoso": VirtuosoFlavour,
}


def get_flavour(name: str, graph_namespace: str = GRAPH_NAMESPACE) -> Flavour:
    """The flavour called ``name`` (``sparql11`` or ``virtuoso``)."""
    try:
        return FLAVOURS[name](graph_namespace)
    except KeyError:
        raise UsageError(f"unknown server flavour {name!r} (choose one of: auto, {', '.join(FLAVOURS)})") from None


def detect(url: str, client: httpx.Client, timeout: float = 10.0) -> str:
    """The flavour a server needs, from the ``Server`` header of its answer to ``ASK {}``.

    Virtuoso and Oxigraph name themselves (``Server: Virtuoso/07.20.3238 (Linux) …``,
    ``Server: Oxigraph/0.5.13``); anything else is taken to be a standard SPARQL 1.1 server. A
    server that cannot be reached is reported by the first real request, not here: the answer is
    then ``sparql11``.
    """
    try:
        response = client.get(
            url, params={"query": "ASK {}"}, headers={"Accept": "application/sparql-results+json"}, timeout=timeout
        )
    except httpx.HTTPError:
        return "sparql11"
    server = response.headers.get("server", "").lower()
    return next((name for name in ("virtuoso", "oxigraph") if server.startswith(name)), "sparql11")
