"""Scale benchmark: evkg's path against the plain stack at 10 k / 100 k / 1 M triples (issue 8).

    python scripts/bench.py --sizes 10k,100k,1M --runs 3 --limit 120 --write docs/benchmarks.md

For each size a synthetic data folder is generated (benchmarks.synth, seed 1), then every operation runs in
a fresh subprocess of this script (``--worker``), so that its peak memory (``ru_maxrss``) is its own;
engines are interleaved (evkg, then the plain stack, then evkg again …) and each operation is repeated
``--runs`` times (medians are reported). An operation that exceeds ``--limit`` seconds is stopped and
reported as "> N s" (and not repeated). Operations:

evkg   load+index (parse into a persisted pyoxigraph store), reopen, reason (fast OWL 2 RL engine),
       SHACL validation (evkg.quality.shacl_compiled: the shapes compiled to SPARQL on the store, RDFS inference
       asked inline, one thread per core; same results as pySHACL), QC queries, incremental
       re-validation after editing one source file, export to each format, every query helper
       (p50 of the helper against the same query on native pyoxigraph).
plain  rdflib parse, owlrl OWL 2 RL closure, pyshacl (inference="rdfs"), rdflib SPARQL for every
       helper's query, rdflib serialisation to each format.

Results go to ``--out``/results.json; with ``--write`` the "## Scale" section of the Markdown file is
replaced (or appended), the rest of the file is kept. ``--from-json`` re-renders without measuring.

The cost curve (issue 18): each operation also reports its process's CPU time (user + system) beside its
wall time and peak memory; the section ends with the curve (``benchmarks.curve``: a table of time and memory
per operation and size, the growth exponent between consecutive sizes, the operations that grow faster than
linearly) and writes ``scale-curve.svg`` (log-log, time and memory) beside the ``--write`` file (``--svg`` to
put it elsewhere). The plain stack runs up to ``--plain-max`` (1M): above, it only reaches its limits. A
larger size is measured later and added to an earlier run's results with ``--add-to``::

    python scripts/bench.py --sizes 10k,100k,1M --runs 3 --limit 90 --evkg-limit 900 --long 20 \
        --out /tmp/evkg-bench --write docs/benchmarks.md
    cp /tmp/evkg-bench/results.json /tmp/evkg-bench-1m.json
    python scripts/bench.py --sizes 10M --runs 1 --evkg-limit 3600 --out /tmp/evkg-bench-10m \
        --add-to /tmp/evkg-bench-1m.json --write docs/benchmarks.md
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve()
sys.path.insert(0, str(HERE.parents[1]))  # benchmarks/ (synthetic data, the cost curve) is outside the wheel
from benchmarks.curve import curve_lines, curve_svg  # noqa: E402

HEADING = "## Scale"
EXPORT_FORMATS = ("turtle", "json-ld", "nt", "trig", "nquads", "xml")
EDITED_FILE = "graph/synth/society-00001.ttl"


# === workers (run in a fresh subprocess each) ==========================================================
class Timeout(Exception):
    pass


def _alarm(seconds: float) -> None:
    def handler(signum: int, frame: Any) -> None:
        raise Timeout()

    signal.signal(signal.SIGALRM, handler)
    signal.setitimer(signal.ITIMER_REAL, seconds)


def _disarm() -> None:
    signal.setitimer(signal.ITIMER_REAL, 0)


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _example_params(spec: Any) -> dict[str, Any]:
    return {p.name: p.example for p in spec.params if p.example is not None}


def _rdflib_dataset(data: Path) -> Any:
    from rdflib import Dataset, URIRef

    from evkg.data.layout import resolve
    from evkg.data.prefixes import registry
    from evkg.rdf.parse import source_files

    d = resolve(data)
    ds = registry(data).bind(Dataset(default_union=True))
    for f in source_files(d, registry(data)):
        ds.graph(URIRef(f.graph)).parse(f.path, format="turtle", publicID=f.graph)
    return ds


def _union_graph(ds: Any) -> Any:
    from rdflib import Graph

    g = Graph()
    for s, p, o, _ in ds.quads((None, None, None, None)):
        g.add((s, p, o))
    return g


def worker(op: str, data: Path, store: Path, limit: float) -> dict[str, Any]:
    """One measurement; returns {"seconds": ..., "maxrss_mb": ..., ...}."""
    import evkg

    out: dict[str, Any] = {}
    if op == "evkg-load":
        shutil.rmtree(store, ignore_errors=True)
        started = time.perf_counter()
        kg = evkg.load(data, store)
        out["seconds"] = time.perf_counter() - started
        out["quads"] = len(kg.store)
    elif op == "evkg-reopen":
        started = time.perf_counter()
        kg = evkg.load(data, store)
        out["seconds"] = time.perf_counter() - started
        assert kg.store_path is not None
    elif op == "evkg-reason":
        from evkg.quality import owl2rl

        kg = evkg.load(data, store)
        started = time.perf_counter()
        result = owl2rl.closure(kg.store, kg.prefixes, engine="fast")
        out["seconds"] = time.perf_counter() - started
        out["inferred"] = len(result.triples)
    elif op == "evkg-shacl":
        from evkg.quality.incremental import validate_store

        kg = evkg.load(data, store)
        started = time.perf_counter()
        report = validate_store(kg)  # also caches the report next to the store (for evkg-incremental)
        out["seconds"] = time.perf_counter() - started
        out["violations"] = len(report.violations)
    elif op == "evkg-qc":
        from evkg.quality import qc

        kg = evkg.load(data, store)
        started = time.perf_counter()
        rows = qc.run(kg)
        out["seconds"] = time.perf_counter() - started
        out["rows"] = len(rows)
    elif op == "evkg-build":
        from evkg.quality.pipeline import check

        target = store.with_name(store.name + "-build")  # its own store: the others keep theirs
        shutil.rmtree(target, ignore_errors=True)
        started = time.perf_counter()
        kg = evkg.load(data, target)
        out["load"] = time.perf_counter() - started
        result = check(kg)
        out["seconds"] = time.perf_counter() - started
        out.update({k: v for k, v in result.seconds.items() if k != "total"})
        out["violations"] = len(result.report.violations)
        shutil.rmtree(target, ignore_errors=True)
    elif op == "evkg-incremental":
        from evkg.quality.incremental import load_cache, revalidate

        if load_cache(store) is None:  # the store was rebuilt since evkg-shacl ran: validate it (untimed)
            from evkg.quality.incremental import validate_store

            validate_store(evkg.load(data, store))
        path = data / EDITED_FILE
        original = path.read_text(encoding="utf-8")
        try:
            # the edit: a curator writes an office's date as a month (a violation) in one source file
            edited = original.replace('evkg:asOf "2025-08-28"^^xsd:date', 'evkg:asOf "2025-08"^^xsd:date', 1)
            path.write_text(edited, encoding="utf-8")
            started = time.perf_counter()
            report = revalidate(data, store, [path])
            out["seconds"] = time.perf_counter() - started
            out["violations"] = len(report.violations)
            out["mode"] = report.seconds.get("mode", "")
            out["focus"] = report.seconds.get("focus", 0)
        finally:
            path.write_text(original, encoding="utf-8")
            revalidate(data, store, [path])  # back in step with the files (not timed)
    elif op.startswith("evkg-export-"):
        kg = evkg.load(data, store)
        started = time.perf_counter()
        body = kg.export(op.removeprefix("evkg-export-"))
        out["seconds"] = time.perf_counter() - started
        out["bytes"] = len(body)
    elif op == "evkg-helpers":
        out["helpers"] = _helpers_evkg(data, store, limit)
        out["seconds"] = sum(h["helper_ms"] for h in out["helpers"].values()) / 1000
    elif op == "plain-parse":
        started = time.perf_counter()
        ds = _rdflib_dataset(data)
        out["seconds"] = time.perf_counter() - started
        out["quads"] = len(ds)
    elif op == "plain-owlrl":
        import owlrl

        graph = _union_graph(_rdflib_dataset(data))
        _alarm(limit)
        started = time.perf_counter()
        owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
        out["seconds"] = time.perf_counter() - started
        _disarm()
    elif op == "plain-pyshacl":
        import pyshacl
        from rdflib import Graph

        graph = _union_graph(_rdflib_dataset(data))
        shapes, onto = Graph(), Graph()
        for p in sorted((data / "ontology" / "shapes").glob("*.ttl")):
            shapes.parse(p)
        onto.parse(data / "ontology" / "evkg.ttl")
        _alarm(limit)
        started = time.perf_counter()
        pyshacl.validate(
            graph, shacl_graph=shapes, ont_graph=onto, inference="rdfs", advanced=True, allow_warnings=True
        )
        out["seconds"] = time.perf_counter() - started
    elif op == "plain-sparql":
        out["helpers"] = _helpers_rdflib(data, limit / 6)  # per query: a sixth of the operation's limit
        out["seconds"] = sum(h["rdflib_ms"] or 0 for h in out["helpers"].values()) / 1000
    elif op == "plain-export":
        ds = _rdflib_dataset(data)
        graph = _union_graph(ds)
        out["formats"] = {}
        for fmt in EXPORT_FORMATS:
            name = {"nt": "nt", "nquads": "nquads", "xml": "xml", "json-ld": "json-ld", "trig": "trig"}.get(fmt, fmt)
            target = ds if fmt in ("trig", "nquads") else graph
            _alarm(limit / 4)  # per format: a quarter of the operation's limit
            started = time.perf_counter()
            try:
                target.serialize(format=name)
                out["formats"][fmt] = time.perf_counter() - started
            except Timeout:
                out["formats"][fmt] = None
            finally:
                _disarm()
        out["seconds"] = sum(v or limit / 4 for v in out["formats"].values())
    else:
        raise SystemExit(f"unknown operation {op}")
    out["maxrss_mb"] = _maxrss_mb()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    out["cpu_s"] = usage.ru_utime + usage.ru_stime  # the whole process: robust to a loaded machine, unlike wall time
    return out


def _helpers_evkg(data: Path, store: Path, limit: float) -> dict[str, dict[str, Any]]:
    """p50 of each helper and of the same query on native pyoxigraph, alternating, in one process."""
    import pyoxigraph as ox

    import evkg
    from evkg.rdf.parse import holds_union
    from evkg.rdf.terms import to_oxigraph

    kg = evkg.load(data, store)
    prefixes = kg.prefixes.as_dict()
    # the same dataset the helper queries: evkg's store keeps the union (a set) in its default graph;
    # use_default_graph_as_union would add every named graph's statements to it again (slower, bag)
    as_union = not holds_union(kg.store)
    out: dict[str, dict[str, Any]] = {}
    for spec in kg.queries.specs():
        params = _example_params(spec)
        helper = kg.queries[spec.name]
        subs = {ox.Variable(k): to_oxigraph(v) for k, v in spec.bind(params, kg.prefixes).items()}

        def native(spec: Any = spec, subs: Any = subs) -> int:
            res = kg.store.query(
                spec.text, use_default_graph_as_union=as_union, substitutions=subs or None, prefixes=prefixes
            )
            if isinstance(res, ox.QueryBoolean):
                return int(bool(res))
            return len([tuple(s) for s in res])  # materialise every row

        helper_t: list[float] = []
        native_t: list[float] = []
        rows = 0
        budget = time.perf_counter() + limit
        for i in range(7):
            started = time.perf_counter()
            result = helper(**params)
            helper_t.append(time.perf_counter() - started)
            started = time.perf_counter()
            rows = native()
            native_t.append(time.perf_counter() - started)
            if (i == 0 and helper_t[0] > 30) or (i >= 2 and (time.perf_counter() > budget or sum(helper_t) > 5)):
                break  # slow queries: fewer runs (the table gives the runs)
        if len(helper_t) > 3:  # first round is the warm-up
            helper_t, native_t = helper_t[1:], native_t[1:]
        out[spec.name] = {
            "helper_ms": statistics.median(helper_t) * 1000,
            "native_ms": statistics.median(native_t) * 1000,
            "rows": rows if result.boolean is None else int(result.boolean),
            "runs": len(helper_t),
        }
    return out


def _helpers_rdflib(data: Path, limit: float) -> dict[str, dict[str, Any]]:
    """Each helper's query on rdflib's SPARQL engine (prepared once, parameters as initBindings)."""
    from rdflib.plugins.sparql import prepareQuery

    from evkg.data.prefixes import registry
    from evkg.query.helpers import discover

    prefixes = registry(data)
    ds = _rdflib_dataset(data)
    out: dict[str, dict[str, Any]] = {}
    for spec in sorted(discover(data), key=lambda s: s.name):
        bindings = spec.bind(_example_params(spec), prefixes)
        prepared = prepareQuery(spec.text, initNs=prefixes.as_dict())
        times: list[float] = []
        timed_out = False
        for _ in range(3):
            _alarm(limit)
            started = time.perf_counter()
            try:
                result = ds.query(prepared, initBindings=bindings)
                _ = list(result) if result.type == "SELECT" else bool(result)
                times.append(time.perf_counter() - started)
            except Timeout:
                timed_out = True
                break
            finally:
                _disarm()
            if times[-1] > limit / 6:  # long queries: one run is all the budget allows
                break
        out[spec.name] = {
            "rdflib_ms": statistics.median(times) * 1000 if times else None,
            "runs": len(times),
            "timed_out": timed_out,
        }
    return out


# === the driver ==================================================================================================
def parse_size(text: str) -> int:
    t = text.strip().lower()
    factor = {"k": 1_000, "m": 1_000_000}.get(t[-1:], 1)
    return int(float(t[:-1] if factor > 1 else t) * factor)


def size_name(n: int) -> str:
    return f"{n // 1_000_000} M" if n >= 1_000_000 and n % 1_000_000 == 0 else f"{n // 1000} k"


def run_worker(op: str, data: Path, store: Path, limit: float, log: Any) -> dict[str, Any]:
    """Run one measurement in a fresh subprocess; the whole process is killed after ``limit`` s."""
    cmd = [sys.executable, str(HERE), "--worker", op, "--data", str(data), "--store", str(store), "--limit", str(limit)]
    started = time.perf_counter()
    try:
        # the whole process: its own limits inside, plus parsing (rdflib: ~90 s at 1 M) and start-up
        outer = {"plain-sparql": 8 * limit, "plain-export": 2 * limit}.get(op, limit) + 300
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=outer)
    except subprocess.TimeoutExpired:
        return {"timeout": True, "seconds": None}
    if proc.returncode != 0 or not proc.stdout.strip():
        if proc.returncode in (-signal.SIGALRM, 142) or "Timeout" in proc.stderr:
            return {"timeout": True, "seconds": None}
        log(f"    {op} failed ({proc.returncode}): {proc.stderr.strip().splitlines()[-1:] or ''}")
        return {"error": (proc.stderr.strip().splitlines() or ["?"])[-1], "seconds": None}
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["wall"] = time.perf_counter() - started
    return result


def measure(
    sizes: list[int],
    runs: int,
    limit: float,
    evkg_limit: float,
    long: float,
    out: Path,
    log: Any,
    only: set[str] | None = None,
    plain_max: int = 1_000_000,
) -> dict[str, Any]:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # benchmarks/ is outside the wheel
    from benchmarks.synth import generate

    results: dict[str, Any] = {"sizes": {}}
    for n in sizes:
        name = size_name(n)
        data, store = out / f"data-{n}", out / f"store-{n}"
        started = time.perf_counter()
        synth = generate(data, n, seed=1)
        log(
            f"{name}: generated {synth.triples:,} triples in {len(synth.files)} files "
            f"({time.perf_counter() - started:.1f} s)"
        )
        disk = sum(p.stat().st_size for p in synth.files)
        entry: dict[str, Any] = {"triples": synth.triples, "files": len(synth.files), "bytes": disk, "ops": {}}
        results["sizes"][name] = entry
        # interleaved: evkg, plain, evkg, plain ...; the store must exist before the evkg read operations
        evkg_ops = [
            "evkg-build",
            "evkg-load",
            "evkg-reopen",
            "evkg-reason",
            "evkg-shacl",
            "evkg-qc",
            "evkg-incremental",
            *[f"evkg-export-{f}" for f in EXPORT_FORMATS],
            "evkg-helpers",
        ]
        plain_ops = ["plain-parse", "plain-owlrl", "plain-pyshacl", "plain-sparql", "plain-export"]
        order: list[str] = []
        for i in range(max(len(evkg_ops), len(plain_ops))):
            order += evkg_ops[i : i + 1] + plain_ops[i : i + 1]
        if only:
            order = [op for op in order if op in only]
        if n > plain_max:  # the plain stack only hits its limits there: no figure, hours of waiting
            order = [op for op in order if not op.startswith("plain-")]
            entry["plain_skipped"] = True
        gave_up: set[str] = set()
        for r in range(runs):
            for op in order:
                if op in gave_up:
                    continue
                op_limit = evkg_limit if op.startswith("evkg-") else limit
                res = run_worker(op, data, store, op_limit, log)
                entry["ops"].setdefault(op, []).append(res)
                shown = (
                    "> limit"
                    if res.get("timeout")
                    else (f"{res['seconds']:.3f} s" if res.get("seconds") is not None else "error")
                )
                log(f"  {name} run {r + 1} {op:22s} {shown:>12s}  {res.get('maxrss_mb', 0):7.0f} MB")
                if res.get("timeout") or res.get("error") or (res.get("wall") or 0) > long:
                    gave_up.add(op)  # stopped, failed, or too long to repeat within the hour
                if op in ("evkg-helpers", "plain-sparql", "plain-export"):
                    gave_up.add(op)  # one process runs every query or format several times: once is enough
                if op == "plain-sparql" and any(h.get("timed_out") for h in res.get("helpers", {}).values()):
                    gave_up.add(op)  # some queries hit the limit: once is enough
                if op == "plain-export" and any(v is None for v in res.get("formats", {}).values()):
                    gave_up.add(op)
        (out / "results.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    return results


def environment(command: str) -> dict[str, Any]:
    from importlib.metadata import version

    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem = next(x for x in Path("/proc/meminfo").read_text().splitlines() if x.startswith("MemTotal"))
        mem_gb = int(mem.split()[1]) / 1024 / 1024
    except (OSError, StopIteration):
        mem_gb = 0
    return {
        "command": command,
        "date": time.strftime("%Y-%m-%d"),
        "machine": f"{os.cpu_count()} cores ({cpu}), {mem_gb:.0f} GB RAM, {platform.system()} {platform.release()}",
        "versions": {
            "python": platform.python_version(),
            **{p: version(p) for p in ("evkg", "rdflib", "pyoxigraph", "owlrl", "pyshacl")},
        },
    }


# === rendering ===================================================================================================
def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def _op(entry: dict[str, Any], op: str, key: str = "seconds") -> tuple[float | None, bool, int]:
    """(median, timed out, runs) of an operation's measurements."""
    runs = entry["ops"].get(op, [])
    values = [r[key] for r in runs if r.get(key) is not None]
    return _median(values), any(r.get("timeout") for r in runs), len(values)


