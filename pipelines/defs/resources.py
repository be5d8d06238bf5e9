"""Resources: where sources are read, intermediates kept, the catalogue published, work run.

Only configuration and storage glue belongs here; the work itself lives in the pure modules.
"""

import os
from typing import Any

import dagster as dg
from pydantic import Field

from pipelines.engine import DaskEngine, Engine, Limits, ProcessPoolEngine, prestart_forkserver
from pipelines.source_changes import PROJECT_ROOT, default_dagster_home, work_dir_for
from pipelines.workstore import WorkStore

__all__ = [
    "PROJECT_ROOT",
    "CxbenchSettings",
    "ReportEngine",
    "WorkStoreIOManager",
    "default_dagster_home",
    "work_store_io_manager",
]


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
    work_dir: str = ""  # default: $DAGSTER_HOME/storage/cxbench/<sources folder name>-<digest of its path>
    # Reports extracted again even if unchanged (``cxbench run --report ID``).
    rebuild_reports: list[str] = Field(default_factory=list)
    max_pages: int = 2000
    max_drop_share: float = 0.5
    # False: a URL source with a stored snapshot is not fetched again (the sensor's runs stay local);
    # True: fetch conditionally (If-None-Match / If-Modified-Since), as the re-fetch schedule does.
    refetch_urls: bool = False
    # Limits per report (see pipelines.ingest.limits and FetchPolicy); defaults from $CXBENCH_<FIELD>.
    max_bytes: int = _env_number("max_bytes", 50 * 1024 * 1024)  # raw document size cap, files and URLs
    document_time_limit: float = _env_number("document_time_limit", 600.0)  # seconds per report; 0 = none
    document_memory_limit_mb: int = _env_number("document_memory_limit_mb", 2048)  # per worker; 0 = none
    fetch_connect_timeout: float = _env_number("fetch_connect_timeout", 10.0)
    fetch_read_timeout: float = _env_number("fetch_read_timeout", 30.0)
    fetch_total_deadline: float = _env_number("fetch_total_deadline", 300.0)
    fetch_retries: int = _env_number("fetch_retries", 3)
    fetch_backoff_base: float = _env_number("fetch_backoff_base", 0.5)

    def work_store(self) -> WorkStore:
        return WorkStore(self.work_dir or work_dir_for(self.sources_dir))

    def limits(self) -> Limits:
        """The per-report limits the engine enforces by ending the worker."""
        return Limits(
            seconds=self.document_time_limit or None,
            memory_bytes=int(self.document_memory_limit_mb) * 1024**2 or None,
        )

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


class ReportEngine(dg.ConfigurableResource):
    """Which engine runs the per-report map: ``process`` (local pool, default) or ``dask``.

    ``workers`` 0 means every usable core (process) or one worker per core (a Dask LocalCluster).
    ``dask_address`` names a running scheduler (``tcp://host:8786``); empty starts a LocalCluster.
    """

    kind: str = Field(default="process", pattern="^(process|dask)$")
    workers: int = 0
    dask_address: str = ""

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        if self.kind == "process":  # its imports overlap the first steps of the run
            prestart_forkserver()

    def engine(self, limits: Limits) -> Engine:
        if self.kind == "dask":
            return DaskEngine(self.dask_address, n_workers=self.workers, limits=limits)
        return ProcessPoolEngine(self.workers, limits)


class WorkStoreIOManager(dg.IOManager):
    """Keeps each asset's value in the run's sources folder's own work store (one pickle per asset).

    Values are small summaries and the datasets' frames; per-report extracts are stored by
    ``pipelines.incremental`` itself, keyed by fingerprint.
    """

    def __init__(self, settings: CxbenchSettings) -> None:
        self.settings = settings

    def handle_output(self, context: dg.OutputContext, obj: Any) -> None:
        self.settings.work_store().save("assets", context.asset_key.to_user_string(), obj)

    def load_input(self, context: dg.InputContext) -> Any:
        return self.settings.work_store().load("assets", context.asset_key.to_user_string())


@dg.io_manager(required_resource_keys={"cxbench"})
def work_store_io_manager(init_context: dg.InitResourceContext) -> WorkStoreIOManager:
    """Built from the run's own ``cxbench`` settings, so each sources folder's values stay apart."""
    return WorkStoreIOManager(init_context.resources.cxbench)
