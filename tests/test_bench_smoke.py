"""Do the scale scripts work end to end at a tiny size? (issue 8; the real figures are in docs/benchmarks.md)

The benchmark itself is a script, not a timed test: this only checks that ``scripts/synth.py`` writes
data that conforms to the shapes, and that ``scripts/bench.py`` measures in subprocesses and replaces
only its own section of the Markdown file it writes to.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import evkg
from evkg.quality.incremental import validate_store

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *map(str, args)], capture_output=True, text=True, timeout=240, cwd=ROOT)


def test_synth_writes_the_same_conforming_data_for_the_same_seed(tmp_path: Path) -> None:
    """Is the synthetic data reproducible, of the size asked for, and valid against the shapes?"""
    first, second = tmp_path / "a", tmp_path / "b"
    for out in (first, second):
        done = run(ROOT / "scripts" / "synth.py", out, "--triples", "2k", "--seed", "3")
        assert done.returncode == 0, done.stderr
    files = sorted(p.relative_to(first) for p in (first / "graph").rglob("*.ttl"))
    assert files == sorted(p.relative_to(second) for p in (second / "graph").rglob("*.ttl"))
    assert all((first / f).read_bytes() == (second / f).read_bytes() for f in files)
    kg = evkg.load(first)
    assert len(kg.store) >= 2000
    report = validate_store(kg)
    assert report.conforms, [f.message for f in report.violations][:3]


def test_bench_measures_and_writes_only_its_section(tmp_path: Path) -> None:
    """Does a tiny benchmark run write the Scale section and keep the other sections of the file?"""
    doc = tmp_path / "benchmarks.md"
    doc.write_text("# Benchmarks\n\n## Query helpers\n\nkept as is\n", encoding="utf-8")
    done = run(
        ROOT / "scripts" / "bench.py",
        "--sizes", "1500", "--runs", "1", "--limit", "60", "--evkg-limit", "60",
        "--ops", "evkg-load,evkg-reopen,evkg-helpers,plain-parse",
        "--out", tmp_path / "work", "--write", doc, "--quiet",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    text = doc.read_text(encoding="utf-8")
    assert "## Query helpers\n\nkept as is" in text
    assert "## Scale" in text and "| parse / load + index |" in text
    assert "`organization_profile`" in text
    results = json.loads((tmp_path / "work" / "results.json").read_text(encoding="utf-8"))
    ops = next(iter(results["sizes"].values()))["ops"]
    assert ops["evkg-load"][0]["seconds"] > 0 and ops["plain-parse"][0]["maxrss_mb"] > 0
    helpers = ops["evkg-helpers"][0]["helpers"]
    assert helpers["organization_profile"]["rows"] > 0  # the synthetic anchors answer the examples


def test_bench_servers_sets_virtuoso_up_from_the_deploy_page_and_writes_only_its_section(tmp_path: Path) -> None:
    """Does scripts/bench_servers.py take Virtuoso's settings from docs/deploy.md and replace only '## Servers'?"""
    sys.path.insert(0, str(ROOT / "scripts"))
    import bench_servers

    ini = bench_servers.virtuoso_ini(tmp_path, 18890, 11111, 2.0, 500_000)
    assert "ServerPort           = 127.0.0.1:18890" in ini and "127.0.0.1:11111" in ini
    assert f"DirsAllowed          = ., {tmp_path}/load" in ini and "/srv/evkg" not in ini
    assert "NumberOfBuffers      = 170000" in ini and "ResultSetMaxRows           = 500000" in ini
    helper = {"ms": {"embedded": 1.0, "oxigraph": 20.0, "virtuoso": 30.0}, "runs": {}, "rows": 2,
              "same": {"oxigraph": True, "virtuoso": False}, "errors": {}}  # fmt: skip
    # a helper one server could not answer: never "same rows: yes", and the summary names it
    failed = {"ms": {"embedded": 2.0, "oxigraph": 4.0, "virtuoso": None}, "runs": {}, "rows": 0,
              "same": {"oxigraph": True}, "errors": {"virtuoso": "no answer within 40 s"}}  # fmt: skip
    fine = {**failed, "same": {"oxigraph": True, "virtuoso": True}, "errors": {}}
    helpers = {"label_search": helper, "source_graphs": failed, "who_says_so": fine}
    load = {"seconds": 1.0, "steps": {"upload": 0.5, "union": 0.2, "verify": 0.3}, "statements": 10, "triples": 9}
    results = {
        "env": {"command": "python scripts/bench_servers.py", "date": "2026-12-04", "machine": "m",
                "versions": {"evkg": "0", "pyoxigraph": "0", "oxigraph": "0"}},  # fmt: skip
        "runs": 3, "slow": 10, "note": "Smoke run.",
        "sizes": {"1500": {"virtuoso_version": "Virtuoso/7", "helpers": helpers,
                           "load": {"embedded": {"seconds": 0.1}, "oxigraph": load, "virtuoso": load}}},
    }  # fmt: skip
    doc = tmp_path / "benchmarks.md"
    doc.write_text("# Benchmarks\n\n## Servers\n\nold\n\n## Scale\n\nkept\n", encoding="utf-8")
    bench_servers.write_section(doc, bench_servers.render(results))
    text = doc.read_text(encoding="utf-8")
    assert "\nold\n" not in text and "## Scale\n\nkept" in text and "Smoke run." in text
    assert "| `label_search` | 2 | 1.0 ms | 20.0 ms | 30.0 ms | no: differ on Virtuoso |" in text
    assert "| `source_graphs` | 0 | 2.0 ms | 4.0 ms | error | no: failed on Virtuoso |" in text
    assert "| `who_says_so` | 0 | 2.0 ms | 4.0 ms | – | yes |" in text
    assert "1 failed: `source_graphs` on Virtuoso (no answer within 40 s)." in text
    assert "Rows that differ from the embedded store: `label_search` on Virtuoso." in text
    assert "1 of 3 helpers give the embedded store's rows on both servers." in text
    assert "Every helper gives" not in text


def test_the_cost_curve_shows_which_operations_grow_faster_than_linearly() -> None:
    """From measurements at three sizes: the exponents, the table, and a log-log SVG that parses."""
    import xml.etree.ElementTree as ET

    from benchmarks.curve import curve_lines, curve_svg, exponents, points

    def run_of(seconds: float, mb: float) -> list[dict[str, float]]:
        return [{"seconds": seconds, "cpu_s": seconds * 1.1, "maxrss_mb": mb}]

    results = {
        "sizes": {
            name: {
                "triples": n,
                "ops": {"evkg-load": run_of(n / 1e5, 50 + n / 1e4), "evkg-qc": run_of((n / 1e5) ** 1.5, 60)},
            }
            for name, n in (("10 k", 10_000), ("100 k", 100_000), ("1 M", 1_000_000))
        }
    }
    assert [round(k, 2) for k in exponents(points(results, "evkg-load", "seconds"))] == [1.0, 1.0]
    assert [round(k, 2) for k in exponents(points(results, "evkg-qc", "seconds"))] == [1.5, 1.5]
    text = "\n".join(curve_lines(results, "scale-curve.svg"))
    assert "](scale-curve.svg)" in text and "| load + index | 100 ms / 110 ms / 51 |" in text
    assert "faster than linearly in time at the largest sizes: QC queries (k = 1.50" in text
    svg = ET.fromstring(curve_svg(results))
    assert len(svg.findall("{http://www.w3.org/2000/svg}polyline")) == 4  # two operations, two panels
