"""More query engines behind :class:`evkg.query.engine.Engine`: rdflib (the reference) and a remote endpoint.

- :class:`RdflibEngine` parses the same source files with rdflib into a :class:`rdflib.Dataset`
  (one named graph per file, union as default graph) and answers with rdflib's SPARQL engine,
  parameters bound with ``initBindings``. It is slow on big graphs and serves as the reference the
  tests hold pyoxigraph and the remote engine to.
- :class:`RemoteEngine` sends queries to any SPARQL 1.1 endpoint (Oxigraph server, Fuseki, QLever,
  Virtuoso, GraphDB) over HTTP with httpx, with timeouts. Parameters are inlined as a ``VALUES``
  block at the start of the query's WHERE group, each value written as an N-Triples term by
  pyoxigraph (which validates IRIs and escapes literals), so a value can never become syntax. The
  dataset is stated in the request (``default-graph-uri`` and ``named-graph-uri`` = every named
  graph of the endpoint), so the default graph is the union of the named graphs as it is in the
  embedded store, whatever the server's own default graph is.
- :func:`connect` opens a remote endpoint as a :class:`evkg.query.knowledge_graph.KnowledgeGraph`-like object with
  ``.sparql()`` and ``.queries``.

Both return pyoxigraph result objects, like :class:`evkg.query.engine.OxigraphEngine`, so everything built
on the protocol works on every engine.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlencode, urlsplit, urlunsplit

import httpx
import pyoxigraph as ox
from rdflib import Dataset, URIRef
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query

from evkg.data import layout
from evkg.data.prefixes import registry
from evkg.errors import EvkgError, QuerySyntaxError, UsageError
from evkg.query.engine import QueryResult, check_query
from evkg.query.flavours import GRAPH_NAMESPACE, Flavour, detect, get_flavour
from evkg.query.lexer import declared_prefixes, keywords, where_group_start
from evkg.rdf.parse import parse_rdflib, source_files
from evkg.rdf.terms import OxTerm, to_oxigraph, to_rdflib

if TYPE_CHECKING:
    from evkg.data.prefixes import Prefixes

log = logging.getLogger(__name__)

_JSON = ox.QueryResultsFormat.JSON
_PARSER = ox.Store()  # always empty: pyoxigraph has no stand-alone query parser
SPARQL_JSON = "application/sparql-results+json"


class EndpointError(EvkgError):
    """A remote SPARQL endpoint could not be reached, or answered with an error."""


# --- rdflib ---------------------------------------------------------------------------------------
class RdflibEngine:
    """rdflib's SPARQL engine over a :class:`rdflib.Dataset` whose default graph is the union."""

    name = "rdflib"

    def __init__(self, dataset: Dataset, prefixes: Prefixes | None = None) -> None:
        self.dataset = dataset
        self.prefixes = prefixes
        self._prepared: dict[str, Query] = {}

    @classmethod
    def from_data(cls, data_dir: str | Path | None = None) -> RdflibEngine:
        """Parse a data folder (default: the bundled data) with rdflib, one named graph per file."""
        data = layout.resolve(data_dir)
        prefixes = registry(data_dir)
        ds = Dataset(default_union=True)
        prefixes.bind(ds)
        for f in source_files(data, prefixes):
            parse_rdflib(ds.graph(URIRef(f.graph)), f.path, public_id=f.graph)
        return cls(ds, prefixes)

    def prepare(self, query: str) -> Query:
        """Parse ``query`` once (rdflib's first parse is slow) and keep it for the next call."""
        prepared = self._prepared.get(query)
        if prepared is None:
            check_query(query)
            try:
                init_ns = self.prefixes.as_dict() if self.prefixes else None
                prepared = prepareQuery(query, initNs=init_ns)
            except Exception as exc:  # pyparsing.ParseException and friends
                raise QuerySyntaxError(f"SPARQL syntax error (rdflib): {' '.join(str(exc).split())}") from None
            self._prepared[query] = prepared
        return prepared

    def query(self, query: str, bindings: Mapping[str, OxTerm] | None = None) -> QueryResult:
        prepared = self.prepare(query)
        init = {k: to_rdflib(v) for k, v in (bindings or {}).items()}
        result = self.dataset.query(prepared, initBindings=init)
        if result.type == "CONSTRUCT" or result.type == "DESCRIBE":
            raise UsageError("the rdflib engine answers SELECT and ASK queries only")
        return ox.parse_query_results(result.serialize(format="json"), format=_JSON)

    def quads(self) -> Iterator[ox.Quad]:
        for s, p, o, g in self.dataset.quads((None, None, None, None)):
            graph = ox.NamedNode(str(getattr(g, "identifier", g)))
            yield ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), graph)  # type: ignore[arg-type]

    def named_graphs(self) -> list[str]:
        return sorted(
            str(g.identifier) for g in self.dataset.graphs() if len(g) and str(g.identifier).startswith("http")
        )


