"""Does evkg reason as the OWL 2 RL test cases say it must (tests/w3c/owl2rl: 209 entailment, 64 inconsistency cases)?

Every case runs two ways with the fast engine: through ``evkg reason --data DIR --axiomatic`` (the console
entry point in process, on a data folder made of the case; two cases also as real subprocesses) and
through the Python API (:func:`evkg.quality.owl2rl.closure` on a store). How a case is judged is in
:mod:`owl2rl_suite` (and docs/validation.md): an inconsistency case must be reported inconsistent, an
entailment case's conclusion must be in the premise plus the closure, and its premise must not be
reported inconsistent.

owlrl is the oracle: every case owlrl passes, the fast engine passes. owlrl runs (through evkg's own
filter, on the same store) only where the fast engine fails a case, which is all the implication
needs; ``scripts/owl2rl_suite.py`` runs both engines on every case and prints the pass counts that
docs/validation.md quotes. A case the fast engine does not pass is marked ``xfail(strict=True)`` with
its cause, so fixing it turns the mark into a failure to remove.
"""

from __future__ import annotations

import contextlib
import io
import logging
import shutil
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import pytest
from owl2rl_suite import Case, cases, missing, parse
from rdflib import BNode, Graph, Literal
from rdflib.compare import isomorphic

CASES = cases()
BY_ID = {c.id: c for c in CASES}
# Cases whose premise has blank nodes (the five the suite's readme warns about are among them)
BLANK_PREMISES = {c.id for c in CASES if any(isinstance(x, BNode) for t in parse(c.premise) for x in t)}
REGISTRY = Path(__file__).parent / "fixtures" / "data" / "ontology" / "prefixes.ttl"

# --- known failures, each with its cause ---------------------------------------------------------------
KNOWN_FAILS: dict[str, str] = {
    "rdfbased-dat-dtype-xmlliteral-diff": "dt-diff does not compare rdf:XMLLiteral values (that needs XML "
    "canonicalisation): two XML literals are never said to be different",
}


# --- the routes ---------------------------------------------------------------------------------------------
@dataclass
class Outcome:
    """What a route made of a case: the closure (with axiomatic triples) and the inconsistencies, or a crash."""

    triples: set = field(default_factory=set)
    inconsistencies: list[str] = field(default_factory=list)
    crash: str = ""
    code: int | None = None
    premise: set | None = None  # the premise as the engine's store holds it (its blank nodes), if known


def _data_folder(case: Case, tmp: Path) -> Path:
    """The case as an evkg data folder: the premise in graph/, the test registry of prefixes in ontology/."""
    folder = tmp / case.id
    if not folder.exists():
        (folder / "ontology").mkdir(parents=True)
        (folder / "graph").mkdir()
        shutil.copyfile(REGISTRY, folder / "ontology" / "prefixes.ttl")
        (folder / "graph" / "premise.ttl").symlink_to(case.premise)
    return folder


def _cli(case: Case, tmp: Path) -> Outcome:
    from evkg.cli import main

    folder = _data_folder(case, tmp)
    out = folder.parent / f"{case.id}.nt"
    err = io.StringIO()
    try:
        with contextlib.redirect_stderr(err):
            code = main(["reason", "--data", str(folder), "--axiomatic", "-o", str(out)])
    except Exception:  # noqa: BLE001 - a traceback is what the test must see
        return Outcome(crash=traceback.format_exc(limit=-3))
    if code not in (0, 1):
        return Outcome(crash=f"exit {code}: {err.getvalue().strip()}", code=code)
    closure = Graph()
    closure.parse(out, format="nt")
    lines = [line for line in err.getvalue().splitlines() if line.startswith("inconsistent [")]
    return Outcome(set(closure), lines, code=code)


def _store_route(engine: str):  # -> Callable[[Case, Path], Outcome]
    """The Python API on a pyoxigraph store holding the premise: ``owl2rl.closure(store, engine=..., literals=...)``."""

    def run(case: Case, tmp: Path) -> Outcome:
        from evkg.quality import owl2rl
        from evkg.rdf.parse import SourceFile, load_file

        store = ox.Store()
        # loaded as evkg loads (the literals the store rewrites recorded, as kg.literals holds them)
        literals = load_file(store, SourceFile(case.premise, case.premise.name, "urn:evkg:test:premise", "graph"))
        try:
            result = owl2rl.closure(store, engine=engine, axiomatic=True, literals=literals)
        except Exception:  # noqa: BLE001
            return Outcome(crash=traceback.format_exc(limit=-3))
        inconsistencies = [f"{i.rule}: {i.message}" for i in result.inconsistencies]
        return Outcome(result.triples, inconsistencies, premise=owl2rl.asserted_triples(store, literals))

    return run


ROUTES = {"cli": _cli, "api": _store_route("fast"), "owlrl": _store_route("owlrl")}
_outcomes: dict[tuple[str, str], Outcome] = {}