def _fmt_s(value: float | None, timeout: bool = False, limit: float = 0) -> str:
    if timeout:
        return f"> {limit:.0f} s"
    if value is None:
        return "–"
    if value < 1:
        return f"{value * 1000:.0f} ms" if value >= 0.01 else f"{value * 1000:.1f} ms"
    return f"{value:.1f} s" if value < 100 else f"{value:.0f} s"


def _fmt_mb(value: float | None) -> str:
    return "–" if value is None else f"{value:,.0f} MB"


def render(results: dict[str, Any], env: dict[str, Any], limit: float, svg_name: str | None = None) -> str:
    sizes = list(results["sizes"])
    lines = [HEADING, ""]
    v = env["versions"]
    size_text = "; ".join(
        f"{name}: {e['triples']:,} triples in {e['files']} files ({e['bytes'] / 1e6:.1f} MB of Turtle)"
        for name, e in results["sizes"].items()
    )
    elimit = results.get("evkg_limit", limit)
    runs = results.get("runs", 3)
    long = results.get("long", 20)
    lines += [
        f"Measured in one run of `{env['command']}` "
        f"on {env['date']}: {env['machine']}; Python {v['python']}, evkg {v['evkg']}, rdflib {v['rdflib']}, "
        f"pyoxigraph {v['pyoxigraph']}, owlrl {v['owlrl']}, pyshacl {v['pyshacl']}. Data: `benchmarks.synth` (seed 1), "
        f"{size_text}. Each operation runs in a fresh subprocess (engines interleaved: evkg, plain, evkg, …) "
        f"and its peak memory is that process's `ru_maxrss`. Figures are medians of {runs} runs; an operation "
        f"slower than {long:.0f} s ran once, and so did the two that repeat inside one process (every helper: "
        "up to 6 timed calls after a warm-up, fewer for slow ones; every format). The plain stack is stopped "
        f"at {limit:.0f} s per operation, {limit / 6:.0f} s per rdflib query and {limit / 4:.0f} s per rdflib "
        f'serialisation ("> N s"); evkg at {elimit:.0f} s. Single figures on this machine vary by about ±30 % '
        "from run to run (a figure measured once is one sample)."
        + (
            f" The sizes {', '.join(results['earlier_sizes'])} come from an earlier run, "
            f"`{results['earlier_command']}` on {results['earlier_date']}, added to with `--add-to`."
            if results.get("earlier_command")
            else ""
        )
        + (
            f" The plain stack was not run at {', '.join(skipped)} (it only reaches its time limits there)."
            if (skipped := [s for s, e in results["sizes"].items() if e.get("plain_skipped")])
            else ""
        )
        + (
            f" The rdflib SPARQL and serialisation figures at the largest size come from `{results['extra_command']}`"
            " (in the main run the limit on their whole process, parsing included, was too short), run while the "
            "main run measured evkg's exports and helpers."
            if results.get("extra_command")
            else ""
        ),
        "",
        "*evkg* is what evkg does: the full build `evkg check --store` (`evkg.quality.pipeline.check`), a persisted "
        "pyoxigraph store built by bulk insertion (`evkg.load(data, store_dir)`), its reopening, the fast OWL 2 RL "
        "engine (`evkg.quality.owl2rl.closure`), SHACL compiled to SPARQL on the store "
        "(`evkg.quality.incremental.validate_store`, `evkg.quality.shacl_compiled`), the QC queries "
        "(`evkg.quality.qc`), incremental re-validation after an edit of one source file (`evkg.quality.incremental."
        "revalidate`), `KnowledgeGraph.export` per format and the query helpers. *plain* is rdflib (parse "
        'into a Dataset, serialise), owlrl (`OWLRL_Semantics`), pySHACL (`inference="rdfs"`) and rdflib\'s '
        "SPARQL engine on the same queries; *native* is the helper's query run on pyoxigraph directly "
        "(same text, parameters as substitutions, every row materialised).",
        "",
    ]
    head = "| operation | " + " | ".join(f"evkg {s} | plain {s}" for s in sizes) + " |"
    lines += [head, "|---|" + "---:|---:|" * len(sizes)]
    rows = [
        ("parse / load + index", "evkg-load", "plain-parse"),
        ("reason (OWL 2 RL)", "evkg-reason", "plain-owlrl"),
        ("SHACL validation (RDFS inference)", "evkg-shacl", "plain-pyshacl"),
        ("QC queries", "evkg-qc", None),
        ("reopen a built store", "evkg-reopen", None),
        ("re-validate after editing one source", "evkg-incremental", None),
    ]
    for label, e_op, p_op in rows:
        cells = []
        for s in sizes:
            entry = results["sizes"][s]
            m, t, _ = _op(entry, e_op)
            cells.append(_fmt_s(m, t, elimit))
            if p_op:
                m, t, _ = _op(entry, p_op)
                cells.append(_fmt_s(m, t, limit))
            else:
                cells.append("")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    # full build: evkg's in one process (evkg check), the steps one at a time; the plain stack's steps
    summed, built = [], []
    for s in sizes:
        entry = results["sizes"][s]
        parts = [_op(entry, o) for o in ("evkg-load", "evkg-reason", "evkg-shacl", "evkg-qc")]
        total = None if any(p[0] is None for p in parts) else sum(p[0] for p in parts)  # type: ignore[misc]
        summed += ["> " + _fmt_s(limit) if any(p[1] for p in parts) else _fmt_s(total), ""]
        plain = [_op(entry, o) for o in ("plain-parse", "plain-owlrl", "plain-pyshacl")]
        ptotal = sum(p[0] or 0 for p in plain) + sum(limit for p in plain if p[1])
        built += [
            _fmt_s(*_op(entry, "evkg-build")[:2], elimit),
            ("> " if any(p[1] for p in plain) else "") + _fmt_s(ptotal),
        ]
    lines.append(
        "| **full build** (evkg: `evkg check --store`, load + index then reason, SHACL and QC side by side; "
        "plain: parse + owlrl + pySHACL) | " + " | ".join(built) + " |"
    )
    lines.append("| evkg's four steps one at a time, each in its own process | " + " | ".join(summed) + " |")
    for fmt in EXPORT_FORMATS:
        cells = []
        for s in sizes:
            entry = results["sizes"][s]
            m, t, _ = _op(entry, f"evkg-export-{fmt}")
            cells.append(_fmt_s(m, t, elimit))
            plain = [r.get("formats", {}).get(fmt, "x") for r in entry["ops"].get("plain-export", [])]
            timed = any(x is None for x in plain)
            vals = [x for x in plain if isinstance(x, float)]
            cells.append(_fmt_s(_median(vals), timed, limit / 4))
        lines.append(f"| export {fmt} | " + " | ".join(cells) + " |")
    cells = []
    for s in sizes:
        entry = results["sizes"][s]
        e_peak = max(
            (r.get("maxrss_mb", 0) for op, rs in entry["ops"].items() if op.startswith("evkg-") for r in rs),
            default=None,
        )
        p_peak = max(
            (r.get("maxrss_mb", 0) for op, rs in entry["ops"].items() if op.startswith("plain-") for r in rs),
            default=None,
        )
        cells += [_fmt_mb(e_peak), _fmt_mb(p_peak)]
    lines.append("| peak memory (largest of the operations) | " + " | ".join(cells) + " |")
    lines.append("")
    for s in sizes:
        runs = results["sizes"][s]["ops"].get("plain-export", [])
        if runs and all(r.get("timeout") for r in runs):
            lines += [
                f"Plain exports at {s}: the process (rdflib parse, union graph, six serialisations of at most "
                f"{limit / 4:.0f} s each) did not finish within its limit of {2 * limit + 300:.0f} s; "
                "`../shared/reference/perf-anchors.md` has rdflib writing Turtle in 83 s and JSON-LD in 27 s "
                "(CPU) at 1 M.",
                "",
            ]
    # helpers
    lines += [
        "Query helpers (p50 in ms with the header's example parameters; *ratio* = helper / native "
        "pyoxigraph; *speed-up* = rdflib / helper):",
        "",
    ]
    head = "| helper | " + " | ".join(f"helper {s} | native {s} | ratio | rdflib {s} | speed-up" for s in sizes) + " |"
    lines += [head, "|---|" + "---:|---:|---:|---:|---:|" * len(sizes)]
    names = sorted(
        {h for e in results["sizes"].values() for r in e["ops"].get("evkg-helpers", []) for h in r.get("helpers", {})}
    )
    summary: dict[str, dict[str, Any]] = {}
    for h in names:
        cells = []
        for s in sizes:
            entry = results["sizes"][s]
            hrows = [r.get("helpers", {}).get(h, {}) for r in entry["ops"].get("evkg-helpers", [])]
            hm = _median([x["helper_ms"] for x in hrows if "helper_ms" in x])
            nm = _median([x["native_ms"] for x in hrows if "native_ms" in x])
            rrows = [r.get("helpers", {}).get(h, {}) for r in entry["ops"].get("plain-sparql", [])]
            rm = _median([x["rdflib_ms"] for x in rrows if x.get("rdflib_ms") is not None])
            rt = any(x.get("timed_out") for x in rrows)
            ratio = hm / nm if hm and nm else None
            speed = (rm / hm) if rm and hm else ((limit / 6 * 1000 / hm) if rt and hm else None)
            sm = summary.setdefault(s, {"ratios": [], "speedups": [], "speedup_lower": []})
            if ratio:
                sm["ratios"].append((ratio, h))
            if speed:
                sm["speedups"].append((speed, h))
                if rt:
                    sm["speedup_lower"].append(h)
            cells += [
                "–" if hm is None else f"{hm:.1f}",
                "–" if nm is None else f"{nm:.1f}",
                "–" if ratio is None else f"{ratio:.2f}",
                f"> {limit / 6 * 1000:.0f}" if rt else ("–" if rm is None else f"{rm:.1f}"),
                "–" if speed is None else (f"> {speed:.0f}×" if rt else f"{speed:.0f}×"),
            ]
        lines.append(f"| `{h}` | " + " | ".join(cells) + " |")
    lines.append("")
    lines += closing_note(results, summary, limit)
    lines.append("")
    lines += curve_lines(results, svg_name)
    return "\n".join(lines).rstrip("\n") + "\n"


