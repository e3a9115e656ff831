"""Bad input: does the user get one clear line naming the file and line, a non-zero exit, no traceback,
and no half-written output?

The real ``evkg`` executable runs in a subprocess; fixtures are in tests/fixtures/bad/ (each file's
first line says where the error is: ``# expect: LINE:COL words of the message``).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

BAD = Path(__file__).parent / "fixtures" / "bad"
BAD_FILES = sorted(BAD.glob("*.ttl"))


def _expectation(path: Path) -> tuple[str, str]:
    match = re.match(r"# expect: (\d+:\d+) (.+)", path.read_text(encoding="utf-8").splitlines()[0])
    assert match, f"{path} lacks its '# expect: LINE:COL message' line"
    return match.group(1), match.group(2)


def _one_clean_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    assert lines[0].startswith("evkg: ")
    return lines[0]


@pytest.fixture
def working_copy(tmp_path: Path, fixture_data_dir: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(fixture_data_dir, data)
    return data


@pytest.mark.parametrize("bad", BAD_FILES, ids=[p.stem for p in BAD_FILES])
def test_a_turtle_error_names_file_line_and_column(run_evkg, working_copy: Path, bad: Path) -> None:
    """Where exactly is the mistake in the graph file a curator just edited?"""
    where, words = _expectation(bad)
    shutil.copy(bad, working_copy / "graph" / bad.name)
    out = working_copy.parent / "export.ttl"
    result = run_evkg("export", "--data", "data", "-o", out.name, cwd=working_copy.parent)
    assert result.returncode == 2
    line = _one_clean_line(result.stderr)
    assert line.startswith(f"evkg: data/graph/{bad.name}:{where}: "), line
    assert words in line
    assert not out.exists()
    assert result.stdout == ""


def test_a_failed_build_writes_nothing(run_evkg, working_copy: Path) -> None:
    """After a syntax error, is there no output folder and no temporary folder left behind?"""
    shutil.copy(BAD / "missing-dot.ttl", working_copy / "graph" / "missing-dot.ttl")
    result = run_evkg("build", "--out", "out", "--data", "data", cwd=working_copy.parent)
    assert result.returncode == 2
    _one_clean_line(result.stderr)
    assert sorted(p.name for p in working_copy.parent.iterdir()) == ["data"]


def test_a_failed_build_keeps_the_previous_build(run_evkg, working_copy: Path) -> None:
    """If today's build fails, are yesterday's files still complete and unchanged?"""
    root = working_copy.parent
    assert run_evkg("build", "--out", "out", "--data", "data", cwd=root).returncode == 0
    before = {p.name: p.read_bytes() for p in (root / "out").iterdir()}
    shutil.copy(BAD / "unterminated-string.ttl", working_copy / "graph" / "x.ttl")
    assert run_evkg("build", "--out", "out", "--data", "data", cwd=root).returncode == 2
    assert {p.name: p.read_bytes() for p in (root / "out").iterdir()} == before
    assert sorted(p.name for p in root.iterdir()) == ["data", "out"]


def test_a_failed_export_keeps_the_previous_file(run_evkg, working_copy: Path) -> None:
    """Is an existing export left untouched when the new one cannot be made?"""
    root = working_copy.parent
    (root / "evkg.ttl").write_text("yesterday's export\n", encoding="utf-8")
    shutil.copy(BAD / "bad-iri.ttl", working_copy / "graph" / "bad-iri.ttl")
    result = run_evkg("export", "--data", "data", "-o", "evkg.ttl", cwd=root)
    assert result.returncode == 2
    assert (root / "evkg.ttl").read_text(encoding="utf-8") == "yesterday's export\n"


def test_an_unknown_format_name_is_refused_before_anything_is_written(run_evkg, tmp_path: Path) -> None:
    """Does `evkg export --format yaml` list the formats that exist, and write nothing?"""
    result = run_evkg("export", "--format", "yaml", "-o", "out.yaml", cwd=tmp_path)
    assert result.returncode == 2
    line = _one_clean_line(result.stderr)
    assert "unknown export format 'yaml'" in line and "turtle, json-ld, nt, trig, nquads, xml" in line
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "args",
    [
        ("export", "-o", "a-file.txt/evkg.ttl"),
        ("export", "-o", "missing-folder/evkg.ttl"),
        ("build", "--out", "a-file.txt/out"),
    ],
    ids=["export-under-a-file", "export-into-missing-folder", "build-under-a-file"],
)
def test_an_unwritable_output_path_is_named(run_evkg, tmp_path: Path, fixture_data_dir: Path, args: tuple) -> None:
    """Does an output path that cannot be written give one line naming it, and leave nothing behind?"""
    (tmp_path / "a-file.txt").write_text("a file, not a folder\n", encoding="utf-8")
    result = run_evkg(*args, "--data", fixture_data_dir, cwd=tmp_path)
    assert result.returncode == 1
    line = _one_clean_line(result.stderr)
    assert args[-1] in line and "cannot write" in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file.txt"]


def test_build_refuses_a_folder_with_other_files(run_evkg, tmp_path: Path, fixture_data_dir: Path) -> None:
    """Would `evkg build --out .` in a project folder delete the user's files? (It must not.)"""
    (tmp_path / "notes.md").write_text("mine\n", encoding="utf-8")
    result = run_evkg("build", "--out", ".", "--data", fixture_data_dir, cwd=tmp_path)
    assert result.returncode == 1
    assert "notes.md" in _one_clean_line(result.stderr)
    assert (tmp_path / "notes.md").read_text(encoding="utf-8") == "mine\n"


def test_a_sparql_syntax_error_names_the_query_file(run_evkg, tmp_path: Path, fixture_data_dir: Path) -> None:
    """Does a broken .rq file get its name, line and column in the message?"""
    (tmp_path / "broken.rq").write_text("SELECT ?s\nWHERE { ?s ?p ?o FILTER(?s = ) }\n", encoding="utf-8")
    result = run_evkg("sparql", "broken.rq", "--data", fixture_data_dir, cwd=tmp_path)
    assert result.returncode == 2
    line = _one_clean_line(result.stderr)
    # the position is pyoxigraph's (where its parser gave up), so only its form is checked
    assert re.fullmatch(r"evkg: broken\.rq:\d+:\d+: SPARQL syntax error: (unexpected|expected) .+", line), line


def test_a_missing_query_file_is_reported_as_missing(run_evkg, tmp_path: Path) -> None:
    """Is a mistyped query file name reported as such, not as a SPARQL syntax error?"""
    result = run_evkg("sparql", "queries/nope.rq", cwd=tmp_path)
    assert result.returncode == 2
    assert _one_clean_line(result.stderr) == "evkg: queries/nope.rq: no such query file"


def test_a_data_folder_without_the_layout_is_refused(run_evkg, tmp_path: Path) -> None:
    """Does --data pointing at the wrong folder say what a data folder must contain?"""
    (tmp_path / "graph").mkdir()
    result = run_evkg("stats", "--data", ".", cwd=tmp_path)
    assert result.returncode == 2
    line = _one_clean_line(result.stderr)
    assert "missing ontology/" in line and "expected ontology/, graph/, queries/" in line


def test_an_unknown_option_is_one_line_with_exit_code_2(run_evkg) -> None:
    """Is a typo in an option a one-line usage error rather than a screen of help?"""
    result = run_evkg("export", "--fromat", "nt")
    assert result.returncode == 2
    assert "No such option: --fromat" in _one_clean_line(result.stderr)
