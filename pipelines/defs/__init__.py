"""The thin Dagster layer, one small module per role.

assets, checks, release, jobs, partitions, resources, runs (launching builds), sensors, schedules,
executors, progress. The work itself lives in the pure modules of ``pipelines``.
"""