def _helper_medians(entry: dict[str, Any], key: str, op: str = "evkg-helpers") -> dict[str, float]:
    """Median of ``key`` per helper over the runs of ``op``."""
    values: dict[str, list[float]] = {}
    for run in entry["ops"].get(op, []):
        for name, h in run.get("helpers", {}).items():
            if h.get(key) is not None:
                values.setdefault(name, []).append(h[key])
    return {name: statistics.median(v) for name, v in values.items()}


def closing_note(results: dict[str, Any], summary: dict[str, Any], limit: float) -> list[str]:
    """The ratios against the targets of issue 8, for the largest size measured."""
    big = list(results["sizes"])[-1]
    entry = results["sizes"][big]
    millions = entry["triples"] / 1e6
    parts = {
        o: _op(entry, o)
        for o in ("evkg-load", "evkg-reason", "evkg-shacl", "evkg-qc", "evkg-reopen", "evkg-incremental")
    }
    steps = ("evkg-load", "evkg-reason", "evkg-shacl", "evkg-qc")
    summed = None if any(parts[k][0] is None for k in steps) else sum(parts[k][0] for k in steps)  # type: ignore[misc]
    build_runs = [r for r in entry["ops"].get("evkg-build", []) if r.get("seconds") is not None]
    build = _median([r["seconds"] for r in build_runs]) if build_runs else summed
    inside = {k: _median([r[k] for r in build_runs if k in r]) for k in ("load", "reason", "shacl", "qc")}
    peak = max(
        (r.get("maxrss_mb", 0) for op, rs in entry["ops"].items() if op.startswith("evkg-") for r in rs), default=0
    )
    sm = summary.get(big, {"ratios": [], "speedups": [], "speedup_lower": []})
    worst_ratio = max(sm["ratios"], default=(None, ""))
    worst_speed = min(sm["speedups"], default=(None, ""))
    within_ratio = sum(1 for r, _ in sm["ratios"] if r <= 1.2)
    within_speed = sum(1 for s, _ in sm["speedups"] if s >= 50)

    def verdict(ok: bool | None) -> str:
        return "met" if ok else ("not met" if ok is not None else "not measured")

    lines = [f"Against the targets of issue 8 at {big} ({entry['triples']:,} triples):", ""]
    lines.append(
        f"- full build ≤ 60 s: `evkg check --store` {_fmt_s(build) if build is not None else '> ' + _fmt_s(limit)} "
        f"(load + index {_fmt_s(inside['load'])}, then side by side reason {_fmt_s(inside['reason'])}, SHACL "
        f"{_fmt_s(inside['shacl'])}, QC {_fmt_s(inside['qc'])}; the four steps one at a time in their own "
        f"processes: {_fmt_s(summed)}): {verdict(build <= 60 if build is not None else False)}."
    )
    ro = parts["evkg-reopen"][0]
    lines.append(f"- reopen ≤ 1 s: {_fmt_s(ro)}: {verdict(ro is not None and ro <= 1 if ro is not None else None)}.")
    lines.append(
        f"- helper p50 ≤ 1.2× native pyoxigraph: {within_ratio} of {len(sm['ratios'])} helpers within; worst "
        f"`{worst_ratio[1]}` at {worst_ratio[0] or 0:.2f}×: "
        f"{verdict(worst_ratio[0] is not None and worst_ratio[0] <= 1.2)}."
    )
    lines.append(
        f"- helper ≥ 50× faster than rdflib: {within_speed} of {len(sm['speedups'])} helpers; slowest speed-up "
        f"`{worst_speed[1]}` at {worst_speed[0] or 0:.0f}×: "
        f"{verdict(worst_speed[0] is not None and worst_speed[0] >= 50)}."
    )
    inc = parts["evkg-incremental"]
    lines.append(
        f"- re-validation after editing one source ≤ 2 s: {_fmt_s(inc[0], inc[1], limit)}: "
        f"{verdict(inc[0] is not None and inc[0] <= 2 if not inc[1] else False)}."
    )
    lines.append(
        f"- peak memory ≤ 0.5 GB per million triples: {peak / 1024:.2f} GB for {millions:.1f} M "
        f"({peak / 1024 / millions:.2f} GB per million): {verdict(peak / 1024 / millions <= 0.5)}."
    )
    per_op = sorted(
        ((max(r.get("maxrss_mb", 0) for r in rs), op) for op, rs in entry["ops"].items() if op.startswith("evkg-")),
        reverse=True,
    )
    lines += [
        "",
        "The figures behind the targets not met (causes and what was done: docs/decisions/0013-scale-and-speed.md):",
        "",
    ]
    slow_ratio = sorted((h for h in sm["ratios"] if h[0] > 1.2), reverse=True)
    lines.append(
        "- full build: the steps at this size, slowest first: "
        + ", ".join(
            f"{name} {_fmt_s(parts[op][0], parts[op][1], limit)}"
            for op, name in sorted(
                (("evkg-load", "load + index"), ("evkg-reason", "reason"), ("evkg-shacl", "SHACL"), ("evkg-qc", "QC")),
                key=lambda x: -(parts[x[0]][0] or 0),
            )
        )
        + "."
    )
    if slow_ratio:
        native = _helper_medians(entry, "native_ms")
        lines.append(
            "- helpers above 1.2× native: "
            + ", ".join(f"`{h}` {r:.2f}× (native {native.get(h, 0):.1f} ms)" for r, h in slow_ratio)
            + "."
        )
    rdflib = _helper_medians(entry, "rdflib_ms", op="plain-sparql")
    below = sorted((s_, h) for s_, h in sm["speedups"] if s_ < 50)
    if below:
        lines.append(
            f"- helpers less than 50× faster than rdflib ({len(below)}), with rdflib's own time: "
            + ", ".join(
                f"`{h}` {s_:.0f}×{' (lower bound)' if h in sm['speedup_lower'] else ''} (rdflib "
                + (f"{rdflib[h]:.1f} ms)" if h in rdflib else f"> {limit / 6:.0f} s)")
                for s_, h in below
            )
            + "."
        )
    lines.append("- peak memory by operation: " + ", ".join(f"`{op}` {mb:,.0f} MB" for mb, op in per_op) + ".")
    lines.append("")
    return lines


