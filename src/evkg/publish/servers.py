"""Publishing evkg on a SPARQL server: upload the named graphs, then check what the server holds.

:func:`publish` is what ``evkg load --endpoint URL`` runs. Two ways to move the data:

- **Graph Store Protocol** (default): each named graph is sent with ``PUT <graph-store>?graph=IRI``
  as N-Triples (uploading again replaces, never duplicates). Servers that take writes only from
  known users (Virtuoso: ``/sparql-graph-crud-auth``, HTTP digest) get :class:`Credentials`.
- **bulk** (Virtuoso, for large graphs): the named graphs are written as one N-Quads file into a
  folder the server can read (listed in ``DirsAllowed`` of its ``virtuoso.ini``), and Virtuoso's
  own bulk loader reads it (``ld_dir`` + ``rdf_loader_run``, then a checkpoint), started over the
  authenticated SPARQL endpoint (``/sparql-auth``; SQL procedures are called from SPARQL as
  ``sql:…``), so no ``isql`` and no password on a command line.

Then, on the server: graphs of evkg's ``graph:`` namespace that the data no longer has are
deleted; where the server's flavour needs it (Virtuoso, see :mod:`evkg.query.flavours`) the union of
the named graphs is stored in the dataset's own graph, each distinct triple once. Last, the server
is asked how many triples each named graph and the union hold, and which typed literals it holds:
any difference with the local store fails the publication (a literal the server rewrote, e.g.
``"1.50"^^xsd:decimal`` stored as ``1.5``, is named).
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

import httpx
import pyoxigraph as ox

from evkg.atomic import writing
from evkg.errors import UsageError
from evkg.query.engine import Engine, count_per_graph, count_union
from evkg.query.engines import EndpointError, RemoteEngine, graph_store_url, upload_graphs
from evkg.query.flavours import Flavour

if TYPE_CHECKING:
    from evkg.query.knowledge_graph import KnowledgeGraph

__all__ = ["AUTH_SCHEMES", "Credentials", "Publication", "check_access", "password_from_env", "publish"]

AUTH_SCHEMES = ("digest", "basic")
_TYPED_LITERALS = (
    "SELECT DISTINCT ?o WHERE { ?s ?p ?o FILTER(isLITERAL(?o) && DATATYPE(?o) != "
    '<http://www.w3.org/2001/XMLSchema#string> && LANG(?o) = "") }'
)
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_PAGE = 5000  # rows per request when the server is asked for its literals (below any ResultSetMaxRows seen)


@dataclass(frozen=True)
class Credentials:
    """Who writes to the server: a user, a password (never shown) and the HTTP scheme to use."""

    user: str
    password: str = field(repr=False)
    scheme: str = "digest"

    def __post_init__(self) -> None:
        if self.scheme not in AUTH_SCHEMES:
            raise UsageError(f"unknown authentication scheme {self.scheme!r}; valid: {', '.join(AUTH_SCHEMES)}")

    def auth(self) -> httpx.Auth:
        if self.scheme == "basic":
            return httpx.BasicAuth(self.user, self.password)
        return httpx.DigestAuth(self.user, self.password)


@dataclass
class Publication:
    """What :func:`publish` did: where to, how, and the counts the server confirmed."""

    endpoint: str
    flavour: str
    method: str  # "gsp" or "bulk"
    target: str  # the Graph Store URL, or the N-Quads file the server read
    graphs: dict[str, int]  # named graph -> triples, as the server counts them
    union: int  # distinct triples of the default graph, as the server counts them
    removed: list[str] = field(default_factory=list)  # graphs of the namespace the data no longer has
    literals: int = 0  # distinct typed literals compared
    seconds: dict[str, float] = field(default_factory=dict)  # upload, union, verify
    rewritten: int = 0  # typed literals the server holds otherwise than written (published anyway)

    @property
    def statements(self) -> int:
        """Triples over all named graphs, a triple stated by k graphs counted k times."""
        return sum(self.graphs.values())


def _sibling(endpoint: str, path: str) -> str:
    parts = urlsplit(endpoint)
    base = parts.path.rstrip("/").rsplit("/", 1)[0]
    return urlunsplit((parts.scheme, parts.netloc, base + path, "", ""))


def _default_graph_store(endpoint: str, flavour: Flavour) -> str:
    if flavour.name == "virtuoso":  # the authenticated Graph Store of Virtuoso, next to /sparql
        return _sibling(endpoint, "/sparql-graph-crud-auth")
    return graph_store_url(endpoint)


def _default_update(endpoint: str, flavour: Flavour) -> str:
    if flavour.name == "virtuoso":
        return _sibling(endpoint, "/sparql-auth")
    path = urlsplit(endpoint).path.rstrip("/")
    if path.endswith("/query"):
        return _sibling(endpoint, "/update")
    raise UsageError(f"cannot tell the SPARQL Update URL of {endpoint}: pass --update URL")


def _refused(url: str, response: httpx.Response, what: str) -> EndpointError:
    if response.status_code == 401:
        return EndpointError(
            f"{url}: {what}: the server wants a user and password (HTTP 401): give --user NAME and the password "
            "with --password-env VAR or --password-prompt (and --auth basic if it does not take digest)"
        )
    if response.status_code == 403:
        return EndpointError(f"{url}: {what}: the user may not write here (HTTP 403)")
    text = " ".join(response.text.split())[:300]
    return EndpointError(f"{url}: {what}: HTTP {response.status_code}: {text}")


def _update(client: httpx.Client, url: str, operation: str, what: str, field: str = "update") -> httpx.Response:
    """Run one SPARQL Update operation (or Virtuoso SPARQL that calls SQL) at ``url``."""
    try:
        response = client.post(url, data={field: operation}, headers={"Accept": "application/sparql-results+json"})
    except httpx.HTTPError as exc:
        raise EndpointError(f"{url}: cannot {what} ({exc})") from None
    if response.status_code not in (200, 201, 204):
        raise _refused(url, response, what)
    return response


def _written(kg: KnowledgeGraph) -> Any:
    """The store's table of literals as written (:mod:`evkg.rdf.literals`), or None: nothing rewritten."""
    return getattr(kg, "literals", None) or None


