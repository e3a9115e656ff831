"""Generate ``src/evkg/data/namespaces.py`` (a typed rdflib DefinedNamespace) from ``ontology/evkg.ttl``.

    python scripts/generate_namespaces.py            # rewrite src/evkg/data/namespaces.py
    python scripts/generate_namespaces.py --check    # exit 1 if the committed file is out of date

Uses rdflib's own ``rdflib.tools.defined_namespace_creator`` to find the terms (everything typed in
the ``evkg:`` namespace, with its definitions): a typed namespace generated from the ontology and
checked to be in sync, never written by hand. It writes the file without
the creator's timestamp so that the output only changes when the ontology does.
tests/test_package_namespaces.py checks that the committed file is up to date.
"""

from __future__ import annotations

import argparse
import keyword
import sys
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDFS
from rdflib.tools.defined_namespace_creator import get_target_namespace_elements

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "src" / "evkg" / "data" / "namespaces.py"
CLASS_NAME = "EVKG"


def render(ontology: Path, namespace: str, class_name: str = CLASS_NAME) -> str:
    """The text of the namespace module for the terms of ``namespace`` defined in ``ontology``."""
    graph = Graph(bind_namespaces="none").parse(ontology, format="turtle")
    terms, _, _ = get_target_namespace_elements(graph, namespace)
    elements, extras = [], []
    for iri, _definitions in terms:  # sorted by IRI; the definitions' order is not stable, labels are used
        name = iri[len(namespace) :]
        labels = sorted(str(lbl) for lbl in graph.objects(URIRef(iri), RDFS.label) if lbl.language == "en")
        comment = f"  # {labels[0]}" if labels else ""
        if name.isidentifier() and not keyword.iskeyword(name):
            elements.append(f"    {name}: URIRef{comment}")
        else:
            extras.append(f'        "{name}",{comment}')
    lines = [
        '"""evkg\'s own ontology terms as a typed rdflib namespace (``EVKG.Agreement``).',
        "",
        "GENERATED from ontology/evkg.ttl by scripts/generate_namespaces.py; do not edit by hand.",
        "tests/test_package_namespaces.py fails when this file is out of date. ``_fail = True``: a",
        "term that the ontology does not define raises AttributeError instead of minting an IRI.",
        '"""',
        "",
        "from rdflib.namespace import DefinedNamespace, Namespace",
        "from rdflib.term import URIRef",
        "",
        "",
        f"class {class_name}(DefinedNamespace):",
        f'    """Terms defined in ontology/evkg.ttl ({len(elements) + len(extras)} terms)."""',
        "",
        f'    _NS = Namespace("{namespace}")',
        "    _fail = True",
        "",
    ]
    lines += elements
    if extras:
        lines += ["", "    # terms that are not Python identifiers", "    _extras = ["]
        lines += extras
        lines.append("    ]")
    lines += ["", "", f'__all__ = ["{class_name}"]']
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check that the committed file is up to date")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT / "src"))
    from evkg.data.prefixes import registry

    text = render(ROOT / "ontology" / "evkg.ttl", registry(ROOT)["evkg"])
    if args.check:
        current = TARGET.read_text(encoding="utf-8") if TARGET.is_file() else ""
        if current != text:
            print(f"{TARGET.relative_to(ROOT)} is out of date: run python scripts/generate_namespaces.py")
            return 1
        return 0
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
