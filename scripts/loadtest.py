"""Load test of ``evkg serve``: concurrent clients on loopback, throughput and latency percentiles.

    python scripts/loadtest.py                                   # the bundled graph, 1/8/32 clients
    python scripts/loadtest.py --synth 100k --write docs/benchmarks.md
    python scripts/loadtest.py --url http://127.0.0.1:8000 --clients 8 --requests 200

Side by side with the oxigraph server (PyPI ``oxigraph``, the store evkg wraps): unless
``--no-oxigraph``, the script also loads evkg's N-Quads export of the same data into
``oxigraph serve-read-only --union-default-graph`` and sends it the same SPARQL requests, one
server after the other in each scenario, so both columns come from one run on one machine.

Without ``--url`` the script starts ``evkg serve`` itself (on a free loopback port, with a store in a
temporary folder) and stops it at the end; ``--synth N`` first generates a seeded synthetic data
folder of N triples (benchmarks.synth, the shape used by scripts/bench.py and the reference figures).
``--url`` must be a loopback address: the script refuses to load anything else.

Bounded: each scenario runs until ``--requests`` answers have arrived or ``--duration`` seconds
have passed, whichever comes first. Scenarios (SPARQL queries go to /sparql, JSON results):

fixed SELECT        15 statements of one organisation (LIMIT 15): the issue-15 yardstick, also
                    run with ``Cache-Control: no-cache`` (evkg evaluates every request again)
point lookup        all statements of one organisation
join + language     documents with their creator's Japanese name (LIMIT 100)
aggregate           instances per class (COUNT, GROUP BY)
IRI as Turtle       GET an organisation's IRI with Accept: text/turtle
IRI as HTML         the organisation's page
search              /search?q=… in Japanese
lookup during a runaway   point lookups while one query that never ends holds a worker

For each: requests done, errors (non-2xx), throughput (answers per second), p50 and p99 latency.
With ``--write FILE`` the "## Serving" section of FILE is replaced (or appended); the rest is kept.
``--from-json A.json B.json --write FILE`` renders earlier runs (``--json``) into one section.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ipaddress
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import httpx

HEADING = "## Serving"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
PICK_ORG = (
    "SELECT ?org WHERE { ?org a org:FormalOrganization ; ?p ?o } GROUP BY ?org HAVING (COUNT(*) >= 15) "
    "ORDER BY ?org LIMIT 1"
)
LOOKUP = "SELECT ?p ?o WHERE {{ <{org}> ?p ?o }}"
FIXED = "SELECT ?p ?o WHERE {{ <{org}> ?p ?o }} LIMIT 15"
#: Prefixes the oxigraph server needs declared (evkg knows its registry's).
OX_PREFIXES = (
    "PREFIX org: <http://www.w3.org/ns/org#> PREFIX dcterms: <http://purl.org/dc/terms/> "
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
)
JOIN = (
    "SELECT ?doc ?name WHERE { ?doc dcterms:creator ?org . ?org skos:prefLabel ?name "
    'FILTER(LANGMATCHES(LANG(?name), "ja")) } LIMIT 100'
)
AGGREGATE = "SELECT ?type (COUNT(*) AS ?n) WHERE { ?s a ?type } GROUP BY ?type ORDER BY DESC(?n)"
JSON = "application/sparql-results+json"


@dataclass
class Outcome:
    scenario: str
    clients: int
    server: str
    requests: int
    errors: int
    seconds: float
    throughput: float
    p50_ms: float
    p99_ms: float
    statuses: dict[str, int] = field(default_factory=dict)


def percentile(values: list[float], q: float) -> float:
    """The ``q`` percentile (0-100) by the nearest-rank method."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def loopback_only(url: str) -> str:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return url.rstrip("/")
    try:
        if ipaddress.ip_address(host).is_loopback:
            return url.rstrip("/")
    except ValueError:
        pass
    raise SystemExit(f"loadtest: {url} is not a loopback address; this script only loads a local server")


