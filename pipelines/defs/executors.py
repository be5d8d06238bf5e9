"""The job's executor: one definition, chosen per run by configuration, so scaling out is config.

Belongs here: which step-execution engines a cxbench run can use and how run config selects one.
``cxbench_executor`` is a selector over

* ``in_process``: every step in the launching process (tests, ``cxbench run``, small corpora);
* ``multiprocess`` (the default when a run names nothing, e.g. runs launched by the sensor or
  schedule from the daemon): one process per step, so a crash in one step cannot kill the run;
* ``dask``: steps as tasks on a dask.distributed cluster (``cluster: {local: ...}`` or
  ``{existing: {address: ...}}`` and the other cluster types of dagster-dask);
* ``celery`` / ``k8s``: steps as Celery tasks or Kubernetes jobs, when dagster-celery or
  dagster-k8s is installed in the deployment image (see docs/deploy/README.md).

Why a selector instead of ``Definitions(executor=...)`` per deployment: the code location stays
identical everywhere and a deployment switches engines in ``dagster.yaml``-adjacent run config or
launchpad config, never by editing code. Parallelism caveat: every per-report stage is a single
step over all of a run's reports (``BackfillPolicy.single_run``), so a distributed engine
parallelises across stages and checks, not across reports; see the deploy README for splitting
the partition range when one machine is not enough.
"""

from __future__ import annotations

import importlib
from typing import Any

import dagster as dg
from dagster._core.executor.init import InitExecutorContext

EXECUTOR_NAMES = ("in_process", "multiprocess", "dask", "celery", "k8s")
DEFAULT_EXECUTOR = "multiprocess"

# Engines from optional integrations: (module, executor attribute); imported only when chosen.
_INTEGRATIONS = {
    "dask": ("dagster_dask", "dask_executor"),
    "celery": ("dagster_celery", "celery_executor"),
    "k8s": ("dagster_k8s", "k8s_job_executor"),
}


def _requirements(config: dict[str, Any]) -> list[dg.ExecutorRequirement]:
    return [] if "in_process" in config else dg.multiple_process_executor_requirements()


def _integration_executor(name: str) -> dg.ExecutorDefinition:
    module_name, attribute = _INTEGRATIONS[name]
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise dg.DagsterInvariantViolationError(
            f"the {name} executor needs the {module_name.replace('_', '-')} package in this environment"
        ) from exc
    return getattr(module, attribute)


@dg.executor(
    name="cxbench",
    config_schema=dg.Field(
        dg.Selector(
            {
                "in_process": dg.in_process_executor.config_schema.as_field(),
                "multiprocess": dg.multiprocess_executor.config_schema.as_field(),
                **{name: dg.Field(dg.Permissive(), default_value={}) for name in _INTEGRATIONS},
            }
        ),
        default_value={DEFAULT_EXECUTOR: {}},
    ),
    requirements=_requirements,
)
def cxbench_executor(init_context: InitExecutorContext) -> dg.Executor:
    """Build the chosen engine by delegating to its own Dagster executor definition."""
    ((name, config),) = init_context.executor_config.items()
    if name in ("in_process", "multiprocess"):
        target, target_config = dg.multi_or_in_process_executor, {name: config}
    else:
        target = _integration_executor(name)
        target_config = dict(config)
        if name == "dask":
            target_config.setdefault("cluster", {"local": {}})
    return target.executor_creation_fn(
        InitExecutorContext(
            job=init_context.job,
            executor_def=target,
            executor_config=target_config,
            instance=init_context.instance,
        )
    )


def execution_config(name: str = "in_process", **options: Any) -> dict[str, Any]:
    """The run config ``execution`` section that selects engine ``name`` with ``options``."""
    if name not in EXECUTOR_NAMES:
        raise ValueError(f"unknown executor {name!r}; choose one of {', '.join(EXECUTOR_NAMES)}")
    return {"config": {name: options}}


def local_dask_options(n_workers: int = 2, threads_per_worker: int = 1) -> dict[str, Any]:
    """Options for a dask.distributed LocalCluster on this machine (tests and single hosts)."""
    return {
        "cluster": {
            "local": {"n_workers": n_workers, "threads_per_worker": threads_per_worker, "processes": True}
        }
    }
