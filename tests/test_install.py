"""Does `pip install <repo>` into a fresh virtualenv outside the repository give a working evkg?

The virtualenv lives in tmp_path. To stay fast and offline it reuses the dependencies already
installed in the environment that runs pytest: a ``.pth`` file adds that environment's
site-packages folders to the new venv (plain path entries, so the ``.pth`` files inside them, such as
an editable install of this checkout, are NOT processed). evkg itself is built from the repository
into a wheel and installed into the venv, with the data inside it (``evkg/_data``). Then the venv's
own ``evkg`` runs from a folder outside the repository.

Set EVKG_SKIP_INSTALL_TEST=1 to skip it locally; it always runs when CI is set.
"""

from __future__ import annotations

import json
import os
import site
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(
    os.environ.get("EVKG_SKIP_INSTALL_TEST") == "1" and not os.environ.get("CI"),
    reason="EVKG_SKIP_INSTALL_TEST=1 (runs in CI regardless)",
)


def _parent_site_packages() -> list[str]:
    paths = [*site.getsitepackages(), sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]]
    paths += [p for p in sys.path if p.rstrip("/").endswith(("site-packages", "dist-packages"))]
    seen: list[str] = []
    for p in paths:
        # (the test environment may itself live inside the checkout, as CI's .venv/ does; only the
        # checkout's src/ must stay out, and it is never a site-packages folder)
        if p not in seen and Path(p).is_dir() and Path(p).resolve() != (ROOT / "src").resolve():
            seen.append(p)
    return seen


def _clean_env(venv: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env["NO_COLOR"] = "1"
    return env


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtualenv outside the repository with evkg installed from the repository."""
    where = tmp_path_factory.mktemp("install")
    venv = where / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    (Path(purelib) / "_evkg_test_parent_env.pth").write_text("\n".join(_parent_site_packages()) + "\n")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--no-index",
            "--no-build-isolation",
            "--quiet",
            str(ROOT),
        ],  # fmt: skip
        capture_output=True,
        text=True,
        cwd=where,
        env=_clean_env(venv),
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return venv


def _run(venv: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(venv / "bin" / "evkg"), *args], capture_output=True, text=True, cwd=cwd, env=_clean_env(venv), timeout=300
    )


def test_the_installed_package_carries_its_data(venv: Path) -> None:
    """Is evkg imported from the venv (not the checkout), with ontology/, graph/, queries/ and the OWL 2 RL
    rules inside it, and without the benchmarks' data generator?"""
    probe = (
        "import json, pathlib, evkg, evkg.data.layout as s; from evkg.quality import owl2rl; d = s.resolve(); "
        "files = [p.name for p in pathlib.Path(evkg.__file__).parent.rglob('*.py')]; "
        "print(json.dumps({'module': evkg.__file__, 'data': str(d.root), "
        "'graphs': len(d.graph_files()), 'queries': len(d.query_files()), 'ontology': d.ontology_file.is_file(), "
        "'rules': len(owl2rl.rules()), 'synth': 'synth.py' in files}))"
    )
    result = subprocess.run(
        [str(venv / "bin" / "python"), "-c", probe],
        capture_output=True,
        text=True,
        cwd=venv.parent,
        env=_clean_env(venv),
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    info = json.loads(result.stdout)
    assert Path(info["module"]).is_relative_to(venv), info
    assert Path(info["data"]).is_relative_to(venv) and info["data"].endswith("evkg/_data"), info
    assert info["ontology"]
    repo_graphs = [p for p in (ROOT / "graph").rglob("*.ttl") if not p.name.startswith("_")]
    assert info["graphs"] == len(repo_graphs)
    assert info["queries"] == len(list((ROOT / "queries").rglob("*.rq")))
    # the OWL 2 RL rules ship beside their engine; the benchmark data generator stays out of the wheel
    assert info["rules"] == len(list((ROOT / "src" / "evkg" / "quality" / "rules" / "owl2rl").glob("*.rq")))
    assert not info["synth"]


def test_build_and_export_work_outside_the_repository(venv: Path, tmp_path: Path, kg) -> None:
    """From a folder that is not the repository: does `evkg build --out DIR` and `evkg export -f json-ld` work?"""
    build = _run(venv, "build", "--out", "site", cwd=tmp_path)
    assert build.returncode == 0, build.stderr
    assert "written to site/" in build.stdout
    assert {"evkg.ttl", "evkg.jsonld", "evkg.nt", "evkg.trig", "evkg.nq", "evkg.rdf", "void.ttl"} == {
        p.name for p in (tmp_path / "site").iterdir()
    }
    # the installed copy exports the same graph as the checkout
    assert (tmp_path / "site" / "evkg.nt").read_bytes() == kg.export("nt")

    export = _run(venv, "export", "--format", "json-ld", cwd=tmp_path)
    assert export.returncode == 0, export.stderr
    doc = json.loads(export.stdout)
    assert doc["@context"]["evkg"] == "https://w3id.org/evkg/ontology/"
    assert export.stdout.encode("utf-8") == kg.export("json-ld")

    version = _run(venv, "--version", cwd=tmp_path)
    assert version.returncode == 0 and f"graph {kg.ontology_version()} " in version.stdout
