"""Hostile requests to ``evkg serve``: each gets the right refusal, and nothing leaves the machine.

What the anchor servers got wrong (/work/shared/reference/serving-anchors.md) is tested here:
SERVICE and LOAD that connect out, FROM that fetches, updates without authorisation, a runaway
query that answers 200 with a truncated body or blocks the whole server, huge headers.

No outbound connection: the pytest session blocks every non-loopback socket (tests/conftest.py),
and the query workers are separate processes, so the tests also point SERVICE, LOAD and FROM at a
loopback "trap" listener and assert that nothing ever connects to it (a positive control shows
that the trap does record connections).
"""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

import httpx
import pytest
from serve_support import TEST_TIMEOUT, ServeProcess, Trap, pid_alive, shared_server

OUTSIDE = "http://203.0.113.7/sparql"  # TEST-NET-3: an address outside this machine
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
QUICK = "ASK { <https://w3id.org/evkg/id/agreement/jsrm-isev-mou-2025> ?p ?o }"
INSERTED = "<https://w3id.org/evkg/id/x/intruder> <http://www.w3.org/2000/01/rdf-schema#label> 'intruder'"


@pytest.fixture()
def trap():
    with Trap() as listener:
        yield listener


def test_the_trap_records_a_connection(trap: Trap) -> None:
    """Positive control: a connection to the trap is seen (so "nothing connected" below means something)."""
    with pytest.raises(httpx.HTTPError):
        httpx.get(trap.url, timeout=2).raise_for_status()
    time.sleep(0.3)
    assert len(trap.connections) == 1


@pytest.mark.parametrize(
    "make_query",
    [
        lambda t: f"SELECT * WHERE {{ SERVICE <{t}> {{ ?s ?p ?o }} }}",
        lambda t: f"SELECT * WHERE {{ SERVICE SILENT <{t}> {{ ?s ?p ?o }} }}",
        lambda t: f"SELECT * WHERE {{ SERVICE <{OUTSIDE}> {{ ?s ?p ?o }} }}",
        lambda t: f"SELECT * WHERE {{ BIND(<{t}> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
        lambda t: f"SELECT * WHERE {{ \\u0053ERVICE <{t}> {{ ?s ?p ?o }} }}",
        lambda t: f"SELECT * FROM <{t}> WHERE {{ ?s ?p ?o }}",
        lambda t: f"SELECT * FROM NAMED <{t}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        lambda t: f"LOAD <{t}>",
        lambda t: f"LOAD SILENT <{OUTSIDE}> INTO GRAPH <urn:x>",
    ],
    ids=[
        "service",
        "service-silent",
        "service-outside",
        "service-var",
        "service-escaped",
        "from",
        "from-named",
        "load",
        "load-outside",
    ],
)
def test_service_load_and_from_are_refused_and_nothing_connects(serve_client, trap: Trap, make_query) -> None:
    query = make_query(trap.url)
    started = time.monotonic()
    r = serve_client.get("/sparql", params={"query": query})
    assert r.status_code == 403, r.text
    assert r.headers["content-type"].startswith("text/plain")
    assert time.monotonic() - started < TEST_TIMEOUT  # refused, not tried and timed out
    time.sleep(0.2)
    assert trap.connections == []


def test_the_protocol_dataset_parameters_cannot_name_a_remote_graph(serve_client, trap: Trap) -> None:
    for key in ("default-graph-uri", "named-graph-uri"):
        r = serve_client.get("/sparql", params={"query": "ASK { ?s ?p ?o }", key: trap.url})
        assert r.status_code == 403 and "never fetches remote data" in r.text
    assert trap.connections == []