def _as_written(kg: KnowledgeGraph, quads: Iterable[ox.Quad]) -> Iterable[ox.Quad]:
    table = _written(kg)
    return table.restore(quads) if table is not None else quads


def _typed(term: Any) -> bool:
    return isinstance(term, ox.Literal) and not term.language and term.datatype.value != _XSD_STRING


def _local_typed_literals(kg: KnowledgeGraph) -> set[str]:
    """Distinct typed literals of the data as written (the store's forms where it rewrote none)."""
    if _written(kg) is None:
        return _typed_literals(kg.engine, paged=False)
    quads = kg.store.quads_for_pattern(None, None, None, None)
    return {
        str(q.object)
        for q in _as_written(kg, quads)
        if not isinstance(q.graph_name, ox.DefaultGraph) and _typed(q.object)
    }


def _scalar(response: httpx.Response) -> str:
    """The one value of a one-row, one-column SPARQL JSON answer ("" if there is none)."""
    try:
        rows = response.json()["results"]["bindings"]
        return str(next(iter(rows[0].values()))["value"]) if rows else ""
    except (ValueError, KeyError, IndexError, StopIteration):
        return ""


def _delete_graph(client: httpx.Client, graph_store: str, graph: str) -> None:
    try:
        response = client.delete(graph_store, params={"graph": graph})
    except httpx.HTTPError as exc:
        raise EndpointError(f"{graph_store}: cannot delete <{graph}> ({exc})") from None
    if response.status_code not in (200, 204, 404):  # 404: already gone
        raise _refused(graph_store, response, f"delete <{graph}>")


def _bulk_load(
    kg: KnowledgeGraph,
    client: httpx.Client,
    update: str,
    graphs: list[str],
    bulk_dir: Path,
    server_dir: str,
    fallback_graph: str,
    progress: Callable[[str], None] | None,
) -> str:
    """Write the named graphs as N-Quads into ``bulk_dir`` and have Virtuoso's bulk loader read them."""
    bulk_dir.mkdir(parents=True, exist_ok=True)
    # a new name each time: the loader keeps the files it has read in DB.DBA.load_list and skips them
    name = f"evkg-{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}.nq"
    path = bulk_dir / name
    # written under a hidden temporary name and renamed when whole: the loader never reads half a file
    with writing(path) as out:
        for graph in graphs:  # (dump(from_graph=…) would write triples: the graph name is needed)
            quads = kg.store.quads_for_pattern(None, None, None, ox.NamedNode(graph))
            ox.serialize(_as_written(kg, quads), out, ox.RdfFormat.N_QUADS)
    try:
        folder = server_dir.replace("'", "''")
        seen = _update(
            client,
            update,
            f"SELECT (bif:file_stat('{folder}/{name}') AS ?r) {{}}",
            "look for the N-Quads file",
            "query",
        )
        if _scalar(seen) in ("0", ""):
            raise EndpointError(
                f"{update}: the server does not see {server_dir}/{name}: give --server-dir, the folder --bulk-dir "
                "is to the server (a container's volume, a shared mount)"
            )
        _update(
            client,
            update,
            f"SELECT (sql:ld_dir('{folder}', '{name}', '{fallback_graph}') AS ?r) {{}}",
            "register the bulk load",
            "query",
        )
        # the loader adds to graphs: empty them first (replacing, as a PUT does), once the file is registered
        # (a folder the server may not read fails there, before any graph is dropped)
        for start in range(0, len(graphs), 200):
            drops = " ; ".join(f"DROP SILENT GRAPH <{g}>" for g in graphs[start : start + 200])
            _update(client, update, drops, "empty the graphs before the bulk load", "query")
        _update(client, update, "SELECT (sql:rdf_loader_run() AS ?r) {}", "run the bulk loader", "query")
        _update(client, update, "SELECT (bif:exec('checkpoint') AS ?r) {}", "checkpoint after the bulk load", "query")
    finally:
        path.unlink(missing_ok=True)
    if progress is not None:
        for graph in graphs:
            progress(graph)
    return str(Path(server_dir) / name)


