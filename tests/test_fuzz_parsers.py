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
from support import SOURCES, hang_guard

from pipelines.build import assemble, process_report
from pipelines.errors import ReportError
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
        with hang_guard(HANG_SECONDS, what=f"processing {name}"):
            rows = process_report(spec, snapshot, data)
    except ReportError as exc:
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
    """The guard the tests above rely on fails a test that spins (else a hang would pass them)."""
    with pytest.raises(pytest.fail.Exception, match=r"took longer than 0\.2 s"), hang_guard(0.2, what="spin"):
        while True:
            pass


# --- issue 14: pathological sizes and shapes ----------------------------------------------------

# Lines that made a backtracking regex quadratic (40,000 "[" took 8.4 s in Markdown cleaning).
PATHOLOGICAL_LINES = {
    "brackets": "[" * 40_000,
    "image-brackets": "![" * 20_000,
    "open-links": "[a](" * 10_000,
    "bracket-parens": "[](" * 13_000,
    "unclosed-strong": "**a " * 10_000,
    "stars": "*" * 40_000,
    "underscores": "_" * 40_000,
}


@pytest.mark.parametrize("name", sorted(PATHOLOGICAL_LINES))
def test_pathological_markdown_lines_are_linear(name):
    """A hang detector, not a speed target: linear code takes milliseconds here, the quadratic
    regexes took seconds to minutes, so a 5 s budget cannot be noise. bench_ingest measures."""
    line = PATHOLOGICAL_LINES[name]
    with hang_guard(5.0, what=name):
        doc = parse_text(f"# Title\n\n{line}\n\nIn 2024, 64% said yes.\n", "markdown")
        from pipelines.ingest.sniff import sniff_format

        sniff_format(f"notes\n{line}\n".encode(), filename=None)
    assert "In 2024, 64% said yes." in doc.pages[0]


@pytest.mark.parametrize(
    ("line", "plain"),
    [
        ("**Bold** and *italic* and ***both***", "Bold and italic and both"),
        ("**outer *inner* text**", "outer inner text"),
        ("snake_case_name and __dunder__", "snake_case_name and dunder"),
        ("2 * 3 * 4 = 24", "2 * 3 * 4 = 24"),
        ("[a link](https://example.org) and ![pic](x.png)", "a link and pic"),
        ("**unclosed and [unclosed", "**unclosed and [unclosed"),
    ],
)
def test_markdown_markup_is_removed_as_before(line, plain):
    from pipelines.parse.text import plain_paragraphs

    assert plain_paragraphs(line).strip() == plain


def big_table_html(rows: int, cols: int) -> str:
    head = "".join(f"<th>c{j}</th>" for j in range(cols))
    body = "".join(f"<tr><th>r{i}</th>" + f"<td>{i % 90}</td>" * cols + "</tr>" for i in range(rows))
    return (
        "<html><body><article><h1>Big</h1><p>In 2024, 64% of shoppers said yes.</p>"
        f"<table><tr><th></th>{head}</tr>{body}</table></article></body></html>"
    )


@pytest.mark.slow
def test_a_million_cell_html_table_is_cut_with_a_warning():
    from pipelines.tables import MAX_REPORT_CELLS, MAX_TABLE_COLS, MAX_TABLE_ROWS, table_figures

    doc = parse_html(big_table_html(1000, 999))
    (table,) = doc.tables
    assert len(table.cells) <= MAX_TABLE_ROWS and max(len(r) for r in table.cells) <= MAX_TABLE_COLS
    assert sum(len(t_.cells) * len(t_.cells[0]) for t_ in doc.tables) <= MAX_REPORT_CELLS
    assert len(table_figures(table)) < MAX_REPORT_CELLS
    assert any("1001 rows x 1000 cells cut to 200 rows and 50 cells" in w for w in doc.warnings), doc.warnings
    assert "64% of shoppers" in doc.pages[0]


def test_many_tables_are_capped_per_report():
    from pipelines.model import RawTable
    from pipelines.tables import MAX_REPORT_CELLS, cap_tables

    tables = [RawTable(f"t{i}", None, [["", "2024"]] + [[f"r{j}", "5%"] for j in range(199)]) for i in range(60)]
    kept, warnings = cap_tables(tables)
    assert sum(len(t.cells) * 2 for t in kept) <= MAX_REPORT_CELLS
    assert len(kept) == 50 and "later table(s) dropped" in warnings[-1]
    small = [RawTable("s", None, [["", "2024"], ["a", "1%"]])]
    assert cap_tables(small) == (small, [])
