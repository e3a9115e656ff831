"""``evkg serve`` on the command line: its options, bad input as one line, a clean stop."""

from __future__ import annotations

import shutil
from pathlib import Path

import httpx
from serve_support import ServeProcess, pid_alive


def test_serve_help_lists_its_options(run_evkg) -> None:
    done = run_evkg("serve", "--help")
    assert done.returncode == 0
    for option in ("--host", "--port", "--store", "--data", "--timeout", "--max-results", "--workers"):
        assert option in done.stdout


def test_a_missing_data_folder_is_one_line_and_exit_2(run_evkg_process, tmp_path: Path) -> None:
    done = run_evkg_process("serve", "--data", str(tmp_path / "nowhere"), "--port", "0")
    assert done.returncode == 2
    assert done.stderr.startswith("evkg: ") and done.stderr.count("\n") == 1
    assert "Traceback" not in done.stderr


def test_a_syntax_error_in_a_graph_file_names_the_file_and_line(
    run_evkg_process, data_dir: Path, tmp_path: Path
) -> None:
    (tmp_path / "ontology").mkdir()
    (tmp_path / "graph").mkdir()
    shutil.copy(data_dir / "ontology" / "prefixes.ttl", tmp_path / "ontology" / "prefixes.ttl")
    (tmp_path / "graph" / "broken.ttl").write_text("<http://x/a> <http://x/b> .\n", encoding="utf-8")
    done = run_evkg_process("serve", "--data", str(tmp_path), "--port", "0")
    assert done.returncode == 2
    assert "broken.ttl:1" in done.stderr and done.stderr.count("\n") == 1
    assert "Traceback" not in done.stderr


def test_bad_option_values_are_usage_errors(run_evkg_process) -> None:
    for args in (["--timeout", "0"], ["--max-results", "0"], ["--port", "70000"], ["--log-level", "loud"]):
        done = run_evkg_process("serve", *args)
        assert done.returncode == 2, args
        assert done.stderr.startswith("evkg: ") and "Traceback" not in done.stderr


def test_the_server_answers_and_stops_cleanly_with_its_workers(evkg_exe: str, tmp_path: Path) -> None:
    """Ctrl-C stops the server, its query workers end with it, and the store can be reused."""
    store = tmp_path / "store"
    proc = ServeProcess(evkg_exe, "--store", str(store), "--workers", "1")
    children = [int(p.parent.name) for p in Path("/proc").glob("[0-9]*/stat") if _ppid(p) == proc.process.pid]
    try:
        r = httpx.get(f"{proc.url}/sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=30)
        assert r.status_code == 200 and r.json()["boolean"] is True
        assert (store / "manifest.json").is_file()
    finally:
        stderr = proc.stop()
    assert proc.process.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert children and not any(pid_alive(pid) for pid in children)
    again = ServeProcess(evkg_exe, "--store", str(store), "--workers", "1")  # reopened, not rebuilt
    try:
        assert httpx.get(f"{again.url}/health", timeout=10).json()["status"] == "ok"
    finally:
        again.stop()


def _ppid(stat: Path) -> int:
    try:
        return int(stat.read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return -1