def write_section(path: Path, section: str) -> None:
    """Replace the ``## Scale`` section of ``path`` (up to the next ``## `` heading), or append it."""
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
    parser.add_argument("--runs", type=int, default=3, help="runs per operation (default 3)")
    parser.add_argument("--limit", type=float, default=120, help="time limit per plain-stack operation (s)")
    parser.add_argument("--evkg-limit", type=float, default=900, help="time limit per evkg operation (s)")
    parser.add_argument("--long", type=float, default=30, help="operations slower than this (s) run once")
    parser.add_argument("--out", type=Path, default=Path("/tmp/evkg-bench"), help="work folder (data, stores)")
    parser.add_argument("--write", type=Path, help="Markdown file whose '## Scale' section is replaced")
    parser.add_argument("--from-json", type=Path, help="render this results.json instead of measuring")
    parser.add_argument("--ops", help="only these operations (comma-separated, e.g. evkg-load,plain-parse)")
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    parser.add_argument(
        "--plain-max",
        default="1M",
        help="largest size at which the plain stack runs (default 1M; it only times out above)",
    )
    parser.add_argument(
        "--add-to",
        type=Path,
        help="results.json of an earlier run: its sizes are kept and the sizes measured now are added (e.g. 10M later)",
    )
    parser.add_argument(
        "--svg",
        type=Path,
        help="where to write the cost curve (default: scale-curve.svg beside the --write file)",
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--store", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args.worker, args.data, args.store, args.limit)))
        return 0

    def log(msg: str) -> None:
        if not args.quiet:
            print(msg, file=sys.stderr, flush=True)

    command = "python scripts/bench.py " + " ".join(
        a for a in (argv if argv is not None else sys.argv[1:]) if a != "--quiet"
    )
    if args.from_json:
        stored = json.loads(args.from_json.read_text(encoding="utf-8"))
        results, env = stored, stored.get("env") or environment(command)
    else:
        args.out.mkdir(parents=True, exist_ok=True)
        env = environment(command)
        results = measure(
            [parse_size(s) for s in args.sizes.split(",")],
            args.runs,
            args.limit,
            args.evkg_limit,
            args.long,
            args.out,
            log,
            set(args.ops.split(",")) if args.ops else None,
            parse_size(args.plain_max),
        )
        if args.add_to:
            earlier = json.loads(args.add_to.read_text(encoding="utf-8"))
            sizes = {**earlier["sizes"], **results["sizes"]}
            results["sizes"] = dict(sorted(sizes.items(), key=lambda kv: kv[1]["triples"]))
            results["earlier_command"] = earlier.get("env", {}).get("command", "?")
            results["earlier_date"] = earlier.get("env", {}).get("date", "?")
            results["earlier_sizes"] = list(earlier["sizes"])
            for key in ("limit", "evkg_limit", "runs", "long", "extra_command"):
                if key in earlier:
                    results[key] = earlier[key]
        results["env"] = env
        for key, value in (
            ("limit", args.limit),
            ("evkg_limit", args.evkg_limit),
            ("runs", args.runs),
            ("long", args.long),
        ):
            results.setdefault(key, value)
        (args.out / "results.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    svg = args.svg or (args.write.parent / "scale-curve.svg" if args.write else None)
    svg_name = None
    if svg is not None:
        svg.write_text(curve_svg(results), encoding="utf-8")
        svg_name = os.path.relpath(svg, args.write.parent) if args.write else str(svg)
        log(f"wrote the cost curve to {svg}")
    section = render(results, env, results.get("limit", args.limit), svg_name)
    if args.write:
        write_section(args.write, section)
        log(f"wrote the '{HEADING}' section of {args.write}")
    else:
        print(section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
