"""The OWL 2 RL test cases (tests/w3c/owl2rl) through both reasoning engines: pass counts per kind of case.

    python scripts/owl2rl_suite.py            # the table docs/validation.md quotes
    python scripts/owl2rl_suite.py --cases    # and one line per case where the engines differ or fail

Each case's premise is loaded into a pyoxigraph store, as ``evkg reason`` loads a data folder, and
closed by ``evkg.quality.owl2rl.closure(store, engine=..., axiomatic=True)`` with the fast engine and
with owlrl (through evkg's filter); a case is judged as tests/owl2rl_suite.py says (an inconsistency
case must be reported inconsistent; an entailment case's conclusion must be in premise + closure, and
its premise must not be reported inconsistent). tests/test_w3c_owl2rl.py checks the same verdicts
case by case, through the command line too; this script only counts.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from owl2rl_suite import Case, cases, missing  # noqa: E402

from evkg.quality import owl2rl  # noqa: E402
from evkg.rdf.parse import SourceFile, load_file  # noqa: E402


def judge(case: Case, engine: str) -> tuple[bool, str, float]:
    """(passed, why not, seconds) of one engine on one case."""
    store = ox.Store()
    # loaded as evkg loads a data folder: the literals the store rewrites are recorded (kg.literals)
    literals = load_file(store, SourceFile(case.premise, case.premise.name, "urn:evkg:test:premise", "graph"))
    started = time.perf_counter()
    try:
        result = owl2rl.closure(store, engine=engine, axiomatic=True, literals=literals)
    except Exception as exc:  # noqa: BLE001 - a crash is a failed case here
        return False, f"crashed: {type(exc).__name__}: {exc}", time.perf_counter() - started
    seconds = time.perf_counter() - started
    if case.kind == "inconsistency":
        return bool(result.inconsistencies), "" if result.inconsistencies else "no inconsistency", seconds
    if result.inconsistencies:
        return False, f"reported inconsistent: {result.inconsistencies[0].rule}", seconds
    absent = missing(case.conclusion, owl2rl.asserted_triples(store, literals) | result.triples)
    return not absent, f"{len(absent)} conclusion triple(s) not entailed" if absent else "", seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", action="store_true", help="one line per case that an engine fails")
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)
    counts: dict[tuple[str, str], int] = {}
    seconds = {"fast": 0.0, "owlrl": 0.0}
    totals: dict[str, int] = {}
    lines = []
    for case in cases():
        totals[case.kind] = totals.get(case.kind, 0) + 1
        verdicts = {}
        for engine in ("fast", "owlrl"):
            passed, why, took = judge(case, engine)
            verdicts[engine] = (passed, why)
            seconds[engine] += took
            counts[(engine, case.kind)] = counts.get((engine, case.kind), 0) + passed
        if args.cases and not all(passed for passed, _ in verdicts.values()):
            shown = "  ".join(f"{e}: {'pass' if p else 'FAIL ' + w}" for e, (p, w) in verdicts.items())
            lines.append(f"{case.id}  {shown}")
    print("| cases | fast | owlrl |")
    print("|---|---|---|")
    for kind in ("entailment", "inconsistency"):
        print(f"| {kind} ({totals[kind]}) | {counts[('fast', kind)]} | {counts[('owlrl', kind)]} |")
    both = sum(totals.values())
    fast, ref = (sum(counts[(e, k)] for k in totals) for e in ("fast", "owlrl"))
    print(f"| all ({both}) | {fast} | {ref} |")
    print(f"\nclosure time over all cases: fast {seconds['fast']:.1f} s, owlrl {seconds['owlrl']:.1f} s")
    for line in lines:
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
