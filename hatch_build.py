"""Hatch build hook: ship ``ontology/``, ``graph/`` and ``queries/`` inside the wheel.

They go to ``evkg/_data/<name>/``, where :func:`evkg.data.layout.default_data_dir` finds them in an
installed package. A hook rather than a static ``force-include`` table because a folder that holds
no committed file yet (for example ``queries/`` early on) does not exist in a fresh clone, and a
static ``force-include`` of a missing folder fails the whole build.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

DATA_FOLDERS = ("ontology", "graph", "queries")


class DataFoldersHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or version == "editable":
            return  # an editable install reads the data from the checkout itself
        root = Path(self.root)
        for name in DATA_FOLDERS:
            if (root / name).is_dir():
                build_data["force_include"][str(root / name)] = f"evkg/_data/{name}"
