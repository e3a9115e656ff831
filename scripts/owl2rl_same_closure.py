"""Is the fast OWL 2 RL closure the same before and after a change to the engine?

    python scripts/owl2rl_same_closure.py bundled /tmp/evkg-10k /tmp/evkg-100k --write /tmp/before.json
    (change the engine, or check out another revision)
    python scripts/owl2rl_same_closure.py bundled /tmp/evkg-10k /tmp/evkg-100k --compare /tmp/before.json

For each data folder (``bundled``: the embedded default), loads it, computes the fast closure and prints
its size, the SHA-256 of its canonical N-Triples (what ``evkg reason -f ntriples`` writes: sorted, blank
nodes labelled by RDF canonicalization), of its inconsistencies, the axiomatic triples dropped, the
rounds and the CPU seconds of the closure. ``--write`` keeps them in a JSON file, ``--compare`` checks
them against one (exit status 1 on any difference but rounds and time). ``--plain`` evaluates every
rule whole in every round (no semi-naive rounds). tests/test_owl2rl_rounds.py holds the semi-naive
rounds to the plain fixpoint in CI; this script compares two revisions of the engine.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path


def fingerprint(data: str, *, plain: bool = False) -> dict[str, object]:
    """The closure of data folder ``data`` (``bundled``: the embedded default), summarised."""
    import evkg
    from evkg.quality import owl2rl

    kg = evkg.load(None if data == "bundled" else data)
    started = time.process_time()
    options = {"semi_naive": False} if plain else {}  # (a revision before semi-naive rounds has no such option)
    result = owl2rl.fast_closure_store(kg.store, literals=kg.literals, **options)
    cpu = time.process_time() - started
    text = owl2rl.serialize(result, "ntriples")
    problems = "\n".join(f"{i.rule} {i.message}" for i in result.inconsistencies)
    return {
        "triples": result.count(),
        "closure": hashlib.sha256(text).hexdigest(),
        "inconsistencies": hashlib.sha256(problems.encode()).hexdigest(),
        "dropped": result.dropped,
        "rounds": result.rounds,
        "cpu": round(cpu, 2),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data", nargs="+", help="data folders, or 'bundled' for the embedded default")
    parser.add_argument("--write", type=Path, metavar="FILE", help="keep the fingerprints in FILE (JSON)")
    parser.add_argument("--compare", type=Path, metavar="FILE", help="compare with the fingerprints in FILE")
    parser.add_argument("--plain", action="store_true", help="every rule whole in every round (no semi-naive)")
    args = parser.parse_args(argv)
    before = json.loads(args.compare.read_text(encoding="utf-8")) if args.compare else {}
    found: dict[str, dict[str, object]] = {}
    status = 0
    for data in args.data:
        found[data] = now = fingerprint(data, plain=args.plain)
        line = f"{data}: {now['triples']} triples, closure {str(now['closure'])[:16]}, rounds {now['rounds']}"
        print(f"{line}, cpu {now['cpu']} s, dropped {now['dropped']}")
        if data in before:
            changed = [k for k in ("triples", "closure", "inconsistencies", "dropped") if before[data][k] != now[k]]
            if changed:
                print(f"  DIFFERENT from {args.compare}: {', '.join(changed)}")
                status = 1
            else:
                print(f"  same closure as {args.compare} (cpu there {before[data]['cpu']} s)")
    if args.write:
        args.write.write_text(json.dumps(found, indent=2) + "\n", encoding="utf-8")
    return status


if __name__ == "__main__":
    sys.exit(main())
