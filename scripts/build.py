"""Build every export and void.ttl into a folder: ``python scripts/build.py --out out/``.

A thin wrapper over :func:`evkg.publish.builder.build` (the same as ``evkg build``), for a checkout without
the package installed.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    from evkg.cli import main

    sys.exit(main(["build", *sys.argv[1:]]))