@pytest.mark.parametrize(
    "request_kwargs",
    [
        {"method": "POST", "data": {"update": f"INSERT DATA {{ {INSERTED} }}"}},
        {"method": "POST", "data": {"query": f"INSERT DATA {{ {INSERTED} }}"}},
        {"method": "GET", "params": {"update": f"INSERT DATA {{ {INSERTED} }}"}},
        {
            "method": "POST",
            "content": f"INSERT DATA {{ {INSERTED} }}".encode(),
            "headers": {"Content-Type": "application/sparql-update"},
        },
        {
            "method": "POST",
            "content": f"DELETE WHERE {{ ?s ?p ?o }} ; INSERT DATA {{ {INSERTED} }}".encode(),
            "headers": {"Content-Type": "application/sparql-query"},
        },
        {"method": "POST", "data": {"update": "DROP ALL"}},
    ],
    ids=["update-form", "update-as-query", "update-get", "sparql-update-body", "update-in-query-body", "drop-all"],
)
def test_updates_are_refused_and_change_nothing(serve_client, request_kwargs: dict) -> None:
    kwargs = dict(request_kwargs)
    method = kwargs.pop("method")
    r = serve_client.request(method, "/sparql", **kwargs)
    assert r.status_code == 403 and "read-only" in r.text
    still = serve_client.get("/sparql", params={"query": f"ASK {{ {INSERTED} }}"})
    assert still.json()["boolean"] is False
    count = serve_client.get("/sparql", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"})
    assert int(count.json()["results"]["bindings"][0]["n"]["value"]) > 1000


def test_a_query_that_runs_forever_is_stopped_at_the_time_limit(serve_client) -> None:
    """The runaway query answers 503 with a one-line body at the time limit, its worker process is
    killed, other clients are answered meanwhile, and the endpoint works afterwards."""
    pool = serve_client.app.state.pool
    before = set(pool.pids())
    results: dict[str, object] = {}

    def runaway() -> None:
        started = time.monotonic()
        results["response"] = serve_client.get("/sparql", params={"query": RUNAWAY}, headers={"Accept": "text/csv"})
        results["elapsed"] = time.monotonic() - started

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.3)
    meanwhile = []
    while thread.is_alive() and len(meanwhile) < 5:
        started = time.monotonic()
        page = serve_client.get("/id/organization/isev")
        ask = serve_client.get("/sparql", params={"query": QUICK})
        meanwhile.append((page.status_code, ask.status_code, time.monotonic() - started))
    thread.join(TEST_TIMEOUT + 30)
    response = results["response"]
    assert isinstance(response, httpx.Response)
    assert response.status_code == 503
    assert response.headers["content-type"].startswith("text/plain")
    assert "time limit" in response.text and response.text.count("\n") == 1
    assert TEST_TIMEOUT * 0.9 <= results["elapsed"] < TEST_TIMEOUT + 5  # type: ignore[operator]
    assert meanwhile and all(p == 200 and a == 200 for p, a, _ in meanwhile), meanwhile
    killed = before - set(pool.pids())
    assert killed, "the runaway query's worker was not replaced"
    for pid in killed:
        assert not pid_alive(pid), f"worker {pid} still runs"
    deadline = time.monotonic() + 30
    while len(pool.pids()) < pool.size + pool.spare and time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(pool.pids()) >= pool.size + pool.spare
    again = serve_client.get("/sparql", params={"query": QUICK})
    assert again.status_code == 200 and again.json()["boolean"] is True


def test_two_runaway_queries_do_not_make_another_clients_ask_wait(serve_client) -> None:
    """Both query workers busy with queries that never end: the pool keeps a spare and moves long
    queries aside (starts workers in their place), so a quick ASK is answered at once."""
    pool = serve_client.app.state.pool
    runaways = [
        threading.Thread(
            target=serve_client.get,
            args=("/sparql",),
            kwargs={"params": {"query": RUNAWAY + f" # {i}"}, "headers": {"Cache-Control": "no-cache"}},
        )
        for i in range(2)
    ]
    for thread in runaways:
        thread.start()
    time.sleep(0.5)
    waits = []
    for i in range(3):
        started = time.monotonic()
        r = serve_client.get("/sparql", params={"query": f"ASK {{ ?s ?p {i} }}"})
        waits.append(time.monotonic() - started)
        assert r.status_code == 200
    for thread in runaways:
        thread.join(TEST_TIMEOUT + 30)
    assert max(waits) < 1.0, waits
    assert pool.started_extra >= 1


def test_when_every_worker_is_busy_the_answer_is_503_with_retry_after(data_dir: Path, tmp_path: Path) -> None:
    from evkg.data.layout import resolve
    from evkg.data.prefixes import registry
    from evkg.rdf.store import open_store
    from evkg.serve.evaluate import Job
    from evkg.serve.pool import QueryPool, WorkerConfig, store_folder

    data = resolve(data_dir)
    open_store(tmp_path / "store", data, registry(data.root))
    config = WorkerConfig(str(store_folder(tmp_path / "store")), str(data.root), max_results=10)

    async def scenario() -> list:
        pool = QueryPool(config, size=1, timeout=1.0, max_waiting=1, max_workers=1, spare=0)
        await pool.start()
        try:
            return await asyncio.gather(*(pool.run(Job(RUNAWAY)) for _ in range(3)))
        finally:
            await pool.close()

    answers = asyncio.run(scenario())
    statuses = sorted(a.status for a in answers)
    assert statuses == [503, 503, 503]
    busy = [a for a in answers if b"busy" in a.body]
    assert busy and all(a.retry_after == 1 for a in busy)
    assert any(b"time limit" in a.body for a in answers)


