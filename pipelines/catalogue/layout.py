"""Names of the files and folders in a catalogue root: one home for the on-disk layout.

See pipelines/catalogue/README.md for what each file holds.
"""

from __future__ import annotations

LATEST = "latest.json"
INDEX = "index.json"
VERSIONS = "versions"
STAGING = ".staging"  # half-written versions live here, never under versions/
MANIFEST = "datapackage.json"
CHANGELOG = "CHANGELOG.md"
VALIDATION = "validation.json"
CHECKSUMS = "SHA256SUMS"
CHANGES = "changes"


def version_dir(version: str) -> str:
    return f"{VERSIONS}/{version}"


def parquet_name(resource: str) -> str:
    return f"{resource}.parquet"