class Connection:
    """A minimal HTTP/1.1 keep-alive client on one loopback connection (the answers of evkg serve
    always carry Content-Length). httpx, tried first, spent more time per request than the server
    and slowed down as connections were added (225 answers/s with 8 clients, 82 with 32; this client:
    900 and 900 on the same server), which would have measured the client instead of the server."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, target: str, headers: dict[str, str], body: bytes = b"") -> int:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        lines = [f"{method} {target} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        lines += [f"{k}: {v}" for k, v in headers.items()]
        if body or method == "POST":
            lines.append(f"Content-Length: {len(body)}")
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
        await self.writer.drain()
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length = 0
        close = chunked = False
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            key = name.strip().lower()
            if key == b"content-length":
                length = int(value)
            elif key == b"transfer-encoding" and b"chunked" in value.lower():
                chunked = True  # the oxigraph server streams its answers
            elif key == b"connection" and value.strip().lower() == b"close":
                close = True
        if chunked:
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                await self.reader.readexactly(size + 2)
                if size == 0:
                    break
        else:
            await self.reader.readexactly(length)
        if close:
            await self.close()
        return status

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(Exception):
                await self.writer.wait_closed()
        self.reader = self.writer = None


async def run_scenario(
    base: str, name: str, clients: int, requests: int, duration: float, make_request, server: str = "evkg"
) -> Outcome:
    parts = urlsplit(base)
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    errors = 0
    issued = 0
    deadline = time.monotonic() + duration

    async def worker() -> None:
        nonlocal issued, errors
        conn = Connection(parts.hostname or "127.0.0.1", parts.port or 80)
        try:
            while issued < requests and time.monotonic() < deadline:
                issued += 1
                started = time.perf_counter()
                try:
                    status = await make_request(conn)
                    key, ok = str(status), 200 <= status < 300
                except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
                    key, ok = type(exc).__name__, False
                    await conn.close()
                latencies.append(time.perf_counter() - started)
                statuses[key] = statuses.get(key, 0) + 1
                if not ok:
                    errors += 1
        finally:
            await conn.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(clients)))
    elapsed = time.perf_counter() - started
    done = len(latencies)
    return Outcome(
        name,
        clients,
        server,
        done,
        errors,
        round(elapsed, 2),
        round(done / elapsed, 1) if elapsed else 0.0,
        round(percentile(latencies, 50) * 1000, 1),
        round(percentile(latencies, 99) * 1000, 1),
        statuses,
    )


def sparql(query: str, path: str = "/sparql", fresh: bool = False):
    body = urlencode({"query": query}).encode("ascii")
    headers = {"Accept": JSON, "Content-Type": "application/x-www-form-urlencoded"}
    if fresh:  # evkg evaluates the query again instead of answering from its answer cache
        headers["Cache-Control"] = "no-cache"

    async def send(conn: Connection) -> int:
        return await conn.request("POST", path, headers, body)

    return send


def get(path: str, accept: str, **params: str):
    target = path + ("?" + urlencode(params) if params else "")

    async def send(conn: Connection) -> int:
        return await conn.request("GET", target, {"Accept": accept})

    return send


async def measure(
    base: str, clients: list[int], requests: int, duration: float, oxigraph: str | None = None
) -> list[Outcome]:
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        picked = await client.post("/sparql", data={"query": PICK_ORG}, headers={"Accept": JSON})
        picked.raise_for_status()
        org = picked.json()["results"]["bindings"][0]["org"]["value"]
    path = urlsplit(org).path
    if not path.startswith("/id/"):
        path = "/id/" + org.split("/id/", 1)[1]
    # (name, evkg request, oxigraph request or None)
    scenarios = [
        ("fixed SELECT", sparql(FIXED.format(org=org)), sparql(FIXED.format(org=org), "/query")),
        ("fixed SELECT, no cache", sparql(FIXED.format(org=org), fresh=True), None),
        ("point lookup", sparql(LOOKUP.format(org=org)), sparql(LOOKUP.format(org=org), "/query")),
        ("join + language", sparql(JOIN), sparql(OX_PREFIXES + JOIN, "/query")),
        ("aggregate", sparql(AGGREGATE), sparql(AGGREGATE, "/query")),
        ("IRI as Turtle", get(path, "text/turtle"), None),
        ("IRI as HTML", get(path, "text/html", lang="en"), None),
        ("search", get("/search", "text/html", q="細胞外小胞", lang="ja"), None),
    ]
    outcomes = []
    for name, make, make_ox in scenarios:
        targets = [("evkg", base, make)]
        if oxigraph is not None and make_ox is not None:
            targets.append(("oxigraph", oxigraph, make_ox))
        for server, url, request in targets:
            await run_scenario(url, name, 1, 3, duration, request, server)  # warm up (caches, first parse)
        for n in clients:
            for server, url, request in targets:  # side by side: the same load, one server after the other
                outcome = await run_scenario(url, name, n, requests, duration, request, server)
                outcomes.append(outcome)
                print(_line(outcome), file=sys.stderr)
    outcomes.append(await during_runaway(base, org, requests, duration))
    print(_line(outcomes[-1]), file=sys.stderr)
    return outcomes


async def during_runaway(base: str, org: str, requests: int, duration: float) -> Outcome:
    """Point lookups from 8 clients while one client's query never ends (until the time limit)."""
    async with httpx.AsyncClient(base_url=base, timeout=300) as client:
        runaway = asyncio.ensure_future(client.post("/sparql", data={"query": RUNAWAY}, headers={"Accept": JSON}))
        await asyncio.sleep(0.3)
        outcome = await run_scenario(
            base, "lookup during a runaway", 8, requests, duration, sparql(LOOKUP.format(org=org))
        )
        runaway.cancel()
        try:
            await runaway
        except (asyncio.CancelledError, httpx.HTTPError):
            pass
    return outcome


