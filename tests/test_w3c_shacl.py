"""Does evkg validate as the W3C SHACL test suite says it must (tests/w3c/shacl, core 98 + sparql 22)?

Every case runs three ways: through ``evkg validate`` (the console entry point, in process; a few
cases also as real subprocesses), through the Python API with the default engine, and through
pySHACL, the reference. Reports are compared with the manifest's expected report
(:mod:`shacl_suite`): the conforms flag, and every result's focus node, path, value, source shape,
component and severity; messages are not compared. A case whose shapes the spec says must be refused
(``sht:Failure``) must end in a one-line error with exit status 2.

Two rules hold whatever else fails:
- no route ever says "conforms" where the suite does not (a wrong "conforms" is the worst bug);
- every case pySHACL passes, evkg passes.
A case evkg does not pass yet is marked ``xfail(strict=True)`` with its cause, so fixing it
turns the mark into a failure to remove.
"""

from __future__ import annotations

import contextlib
import io
import logging
import traceback
from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.namespace import SH
from shacl_suite import Case, cases, difference, load, parse_report, wrong_conforms

# the suite holds deliberately ill-typed literals ("none"^^xsd:boolean): rdflib warns as it reads them
pytestmark = pytest.mark.filterwarnings("ignore:Parsing weird boolean")

CORE = cases("core")
SPARQL = cases("sparql")
ALL = CORE + SPARQL
BY_ID = {c.id: c for c in ALL}

# --- known failures, each with its cause ---------------------------------------------------------------
# pySHACL 0.40 (the oracle) itself fails these; evkg is not required to pass them, but must not say
# "conforms" on them either.
PYSHACL_FAILS = {
    "core/property/uniqueLang-002": 'rdflib normalises "1"^^xsd:boolean to "true" (only the literal true '
    "activates sh:uniqueLang, so this shape has no constraint)",
    "sparql/pre-binding/shapesGraph-001": "pySHACL does not support $shapesGraph (NotImplementedError)",
    "sparql/node/prefixes-001": "pySHACL reads sh:prefixes/sh:declare but not sh:prefixes/owl:imports*/sh:declare "
    "(SHACL 5.2.1); it passes only when rdflib's parser leaks the file's @prefix lines into the query",
}

# evkg (``evkg validate DATA --shapes SHAPES``, and the Python API).
EVKG_FAILS: dict[str, str | dict[str, str]] = {
    "sparql/pre-binding/shapesGraph-001": "$shapesGraph is not supported: evkg refuses the shape (one line, exit 2), "
    "as pySHACL does (NotImplementedError)",
}


# --- the routes ---------------------------------------------------------------------------------------------
@dataclass
class Outcome:
    """What a route made of a case: a report graph, a refusal (one line, exit 2), or a crash."""

    kind: str  # report | refused | crash
    report: Graph | None = None
    message: str = ""
    code: int | None = None


def _pyshacl(case: Case, tmp: Path) -> Outcome:
    import pyshacl

    data = load(case.data)
    shapes = data if case.shapes == case.data else load(case.shapes)
    try:
        _, report, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none")
    except Exception as exc:  # noqa: BLE001 - pySHACL refuses by raising
        return Outcome("refused", message=f"{type(exc).__name__}: {exc}")
    if not isinstance(report, Graph):  # a ValidationFailure: pySHACL refused the shapes
        return Outcome("refused", message=str(report))
    return Outcome("report", report)


def _cli(case: Case, tmp: Path) -> Outcome:
    from evkg.cli import main

    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["validate", str(case.data), "--shapes", str(case.shapes), "--format", "turtle"])
    except Exception:  # noqa: BLE001 - a traceback is what the test must see
        return Outcome("crash", message=traceback.format_exc(limit=-3))
    if code not in (0, 1):
        return Outcome("refused", message=err.getvalue(), code=code)
    try:
        report = parse_report(out.getvalue())
    except Exception as exc:  # noqa: BLE001
        return Outcome("crash", message=f"the Turtle report does not parse: {str(exc).splitlines()[0]}", code=code)
    return Outcome("report", report, code=code)


def _api(case: Case, tmp: Path) -> Outcome:
    from evkg.errors import EvkgError
    from evkg.quality import pipeline

    try:
        result = pipeline.validate(files=[case.data], shapes=[case.shapes])
    except EvkgError as exc:
        return Outcome("refused", message=str(exc), code=exc.exit_code)
    except Exception:  # noqa: BLE001
        return Outcome("crash", message=traceback.format_exc(limit=-3))
    return Outcome("report", result.shacl_report)


ROUTES = {"pyshacl": _pyshacl, "cli": _cli, "api": _api}
_outcomes: dict[tuple[str, str], Outcome] = {}


