"""Scale-out: evkg on the Oxigraph server and on Virtuoso, side by side with the embedded store (issue 16).

    python scripts/bench_servers.py --sizes 10k,100k,1M --runs 5 --write docs/benchmarks.md

For each size a synthetic data folder is generated (benchmarks.synth, seed 1), then, in one run:

embedded   parse + index into a persisted pyoxigraph store (``evkg.load(data, store)``);
oxigraph   a fresh ``oxigraph serve`` (PyPI ``oxigraph``) on a loopback port, published with
           ``evkg load``'s own code (:func:`evkg.publish.servers.publish`: Graph Store Protocol,
           then the checks of counts and literals);
virtuoso   a fresh Virtuoso 7 set up from docs/deploy.md's ``virtuoso.ini`` (its page cache sized by
           ``--virtuoso-gb``), published with Virtuoso's bulk loader (``--bulk-dir``: N-Quads file,
           ``ld_dir`` + ``rdf_loader_run``, the union graph, the checks); at sizes up to ``--gsp-max``
           also through the Graph Store Protocol, into a second fresh database.

Then every query helper (queries/**/*.rq, with its header's example parameters) runs on the three
engines, interleaved helper by helper: one warm-up, then ``--runs`` timed runs each (fewer when a
run takes longer than ``--slow`` seconds); the medians are reported, and the rows are compared as
multisets (as the tests do) so a table also says whether the three engines agree at that size.
Peak memory of each server is its ``VmHWM`` (from /proc). The servers are stopped at the end.

Results go to ``--out``/servers.json; with ``--write`` the "## Servers" section of the Markdown file
is replaced (or appended) and the rest of the file is kept. ``--from-json`` re-renders without measuring.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
HEADING = "## Servers"
DOC = ROOT / "docs" / "deploy.md"


# === servers ==========================================================================================
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(url: str, proc: subprocess.Popen[bytes], timeout: float = 120) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server stopped (exit code {proc.returncode}) before answering {url}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, params={"query": "ASK {}"}, timeout=2).status_code == 200:
                return
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def peak_rss_mb(pid: int) -> float | None:
    """The process's peak resident memory (VmHWM), in MB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def folder_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1024 / 1024


