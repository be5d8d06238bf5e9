"""Getting raw bytes in safely.

The sources registry, HTTP fetching, content-addressed snapshots, sniffing, decoding and limits.
"""
