"""Write ``ontology/context.jsonld``, evkg's JSON-LD context, from the prefix registry.

    python scripts/generate_context.py            # rewrite ontology/context.jsonld
    python scripts/generate_context.py --check    # exit 1 if the committed file is out of date

The context holds every prefix of ``ontology/prefixes.ttl`` and a language map
(``"@container": "@language"``) for the label-like properties (``evkg.data.prefixes.LANGUAGE_MAPPED``)
and for the ontology's properties whose range is ``rdf:langString``. The logic is
:func:`evkg.data.prefixes.context_document`; tests/test_prefixes.py checks the committed file.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check that the committed file is up to date")
    parser.add_argument("--data", type=Path, default=ROOT, help="data folder (default: this repository)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT / "src"))
    from rdflib import Graph

    from evkg.data.layout import resolve
    from evkg.data.prefixes import context_document, registry

    data = resolve(args.data)
    ontology = Graph().parse(data.ontology_file, format="turtle") if data.ontology_file.is_file() else None
    text = context_document(registry(data.root), ontology)
    target = data.context_file
    if args.check:
        if not target.is_file() or target.read_text(encoding="utf-8") != text:
            print(f"{target} is out of date: run python scripts/generate_context.py")
            return 1
        return 0
    target.write_text(text, encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
