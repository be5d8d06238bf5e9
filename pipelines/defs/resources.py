"""Resources: where sources are read, intermediates kept and the catalogue published.

Only configuration and storage glue belongs here; the work itself lives in the pure modules.
"""

import os
from pathlib import Path
from typing import Any

import dagster as dg
from pydantic import Field

from pipelines.workstore import WorkStore

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def default_dagster_home() -> Path:
    return Path(os.environ.get("DAGSTER_HOME") or PROJECT_ROOT / ".dagster_home")


def _env_number(name: str, default: float) -> Any:
    """Default read from ``$CXBENCH_<NAME>`` when settings are built: the one way to tune the limits of
    ``cxbench run`` (and of the tests and soak benchmark that drive it) without a CLI flag per limit."""

    def factory() -> float:
        raw = os.environ.get(f"CXBENCH_{name.upper()}")
        return type(default)(raw) if raw else default

    return Field(default_factory=factory)


class CxbenchSettings(dg.ConfigurableResource):
    """Paths and limits of one cxbench deployment (set per run by ``cxbench run``)."""

    sources_dir: str = str(PROJECT_ROOT / "sources")
    catalogue_root: str = str(PROJECT_ROOT / "datasets" / "catalogue")
    work_dir: str = ""  # default: $DAGSTER_HOME/storage/cxbench
    max_pages: int = 2000
    max_drop_share: float = 0.5
    # False: a URL source with a stored snapshot is not fetched again (the sensor's runs stay local);
    # True: fetch conditionally (If-None-Match / If-Modified-Since), as the re-fetch schedule does.
    refetch_urls: bool = False
    # Limits per report (see pipelines.ingest.limits and FetchPolicy); defaults from $CXBENCH_<FIELD>.
    max_bytes: int = _env_number("max_bytes", 50 * 1024 * 1024)  # raw document size cap, files and URLs
    document_time_limit: float = _env_number("document_time_limit", 600.0)  # seconds per stage; 0 = none
    fetch_connect_timeout: float = _env_number("fetch_connect_timeout", 10.0)
    fetch_read_timeout: float = _env_number("fetch_read_timeout", 30.0)
    fetch_total_deadline: float = _env_number("fetch_total_deadline", 300.0)
    fetch_retries: int = _env_number("fetch_retries", 3)
    fetch_backoff_base: float = _env_number("fetch_backoff_base", 0.5)

    def work_store(self) -> WorkStore:
        return WorkStore(self.work_dir or default_dagster_home() / "storage" / "cxbench")

    def fetch_policy(self) -> Any:
        """The ``FetchPolicy`` these settings describe (imported lazily: httpx is not needed to configure)."""
        from pipelines.ingest.fetch import FetchPolicy

        return FetchPolicy(
            connect_timeout=self.fetch_connect_timeout,
            read_timeout=self.fetch_read_timeout,
            total_deadline=self.fetch_total_deadline,
            retries=self.fetch_retries,
            backoff_base=self.fetch_backoff_base,
            max_bytes=self.max_bytes,
        )


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
