"""PDF decompression bombs in every disguise of issue 14 are refused before any PDF library sees them,
in bounded memory; the same structures at a harmless size are real, parseable documents."""

from __future__ import annotations

import json
import random
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from bad_inputs import hostile_bomb_pdfs, lzw_bomb, minimal_pdf
from support import SHARED, hang_guard

from pipelines.errors import ReportError
from pipelines.ingest.pdf_streams import MAX_INFLATED_BYTES, check_pdf_inflation, decoded_size
from pipelines.parse import parse_document

ROOT = Path(__file__).resolve().parents[1]
BOMBS = hostile_bomb_pdfs(MAX_INFLATED_BYTES + (8 << 20))
HARMLESS = hostile_bomb_pdfs(1 << 20)


@pytest.mark.parametrize("name", sorted(BOMBS))
def test_each_disguised_bomb_is_refused(name):
    assert len(BOMBS[name]) < 500_000  # small files ...
    with pytest.raises(ReportError) as caught:
        parse_document(BOMBS[name], filename=f"{name}.pdf")
    assert caught.value.stage == "parse"
    assert "inflate to more than 128.0 MiB" in caught.value.message


@pytest.mark.parametrize("name", sorted(HARMLESS))
def test_the_same_disguise_at_a_harmless_size_is_a_real_document(name):
    """... that PDF readers decode: each variant's text is extracted, so the refusal above is not of
    a broken file but of a stream the parser would really have inflated."""
    check_pdf_inflation(HARMLESS[name])
    doc = parse_document(HARMLESS[name], filename=f"{name}.pdf")
    assert "64% of shoppers" in " ".join(doc.pages)
    assert decoded_size(HARMLESS[name], 1 << 40, 1 << 40) >= 1 << 20


def test_lzw_bomb_decodes_the_same_in_pdfminer():
    from pdfminer.lzw import lzwdecode

    data = lzw_bomb(5 << 20, b"BT ET ")
    assert len(lzwdecode(data)) == decoded_size(minimal_pdf([0], [data], filters="/Filter /LZW "), 1 << 40, 0)


def test_genuine_images_count_against_their_own_budget():
    """A picture that decodes to no more than its declared width x height allows is not a bomb."""
    from bad_inputs import deflated

    picture = deflated(3 << 20)
    pdf = minimal_pdf([0], [picture], filters="/Subtype /Image /Width 1024 /Height 1024 /Filter /FlateDecode ")
    check_pdf_inflation(pdf, max_bytes=1 << 20)
    with pytest.raises(ReportError, match="images inflate"):
        check_pdf_inflation(pdf, max_bytes=1 << 20, max_image_bytes=2 << 20)


@pytest.mark.parametrize("seed", range(6))
def test_damaged_streams_and_dictionaries_never_crash_the_check(seed):
    rng = random.Random(seed)
    dictionaries = ["/Filter /LZWDecode", "/Filter [/Fl /RL /AHx /A85]", "/Filter 99 0 R", "/Filter [<<", "/F ("]
    pdf = minimal_pdf([0], [rng.randbytes(5000)], filters=rng.choice(dictionaries) + " ")
    cut = pdf[: rng.randrange(len(pdf))]
    for data in (pdf, cut, b"%PDF-1.4\n1 0 obj << /Filter /Fl >> stream\n" + rng.randbytes(3000)):
        check_pdf_inflation(data)


@pytest.mark.skipif(not (SHARED / "real-pdfs").is_dir(), reason="needs ../shared/real-pdfs")
def test_real_reports_pass_with_room_to_spare_and_encrypted_ones_are_read():
    sizes = {p.name: decoded_size(p.read_bytes(), 1 << 40, 1 << 40) for p in (SHARED / "real-pdfs").glob("*.pdf")}
    assert sizes and max(sizes.values()) < MAX_INFLATED_BYTES / 3, sizes
    # Encrypted with an empty user password (readers open it): its streams are decrypted, then counted.
    assert sizes["caict-computing-power-index-2021.pdf"] > 20 << 20


@pytest.mark.slow
def test_gigabyte_bombs_are_refused_in_bounded_memory():
    """Every disguise at 1 GiB inflated, parsed in a fresh process: peak RSS stays a small multiple
    of the interpreter's own (each would take gigabytes inside PDFium)."""
    script = textwrap.dedent(
        f"""
        import json, sys
        sys.path.insert(0, {str(ROOT / "tests")!r})
        from bad_inputs import hostile_bomb_pdfs, peak_rss_mib as peak_mib
        from pipelines.errors import ReportError
        from pipelines.parse import parse_document
        import pipelines.parse.pdf, pipelines.ingest.pdf_streams, pdfminer.pdfdocument  # noqa: F401
        baseline = peak_mib()
        refused = {{}}
        for name, data in hostile_bomb_pdfs(1 << 30).items():
            try:
                parse_document(data, filename=name + ".pdf")
                refused[name] = None
            except ReportError as exc:
                refused[name] = exc.message
        peak = peak_mib()
        print(json.dumps({{"baseline_mib": baseline, "peak_mib": peak, "refused": refused}}))
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    outcome = json.loads(done.stdout)
    print(outcome["baseline_mib"], outcome["peak_mib"])
    assert all(message and "inflate" in message for message in outcome["refused"].values()), outcome
    assert outcome["peak_mib"] < outcome["baseline_mib"] + 200, outcome


def test_check_error_reads_as_one_clear_line():
    with pytest.raises(ReportError) as caught:
        check_pdf_inflation(BOMBS["bomb-lzw"])
    assert str(caught.value).startswith("parse: PDF streams inflate to more than 128.0 MiB")
    assert "\n" not in str(caught.value)


def test_stream_keywords_inside_stream_data_are_not_streams():
    """Binary data full of the bytes "stream" must not make the check re-scan the rest of the file
    for each of them (quadratic: 20,000 such words took 4.9 s, growing with the square; now 60,000 take 0.15 s)."""
    import time

    noise = b"".join(b"xx stream\n" + bytes([i % 251]) * 40 for i in range(60_000))
    pdf = minimal_pdf([0], [noise], filters="/Filter /DCTDecode ")
    with hang_guard(10.0, what="check"):
        started = time.perf_counter()
        check_pdf_inflation(pdf)
    assert time.perf_counter() - started < 10
    # ... while a real stream after it is still found and counted.
    bomb = hostile_bomb_pdfs(MAX_INFLATED_BYTES + (8 << 20))["bomb-double-flate"]
    with pytest.raises(ReportError, match="inflate"):
        check_pdf_inflation(pdf.replace(b"%%EOF", b"") + bomb)
