"""``evkg diff OLD NEW``: what changed between two versions, per entity and per named graph.

The two versions are the data folders ``tests/fixtures/diff/v1`` and ``v2``; their README lists the
changes v2 makes. Blank nodes are canonicalised per named graph, so a file written differently but
saying the same thing must show no change.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from rdflib import Graph

from evkg.data.prefixes import registry
from evkg.errors import UsageError
from evkg.publish import changes as diffing

FIXTURES = Path(__file__).parent / "fixtures" / "diff"
V1, V2 = FIXTURES / "v1", FIXTURES / "v2"


@pytest.fixture(scope="module")
def changes() -> diffing.DatasetDiff:
    return diffing.diff(V1, V2, registry())


def _by_entity(d: diffing.DatasetDiff) -> dict[str, list[tuple[str, str, str | None, str | None]]]:
    reg = registry()
    sh = diffing.Shortener(reg)
    return {
        sh.iri(e.entity): sorted(
            (c.kind, sh.path(c.path), c.old and sh.value(c.old), c.new and sh.value(c.new)) for c in e.changes
        )
        for e in d.entities
    }


def test_what_does_evkg_diff_print_for_the_two_fixture_versions(run_evkg) -> None:
    """The command's output is the reviewed expected.txt, and it exits 0."""
    proc = run_evkg("diff", "v1", "v2", cwd=FIXTURES)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == (FIXTURES / "expected.txt").read_text(encoding="utf-8")
    assert proc.stderr == ""


def test_which_values_changed_in_place(changes: diffing.DatasetDiff) -> None:
    """A corrected label and a corrected date inside a blank node are each ONE changed value."""
    found = _by_entity(changes)
    assert found["organization:isev"] == [
        (
            "changed",
            "rdfs:label",
            '"International Society for Extracelular Vesicles"@en',
            '"International Society for Extracellular Vesicles"@en',
        )
    ]
    assert found["evidence:mou-signing"] == [
        ("changed", "oa:hasBody/rdf:object", '"2025-07-20"^^xsd:date', '"2025-07-21"^^xsd:date')
    ]


def test_which_statements_were_added_or_removed(changes: diffing.DatasetDiff) -> None:
    found = _by_entity(changes)
    assert found["organization:jsrm"] == [("added", "skos:altLabel", None, '"JSRM"@en')]
    assert found["agreement:mou"] == [("removed", "rdfs:comment", '"To be removed in 1.1.0."@en', None)]
    assert found["term:exosome"] == [("removed", "rdfs:label", '"exosome"@en', None)]


def test_which_named_graphs_were_added_removed_or_changed(changes: diffing.DatasetDiff) -> None:
    status = {registry().curie(g.graph): (g.status, g.added, g.removed, g.changed) for g in changes.graphs}
    assert status == {
        "graph:new-source": ("added", 2, 0, 0),
        "graph:retired": ("removed", 0, 1, 0),
        "graph:society": ("changed", 1, 1, 2),
        "graph:ontology": ("changed", 0, 0, 2),
    }
    assert changes.totals() == {"added": 3, "removed": 2, "changed": 4}
    assert (changes.old_version, changes.new_version) == ("1.0.0", "1.1.0")


def test_a_file_written_differently_with_other_blank_nodes_shows_no_change(changes: diffing.DatasetDiff) -> None:
    """graph/glossary.ttl is reordered and its blank nodes relabelled in v2: no change at all."""
    assert "graph:glossary" not in {registry().curie(g.graph) for g in changes.graphs}
    assert "term:extracellular-vesicle" not in _by_entity(changes)


def test_a_version_compared_with_itself_rewritten_by_rdflib_is_unchanged(tmp_path: Path) -> None:
    """Every file of v1 re-serialised by rdflib (new blank node labels, new order): an empty diff."""
    copy = tmp_path / "v1-rewritten"
    shutil.copytree(V1, copy)
    for path in (copy / "graph").glob("*.ttl"):
        g = Graph().parse(path, format="turtle")
        path.write_text(g.serialize(format="nt"), encoding="utf-8")  # N-Triples is valid Turtle
    d = diffing.diff(V1, copy, registry())
    assert d.empty, diffing.render_text(d, registry())


def test_blank_nodes_nothing_points_to_are_named_by_what_they_say() -> None:
    """A new unowned blank node shifts the RDFC-1.0 labels of the others: is only it reported as added?"""
    g, p = "https://w3id.org/evkg/graph/g", "https://ex.org/p"
    old = diffing.graphs_from_triples({g: [("_:x", p, "1"), ("_:y", p, "2")]})
    new = diffing.graphs_from_triples({g: [("_:b", p, "1"), ("_:c", p, "2"), ("_:a", p, "0")]})
    d = diffing.diff_datasets(old, new)
    assert [(c.kind, c.old, c.new) for e in d.entities for c in e.changes] == [("added", None, '"0"')]
    assert d.entities[0].entity.startswith("_:")


def test_a_release_file_and_a_data_folder_can_be_compared(tmp_path: Path, run_evkg) -> None:
    """OLD may be an N-Quads file (what a release ships) and NEW a data folder; --format json."""
    import evkg

    nq = tmp_path / "v1.nq"
    evkg.load(data_dir=V1).export("nquads", nq)
    proc = run_evkg("diff", nq, V2, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["totals"] == {"added": 3, "removed": 2, "changed": 4}
    assert doc["old"]["version"] == "1.0.0" and doc["new"]["version"] == "1.1.0"


def test_exit_code_tells_scripts_whether_anything_changed(run_evkg) -> None:
    assert run_evkg("diff", V1, V2, "--exit-code", "--summary").returncode == 1
    assert diffing.diff(V1, V1, registry()).empty  # and so `evkg diff V1 V1 --exit-code` exits 0


def test_a_missing_or_broken_side_is_one_line_on_stderr(tmp_path: Path, run_evkg) -> None:
    bad = tmp_path / "bad.nq"
    bad.write_text("<https://ex.org/a> <https://ex.org/b> .\n", encoding="utf-8")
    broken = run_evkg("diff", V1, bad)
    assert broken.returncode == 2
    assert broken.stderr.startswith("evkg: ") and "bad.nq:1" in broken.stderr
    assert broken.stderr.count("\n") == 1 and "Traceback" not in broken.stderr
    with pytest.raises(UsageError, match="nowhere: no such file or folder"):
        diffing.diff(V1, tmp_path / "nowhere", registry())


def test_changelog_markdown_lists_graphs_and_entities(changes: diffing.DatasetDiff) -> None:
    text = diffing.render_markdown(changes, registry())
    assert text.startswith("Compared with 1.0.0: 3 statements added, 2 removed, 4 changed")
    assert "| `graph:society` | changed | 1 | 1 | 2 | 30 → 30 |" in text
    assert "- `evidence:mou-signing`: +0 −0 ~1" in text
