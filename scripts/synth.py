"""Write a seeded synthetic evkg data folder of a given size (see benchmarks.synth).

    python scripts/synth.py OUT --triples 100000 [--seed 1]
    python scripts/synth.py /tmp/evkg-10k --triples 10k && evkg validate --data /tmp/evkg-10k

Sizes may be written 10k, 100k, 1M. The folder gets ontology/ and queries/ copied from the bundled
data (or --source) and graph/synth/*.ttl generated; the same seed and size give the same files.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository: benchmarks/ is outside the wheel

from benchmarks.synth import generate  # noqa: E402


def size(text: str) -> int:
    """``10k`` -> 10000, ``1M`` -> 1000000, ``2500`` -> 2500."""
    t = text.strip().lower().replace("_", "")
    factor = {"k": 1_000, "m": 1_000_000}.get(t[-1:], 1)
    try:
        return int(float(t[:-1] if factor > 1 else t) * factor)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (e.g. 10k, 100k, 1M)") from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", help="folder to write (its ontology/, queries/ and graph/synth/ are replaced)")
    parser.add_argument("--triples", "-n", type=size, default=size("10k"), help="at least this many triples")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--source", default=None, help="data folder to copy ontology/ and queries/ from")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    result = generate(args.out, args.triples, args.seed, source=args.source)
    print(
        f"synth: {result.triples:,} triples in {len(result.files)} files under {result.root}/graph/ "
        f"(seed {result.seed}, {time.perf_counter() - started:.1f} s)",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
