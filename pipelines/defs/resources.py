"""Resources: where sources are read, intermediates kept and the catalogue published.

Only configuration and storage glue belongs here; the work itself lives in the pure modules.
"""

import os
from pathlib import Path
from typing import Any

import dagster as dg

from pipelines.workstore import WorkStore

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def default_dagster_home() -> Path:
    return Path(os.environ.get("DAGSTER_HOME") or PROJECT_ROOT / ".dagster_home")


class CxbenchSettings(dg.ConfigurableResource):
    """Paths and limits of one cxbench deployment (set per run by ``cxbench run``)."""

    sources_dir: str = str(PROJECT_ROOT / "sources")
    catalogue_root: str = str(PROJECT_ROOT / "datasets" / "catalogue")
    work_dir: str = ""  # default: $DAGSTER_HOME/storage/cxbench
    max_pages: int = 2000
    max_drop_share: float = 0.5

    def work_store(self) -> WorkStore:
        return WorkStore(self.work_dir or default_dagster_home() / "storage" / "cxbench")


class ReportStoreIOManager(dg.ConfigurableIOManager):
    """Stores asset values in the work store; partitioned assets pass ``{partition: value}`` dicts.

    A dict per run (rather than one value per step) is what lets one run materialize every report
    partition in a single step (``BackfillPolicy.single_run``).
    """

    settings: CxbenchSettings

    def _store(self) -> WorkStore:
        return self.settings.work_store()

    def handle_output(self, context: dg.OutputContext, obj: Any) -> None:
        stage = context.asset_key.to_user_string()
        store = self._store()
        if context.has_asset_partitions:
            for key in context.asset_partition_keys:
                store.save(stage, key, obj[key])
        else:
            store.save(stage, "_all", obj)

    def load_input(self, context: dg.InputContext) -> Any:
        stage = context.asset_key.to_user_string()
        store = self._store()
        if context.has_asset_partitions:
            return {key: store.load(stage, key) for key in context.asset_partition_keys}
        return store.load(stage, "_all")