def _line(o: Outcome) -> str:
    return (
        f"{o.scenario:<24} {o.server:<8} clients {o.clients:>2}: {o.requests:>4} answers, {o.errors} errors, "
        f"{o.throughput:>7.1f}/s, p50 {o.p50_ms:>7.1f} ms, p99 {o.p99_ms:>7.1f} ms"
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and its children (the query workers), MB."""
    total = 0
    pids = [pid] + [int(p.parent.name) for p in Path("/proc").glob("[0-9]*/stat") if _ppid(p) == pid]
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return round(total / 1024, 1)


def _ppid(stat: Path) -> int:
    try:
        return int(stat.read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return -1


def evkg_executable() -> str:
    candidate = Path(sys.executable).parent / "evkg"
    return str(candidate) if candidate.is_file() else (shutil.which("evkg") or "evkg")


def start_server(
    data: str | None, workers: int, timeout: float, store: Path
) -> tuple[subprocess.Popen[bytes], str, float]:
    port = free_port()
    args = [evkg_executable(), "serve", "--port", str(port), "--store", str(store), "--log-level", "warning"]
    args += ["--workers", str(workers), "--timeout", str(timeout)]
    if data:
        args += ["--data", data]
    started = time.perf_counter()
    proc = subprocess.Popen(args, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    while time.perf_counter() - started < 600:
        if proc.poll() is not None:
            raise SystemExit(f"loadtest: evkg serve exited with {proc.returncode}")
        try:
            if httpx.post(f"{url}/sparql", data={"query": "ASK {}"}, timeout=5).status_code == 200:
                return proc, url, time.perf_counter() - started
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    proc.kill()
    raise SystemExit("loadtest: evkg serve did not start")


def oxigraph_executable() -> str | None:
    candidate = Path(sys.executable).parent / "oxigraph"
    return str(candidate) if candidate.is_file() else shutil.which("oxigraph")


def start_oxigraph(data: str | None, workdir: Path) -> tuple[subprocess.Popen[bytes], str, float]:
    """The oxigraph server on evkg's N-Quads export of ``data`` (read-only, union default graph)."""
    exe = oxigraph_executable()
    if exe is None:
        raise SystemExit("loadtest: the oxigraph server is not installed (pip install oxigraph), or pass --no-oxigraph")
    dump = workdir / "export.nq"
    args = [evkg_executable(), "export", "--format", "nquads", "--output", str(dump)]
    subprocess.run(args + (["--data", data] if data else []), check=True)
    started = time.perf_counter()
    subprocess.run(
        [exe, "load", "--location", str(workdir / "oxigraph"), "--file", str(dump)],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    port = free_port()
    proc = subprocess.Popen(
        [
            exe,
            "serve-read-only",
            "--location",
            str(workdir / "oxigraph"),
            "--union-default-graph",
            "--bind",
            f"127.0.0.1:{port}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    while time.perf_counter() - started < 600:
        if proc.poll() is not None:
            raise SystemExit(f"loadtest: oxigraph serve-read-only exited with {proc.returncode}")
        try:
            if httpx.get(f"{url}/query", params={"query": "ASK {}"}, timeout=5).status_code == 200:
                return proc, url, time.perf_counter() - started
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    proc.kill()
    raise SystemExit("loadtest: the oxigraph server did not start")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


def _find(report: dict, scenario: str, clients: int, server: str) -> dict | None:
    for o in report["outcomes"]:
        if o["scenario"] == scenario and o["clients"] == clients and o.get("server", "evkg") == server:
            return o
    return None


def summary(report: dict) -> str:
    """The issue-15 yardstick in one sentence: the fixed SELECT with the most clients (8) and with the
    fewest (1), evkg against the oxigraph server."""
    counts = sorted({o["clients"] for o in report["outcomes"] if o.get("server") == "oxigraph"})
    if not counts:
        return ""
    many, few = counts[-1], counts[0]
    parts = []
    for scenario in ("fixed SELECT", "fixed SELECT, no cache"):
        ours, theirs = _find(report, scenario, many, "evkg"), _find(report, "fixed SELECT", many, "oxigraph")
        single, single_ox = _find(report, scenario, few, "evkg"), _find(report, "fixed SELECT", few, "oxigraph")
        if not (ours and theirs and theirs["throughput"]):
            continue
        text = (
            f"{scenario}: {many} clients {ours['throughput']}/s = **{ours['throughput'] / theirs['throughput']:.2f}x** "
            f"the oxigraph server's {theirs['throughput']}/s"
        )
        if single and single_ox and single_ox["p50_ms"]:
            text += (
                f"; {few} client{'s' if few > 1 else ''} p50 {single['p50_ms']} ms = "
                f"**{single['p50_ms'] / single_ox['p50_ms']:.1f}x** its {single_ox['p50_ms']} ms"
            )
        parts.append(text)
    return "; ".join(parts) + "." if parts else ""


def markdown(reports: list[dict], note: str = "") -> str:
    """The "## Serving" section: one table per report (e.g. the bundled graph, then 100 k triples)."""
    lines = [HEADING, ""]
    for report in reports:
        env = report["environment"]
        ox_note = (
            f" The oxigraph server (`oxigraph serve-read-only --union-default-graph`, {env['oxigraph']}) serves "
            "evkg's N-Quads export of the same data and gets the same SPARQL requests in the same run, one "
            "server after the other in each row pair (it declares no prefixes: the queries sent to it carry "
            "PREFIX lines)."
            if env.get("oxigraph")
            else ""
        )
        lines += [
            f"**{env['triples']:,} triples.** Measured with `{report['command']}` ({env['workers']} query workers, "
            f"time limit {env['timeout']} s; Python {env['python']}, {env['cpus']} CPUs, load average {env['load']} "
            "at the end (other jobs share the machine: treat the figures as upper bounds); loopback, keep-alive "
            "HTTP/1.1 clients in one asyncio process; each run stops at the request count or the time bound). "
            f"Start to first answer: {env['startup_s']} s (store built from the sources); resident memory of the "
            f"server and its workers after the run: {env['rss_mb']} MB.{ox_note}",
            "",
        ]
        line = summary(report)
        if line:
            lines += [line, ""]
        lines += [
            "| scenario | clients | server | answers | errors | answers/s | p50 ms | p99 ms |",
            "|---|---:|---|---:|---:|---:|---:|---:|",
        ]
        for o in report["outcomes"]:
            lines.append(
                f"| {o['scenario']} | {o['clients']} | {o.get('server', 'evkg')} | {o['requests']} | {o['errors']} | "
                f"{o['throughput']} | {o['p50_ms']} | {o['p99_ms']} |"
            )
        lines.append("")
    if note.strip():
        lines += [note.strip(), ""]
    return "\n".join(lines) + "\n"


def write_section(path: Path, section: str) -> None:
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    start = text.find(HEADING + "\n")
    if start < 0:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        end = text.find("\n## ", start + len(HEADING))
        text = text[:start] + section + (text[end + 1 :] if end >= 0 else "")
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="a running evkg serve on loopback (default: start one)")
    parser.add_argument("--data", help="data folder to serve (default: the bundled data)")
    parser.add_argument("--synth", help="serve a synthetic data folder of this many triples (10k, 100k)")
    parser.add_argument("--clients", default="1,8,32", help="concurrent clients per run (default 1,8,32)")
    parser.add_argument("--requests", type=int, default=300, help="answers per run, at most (default 300)")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per run, at most (default 20)")
    parser.add_argument("--workers", type=int, default=2, help="query workers of the started server")
    parser.add_argument("--timeout", type=float, default=10.0, help="query time limit of the started server")
    parser.add_argument("--no-oxigraph", action="store_true", help="do not measure the oxigraph server side by side")
    parser.add_argument("--json", help="write the results as JSON here")
    parser.add_argument("--write", help="replace the '## Serving' section of this Markdown file")
    parser.add_argument("--note", default="", help="a paragraph (Markdown) to put under the tables")
    parser.add_argument("--from-json", nargs="+", metavar="JSON", help="render these results (no measuring)")
    args = parser.parse_args(argv)
    if args.from_json:
        reports = [json.loads(Path(f).read_text(encoding="utf-8")) for f in args.from_json]
        section = markdown(reports, args.note)
        if args.write:
            write_section(Path(args.write), section)
        print(section)
        return 0
    clients = [int(c) for c in args.clients.split(",") if c.strip()]
    if args.requests < 1 or args.duration <= 0 or not clients or min(clients) < 1 or max(clients) > 256:
        parser.error("--requests, --duration and --clients must be positive (at most 256 clients)")

    workdir = Path(tempfile.mkdtemp(prefix="evkg-loadtest-"))
    proc = ox_proc = None
    try:
        data = args.data
        if args.synth:
            sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # benchmarks/ is outside the wheel
            from benchmarks.synth import generate

            sys.path.insert(0, str(Path(__file__).resolve().parent))
            from synth import size

            data = str(generate(workdir / "data", size(args.synth), 1).root)
        startup = None
        if args.url:
            base = loopback_only(args.url)
        else:
            proc, base, startup = start_server(data, args.workers, args.timeout, workdir / "store")
        with httpx.Client(base_url=base, timeout=60) as client:
            counted = client.post(
                "/sparql", data={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"}, headers={"Accept": JSON}
            ).json()
        triples = int(counted["results"]["bindings"][0]["n"]["value"])
        ox_url = ox_version = None
        if not args.no_oxigraph:
            ox_proc, ox_url, _ = start_oxigraph(data, workdir)
            from importlib.metadata import version

            ox_version = f"oxigraph {version('oxigraph')}"
        outcomes = asyncio.run(measure(base, clients, args.requests, args.duration, ox_url))
        report = {
            "command": "python scripts/loadtest.py " + " ".join(argv if argv is not None else sys.argv[1:]),
            "environment": {
                "triples": triples,
                "workers": args.workers,
                "timeout": args.timeout,
                "python": platform.python_version(),
                "cpus": os.cpu_count(),
                "load": round(os.getloadavg()[0], 1),
                "startup_s": round(startup, 1) if startup is not None else "n/a",
                "rss_mb": rss_mb(proc.pid) if proc is not None else "n/a",
                "oxigraph": ox_version,
            },
            "outcomes": [asdict(o) for o in outcomes],
        }
        if args.json:
            Path(args.json).write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        if args.write:
            write_section(Path(args.write), markdown([report], args.note))
        print(markdown([report], args.note))
        failed = sum(o.errors for o in outcomes)
        return 1 if failed else 0
    finally:
        if proc is not None:
            stop_server(proc)
        if ox_proc is not None:
            stop_server(ox_proc)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
