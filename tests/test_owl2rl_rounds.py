"""Does the fast OWL 2 RL engine's semi-naive evaluation give the plain fixpoint's closure?

The fast engine runs its rules in rounds (docs/decisions/0010-owl-rl-fast-engine.md, "Speed"): after
the first, a rule with a ``delta`` body joins only with the triples the previous round added. A wrong
``delta`` body would silently lose conclusions, so the closure of every case of the OWL 2 RL suite, of
the bundled graph and of synthetic data must be the one where every rule runs whole in every round
(``semi_naive=False``), with the same inconsistencies.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from owl2rl_suite import cases, parse, store_of

from evkg.errors import UsageError
from evkg.quality import owl2rl


def _same(a: owl2rl.Closure, b: owl2rl.Closure) -> None:
    assert set(a.oxigraph_triples()) == set(b.oxigraph_triples())
    assert a.count() == b.count()  # no triple twice
    assert [(i.rule, i.message) for i in a.inconsistencies] == [(i.rule, i.message) for i in b.inconsistencies]
    assert a.dropped == b.dropped


def test_every_rule_with_a_delta_body_is_a_construct_rule_run_in_rounds() -> None:
    """Is a ``delta`` body only where rounds use it, and does each read the previous round's triples?"""
    for rule in owl2rl.rules():
        if rule.delta is not None:
            assert rule.kind == "construct" and not rule.once, rule.name
            assert "GRAPH ?delta" in rule.delta, rule.name


def test_the_suite_cases_reason_the_same_in_semi_naive_rounds() -> None:
    """On every premise of the OWL 2 RL suite, with axiomatic triples: the same closure either way?"""
    for case in cases():
        store, literals = store_of(parse(case.premise))
        try:
            plain = owl2rl.fast_closure_store(store, axiomatic=True, literals=literals, semi_naive=False)
        except UsageError:  # refused (a long property chain, owl:Thing in an axiom): refused either way
            with pytest.raises(UsageError):
                owl2rl.fast_closure_store(store, axiomatic=True, literals=literals)
            continue
        _same(owl2rl.fast_closure_store(store, axiomatic=True, literals=literals), plain)


@pytest.mark.parametrize("size", [0, 10_000], ids=["bundled graph", "synthetic 10k"])
def test_a_graph_reasons_the_same_in_semi_naive_rounds(tmp_path: Path, size: int) -> None:
    """The bundled graph and 10 k synthetic triples (from their store, literals as written): the same closure?"""
    import evkg

    if size:
        from benchmarks.synth import generate

        generate(tmp_path / "data", size, seed=1)
    kg = evkg.load(tmp_path / "data" if size else None)
    fast = owl2rl.fast_closure_store(kg.store, literals=kg.literals)
    assert fast.count() > 500 and fast.rounds >= 2
    _same(fast, owl2rl.fast_closure_store(kg.store, literals=kg.literals, semi_naive=False))
