"""Benchmarks: each prints its own numbers against a named peer measured in the same run."""
