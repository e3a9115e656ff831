"""The suite's time budget, kept in sight: a whole run prints its wall and CPU time and its slowest tests.

The whole suite, external suites and real servers included, must stay under five minutes on a 2-core
machine (decision 0021). No test fails for being slow (a shared or slow machine would make it flaky);
instead, a run of the whole suite ends with one line saying where it stands against the budget, and the
ten tests that took longest, so that whoever adds seconds sees it the day they add them. A targeted run
(``pytest tests/test_x.py``) prints it only with ``--budget``.

CPU seconds are the test processes' own (user + system, every xdist worker and the servers and
commands they started and waited for): on a shared machine they say more than the wall time.
"""

from __future__ import annotations

import os
import resource
import time
from collections import defaultdict
from typing import Any

import pytest

__all__ = ["BUDGET_SECONDS", "Budget", "cpu_seconds"]

BUDGET_SECONDS = 300.0
SLOWEST = 10


def cpu_seconds(children: bool = True) -> float:
    """CPU time (user + system) of this process and (``children``) of the children it has waited for."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    total = own.ru_utime + own.ru_stime
    if children:
        waited = resource.getrusage(resource.RUSAGE_CHILDREN)
        total += waited.ru_utime + waited.ru_stime
    return total


class Budget:
    """A pytest plugin (registered by tests/conftest.py) that sums the run's time per test and reports it."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.started = time.perf_counter()
        self.cpu_at_start = cpu_seconds(children=False)
        self.children_at_start = cpu_seconds() - self.cpu_at_start
        self.per_test: dict[str, float] = defaultdict(float)
        self.worker_cpu: list[float] = []

    def whole_suite(self) -> bool:
        return bool(self.config.getoption("budget")) or self.config.args_source == pytest.Config.ArgsSource.TESTPATHS

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.per_test[report.nodeid.split("@", 1)[0]] += report.duration  # setup + call + teardown

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: object) -> None:  # an xdist worker is done
        self.worker_cpu.append(float(getattr(node, "workeroutput", {}).get("evkg_cpu_seconds", 0.0)))

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        workeroutput = getattr(self.config, "workeroutput", None)
        if workeroutput is not None:  # in an xdist worker: hand this process's CPU time to the controller
            workeroutput["evkg_cpu_seconds"] = cpu_seconds()

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if hasattr(self.config, "workeroutput") or not self.whole_suite():
            return
        wall = time.perf_counter() - self.started
        if self.worker_cpu:  # the workers' own figures (their servers included); they are this process's children
            cpu = cpu_seconds(children=False) - self.cpu_at_start + sum(self.worker_cpu)
        else:
            cpu = cpu_seconds() - self.cpu_at_start - self.children_at_start
        try:
            load = "load average {:.1f} {:.1f} {:.1f}".format(*os.getloadavg())
        except OSError:
            load = "load average unknown"
        workers = len(self.worker_cpu) or 1
        over = wall > BUDGET_SECONDS
        terminalreporter.write_sep("-", f"time budget: slowest {SLOWEST} tests (setup + call + teardown)")
        for nodeid, seconds in sorted(self.per_test.items(), key=lambda kv: -kv[1])[:SLOWEST]:
            terminalreporter.write_line(f"{seconds:7.2f}s {nodeid}")
        terminalreporter.write_line(
            f"time budget: {wall:.0f} s wall of {BUDGET_SECONDS:.0f} s, {cpu:.0f} s CPU on {workers} "
            f"process{'es' if workers > 1 else ''} ({load}){' — OVER BUDGET' if over else ''}",
            red=over,
            bold=over,
        )
