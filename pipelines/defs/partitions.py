"""Partitions: one dynamic partition per report id, added and removed as the sources change."""

import dagster as dg

reports_partitions = dg.DynamicPartitionsDefinition(name="reports")
