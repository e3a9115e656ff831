"""Latency of every query helper on the bundled graph: embedded pyoxigraph vs rdflib vs oxigraph server.

    python scripts/bench_queries.py [--runs 5] [--write docs/benchmarks.md]

Each helper runs with its header's example parameters: one warm-up call, then --runs timed calls
per engine (median and max reported, in ms). The server is a real `oxigraph serve` on a free
loopback port (PyPI `oxigraph`), loaded with the Graph Store Protocol like `evkg load --endpoint`;
its figures include HTTP and the SPARQL JSON round trip. With --write, the section
"## Query helpers" of the given Markdown file is replaced (or appended); the rest is kept.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph
import rdflib

import evkg
from evkg.atomic import write_bytes
from evkg.query.engine import count_per_graph, count_union
from evkg.query.engines import RdflibEngine, upload_graphs
from evkg.query.helpers import QueryHelpers
from evkg.query.knowledge_graph import connect

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from oxigraph_server import running_server  # noqa: E402

HEADING = "## Query helpers"


def timed(helper, params: dict, runs: int) -> tuple[float, float, int]:
    result = helper(**params)  # warm-up (and rdflib's first parse of the query)
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        helper(**params)
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), max(samples), len(result) if result.boolean is None else int(result.boolean)


def measure(
    runs: int,
) -> tuple[str, list[tuple[str, int, tuple[float, float], tuple[float, float], tuple[float, float]]]]:
    kg = evkg.load()
    started = time.perf_counter()
    rdf = QueryHelpers(RdflibEngine.from_data(kg.data_dir), kg.queries.specs(), kg.prefixes)
    rdf_load = time.perf_counter() - started
    rows = []
    with tempfile.TemporaryDirectory() as tmp, running_server(Path(tmp)) as url:
        upload_graphs(kg.store, url.rsplit("/", 1)[0] + "/store", kg.named_graphs())
        remote = connect(url)
        for spec in kg.queries.specs():
            params = spec.example_bindings()
            emb = timed(kg.queries[spec.name], params, runs)
            ref = timed(rdf[spec.name], params, runs)
            srv = timed(remote.queries[spec.name], params, runs)
            rows.append((spec.name, emb[2], emb[:2], ref[:2], srv[:2]))
        remote.engine.close()
    oxi = subprocess.run(["oxigraph", "--version"], capture_output=True, text=True).stdout.strip()
    load = os.getloadavg()[0]
    env = (
        f"{count_union(kg.engine)} distinct triples in {len(count_per_graph(kg.engine))} named graphs; "
        f"Python {platform.python_version()}, pyoxigraph {pyoxigraph.__version__}, rdflib {rdflib.__version__}, "
        f"{oxi or 'oxigraph server'}; {runs} timed runs after one warm-up, median (max) in ms; "
        f"rdflib parsed the graph in {rdf_load:.2f} s; {os.cpu_count()} CPUs, load average {load:.1f} at the end "
        "(other jobs share the machine: treat the figures as upper bounds)"
    )
    return env, rows


def markdown(env: str, rows: list) -> str:
    out = [
        HEADING,
        "",
        "Measured with `python scripts/bench_queries.py --write docs/benchmarks.md` on the bundled graph "
        f"({env}). Each helper runs with its header's example parameters. *embedded*: pyoxigraph in "
        "process (`evkg.load()`); *rdflib*: rdflib's SPARQL engine over an rdflib Dataset parsed from the same "
        "files (the reference); *server*: `oxigraph serve` on loopback through `evkg.connect(url)` "
        "(HTTP, SPARQL JSON, the dataset stated per request).",
        "",
        "| helper | rows | embedded | rdflib | server |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, n, emb, ref, srv in rows:
        cells = " | ".join(f"{a:.1f} ({b:.1f})" for a, b in (emb, ref, srv))
        out.append(f"| `{name}` | {n} | {cells} |")
    med = [statistics.median(col) for col in zip(*[(r[2][0], r[3][0], r[4][0]) for r in rows], strict=True)]
    out += [
        f"| **median of the helpers** | | **{med[0]:.1f}** | **{med[1]:.1f}** | **{med[2]:.1f}** |",
        "",
    ]
    return "\n".join(out) + "\n"


def replace_section(text: str, section: str) -> str:
    pattern = re.compile(rf"^{re.escape(HEADING)}\n.*?(?=^## |\Z)", re.MULTILINE | re.DOTALL)
    if pattern.search(text):
        return pattern.sub(lambda _: section + "\n", text, count=1).rstrip("\n") + "\n"
    base = text.rstrip("\n") + "\n\n" if text.strip() else "# Benchmarks\n\n"
    return base + section


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--write", type=Path, default=None, help="Markdown file whose query section to replace")
    args = parser.parse_args(argv)
    env, rows = measure(args.runs)
    section = markdown(env, rows)
    if args.write is None:
        sys.stdout.write(section)
        return 0
    current = args.write.read_text(encoding="utf-8") if args.write.is_file() else ""
    write_bytes(args.write, replace_section(current, section).encode("utf-8"))
    print(f"wrote {args.write}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
