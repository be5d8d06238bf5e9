"""The versioned benchmark catalogue: publish immutable releases and read them back.

Layout, version rules and storage guarantees are described in pipelines/catalogue/README.md.
Importing it loads pyarrow but neither pandas (until a DataFrame is asked for) nor Dagster.
"""

from pipelines.catalogue.publish import PublishResult, publish
from pipelines.catalogue.reader import (
    diff_versions,
    latest_version,
    list_versions,
    load,
    read_manifest,
    read_table,
    verify,
)
from pipelines.catalogue.recovery import repair
from pipelines.catalogue.state import CatalogueError

__all__ = [
    "CatalogueError",
    "PublishResult",
    "diff_versions",
    "latest_version",
    "list_versions",
    "load",
    "publish",
    "read_manifest",
    "read_table",
    "repair",
    "verify",
]