@pytest.mark.parametrize("path", ["/sparql?query=ASK%7B%7D", "/id/organization/jsrm", "/"])
def test_a_huge_accept_header_is_refused_with_431(serve_client, path: str) -> None:
    huge = ", ".join(f"application/x-type-{i};q=0.{i % 10}" for i in range(800))  # about 20 kB
    assert len(huge) > 20_000
    r = serve_client.get(path, headers={"Accept": huge})
    assert r.status_code == 431 and "too large" in r.text
    assert r.headers["x-content-type-options"] == "nosniff"


def test_a_huge_request_body_is_refused_with_413(serve_client) -> None:
    body = b"ASK { ?s ?p ?o } #" + b"x" * 300_000
    r = serve_client.post("/sparql", content=body, headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 413


def test_a_result_over_the_limit_is_an_error_not_a_truncated_body(serve_client) -> None:
    r = serve_client.get(
        "/sparql",
        params={"query": "SELECT * WHERE { ?s ?p ?o }"},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert r.status_code == 422 and r.headers["content-type"].startswith("text/plain")
    r = serve_client.get("/sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"})
    assert r.status_code == 422


# --- against the real server --------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def server(evkg_exe: str, tmp_path_factory: pytest.TempPathFactory) -> ServeProcess:
    """The session's real ``evkg serve`` (time limit 60 s: only a client leaving can stop a query early)."""
    return shared_server(evkg_exe, tmp_path_factory.getbasetemp() / "shared-serve-store")


def _children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.add(int(stat.parent.name))
    return found


def test_a_query_stops_when_its_client_goes_away(server: ServeProcess) -> None:
    """oxigraph serve kept computing after the client left; evkg kills the query's worker."""
    stopped = httpx.get(f"{server.url}/health", timeout=10).json()["stopped"]
    workers = _children(server.process.pid)
    with pytest.raises(httpx.TimeoutException):
        httpx.get(f"{server.url}/sparql", params={"query": RUNAWAY}, timeout=1.0)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and httpx.get(f"{server.url}/health", timeout=10).json()["stopped"] == stopped:
        time.sleep(0.2)
    assert httpx.get(f"{server.url}/health", timeout=10).json()["stopped"] == stopped + 1, "the query still runs"
    gone = workers - _children(server.process.pid)
    assert gone and not any(pid_alive(p) for p in gone)
    r = httpx.get(f"{server.url}/sparql", params={"query": QUICK}, timeout=30)
    assert r.status_code == 200


def test_huge_headers_on_the_wire_are_refused_and_the_server_keeps_serving(server: ServeProcess) -> None:
    accept = ", ".join(["text/html;q=0.5"] * 1300)  # about 22 kB
    r = httpx.get(f"{server.url}/", headers={"Accept": accept}, timeout=10)
    assert r.status_code == 431
    with _reset_allowed():
        r = httpx.get(f"{server.url}/", headers={"Accept": "x" * 200_000}, timeout=10)
        assert r.status_code in (400, 413, 431)
    assert httpx.get(f"{server.url}/health", timeout=10).status_code == 200


def test_service_on_the_real_server_does_not_connect(server: ServeProcess, trap: Trap) -> None:
    r = httpx.get(
        f"{server.url}/sparql", params={"query": f"SELECT * {{ SERVICE <{trap.url}> {{ ?s ?p ?o }} }}"}, timeout=10
    )
    assert r.status_code == 403
    r = httpx.post(f"{server.url}/sparql", data={"update": f"LOAD <{trap.url}>"}, timeout=10)
    assert r.status_code == 403
    time.sleep(0.3)
    assert trap.connections == []


class _reset_allowed:
    """Context manager that lets a connection reset through (a server may close instead of answering)."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: object, exc: object, tb: object) -> bool:
        return kind is None or (isinstance(kind, type) and issubclass(kind, httpx.TransportError))