@contextlib.contextmanager
def oxigraph_server(folder: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    exe = Path(sys.executable).parent / "oxigraph"
    port = free_port()
    proc = subprocess.Popen(
        [str(exe if exe.is_file() else "oxigraph"), "serve", "--location", str(folder), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/query"
    try:
        _wait(url, proc)
        yield url, proc
    finally:
        _stop(proc)


def virtuoso_ini(folder: Path, http_port: int, sql_port: int, gigabytes: float, max_rows: int) -> str:
    """docs/deploy.md's virtuoso.ini for ``folder``, its page cache sized for ``gigabytes`` of RAM."""
    text = DOC.read_text(encoding="utf-8")
    m = re.search(r"```ini\n; file: /srv/evkg/virtuoso.ini\n(.*?)```", text, re.DOTALL)
    if m is None:
        raise RuntimeError(f"{DOC}: no virtuoso.ini block")
    ini = m.group(1).replace("/srv/evkg", str(folder))
    ini = re.sub(r"(?<![0-9])8890(?![0-9])", str(http_port), ini)
    ini = re.sub(r"(?<![0-9])1111(?![0-9])", str(sql_port), ini)
    buffers = max(20000, int(85000 * gigabytes))  # Virtuoso's guidance: ~85 000 8 kB pages per GB
    ini = re.sub(r"NumberOfBuffers\s*=\s*\d+", f"NumberOfBuffers      = {buffers}", ini)
    ini = re.sub(r"MaxDirtyBuffers\s*=\s*\d+", f"MaxDirtyBuffers      = {buffers * 3 // 4}", ini)
    ini = re.sub(r"ResultSetMaxRows\s*=\s*\d+", f"ResultSetMaxRows           = {max_rows}", ini)
    return ini


@contextlib.contextmanager
def virtuoso_server(
    folder: Path, gigabytes: float, max_rows: int
) -> Iterator[tuple[str, subprocess.Popen[bytes], str, str]]:
    """A fresh Virtuoso in ``folder``: (query URL, process, dba password, its Server header)."""
    import httpx

    http_port, sql_port = free_port(), free_port()
    (folder / "db").mkdir(parents=True, exist_ok=True)
    (folder / "load").mkdir(parents=True, exist_ok=True)
    ini = folder / "virtuoso.ini"
    ini.write_text(virtuoso_ini(folder, http_port, sql_port, gigabytes, max_rows), encoding="utf-8")
    proc = subprocess.Popen(
        ["virtuoso-t", "+foreground", "+configfile", str(ini)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{http_port}/sparql"
    try:
        _wait(url, proc)
        password = secrets.token_urlsafe(16)
        done = subprocess.run(
            ["isql-vt", f"127.0.0.1:{sql_port}", "dba", "dba", f"exec=USER_SET_PASSWORD('dba', '{password}')"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        if "Done." not in done.stdout:
            raise RuntimeError(f"cannot set Virtuoso's dba password: {done.stderr.strip()[-300:]}")
        server = httpx.get(url, params={"query": "ASK {}"}).headers.get("server", "Virtuoso")
        yield url, proc, password, server
    finally:
        _stop(proc)


# === measuring ========================================================================================
def _time_publish(kg: Any, url: str, **kw: Any) -> dict[str, Any]:
    from evkg.publish.servers import publish

    started = time.perf_counter()
    done = publish(kg, url, timeout=3600, **kw)
    return {
        "seconds": time.perf_counter() - started,
        "steps": {k: round(v, 3) for k, v in done.seconds.items()},
        "statements": done.statements,
        "triples": done.union,
        "literals": done.literals,
        "method": done.method,
    }


def _helpers(engines: dict[str, Any], runs: int, slow: float, log: Any) -> dict[str, dict[str, Any]]:
    """p50 of every helper on every engine (interleaved), and whether their rows agree."""
    from evkg.query.helpers import discover

    first = next(iter(engines.values()))
    out: dict[str, dict[str, Any]] = {}
    for spec in discover(first.data.root):
        params = spec.example_bindings()
        times: dict[str, list[float]] = {name: [] for name in engines}
        answers: dict[str, Any] = {}
        errors: dict[str, str] = {}
        for round_ in range(runs + 1):  # round 0 is the warm-up (and gives the rows)
            for name, kg in engines.items():
                if name in errors or (round_ > 1 and times[name] and times[name][-1] > slow):
                    continue
                started = time.perf_counter()
                try:
                    result = kg.queries[spec.name](**params)
                except Exception as exc:  # a server's refusal is a result of the benchmark
                    errors[name] = " ".join(str(exc).split())[:160]
                    continue
                elapsed = time.perf_counter() - started
                if round_ == 0:
                    answers[name] = Counter(result.canonical()) if result.boolean is None else result.boolean
                    if elapsed > slow:
                        times[name].append(elapsed)  # one slow run is all it gets
                else:
                    times[name].append(elapsed)
        reference = answers.get("embedded")
        entry: dict[str, Any] = {
            "ms": {n: (statistics.median(t) * 1000 if t else None) for n, t in times.items()},
            "runs": {n: len(t) for n, t in times.items()},
            "rows": sum(reference.values()) if isinstance(reference, Counter) else reference,
            "same": {n: answers.get(n) == reference for n in engines if n != "embedded" and n in answers},
            "errors": errors,
        }
        out[spec.name] = entry
        log(
            f"    {spec.name}: "
            + ", ".join(f"{n} {v:.1f} ms" if v is not None else f"{n} –" for n, v in entry["ms"].items())
            + ("" if all(entry["same"].values()) else f"  ROWS DIFFER {entry['same']}")
            + (f"  errors {errors}" if errors else "")
        )
    return out


def measure_size(n: int, out: Path, args: argparse.Namespace, log: Any) -> dict[str, Any]:
    import evkg
    from benchmarks.synth import generate
    from evkg.publish.servers import Credentials

    work = out / f"size-{n}"
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    data = work / "data"
    synth = generate(data, n, seed=1)
    log(f"  {synth.triples:,} triples in {len(synth.files)} files")
    entry: dict[str, Any] = {"triples_generated": synth.triples, "files": len(synth.files), "load": {}}

    started = time.perf_counter()
    kg = evkg.load(data, work / "store")
    entry["load"]["embedded"] = {"seconds": time.perf_counter() - started, "disk_mb": folder_mb(work / "store")}
    log(f"  embedded: load + index {entry['load']['embedded']['seconds']:.1f} s")

    with contextlib.ExitStack() as stack:
        ox_url, ox_proc = stack.enter_context(oxigraph_server(work / "oxigraph"))
        entry["load"]["oxigraph"] = _time_publish(kg, ox_url, flavour="oxigraph")
        log(f"  oxigraph server: evkg load (GSP) {entry['load']['oxigraph']['seconds']:.1f} s")

        vt_url, vt_proc, password, server = stack.enter_context(
            virtuoso_server(work / "virtuoso", args.virtuoso_gb, args.max_rows)
        )
        entry["virtuoso_version"] = server
        credentials = Credentials("dba", password)
        entry["load"]["virtuoso"] = _time_publish(
            kg, vt_url, flavour="virtuoso", credentials=credentials, bulk_dir=work / "virtuoso" / "load"
        )
        log(f"  virtuoso: evkg load --bulk-dir {entry['load']['virtuoso']['seconds']:.1f} s")
        if n <= args.gsp_max:
            with virtuoso_server(work / "virtuoso-gsp", args.virtuoso_gb, args.max_rows) as (url2, proc2, pw2, _):
                entry["load"]["virtuoso-gsp"] = _time_publish(
                    kg, url2, flavour="virtuoso", credentials=Credentials("dba", pw2)
                )
                entry["load"]["virtuoso-gsp"]["peak_rss_mb"] = peak_rss_mb(proc2.pid)
            log(f"  virtuoso: evkg load (GSP) {entry['load']['virtuoso-gsp']['seconds']:.1f} s")

        engines = {
            "embedded": kg,
            "oxigraph": evkg.connect(ox_url, timeout=args.slow * 4, data_dir=data, flavour="oxigraph"),
            "virtuoso": evkg.connect(vt_url, timeout=args.slow * 4, data_dir=data, flavour="virtuoso"),
        }
        entry["helpers"] = _helpers(engines, args.runs, args.slow, log)
        entry["load"]["oxigraph"]["peak_rss_mb"] = peak_rss_mb(ox_proc.pid)
        entry["load"]["virtuoso"]["peak_rss_mb"] = peak_rss_mb(vt_proc.pid)
        entry["load"]["oxigraph"]["disk_mb"] = folder_mb(work / "oxigraph")
        entry["load"]["virtuoso"]["disk_mb"] = folder_mb(work / "virtuoso" / "db")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return entry


def environment(command: str) -> dict[str, Any]:
    from importlib.metadata import PackageNotFoundError, version

    def ver(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "?"

    cpu, mem_gb = "unknown", 0.0
    with contextlib.suppress(OSError, StopIteration):
        cpu = next(x for x in Path("/proc/cpuinfo").read_text().splitlines() if x.startswith("model name"))
        cpu = cpu.split(":", 1)[1].strip()
        mem = next(x for x in Path("/proc/meminfo").read_text().splitlines() if x.startswith("MemTotal"))
        mem_gb = int(mem.split()[1]) / 1024 / 1024
    return {
        "command": command,
        "date": time.strftime("%Y-%m-%d"),
        "machine": f"{os.cpu_count()} cores ({cpu}), {mem_gb:.0f} GB RAM, {platform.system()} {platform.release()}",
        "versions": {p: ver(p) for p in ("evkg", "pyoxigraph", "oxigraph")},
    }


# === rendering ========================================================================================
def parse_size(text: str) -> int:
    t = text.strip().lower()
    factor = {"k": 1_000, "m": 1_000_000}.get(t[-1:], 1)
    return int(float(t[:-1] if factor > 1 else t) * factor)


def size_name(n: int) -> str:
    return f"{n // 1_000_000} M" if n >= 1_000_000 and n % 1_000_000 == 0 else f"{n // 1000} k"


def _s(value: float | None) -> str:
    if value is None:
        return "–"
    if value < 1:
        return f"{value * 1000:.0f} ms"
    return f"{value:.1f} s" if value < 100 else f"{value:.0f} s"


def _ms(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.1f} ms" if value < 100 else f"{value:,.0f} ms"


def _mb(value: float | None) -> str:
    return "–" if value is None else f"{value:,.0f} MB"


ENGINES = (("embedded", "embedded store"), ("oxigraph", "Oxigraph server"), ("virtuoso", "Virtuoso"))


LABELS = dict(ENGINES)


def _ratio(values: list[float]) -> str:
    return f"{statistics.median(values):.1f}×" if values else "–"


def same_rows(helper: dict[str, Any]) -> str:
    """The "same rows" cell: ``yes`` only when every engine answered with the embedded store's rows."""
    failed = [k for k, _ in ENGINES if k in helper["errors"]]
    differ = [k for k, ok in helper["same"].items() if not ok]
    if "embedded" in failed:
        return "no: the embedded store failed"
    parts = ([f"failed on {', '.join(LABELS[k] for k in failed)}"] if failed else []) + (
        [f"differ on {', '.join(LABELS[k] for k in differ)}"] if differ else []
    )
    return "no: " + "; ".join(parts) if parts else "yes"


def agreement(helpers: dict[str, dict[str, Any]]) -> str:
    """The sentence that says whether every engine gave the embedded store's rows, and which did not."""
    failures = sorted(
        f"`{name}` on {LABELS.get(engine, engine)} ({message})"
        for name, h in helpers.items()
        for engine, message in h["errors"].items()
    )
    differ = sorted(
        f"`{name}` on {LABELS.get(engine, engine)}"
        for name, h in helpers.items()
        for engine, ok in h["same"].items()
        if not ok
    )
    if not failures and not differ:
        return "Every helper gives the embedded store's rows on both servers."
    said = []
    if failures:
        said.append(f"{len(failures)} failed: {', '.join(failures)}.")
    if differ:
        said.append(f"Rows that differ from the embedded store: {', '.join(differ)}.")
    answered = sum(1 for h in helpers.values() if same_rows(h) == "yes")
    said.append(f"{answered} of {len(helpers)} helpers give the embedded store's rows on both servers.")
    return " ".join(said)


def render(results: dict[str, Any]) -> str:
    env = results["env"]
    sizes = list(results["sizes"])
    vt = next((e.get("virtuoso_version") for e in results["sizes"].values() if e.get("virtuoso_version")), "Virtuoso")
    v = env["versions"]
    lines = [
        HEADING,
        "",
        f"From one run of `{env['command']}` on {env['date']}: {env['machine']}; evkg {v['evkg']}, pyoxigraph "
        f"{v['pyoxigraph']}, Oxigraph server {v['oxigraph']}, {vt}. Synthetic data (`benchmarks.synth`, seed 1). "
        "Each engine holds the same named graphs; the servers run on loopback and are asked over HTTP with "
        "`evkg.connect` (the Virtuoso flavour's rewrites included, decision 0017). Helpers: median of "
        f"{results['runs']} timed runs after one warm-up (one run when it took over {results['slow']:g} s)."
        + (f" {results['note']}" if results.get("note") else ""),
        "",
        "### Publishing",
        "",
        "| | " + " | ".join(size_name(int(s)) for s in sizes) + " |",
        "|---|" + "---:|" * len(sizes),
    ]

    def row(label: str, cell: Any) -> None:
        lines.append(f"| {label} | " + " | ".join(cell(results["sizes"][s]) for s in sizes) + " |")

    row("statements (triples in the default graph)", lambda e: (
        f"{e['load']['virtuoso']['statements']:,} ({e['load']['virtuoso']['triples']:,})"))  # fmt: skip
    row("embedded: parse + index (persisted store)", lambda e: _s(e["load"]["embedded"]["seconds"]))
    row("Oxigraph server: `evkg load` (GSP + checks)", lambda e: _s(e["load"]["oxigraph"]["seconds"]))
    row("Virtuoso: `evkg load --bulk-dir` (bulk loader + union graph + checks)",
        lambda e: _s(e["load"]["virtuoso"]["seconds"]))  # fmt: skip
    row("… of which bulk load / union graph / checks", lambda e: " / ".join(
        _s(e["load"]["virtuoso"]["steps"].get(k)) for k in ("upload", "union", "verify")))  # fmt: skip
    row("Virtuoso: `evkg load` (GSP + union graph + checks)",
        lambda e: _s(e["load"].get("virtuoso-gsp", {}).get("seconds")))  # fmt: skip
    row("disk: embedded / Oxigraph server / Virtuoso", lambda e: " / ".join(
        _mb(e["load"][k].get("disk_mb")) for k in ("embedded", "oxigraph", "virtuoso")))  # fmt: skip
    row("peak memory of the server: Oxigraph / Virtuoso", lambda e: " / ".join(
        _mb(e["load"][k].get("peak_rss_mb")) for k in ("oxigraph", "virtuoso")))  # fmt: skip
    lines.append("")

    for s in sizes:
        entry = results["sizes"][s]
        helpers = entry["helpers"]
        lines += [
            f"### Query helpers at {size_name(int(s))}",
            "",
            "| helper | rows | " + " | ".join(label for _, label in ENGINES) + " | same rows |",
            "|---|---:|" + "---:|" * len(ENGINES) + "---|",
        ]
        for name, h in sorted(helpers.items()):
            cells = [_ms(h["ms"].get(k)) if k not in h["errors"] else "error" for k, _ in ENGINES]
            lines.append(f"| `{name}` | {h['rows']} | " + " | ".join(cells) + f" | {same_rows(h)} |")
        ratios = {
            k: [
                h["ms"][k] / h["ms"]["embedded"] for h in helpers.values() if h["ms"].get(k) and h["ms"].get("embedded")
            ]  # fmt: skip
            for k in ("oxigraph", "virtuoso")
        }
        lines.append("")
        lines.append(
            f"Median time of a helper relative to the embedded store: Oxigraph server "
            f"{_ratio(ratios['oxigraph'])}, Virtuoso {_ratio(ratios['virtuoso'])} "
            "(each request also pays HTTP and JSON; helpers that failed are left out). " + agreement(helpers)
        )
        lines[-1] = lines[-1].rstrip()
        lines.append("")
    return "\n".join(lines)


def write_section(path: Path, section: str) -> None:
    """Replace the ``## Servers`` section of ``path`` (up to the next ``## `` heading), or append it."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    lines = text.split("\n")
    start = next((i for i, line in enumerate(lines) if line.strip() == HEADING), None)
    if start is None:
        new = text.rstrip("\n") + "\n\n" + section
    else:
        end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
        tail = "\n".join(lines[end:])
        new = "\n".join(lines[:start]) + "\n" + section + ("\n" + tail if tail else "")
    tmp = path.with_suffix(".md.tmp")
    tmp.write_text(new, encoding="utf-8")
    os.replace(tmp, path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10k,100k,1M", help="comma-separated sizes (default 10k,100k,1M)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per helper and engine (default 5)")
    parser.add_argument("--slow", type=float, default=10, help="a helper run slower than this (s) is run once")
    parser.add_argument("--virtuoso-gb", type=float, default=1.0, help="RAM for Virtuoso's page cache (default 1)")
    parser.add_argument("--max-rows", type=int, default=1_000_000, help="Virtuoso's ResultSetMaxRows")
    parser.add_argument("--gsp-max", default="100k", help="also load Virtuoso by GSP up to this size (default 100k)")
    parser.add_argument("--out", type=Path, default=Path("/tmp/evkg-bench-servers"), help="work folder")
    parser.add_argument("--keep", action="store_true", help="keep the data, stores and databases")
    parser.add_argument("--write", type=Path, help="Markdown file whose '## Servers' section is replaced")
    parser.add_argument("--from-json", type=Path, help="render this servers.json instead of measuring")
    parser.add_argument("--note", help="a sentence added to the section (e.g. how quiet the machine was)")
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    args = parser.parse_args(argv)
    args.gsp_max = parse_size(args.gsp_max)
    sys.path.insert(0, str(ROOT))  # benchmarks/ is outside the wheel

    def log(msg: str) -> None:
        if not args.quiet:
            print(msg, file=sys.stderr, flush=True)

    if args.from_json:
        results = json.loads(args.from_json.read_text(encoding="utf-8"))
    else:
        for tool in ("virtuoso-t", "isql-vt"):
            if shutil.which(tool) is None:
                parser.error(f"{tool} is not installed (Debian: apt-get install virtuoso-opensource-7-bin)")
        given = list(argv if argv is not None else sys.argv[1:])
        if "--note" in given:  # the note is shown as a sentence, not in the command
            at = given.index("--note")
            del given[at : at + 2]
        command = "python scripts/bench_servers.py " + " ".join(a for a in given if a != "--quiet")
        results = {"env": environment(command), "runs": args.runs, "slow": args.slow, "sizes": {}}
        args.out.mkdir(parents=True, exist_ok=True)
        for n in (parse_size(s) for s in args.sizes.split(",")):
            log(f"{size_name(n)}:")
            results["sizes"][str(n)] = measure_size(n, args.out, args, log)
            (args.out / "servers.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    if args.note:
        results["note"] = args.note
    section = render(results)
    if args.write:
        write_section(args.write, section)
        log(f"wrote the '{HEADING}' section of {args.write}")
    else:
        print(section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