def _typed_literals(engine: Engine, *, paged: bool) -> set[str]:
    """Distinct typed literals (not strings, not language-tagged) of the default graph, as N-Triples."""
    if not paged:
        raw = engine.query(_TYPED_LITERALS)
        assert isinstance(raw, ox.QuerySolutions)
        return {str(row["o"]) for row in raw}
    out: set[str] = set()
    offset = 0
    while True:
        # ordered by strings (a total order): ORDER BY ?o over literals of many datatypes makes the
        # Oxigraph server 0.5.13 abort (its sort finds the comparison inconsistent and panics)
        raw = engine.query(f"{_TYPED_LITERALS} ORDER BY STR(?o) STR(DATATYPE(?o)) LIMIT {_PAGE} OFFSET {offset}")
        assert isinstance(raw, ox.QuerySolutions)
        page = list(raw)
        out.update(str(row["o"]) for row in page)
        if len(page) < _PAGE:
            return out
        offset += _PAGE


def publish(
    kg: KnowledgeGraph,
    endpoint: str,
    *,
    flavour: str | Flavour = "auto",
    graph_store: str | None = None,
    update: str | None = None,
    credentials: Credentials | None = None,
    bulk_dir: str | os.PathLike[str] | None = None,
    server_dir: str | None = None,
    timeout: float = 60.0,
    progress: Callable[[str], None] | None = None,
    client: httpx.Client | None = None,
    rewritten_literals_ok: bool = False,
) -> Publication:
    """Publish the named graphs of ``kg`` on the SPARQL server at ``endpoint`` and check them there.

    Args:
        endpoint: the server's SPARQL query endpoint (``http://host:8890/sparql`` for Virtuoso).
        flavour: ``"auto"`` (asked of the server), ``"sparql11"`` or ``"virtuoso"``.
        graph_store: Graph Store Protocol URL (default: the flavour's, next to ``endpoint``).
        update: SPARQL Update URL, used to delete stale graphs in bulk, build Virtuoso's union
            graph and run its bulk loader (default: the flavour's).
        credentials: who writes (Virtuoso: a user with SPARQL_UPDATE, e.g. ``dba``).
        bulk_dir: write N-Quads here and have the server's bulk loader read them (Virtuoso only).
        server_dir: ``bulk_dir`` as the server sees it (default: the same absolute path).
        progress: called with each graph's IRI once it is uploaded.
        rewritten_literals_ok: publish even if the server holds some typed literals otherwise than
            written (``Publication.rewritten`` counts them); by default that fails.

    Raises:
        EndpointError: the server could not be reached, refused a write, or holds other counts
            or literals than the local store after the upload.
    """
    own = client is None
    http = client or httpx.Client(
        timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
        auth=credentials.auth() if credentials else None,
    )
    engine = RemoteEngine(endpoint, timeout=timeout, client=http, prefixes=kg.prefixes, flavour=flavour)
    try:
        fl = engine.flavour
        table = _written(kg)
        if fl.name == "oxigraph" and table is not None and not rewritten_literals_ok:
            # the server is the store evkg embeds: it would keep these literals by value too; say so before
            # anything is written rather than after the upload
            example = min((str(q.object) for q in table.written_quads()), default="")
            raise EndpointError(
                f"{endpoint}: the server does not hold {len(table)} typed literal(s) as written, e.g. {example} "
                "(Oxigraph keeps numbers, booleans and dates by value): write their canonical form, or publish "
                "with --allow-rewritten-literals"
            )
        local = count_per_graph(kg.engine)
        graphs = [g for g, n in local.items() if n]
        seconds: dict[str, float] = {}
        started = time.perf_counter()
        if bulk_dir is not None:
            if fl.name != "virtuoso":
                raise UsageError("--bulk-dir loads with Virtuoso's bulk loader: the server is not Virtuoso")
            upd = update or _default_update(endpoint, fl)
            folder = Path(bulk_dir).resolve()
            target = _bulk_load(kg, http, upd, graphs, folder, server_dir or str(folder), fl.union_graph, progress)
            method = "bulk"
        else:
            target = graph_store or _default_graph_store(endpoint, fl)
            try:
                upload_graphs(
                    kg.store,
                    target,
                    graphs,
                    timeout=timeout,
                    client=http,
                    progress=progress,
                    as_written=table.restore_ntriples if table is not None else None,
                )
            except EndpointError as exc:
                if "HTTP 401" in str(exc):
                    raise EndpointError(
                        f"{target}: the server wants a user and password (HTTP 401): give --user NAME and the "
                        "password with --password-env VAR or --password-prompt"
                    ) from None
                raise
            method = "gsp"
        seconds["upload"] = time.perf_counter() - started

        engine.refresh()
        stale = [g for g in engine.named_graphs() if g not in local and g.startswith(fl.graph_namespace)]
        for g in stale:
            if method == "bulk":
                _update(http, upd, f"DROP SILENT GRAPH <{g}>", f"delete <{g}>", fl.update_field)
            else:
                _delete_graph(http, target, g)

        if fl.needs_union_graph:
            started = time.perf_counter()
            upd = update or _default_update(endpoint, fl)
            for drop in fl.union_reset():
                _update(http, upd, drop, "replace the union graph", fl.update_field)
            _update(http, upd, fl.union_update(), "build the union graph", fl.update_field)  # on the server
            seconds["union"] = time.perf_counter() - started

        started = time.perf_counter()
        rewritten = 0
        engine.refresh()
        remote = count_per_graph(engine)
        wrong = [g for g in graphs if remote.get(g, 0) != local[g]]
        if wrong:
            g = wrong[0]
            hint = (
                f" (did the server read {target}? it must see --bulk-dir as --server-dir, listed in DirsAllowed)"
                if method == "bulk" and remote.get(g, 0) == 0
                else ""
            )
            raise EndpointError(
                f"{endpoint}: after upload <{g}> holds {remote.get(g, 0)} triples, expected {local[g]}"
                f"{f' (and {len(wrong) - 1} more graphs differ)' if len(wrong) > 1 else ''}{hint}"
            )
        union_count, expected = count_union(engine), count_union(kg.engine)
        if union_count != expected:
            raise EndpointError(
                f"{endpoint}: the default graph holds {union_count} distinct triples, expected {expected}"
            )
        mine = _local_typed_literals(kg)
        theirs = _typed_literals(engine, paged=True)
        if mine != theirs:
            changed = sorted(mine - theirs)
            message = (
                f"{endpoint}: the server does not hold {len(changed)} typed literal(s) as written, e.g. "
                f"{changed[0] if changed else sorted(theirs - mine)[0]} (it keeps numbers, booleans and "
                "dates by value)"
            )
            if not rewritten_literals_ok:
                raise EndpointError(
                    message + ": write their canonical form, or publish with --allow-rewritten-literals"
                )
            rewritten = len(changed)
        seconds["verify"] = time.perf_counter() - started
        return Publication(
            endpoint,
            fl.name,
            method,
            target,
            {g: remote[g] for g in graphs},
            union_count,
            stale,
            len(mine),
            seconds,
            rewritten,
        )
    finally:
        if own:
            http.close()


