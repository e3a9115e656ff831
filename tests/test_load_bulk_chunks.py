"""Does the bulk loader, fed a bounded number of quads per call, build the same store as file-by-file?

``evkg.rdf.parse.bulk_load_files`` calls ``Store.bulk_extend`` once per ``chunk`` quads (it keeps a
million-triple load under 0.3 GB). Small chunks here force many calls, a chunk boundary inside a
file, and a syntax error met in a later call.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from evkg.data.layout import resolve
from evkg.data.prefixes import registry
from evkg.errors import SourceSyntaxError
from evkg.rdf.parse import bulk_load_files, fill_union, load_files, source_files


def _files(data_dir: Path):
    data = resolve(data_dir)
    return source_files(data, registry(data.root))


def _quads(store: ox.Store) -> set[str]:
    """Every quad of ``store`` with its blank nodes replaced by one marker (labels differ per parse)."""
    out = set()
    for q in store:
        terms = [q.subject, q.predicate, q.object, q.graph_name]
        out.add(" ".join("_:b" if isinstance(t, ox.BlankNode) else str(t) for t in terms))
    return out


@pytest.mark.parametrize(("which", "chunk"), [("fixture", 10), ("bundled", 500), ("bundled", 1_000_000)])
def test_are_the_quads_and_graphs_the_same_whatever_the_chunk(
    tmp_path: Path, fixture_data_dir: Path, data_dir: Path, which: str, chunk: int
) -> None:
    """Many small calls, a few, or everything at once: the same quads and named graphs as file by file?"""
    files = _files(fixture_data_dir if which == "fixture" else data_dir)
    reference = ox.Store()
    load_files(reference, files)
    fill_union(reference)  # the bulk loader writes the union as the default graph in the same pass
    bulk = ox.Store(str(tmp_path / "store"))
    bulk_load_files(bulk, files, chunk=chunk)
    assert len(bulk) == len(reference) > 50
    assert _quads(bulk) == _quads(reference)
    assert set(bulk.named_graphs()) == set(reference.named_graphs())
    # blank nodes keep their identity across calls: as many distinct ones as file by file
    blanks = {t for q in bulk for t in (q.subject, q.object) if isinstance(t, ox.BlankNode)}
    assert len(blanks) == len({t for q in reference for t in (q.subject, q.object) if isinstance(t, ox.BlankNode)})


def test_is_a_syntax_error_in_a_later_call_one_line_naming_the_file(tmp_path: Path, fixture_data_dir: Path) -> None:
    """A broken file read after several calls: FILE:LINE:COL of that file, as with one call."""
    data = tmp_path / "data"
    shutil.copytree(fixture_data_dir, data)
    (data / "graph" / "zz-broken.ttl").write_text(
        "@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:d ex:e ] .\n", encoding="utf-8"
    )
    files = _files(data)
    assert files[-1].path.name == "zz-broken.ttl"  # read last, after many chunks
    with pytest.raises(SourceSyntaxError, match=r"zz-broken\.ttl:3:\d+: ") as caught:
        bulk_load_files(ox.Store(str(tmp_path / "store")), files, chunk=50)
    assert "\n" not in str(caught.value)
