"""Property tests: arbitrary text, bytes and mutated sample PDFs and HTML pages never crash or hang
the parsers and the figure extractor.

The only acceptable outcomes for any input are published rows that fit the dataset schemas, or a
``ReportError`` (the clear, recorded failure). Every example runs under the product's own
per-document time limit, raised here under the stage name "hang" so a hang fails the test instead
of passing as an ordinary ``ReportError``.
"""

from __future__ import annotations

import functools
import random

import pytest
from bad_inputs import EN_REPORT, HANS_REPORT, good_pdf, hostile_html
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from support import SOURCES

from pipelines.build import assemble, process_report
from pipelines.errors import ReportError
from pipelines.ingest.limits import time_limit
from pipelines.model import Snapshot, SourceSpec
from pipelines.parse.html import parse_html
from pipelines.parse.text import parse_text

HANG_SECONDS = 60.0  # far beyond any sane example; only a real hang reaches it
FUZZ = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def survive(data: bytes, name: str) -> None:
    """Run the whole per-report pipeline; only rows that assemble, or a ReportError, may come out."""
    spec = SourceSpec(report_id="fuzz", file=name)
    snapshot = Snapshot(report_id="fuzz", sha256="0" * 64, path=name, size=len(data), source_file=name)
    try:
        with time_limit(HANG_SECONDS, stage="hang", what=f"processing {name}"):
            rows = process_report(spec, snapshot, data)
    except ReportError as exc:
        assert exc.stage != "hang", str(exc)
        assert exc.message.strip(), "a failure must say what is wrong"
        return
    frames = assemble([rows])  # typed by the published schemas: enums, types, non-null columns
    assert len(frames["observations"]) == rows.report["n_observations"]


def mutate(data: bytes, seed: int, edits: int) -> bytes:
    """Flip, delete, duplicate or truncate a few byte ranges: what damaged downloads look like."""
    rng = random.Random(seed)
    out = bytearray(data)
    for _ in range(edits):
        if not out:
            break
        at = rng.randrange(len(out))
        action = rng.choice(("flip", "delete", "duplicate", "insert", "truncate"))
        span = rng.randint(1, 64)
        if action == "flip":
            out[at : at + span] = bytes(rng.randrange(256) for _ in out[at : at + span])
        elif action == "delete":
            del out[at : at + span]
        elif action == "duplicate":
            out[at:at] = out[at : at + span * 8]
        elif action == "insert":
            out[at:at] = rng.choice((b"<script>", b"</p>", b"<<", b">>", b"endobj", b"stream\n", b"\x00", b"%"))
        else:
            del out[at:]
    return bytes(out)


SAMPLE_PDFS = {path.name: path.read_bytes() for path in sorted(SOURCES.glob("*.pdf"))}
SAMPLE_HTML = {path.name: path.read_bytes() for path in sorted(SOURCES.glob("*.html"))}


@functools.cache
def sample(name: str) -> bytes:
    """A sample document by name (generated ones built once; not a fixture, so failures print short)."""
    generated = {"generated.pdf": good_pdf, "hostile.html": lambda: hostile_html(1).encode()}
    return generated[name]() if name in generated else {**SAMPLE_PDFS, **SAMPLE_HTML}[name]


@settings(FUZZ, max_examples=50)
@given(st.text(max_size=3000), st.sampled_from(["text", "markdown"]))
def test_arbitrary_text_parses(text: str, fmt: str) -> None:
    doc = parse_text(text, fmt)
    assert doc.format == fmt and len(doc.pages) == 1


@settings(FUZZ, max_examples=50)
@given(st.text(max_size=3000))
def test_arbitrary_text_as_html_parses_or_says_no_article(text: str) -> None:
    try:
        doc = parse_html(text)
    except ReportError as exc:
        assert exc.stage == "parse"
        return
    assert doc.format == "html" and doc.pages[0].strip()


@settings(FUZZ, max_examples=50)
@given(
    st.lists(
        st.one_of(
            st.text(max_size=200),
            st.sampled_from(EN_REPORT.splitlines() + HANS_REPORT.splitlines()),
            st.from_regex(r"[0-9]{1,4}(\.[0-9]{1,2})?(%| percent|倍|个百分点| minutes)", fullmatch=True),
        ),
        max_size=40,
    ),
    st.sampled_from(["report.txt", "report.md"]),
)
def test_arbitrary_text_through_the_figure_extractor(parts: list[str], name: str) -> None:
    survive(" ".join(parts).encode("utf-8"), name)


@settings(FUZZ, max_examples=50)
@given(st.binary(max_size=4000), st.sampled_from(["x.pdf", "x.txt", "x.html", "x.md", "x"]))
def test_arbitrary_bytes_never_crash(data: bytes, name: str) -> None:
    survive(data, name)


@settings(FUZZ, max_examples=25)
@given(st.sampled_from(sorted([*SAMPLE_PDFS, "generated.pdf"])), st.integers(0, 2**32), st.integers(1, 6))
def test_mutated_pdfs_never_crash(name: str, seed: int, edits: int) -> None:
    survive(mutate(sample(name), seed, edits), name)


@settings(FUZZ, max_examples=25)
@given(st.sampled_from(sorted([*SAMPLE_HTML, "hostile.html"])), st.integers(0, 2**32), st.integers(1, 12))
@example(name="hostile.html", seed=4, edits=3)  # one megabyte-long "sentence": context scans were quadratic
def test_mutated_html_never_crashes(name: str, seed: int, edits: int) -> None:
    survive(mutate(sample(name), seed, edits), name)


def test_the_samples_themselves_publish() -> None:
    """The mutation tests start from documents that do work (else they would prove little)."""
    assert SAMPLE_PDFS and SAMPLE_HTML, f"no sample documents in {SOURCES}"
    for name in [*SAMPLE_PDFS, "generated.pdf", *SAMPLE_HTML, "hostile.html"]:
        data = sample(name)
        spec = SourceSpec(report_id="fuzz", file=name)
        snapshot = Snapshot(report_id="fuzz", sha256="0" * 64, path=name, size=len(data), source_file=name)
        assert process_report(spec, snapshot, data).observations, name


def test_the_hang_guard_catches_a_runaway_loop() -> None:
    with pytest.raises(ReportError, match="limit per document"), time_limit(0.2, stage="hang", what="spin"):
        while True:
            pass
