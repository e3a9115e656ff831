"""Write docs/queries.md (the query cookbook) from the #+ headers of queries/**/*.rq.

    python scripts/generate_query_docs.py [--data DIR] [--check]

With --check, write nothing and exit 1 if the committed file is stale.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from evkg.atomic import write_bytes
from evkg.data.layout import resolve
from evkg.docs.query_cookbook import cookbook
from evkg.errors import EvkgError
from evkg.query.helpers import discover


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=None, help="data folder (default: this checkout)")
    parser.add_argument("--check", action="store_true", help="only check that docs/queries.md is up to date")
    args = parser.parse_args(argv)
    try:
        data = resolve(args.data)
        text = cookbook(discover(data.root))
        target = data.root / "docs" / "queries.md"
        if args.check:
            current = target.read_text(encoding="utf-8") if target.is_file() else ""
            if current != text:
                print(f"{target}: stale, run python scripts/generate_query_docs.py", file=sys.stderr)
                return 1
            return 0
        write_bytes(target, text.encode("utf-8"))
    except EvkgError as exc:
        print(f"generate_query_docs: {exc}", file=sys.stderr)
        return getattr(exc, "exit_code", 1)
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
