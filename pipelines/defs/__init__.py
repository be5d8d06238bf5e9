"""The thin Dagster layer, one small module per role.

assets, checks, release, jobs, resources, runs (launching builds), sensors, schedules, progress.
The work itself lives in the pure modules of ``pipelines`` (``incremental`` and ``engine`` for the
per-report map).
"""