@pytest.fixture(scope="module")
def outcome(tmp_path_factory: pytest.TempPathFactory):  # -> Callable[[str, Case], Outcome]
    """Each route's outcome on a case, computed once per module."""
    tmp = tmp_path_factory.mktemp("w3c-shacl")

    def get(route: str, case: Case) -> Outcome:
        key = (route, case.id)
        if key not in _outcomes:
            logging.disable(logging.WARNING)
            try:
                _outcomes[key] = ROUTES[route](case, tmp)
            finally:
                logging.disable(logging.NOTSET)
        return _outcomes[key]

    return get


def verdict(case: Case, got: Outcome) -> str | None:
    """None if the route passed the case, else why not."""
    if got.kind == "crash":
        return f"crashed: {got.message}"
    if case.failure:
        if got.kind != "refused":
            return "validated shapes the spec says must be refused"
        if got.code is not None and (got.code != 2 or len(got.message.strip().splitlines()) != 1):
            return f"refused with exit {got.code} and {got.message!r} (want exit 2, one line)"
        return None
    if got.kind == "refused":
        return f"refused valid shapes: {got.message.strip()}"
    assert got.report is not None
    found = difference(case, got.report)
    if found is None and got.code is not None and got.code != (1 if violations(case) else 0):
        return f"exit status {got.code} with {'' if violations(case) else 'no '}violations"
    return found


def violations(case: Case) -> bool:
    """Whether the expected report has a result that is not a warning or an info (evkg exits with 1)."""
    g = case.manifest
    return any(g.value(r, SH.resultSeverity) not in (SH.Warning, SH.Info) for r in g.objects(case.result, SH.result))


def _marked(known: dict[str, str]) -> list[object]:
    return [
        pytest.param(c, id=c.id, marks=pytest.mark.xfail(strict=True, reason=known[c.id]))
        if c.id in known
        else pytest.param(c, id=c.id)
        for c in ALL
    ]


def _routes_marked(known: dict[str, str | dict[str, str]]) -> list[object]:
    params = []
    for route in ("cli", "api"):
        for c in ALL:
            cause = known.get(c.id)
            if isinstance(cause, dict):
                cause = cause.get(route)
            marks = [pytest.mark.xfail(strict=True, reason=cause)] if cause else []
            params.append(pytest.param(route, c, id=f"{route}-{c.id}", marks=marks))
    return params


# --- the tests ----------------------------------------------------------------------------------------------
def test_the_suite_has_every_case() -> None:
    """Are all 98 core and 22 SPARQL cases of the W3C suite here?"""
    assert (len(CORE), len(SPARQL)) == (98, 22)


@pytest.mark.parametrize("case", _marked(PYSHACL_FAILS))
def test_pyshacl_passes_the_case(case: Case, outcome) -> None:
    """Does the reference engine (pySHACL) pass this case? (The cases it fails are listed with why.)"""
    problem = verdict(case, outcome("pyshacl", case))
    assert problem is None, problem


@pytest.mark.parametrize(("route", "case"), _routes_marked(EVKG_FAILS))
def test_evkg_passes_the_case(route: str, case: Case, outcome) -> None:
    """Does ``evkg validate`` (and the Python API) report what the suite expects for this case?"""
    problem = verdict(case, outcome(route, case))
    assert problem is None, problem


def test_no_route_ever_says_conforms_wrongly(outcome) -> None:
    """Whatever else fails: does any route say "conforms" where the suite says it does not?"""
    wrong = [
        f"{route}: {case.id}"
        for case in ALL
        for route in ("cli", "api")
        if (got := outcome(route, case)).kind == "report" and wrong_conforms(case, got.report)  # type: ignore[arg-type]
    ]
    assert wrong == []


def test_what_pyshacl_passes_evkg_passes(outcome) -> None:
    """Is every case the reference passes passed by evkg too, on both routes?"""
    behind = [
        f"{route}: {case.id}"
        for case in ALL
        if verdict(case, outcome("pyshacl", case)) is None
        for route in ("cli", "api")
        if verdict(case, outcome(route, case)) is not None
    ]
    assert behind == []


SUBPROCESS_CASES = ["core/node/class-001", "core/property/minCount-001", "core/path/path-inverse-001"]


@pytest.mark.parametrize("case_id", SUBPROCESS_CASES)
def test_the_real_command_agrees(case_id: str, run_evkg_process, outcome, tmp_path: Path) -> None:
    """Does the installed ``evkg`` executable, in its own process, give the report the suite expects?"""
    case = BY_ID[case_id]
    done = run_evkg_process("validate", case.data, "--shapes", case.shapes, "--format", "turtle")
    assert done.returncode == (1 if violations(case) else 0), done.stderr
    report = parse_report(done.stdout)
    assert difference(case, report) is None