@pytest.fixture(scope="module")
def outcome(tmp_path_factory: pytest.TempPathFactory):  # -> Callable[[str, Case], Outcome]
    """Each route's outcome on a case, computed once per module."""
    tmp = tmp_path_factory.mktemp("w3c-owl2rl")

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
    """None if the route passed the case, else why not.

    The premise is the engine's own when the route knows it (the API's store), so that blank nodes of
    the closure are those of the premise; ``evkg reason`` writes only the closure, with blank nodes of a
    store of its own, so :func:`test_the_fast_engine_passes_the_case` judges its closure of a premise
    with blank nodes by the API route's (the same graph up to blank node names).
    """
    if got.crash:
        return f"crashed: {got.crash}"
    if case.kind == "inconsistency":
        if got.code not in (None, 1):
            return f"exit status {got.code} for an inconsistent graph (want 1)"
        return None if got.inconsistencies else "no inconsistency reported"
    if got.inconsistencies:
        return f"a consistent premise reported inconsistent: {got.inconsistencies}"
    if got.code not in (None, 0):
        return f"exit status {got.code} for a consistent graph (want 0)"
    premise = got.premise if got.premise is not None else set(parse(case.premise))
    absent = missing(case.conclusion, premise | got.triples)
    return f"not entailed: {[' '.join(t.n3() for t in triple) for triple in absent]}" if absent else None


def _params(route: str) -> list:
    out = []
    for case in CASES:
        marks = [pytest.mark.xfail(strict=True, reason=KNOWN_FAILS[case.id])] if case.id in KNOWN_FAILS else []
        out.append(pytest.param(route, case.id, marks=marks, id=f"{route}-{case.id}"))
    return out


@pytest.mark.parametrize(("route", "case_id"), _params("cli") + _params("api"))
def test_the_fast_engine_passes_the_case(outcome, route: str, case_id: str) -> None:
    """Does ``evkg reason`` (and the API) derive what the OWL 2 RL test case says, and find its inconsistency?"""
    case = BY_ID[case_id]
    got = outcome(route, case)
    if route == "cli" and not got.crash and case.id in BLANK_PREMISES:
        reference = outcome("api", case)
        same = isomorphic(_graph(got.triples), _graph(reference.triples))
        assert same, f"{case.id}: evkg reason's closure differs from the API's beyond blank node names"
        assert sorted(_rules(got.inconsistencies)) == sorted(_rules(reference.inconsistencies))
        got = reference
    problem = verdict(case, got)
    assert problem is None, f"{case.id} ({case.description}): {problem}"


def _rules(inconsistencies: list[str]) -> list[str]:
    """The rule of each inconsistency line ("inconsistent [cax-dw]: ..." or "cax-dw: ...")."""
    return [line.removeprefix("inconsistent [").split("]", 1)[0].split(":", 1)[0] for line in inconsistencies]


def _graph(triples: set) -> Graph:
    graph = Graph()
    for triple in triples:
        graph.add(triple)
    return graph


@pytest.mark.parametrize("case_id", [c.id for c in CASES])
def test_every_case_owlrl_passes_the_fast_engine_passes(outcome, case_id: str) -> None:
    """Is the fast engine ever behind the reference (owlrl through evkg's filter) on a test case?"""
    case = BY_ID[case_id]
    if verdict(case, outcome("api", case)) is None:
        return  # the fast engine passes: nothing owlrl can pass that it does not
    reference = outcome("owlrl", case)
    if verdict(case, reference) is not None:
        return  # owlrl fails it too (the case is a known failure of the fast engine)
    pytest.fail(f"{case.id}: owlrl passes it, the fast engine does not ({verdict(case, outcome('api', case))})")


def test_no_conclusion_has_a_literal_subject() -> None:
    """Is every case judged on RDF triples (a closure cannot hold a literal subject)?"""
    assert not [case.id for case in CASES for s, _, _ in case.conclusion if isinstance(s, Literal)]


def test_the_suite_is_whole() -> None:
    """Are all 273 cases of the owl2rl sub-suite here, and every known failure one of them?"""
    kinds = [c.kind for c in CASES]
    assert (kinds.count("entailment"), kinds.count("inconsistency")) == (209, 64)
    assert set(KNOWN_FAILS) <= set(BY_ID)


@pytest.mark.parametrize(
    ("case_id", "code"), [("rdfbased-sem-restrict-somevalues-inst-subj", 0), ("rdfbased-sem-eqdis-disclass-inst", 1)]
)
def test_evkg_reason_as_a_real_command(run_evkg_process, tmp_path: Path, case_id: str, code: int) -> None:
    """Does the installed ``evkg reason`` command give the entailment, or the inconsistency with exit 1?"""
    case = BY_ID[case_id]
    folder = _data_folder(case, tmp_path)
    result = run_evkg_process("reason", "--data", folder, "--format", "ntriples")
    assert result.returncode == code, result.stderr
    closure = Graph().parse(data=result.stdout, format="nt")
    if case.kind == "entailment":
        assert not missing(case.conclusion, set(parse(case.premise)) | set(closure))
    else:
        assert "inconsistent [" in result.stderr
