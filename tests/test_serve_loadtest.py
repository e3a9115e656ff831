"""scripts/loadtest.py stays usable: it loads only loopback servers and reports what it measured."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from serve_support import shared_server

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "loadtest.py"


@pytest.mark.parametrize("url", ["http://203.0.113.7:8000", "http://example.org", "http://10.0.0.1:80"])
def test_the_load_test_refuses_a_server_that_is_not_on_loopback(url: str) -> None:
    done = subprocess.run([sys.executable, str(SCRIPT), "--url", url], capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "not a loopback address" in done.stderr


def test_a_short_load_test_reports_evkg_and_the_oxigraph_server_side_by_side(
    evkg_exe: str, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    out = tmp_path / "load.json"
    bench = tmp_path / "benchmarks.md"
    bench.write_text("# Benchmarks\n\n## Scale\n\nother section, kept\n", encoding="utf-8")
    server = shared_server(evkg_exe, tmp_path_factory.getbasetemp() / "shared-serve-store")
    args = ["--url", server.url, "--clients", "2", "--requests", "8", "--duration", "5"]
    done = subprocess.run(
        [sys.executable, str(SCRIPT), *args, "--json", str(out), "--write", str(bench)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(out.read_text(encoding="utf-8"))
    scenarios = {o["scenario"] for o in report["outcomes"]}
    assert {
        "fixed SELECT",
        "fixed SELECT, no cache",
        "point lookup",
        "aggregate",
        "IRI as Turtle",
        "IRI as HTML",
        "search",
        "lookup during a runaway",
    } <= scenarios
    servers = {(o["scenario"], o["server"]) for o in report["outcomes"]}
    assert ("fixed SELECT", "oxigraph") in servers and ("fixed SELECT", "evkg") in servers
    assert ("IRI as HTML", "oxigraph") not in servers  # only SPARQL goes to both
    assert report["environment"]["oxigraph"].startswith("oxigraph 0.")
    for outcome in report["outcomes"]:
        assert outcome["requests"] > 0 and outcome["errors"] == 0
        assert 0 < outcome["p50_ms"] <= outcome["p99_ms"]
        assert outcome["throughput"] > 0
    text = bench.read_text(encoding="utf-8")
    assert "## Serving" in text and "| point lookup | 2 | evkg |" in text and "| point lookup | 2 | oxigraph |" in text
    assert "the oxigraph server's" in text  # the one-line summary of the yardstick
    assert "other section, kept" in text
