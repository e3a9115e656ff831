"""Validation and reasoning times: evkg's paths side by side with the reference stack (issue 4).

    python scripts/bench_validation.py --data /tmp/evkg-100k --runs 3 --limit 600
    python scripts/synth.py /tmp/evkg-100k --triples 100k   # the seeded synthetic graph

Every measurement runs in a fresh subprocess of this script (``--worker OP``), which loads the data
folder (not timed), runs one operation and prints one JSON line; a run that takes longer than
``--limit`` seconds is killed and reported as "> N s" (and not repeated). Operations, in the order
they run (engines of one question interleaved, medians of ``--runs``):

reasoning   ``fast`` (OWL 2 RL rules as SPARQL on pyoxigraph) vs ``owlrl`` (OWLRL_Semantics), both
            through evkg.quality.owl2rl.closure (same filter); RDFS as pySHACL needs it:
            evkg.quality.owl2rl.rdfs_closure
            vs owlrl + pyshacl.inference.CustomRDFSSemantics vs owlrl's stock RDFS_Semantics
            (quadratic in the number of literals)
SHACL       the compiled engine (evkg.quality.shacl.run_engine: the default of evkg validate, RDFS inline) vs
            evkg.quality.shacl_reference.run_shacl (pySHACL on evkg's rdflib graph: own RDFS closure,
            SHACL's SPARQL on a pyoxigraph copy) vs pySHACL 0.40 on its own OxigraphDataGraph (the same
            triples in a pyoxigraph store) vs the plain call
            pyshacl.validate(data, ont_graph=ontology, inference="rdfs", advanced=True); and, when
            installed (it is not a dependency), pyshacl-turbo (a Rust engine with pySHACL's API) on a
            pyoxigraph store, without inference (the data, ontology and evkg's RDFS closure given) and
            with its own RDFS inference
end to end  evkg.quality.pipeline.validate (load, SHACL, QC queries), and with --reason (fast closure added)

The result is a Markdown table on standard output (and the raw numbers with ``--json FILE``).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

OPS = {
    "reason-fast": "OWL 2 RL closure, fast engine",
    "reason-owlrl": "OWL 2 RL closure, owlrl (reference)",
    "rdfs-evkg": "RDFS closure, evkg.quality.owl2rl.rdfs_closure",
    "rdfs-pyshacl": "RDFS closure, owlrl + pySHACL's CustomRDFSSemantics",
    "rdfs-owlrl-stock": "RDFS closure, owlrl stock RDFS_Semantics",
    "shacl-fast": "SHACL, compiled engine (evkg.quality.shacl.run_engine, default)",
    "shacl-evkg": "SHACL, evkg.quality.shacl_reference.run_shacl",
    "shacl-pyshacl-ox": "SHACL, pySHACL on its OxigraphDataGraph (closure given)",
    "shacl-turbo-none": "SHACL, pyshacl-turbo on a pyoxigraph store (closure given)",
    "shacl-turbo-rdfs": 'SHACL, pyshacl-turbo, inference="rdfs"',
    "shacl-pyshacl": 'SHACL, plain pyshacl.validate(inference="rdfs")',
    "validate": "evkg validate in process (load, SHACL, QC)",
    "validate-reason": "evkg validate --reason in process (load, fast closure, SHACL, QC)",
}


#: Measured once for decision 0018, named with --ops to run again: pySHACL on its OxigraphDataGraph took
#: more than 200 s at 10 k; pyshacl-turbo is not a dependency (skipped when not installed).
OPT_IN = ("shacl-pyshacl-ox", "shacl-turbo-none", "shacl-turbo-rdfs")


# --- worker: one operation in this process ------------------------------------------------------------------
def _inputs(data: Path) -> tuple[Any, Any, Any, Any]:
    import evkg
    from evkg.data import layout
    from evkg.quality.inputs import ontology_graph, shapes_graph, union_graph

    kg = evkg.load(data)
    union = union_graph(kg.store, kg.prefixes)
    return kg, union, shapes_graph(layout.resolve(data)), ontology_graph(layout.resolve(data))


def worker(op: str, data: Path) -> dict[str, Any]:
    from rdflib import Literal
    from rdflib.namespace import SH

    from evkg.quality import owl2rl
    from evkg.quality import pipeline as validation
    from evkg.quality.shacl_reference import run_shacl

    if op in ("validate", "validate-reason"):
        started = time.perf_counter()
        report = validation.validate(data, reasoner="fast" if op == "validate-reason" else None)
        return {
            "seconds": time.perf_counter() - started,
            "steps": report.seconds,
            "triples": report.triples,
            "violations": len(report.violations),
            "warnings": len(report.warnings),
        }
    kg, union, shapes, ontology = _inputs(data)
    out: dict[str, Any] = {"triples": len(union)}
    started = time.perf_counter()
    if op.startswith("reason-"):
        closure = owl2rl.closure(kg.store, kg.prefixes, engine=op.split("-", 1)[1])
        out["inferred"] = len(closure.triples)
        out["inconsistencies"] = len(closure.inconsistencies)
    elif op.startswith("rdfs-"):
        triples = set(union) | set(ontology)
        if op == "rdfs-evkg":
            out["inferred"] = len(owl2rl.rdfs_closure(triples))
        else:
            import owlrl
            from pyshacl.inference import CustomRDFSSemantics
            from rdflib import Graph

            graph = Graph()
            for triple in triples:
                graph.add(triple)
            started = time.perf_counter()  # the copy into a graph is not the closure's cost
            semantics = CustomRDFSSemantics if op == "rdfs-pyshacl" else owlrl.RDFS_Semantics
            owlrl.DeductiveClosure(semantics).expand(graph)
            out["inferred"] = len(graph) - len(triples)
    elif op == "shacl-fast":
        from evkg.quality.context import Context
        from evkg.quality.shacl import run_engine

        ctx = Context(kg)
        ctx.shapes, ctx.ontology, ctx.schema  # noqa: B018 (read before the clock: the other ops get them made)
        started = time.perf_counter()
        report = run_engine(ctx).report
        out["results"] = sum(1 for _ in report.objects(None, SH.result))
    elif op == "shacl-evkg":
        conforms, report = run_shacl(union, shapes, ontology)
        out["results"] = sum(1 for _ in report.objects(None, SH.result))
    elif op in ("shacl-pyshacl-ox", "shacl-turbo-none", "shacl-turbo-rdfs"):
        import pyoxigraph as ox

        from evkg.rdf.terms import to_oxigraph

        store = ox.Store()
        triples = set(union) | set(ontology)
        if op != "shacl-turbo-rdfs":  # the same entailments evkg's path validates (not timed)
            triples |= set(owl2rl.rdfs_closure(triples))
        store.bulk_extend(
            ox.Quad(*(to_oxigraph(t) for t in triple))  # type: ignore[misc]
            for triple in triples
            if not isinstance(triple[0], Literal)
        )
        started = time.perf_counter()
        if op == "shacl-pyshacl-ox":
            import pyshacl
            from pyshacl.graph_abstraction import DataGraph

            _, report, _ = pyshacl.validate(
                DataGraph(store), shacl_graph=shapes, inference="none", inplace=True, advanced=True,
                allow_warnings=True,
            )  # fmt: skip
        else:
            try:
                import pyshacl_turbo  # type: ignore[import-not-found]
            except ImportError:
                return {"skipped": "pyshacl-turbo is not installed", "seconds": 0.0}
            _, report, _ = pyshacl_turbo.validate(
                store, shacl_graph=shapes, inference="rdfs" if op == "shacl-turbo-rdfs" else "none",
                advanced=True, allow_warnings=True,
            )  # fmt: skip
        out["results"] = sum(1 for _ in report.objects(None, SH.result))
    elif op == "shacl-pyshacl":
        import pyshacl

        conforms, report, _ = pyshacl.validate(
            union, shacl_graph=shapes, ont_graph=ontology, inference="rdfs", advanced=True, allow_warnings=True
        )
        out["results"] = sum(1 for _ in report.objects(None, SH.result))
    else:
        raise SystemExit(f"unknown operation {op!r}")
    out["seconds"] = time.perf_counter() - started
    return out


# --- driver -------------------------------------------------------------------------------------------------
def measure(op: str, data: Path, limit: float) -> dict[str, Any]:
    """Run ``op`` in a fresh subprocess; ``{"timeout": limit}`` if it takes longer than ``limit`` seconds."""
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", op, "--data", str(data)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=limit, check=False)
    except subprocess.TimeoutExpired:
        return {"timeout": limit}
    if done.returncode != 0:
        raise SystemExit(f"{op} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _seconds(runs: list[dict[str, Any]]) -> str:
    if any("timeout" in r for r in runs):
        return f"> {runs[-1]['timeout']:.0f} s"
    value = statistics.median(r["seconds"] for r in runs)
    return f"{value:.2f} s" if value < 10 else f"{value:.0f} s"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, required=True, help="data folder (e.g. from scripts/synth.py)")
    parser.add_argument("--runs", type=int, default=3, help="runs per operation (median reported)")
    parser.add_argument("--limit", type=float, default=600, help="seconds before a run is killed")
    parser.add_argument(
        "--ops",
        default=",".join(op for op in OPS if op not in OPT_IN),
        help="comma-separated subset of: " + ", ".join(OPS) + f" (not run unless named: {', '.join(OPT_IN)})",
    )
    parser.add_argument("--json", type=Path, help="also write the raw results here")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args.worker, args.data)))
        return 0
    ops = [op for op in args.ops.split(",") if op]
    results: dict[str, list[dict[str, Any]]] = {op: [] for op in ops}
    for _ in range(args.runs):
        for op in ops:
            if results[op] and "timeout" in results[op][-1]:
                continue  # a run that hit the limit is not repeated
            results[op].append(measure(op, args.data, args.limit))
            print(f"{op}: {results[op][-1]}", file=sys.stderr)
    load = os.getloadavg()
    print(f"Data: {args.data} ({results[ops[0]][0].get('triples', '?')} triples); load average {load[0]:.1f}")
    print()
    print("| operation | time | result |")
    print("|---|---:|---|")
    for op in ops:
        last = results[op][-1]
        facts = ", ".join(f"{k} {v}" for k, v in last.items() if k not in ("seconds", "timeout", "steps", "triples"))
        print(f"| {OPS[op]} | {_seconds(results[op])} | {facts} |")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