# --- binding by inlining a VALUES block -------------------------------------------------------------
def inline_bindings(query: str, bindings: Mapping[str, OxTerm]) -> str:
    """``query`` with ``VALUES (?a ?b) { (<iri> "lit") }`` first in its WHERE group.

    The values are written by pyoxigraph as N-Triples terms, so they are valid terms whatever they
    contain; variable names must be SPARQL variable names.

    >>> inline_bindings("SELECT ?x WHERE { ?x ?p ?o }", {"p": ox.NamedNode("http://ex.org/p")})
    'SELECT ?x WHERE { VALUES (?p) { (<http://ex.org/p>) }  ?x ?p ?o }'
    """
    if not bindings:
        return query
    names = list(bindings)
    for name in names:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise UsageError(f"cannot bind {name!r}: not a SPARQL variable name")
    terms = []
    for name in names:
        term = bindings[name]
        if not isinstance(term, ox.NamedNode | ox.Literal | ox.BlankNode):
            raise UsageError(f"cannot bind {name}: {term!r} is not an RDF term")
        if isinstance(term, ox.BlankNode):
            raise UsageError(f"cannot bind {name} to a blank node on a remote endpoint")
        terms.append(str(term))
    block = f" VALUES ({' '.join('?' + n for n in names)}) {{ ({' '.join(terms)}) }} "
    at = where_group_start(query)
    return query[:at] + block + query[at:]


