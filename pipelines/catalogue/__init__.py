"""The versioned benchmark catalogue: publish immutable releases and read them back.

Layout, version rules and storage guarantees are described in pipelines/catalogue/README.md.
"""

from pipelines.catalogue.publish import PublishResult, publish
from pipelines.catalogue.reader import (
    diff_versions,
    latest_version,
    list_versions,
    load,
    read_manifest,
    read_table,
    search,
    verify,
)

__all__ = [
    "PublishResult",
    "diff_versions",
    "latest_version",
    "list_versions",
    "load",
    "publish",
    "read_manifest",
    "read_table",
    "search",
    "verify",
]