def check_access(
    endpoint: str,
    *,
    flavour: str | Flavour = "auto",
    graph_store: str | None = None,
    credentials: Credentials | None = None,
    timeout: float = 30.0,
) -> str:
    """Ask the server, before any data is read, whether it takes these credentials; return its flavour's name.

    A cheap authenticated ``GET`` of the Graph Store (the union graph's IRI): HTTP 401 or 403 fails
    here, in a second, rather than after parsing a large data folder.

    Raises:
        EndpointError: the server cannot be reached, or refuses the credentials.
    """
    http = httpx.Client(
        timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
        auth=credentials.auth() if credentials else None,
    )
    try:
        engine = RemoteEngine(endpoint, timeout=timeout, client=http, flavour=flavour)
        fl = engine.flavour
        if credentials is None and not fl.needs_union_graph:
            return fl.name  # an open Graph Store (Oxigraph server): the upload itself will tell
        target = graph_store or _default_graph_store(endpoint, fl)
        try:
            response = http.get(target, params={"graph": fl.union_graph}, headers={"Accept": "application/n-triples"})
        except httpx.HTTPError as exc:
            raise EndpointError(f"{target}: cannot connect ({exc})") from None
        if response.status_code in (401, 403):
            raise _refused(target, response, "check the credentials")
        return fl.name
    finally:
        http.close()


def password_from_env(name: str, environ: Mapping[str, str] | None = None) -> str:
    """The password in environment variable ``name`` (never printed).

    Raises:
        UsageError: the variable is not set.
    """
    value = (environ if environ is not None else os.environ).get(name)
    if not value:
        raise UsageError(f"environment variable {name} holds no password")
    return value