# --- remote SPARQL 1.1 endpoint --------------------------------------------------------------------
class RemoteEngine:
    """A SPARQL 1.1 Protocol endpoint, queried with POST (form-encoded), answers in SPARQL JSON.

    Args:
        url: the query endpoint (``http://localhost:7878/query`` for Oxigraph server).
        timeout: seconds for the whole request (connect: at most 10 s).
        union: state the dataset in each request as the union of the endpoint's named graphs
            (default). With False the server's own default graph is used (for endpoints that
            already serve the union, e.g. ``oxigraph serve --union-default-graph``).
        client: an :class:`httpx.Client` to use (tests, custom auth); one is created otherwise.
        prefixes: registry prefixes a query may use without declaring them (they are sent as
            ``PREFIX`` lines, like the embedded engine's ``prefixes=``).
        flavour: the server's dialect (:mod:`evkg.query.flavours`): ``"sparql11"``, ``"virtuoso"``, a
            :class:`~evkg.query.flavours.Flavour`, or ``"auto"`` (asked of the server on first use).
    """

    name = "remote"

    def __init__(
        self,
        url: str,
        *,
        timeout: float = 30.0,
        union: bool = True,
        client: httpx.Client | None = None,
        prefixes: Prefixes | None = None,
        flavour: str | Flavour = "auto",
    ) -> None:
        if not re.match(r"^https?://", url):
            raise UsageError(f"endpoint {url!r} is not an http(s) URL")
        self.url = url
        self.union = union
        self.timeout = httpx.Timeout(timeout, connect=min(timeout, 10.0))
        self.client = client or httpx.Client(timeout=self.timeout, follow_redirects=False)
        self._graphs: list[str] | None = None
        self._union_checked = False
        self.prefixes = prefixes
        self._flavour: Flavour | None = None
        self._flavour_name = "auto"
        if isinstance(flavour, Flavour):
            self._flavour = flavour
        elif flavour == "auto":
            pass
        else:
            self._flavour = get_flavour(flavour, self._graph_namespace())

    def _graph_namespace(self) -> str:
        if self.prefixes is not None and "graph" in self.prefixes:
            return str(self.prefixes.namespace("graph"))
        return GRAPH_NAMESPACE

    @property
    def flavour(self) -> Flavour:
        """The server's dialect (asked of the server once when it was created with ``"auto"``)."""
        if self._flavour is None:
            self._flavour = get_flavour(detect(self.url, self.client), self._graph_namespace())
        return self._flavour

    def close(self) -> None:
        self.client.close()

    def _post(self, form: list[tuple[str, str]]) -> httpx.Response:
        started = time.perf_counter()
        try:
            response = self.client.post(
                self.url,
                content=urlencode(form).encode("ascii"),
                headers={"Accept": SPARQL_JSON, "Content-Type": "application/x-www-form-urlencoded"},
                timeout=self.timeout,
            )
        except httpx.TimeoutException:
            raise EndpointError(f"{self.url}: no answer within {self.timeout.read} s") from None
        except httpx.HTTPError as exc:
            raise EndpointError(f"{self.url}: cannot connect ({exc})") from None
        if response.status_code != 200:
            text = " ".join(response.text.split())[:300]
            raise EndpointError(f"{self.url}: HTTP {response.status_code}: {text}")
        log.debug("POST %s %.1f ms", self.url, (time.perf_counter() - started) * 1000)
        return response

    def _parse(self, response: httpx.Response) -> QueryResult:
        try:
            body = self.flavour.read(response.content, response.headers)
        except ValueError as exc:  # a partial or truncated answer, or one that is not JSON
            raise EndpointError(f"{self.url}: {exc}") from None
        try:
            return ox.parse_query_results(body, format=_JSON)
        except SyntaxError as exc:
            raise EndpointError(f"{self.url}: answer is not valid SPARQL JSON results ({exc.msg})") from None

    def refresh(self) -> None:
        """Forget the cached list of named graphs (after uploading new ones)."""
        self._graphs = None
        self._union_checked = False

    def named_graphs(self) -> list[str]:
        if self._graphs is None:
            raw = self._parse(self._post([("query", self.flavour.named_graphs_query())]))
            assert isinstance(raw, ox.QuerySolutions)
            graphs = (s["g"] for s in raw)
            self._graphs = sorted(
                g.value for g in graphs if isinstance(g, ox.NamedNode) and self.flavour.is_dataset_graph(g.value)
            )
        return list(self._graphs)

    def _dataset(self, named: bool = True) -> list[tuple[str, str]]:
        """The dataset of a request; ``named``: the query reads named graphs (``GRAPH``), so they are
        listed too (at 1 M triples, 1 700 IRIs a request the other queries need not carry)."""
        if not self.union:
            return []
        graphs = self.named_graphs()
        if self.flavour.needs_union_graph and graphs and not self._union_checked:
            # the default graph is the union evkg load stores: without it every answer would be empty
            if not bool(self._parse(self._post([("query", self.flavour.union_check())]))):
                where = "default graph" if self.flavour.union_in_default_graph else f"<{self.flavour.union_graph}>"
                raise EndpointError(
                    f"{self.url}: the server holds evkg's named graphs but not their union ({where}): "
                    f"publish with `evkg load --endpoint {self.url}` (it stores it)"
                )
            self._union_checked = True
        return self.flavour.dataset(graphs, named=named)

    def query(self, query: str, bindings: Mapping[str, OxTerm] | None = None) -> QueryResult:
        check_query(query)
        text = inline_bindings(self._with_prefixes(query), bindings or {})
        try:
            _PARSER.query(text)  # the final text must still parse as one query (evaluated on an empty store)
        except SyntaxError as exc:
            raise QuerySyntaxError(f"SPARQL syntax error: {exc.msg or exc}") from None
        sent = self.flavour.rewrite(text, bindings or {})
        return self._parse(self._post([("query", sent), *self._dataset(named="GRAPH" in keywords(query))]))

    def _with_prefixes(self, query: str) -> str:
        """``query`` with ``PREFIX`` lines for the registry prefixes it does not declare itself."""
        if self.prefixes is None:
            return query
        declared = declared_prefixes(query)
        missing = [p for p in self.prefixes if p not in declared]
        return self.prefixes.sparql_block(missing) + query if missing else query

    def quads(self) -> Iterator[ox.Quad]:
        raw = self.query("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        assert isinstance(raw, ox.QuerySolutions)
        for s in raw:
            yield ox.Quad(s["s"], s["p"], s["o"], s["g"])


# --- uploading with the Graph Store Protocol ----------------------------------------------------------
def graph_store_url(endpoint: str) -> str:
    """Guess the Graph Store Protocol URL of a query endpoint (Oxigraph ``/query`` → ``/store``,
    Fuseki ``/ds/sparql`` or ``/ds/query`` → ``/ds/data``).

    >>> graph_store_url("http://127.0.0.1:7878/query")
    'http://127.0.0.1:7878/store'
    """
    parts = urlsplit(endpoint)
    path = parts.path.rstrip("/")
    for suffix in ("/query", "/sparql"):
        if path.endswith(suffix):
            base = path[: -len(suffix)]
            # Oxigraph serves /query and /store at the root; Fuseki serves /<dataset>/{sparql,query,data}
            store_path = base + ("/store" if not base and suffix == "/query" else "/data")
            return urlunsplit((parts.scheme, parts.netloc, store_path, "", ""))
    raise UsageError(f"cannot tell the Graph Store URL of {endpoint}: pass --graph-store URL")


def upload_graphs(
    store: ox.Store,
    graph_store: str,
    graphs: list[str],
    *,
    timeout: float = 60.0,
    client: httpx.Client | None = None,
    progress: Callable[[str], None] | None = None,
    as_written: Callable[[ox.NamedNode, bytes], bytes] | None = None,
) -> dict[str, int]:
    """PUT each named graph of ``store`` to ``graph_store`` (``?graph=IRI``) as N-Triples.

    ``progress`` is called with each graph's IRI once it is uploaded. ``as_written`` gives a graph's
    N-Triples dump its literals as written (``kg.literals.restore_ntriples``) when the store
    rewrote some.

    PUT replaces the graph, so uploading twice gives the same result. Returns triples per graph.

    Raises:
        EndpointError: the server refused a graph or could not be reached (graphs before it stay
            uploaded; run again to finish).
    """
    own = client is None
    http = client or httpx.Client(timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)))
    counts: dict[str, int] = {}
    try:
        for graph in graphs:
            node = ox.NamedNode(graph)
            body = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=node) or b""
            if as_written is not None:
                body = as_written(node, body)
            try:
                response = http.put(
                    graph_store,
                    params={"graph": graph},
                    content=body,
                    headers={"Content-Type": "application/n-triples"},
                )
            except httpx.HTTPError as exc:
                raise EndpointError(f"{graph_store}: cannot upload <{graph}> ({exc})") from None
            if response.status_code not in (200, 201, 204):
                text = " ".join(response.text.split())[:300]
                raise EndpointError(f"{graph_store}: upload of <{graph}> failed: HTTP {response.status_code}: {text}")
            counts[graph] = sum(1 for _ in store.quads_for_pattern(None, None, None, node))
            if progress is not None:
                progress(graph)
    finally:
        if own:
            http.close()
    return counts


__all__ = ["EndpointError", "RdflibEngine", "RemoteEngine", "graph_store_url", "inline_bindings", "upload_graphs"]
