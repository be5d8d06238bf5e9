"""Jobs: the one job that builds every asset (per-report partitions in a single run) and publishes."""

import dagster as dg

build_catalogue_job = dg.define_asset_job(
    name="build_catalogue",
    selection=dg.AssetSelection.all(),
    description="Snapshot, parse, clean and extract every report, run the quality gate, publish a version.",
)
