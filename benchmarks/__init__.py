"""Benchmark support outside the wheel: :mod:`benchmarks.synth` generates synthetic data folders.

Used by ``scripts/bench*.py`` and the tests (run from the repository root, which pytest puts on
``sys.path``: ``pythonpath = ["."]`` in pyproject.toml).
"""
