"""When a library evkg calls fails, does the user get one line and an exit code, never a traceback?

evkg calls libraries that raise their own exceptions on bad input or a bad environment: pyoxigraph
(a damaged or locked store), rdflib (Turtle it cannot read), pySHACL (shapes it cannot run), bibtexparser
(an entry it cannot read, which it only logs) and httpx (a server that does not answer). Each call site
translates them into an :class:`evkg.errors.EvkgError` at the boundary; ``evkg.cli.main`` is the one place
that prints it (``evkg: <line>``, its exit code). Each test here feeds one boundary a failure through the
command a user runs and reads stderr; the last ones check the safety net for an exception that no
boundary translated.
"""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

import pyoxigraph as ox
import pytest

from evkg.cli import INTERNAL_ERROR, main
from evkg.errors import OutputError, SourceSyntaxError
from evkg.rdf.store import open_oxigraph

BAD = Path(__file__).parent / "fixtures" / "bad"


def _one_line(capsys: pytest.CaptureFixture[str]) -> str:
    """The single line ``evkg`` wrote on stderr (and never a traceback)."""
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    assert lines[0].startswith("evkg: "), err
    return lines[0]


def _closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def working_copy(tmp_path: Path, fixture_data_dir: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(fixture_data_dir, data, symlinks=False)
    return data


# --- pyoxigraph ---------------------------------------------------------------------------------------
def test_a_damaged_store_is_one_line_naming_its_folder(
    tmp_path: Path, fixture_data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """RocksDB finds the persisted store damaged (pyoxigraph raises RuntimeError): what does `evkg stats` say?"""
    monkeypatch.chdir(tmp_path)
    assert main(["stats", "--data", str(fixture_data_dir), "--store", "store"]) == 0
    capsys.readouterr()
    (tmp_path / "store" / "oxigraph" / "CURRENT").write_text("garbage\n")
    assert main(["stats", "--data", str(fixture_data_dir), "--store", "store"]) == 1
    line = _one_line(capsys)
    assert line.startswith("evkg: store: cannot open the store (Corruption"), line
    assert line.endswith("delete the folder and evkg rebuilds it")


def test_a_store_locked_by_a_writer_is_one_line(tmp_path: Path) -> None:
    """pyoxigraph's OSError for a store another writer holds open becomes an OutputError naming the folder."""
    writer = ox.Store(str(tmp_path / "oxigraph"))
    try:
        with pytest.raises(OutputError) as caught:
            open_oxigraph(tmp_path, writable=True)
    finally:
        del writer
    assert str(caught.value).startswith(f"{tmp_path}: cannot open the store (IO error"), caught.value
    assert "\n" not in str(caught.value)


# --- rdflib ---------------------------------------------------------------------------------------------
def test_a_turtle_error_read_by_rdflib_names_file_line_and_column(
    working_copy: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`evkg link table` reads the graph with rdflib: is its BadSyntax the same line `evkg export` gives?"""
    shutil.copy(BAD / "missing-dot.ttl", working_copy / "graph" / "missing-dot.ttl")
    monkeypatch.chdir(working_copy.parent)
    assert main(["link", "table", "--data", "data"]) == 2
    assert _one_line(capsys) == "evkg: data/graph/missing-dot.ttl:6:1: A dot is expected at the end of statements"


def test_rdflib_errors_pyoxigraph_accepts_keep_rdflib_words() -> None:
    """Text pyoxigraph reads but rdflib's parser refuses still gives a SourceSyntaxError with rdflib's reason."""
    from rdflib import Graph

    from evkg.rdf.parse import parse_rdflib

    class Refusing(Graph):
        def parse(self, *args: object, **kwargs: object) -> Graph:  # type: ignore[override]
            raise ValueError("rdflib refused it")

    with pytest.raises(SourceSyntaxError) as caught:
        parse_rdflib(Refusing(), data="<http://a> <http://b> <http://c> .", where="snapshot.ttl")
    assert str(caught.value) == "snapshot.ttl: rdflib refused it"


# --- pySHACL --------------------------------------------------------------------------------------------
def test_shapes_pyshacl_cannot_run_are_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """pySHACL raises on a sh:pattern that is not a regular expression: does `evkg validate` say so in a line?"""
    monkeypatch.chdir(tmp_path)
    Path("data.ttl").write_text('<http://example.org/a> <http://example.org/p> "x" .\n', encoding="utf-8")
    Path("shapes.ttl").write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "<http://example.org/S> a sh:NodeShape ; sh:targetNode <http://example.org/a> ;\n"
        '  sh:property [ sh:path <http://example.org/p> ; sh:pattern "(" ] .\n',
        encoding="utf-8",
    )
    code = main(["validate", "data.ttl", "--shapes", "shapes.ttl", "--engine", "pyshacl", "--no-qc"])
    line = _one_line(capsys)
    assert code == 2  # a ShapesError: the shapes are the user's to fix
    assert line.startswith("evkg: pySHACL cannot validate these shapes: "), line
    assert "unterminated subpattern" in line


# --- bibtexparser -------------------------------------------------------------------------------------
def test_a_bibtex_entry_bibtexparser_cannot_read_is_one_line_naming_its_line(
    working_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """bibtexparser logs a warning for a block it cannot parse and goes on: does `evkg link import` say
    it in one line (file, line, bibtexparser's reason), exit 1, and write nothing?"""
    bib = tmp_path / "refs.bib"
    bib.write_text(
        "@article{ok, title = {Fine}, year = {2020}}\n\n@article{broken,\n  title = {unterminated\n", "utf-8"
    )
    before = sorted(p.relative_to(working_copy) for p in working_copy.rglob("*"))
    code = main(["link", "import", str(bib), "--data", str(working_copy)])
    line = _one_line(capsys)
    assert code == 1
    assert "refs.bib:3: cannot parse this BibTeX entry (" in line and "end of file" in line, line
    assert sorted(p.relative_to(working_copy) for p in working_copy.rglob("*")) == before


# --- httpx ----------------------------------------------------------------------------------------------
def test_a_registry_that_does_not_answer_is_one_line_per_record(
    working_copy: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Crossref cannot be reached (httpx.ConnectError): does `evkg link enrich` report it and exit 1?"""
    url = f"http://127.0.0.1:{_closed_port()}"
    for name, value in (("EVKG_CROSSREF_URL", url), ("EVKG_HTTP_RETRIES", "1"), ("EVKG_HTTP_MIN_INTERVAL", "0")):
        monkeypatch.setenv(name, value)
    code = main(
        ["link", "enrich", "--doi", "10.1080/20013078.2018.1535750", "--registry", "crossref"]
        + ["--data", str(working_copy), "--quiet"]
    )
    line = _one_line(capsys)
    assert code == 1
    assert "connection failed" in line and url in line, line


def test_a_sparql_endpoint_that_does_not_answer_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    """The --endpoint server is down (httpx.ConnectError): what does `evkg query` say?"""
    url = f"http://127.0.0.1:{_closed_port()}/sparql"
    code = main(["query", "organization_profile", "-p", "org=organization:jsrm", "--endpoint", url])
    line = _one_line(capsys)
    assert code == 1
    assert line.startswith(f"evkg: {url}: cannot connect"), line


# --- the safety net ---------------------------------------------------------------------------------------
def test_an_exception_no_boundary_translated_is_still_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug (an exception evkg did not expect) is one line with exit code 70, never a traceback."""
    from evkg.cli import stats

    def broken(*args: object, **kwargs: object) -> None:
        raise KeyError("graph")

    monkeypatch.setattr(stats, "load_graph", broken)
    monkeypatch.delenv("EVKG_DEBUG", raising=False)
    assert main(["stats"]) == INTERNAL_ERROR
    line = _one_line(capsys)
    assert line.startswith("evkg: internal error: KeyError: 'graph' (a bug in evkg"), line


def test_evkg_debug_shows_the_traceback_of_a_bug(monkeypatch: pytest.MonkeyPatch) -> None:
    """With EVKG_DEBUG=1 the untranslated exception is raised, for a developer to see where it happened."""
    from evkg.cli import stats

    def broken(*args: object, **kwargs: object) -> None:
        raise KeyError("graph")

    monkeypatch.setattr(stats, "load_graph", broken)
    monkeypatch.setenv("EVKG_DEBUG", "1")
    with pytest.raises(KeyError):
        main(["stats"])
