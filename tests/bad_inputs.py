"""Bad documents, hostile registry entries and faulty HTTP sources, written by code at test time.

Nothing binary is committed: every junk file, broken PDF and fault script is generated here from
our own sample sentences. ``write_corpus`` drops them all into one sources folder next to good
reports, so a single build shows that each gets a clear recorded failure (or, for inputs that are
merely awkward, is decoded and published) while every other report is published unchanged.

Each ``Case`` says what must happen: ``stage`` is the ``ReportError`` stage of the expected
failure, or ``None`` when the report must publish at least ``min_figures`` observations.
"""

from __future__ import annotations

import codecs
import gzip
import io
import os
import random
import socket
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from http_faults import FaultServer, Reply, redirect

from pipelines.ingest.registry import report_id_from_name, short_id

# Our own sample sentences: every good variant below must publish these figures.
EN_REPORT = """Service Desk Outlook 2024

Key findings

In our 2024 survey of 900 shoppers, 64% said quick replies mattered most, up from 58% in 2023.
Only 27% of firms answered e-mail within one hour, and average wait time fell to 4.5 minutes.
"""
INDEX_POINTS_SENTENCE = "Markets were calm: the Dow lost 190 points on Monday, and 45% of investors held on."
HANS_REPORT = """2024 年客服体验观察

主要发现

2024 年调查显示，68% 的受访者认为客服响应速度最重要，比 2023 年的 61% 有所上升。
只有 35% 的企业能在一小时内回复邮件。
"""
HANT_REPORT = """2024 年客服體驗觀察

主要發現

2024 年調查顯示，72% 的受訪者認為客服回應速度最重要，高於 2023 年的 65%。
只有 38% 的企業能在一小時內回覆郵件。
"""
SCRIPT_FIGURE = "93.7%"  # appears only inside <script>/<iframe>/data: must never be published
SECRET = "alice:hunter2"  # credentials in a registry URL: must never be stored anywhere


@dataclass(frozen=True)
class Case:
    """One bad input or fault and what a build must do with it."""

    report_id: str
    what: str
    stage: str | None  # expected ReportError stage; None: must publish
    words: tuple[str, ...] = ()  # the failure message must contain each (case-insensitive)
    min_figures: int = 0  # for published cases
    entry: dict | str = field(default_factory=dict)  # registry entry (empty: an unlisted file)
    key_figure: float = 64.0  # for published cases: a figure their rows must carry


# --- PDFs -------------------------------------------------------------------------------------


def reportlab_pdf(pages: list[list[str]], *, encrypt: object | None = None) -> bytes:
    """A real text PDF (reportlab), one list of lines per page."""
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, encrypt=encrypt)
    for lines in pages:
        pdf.setFont("Helvetica", 11)
        for i, line in enumerate(lines):
            pdf.drawString(72, 720 - 16 * i, line)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def minimal_pdf(
    page_streams: list[int], streams: list[bytes], *, filters: str = "", extra: tuple[bytes, ...] = ()
) -> bytes:
    """A hand-built PDF: page i shows content stream ``page_streams[i]`` (pages may share one).

    Building by hand makes thousands of pages or a decompression bomb cost kilobytes and
    milliseconds, which reportlab cannot (it writes every page out). ``extra`` objects follow the
    pages (with one stream and one page, the first is object 6).
    """
    n_streams = len(streams)
    first_page = 4 + n_streams
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>"
        % (b" ".join(b"%d 0 R" % (first_page + i) for i in range(len(page_streams))), len(page_streams)),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    for content in streams:
        head = b"<< /Length %d %s>>" % (len(content), filters.encode())
        objects.append(head + b"\nstream\n" + content + b"\nendstream")
    for index in page_streams:
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
            b"/Resources << /Font << /F1 3 0 R >> >> >>" % (4 + index)
        )
    objects += extra
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def text_stream(lines: list[str]) -> bytes:
    ops = [b"BT /F1 11 Tf 72 720 Td 14 TL"]
    ops += [b"(%s) '" % line.replace("(", r"\(").replace(")", r"\)").encode("latin-1") for line in lines]
    return b" ".join([*ops, b"ET"])


def good_pdf() -> bytes:
    return reportlab_pdf([[line for line in EN_REPORT.splitlines() if line]])


def many_pages_pdf(pages: int) -> bytes:
    """``pages`` pages: the findings on page 1, one shared appendix stream for all the others."""
    first = text_stream([line for line in EN_REPORT.splitlines() if line])
    rest = text_stream(["Appendix: methodology notes continue on the next page."])
    return minimal_pdf([0] + [1] * (pages - 1), [first, rest])


def bomb_pdf(inflated_mib: int) -> bytes:
    """A one-page PDF whose content stream inflates to ``inflated_mib`` MiB (from a few hundred KB)."""
    content = text_stream(["In 2024, 64% of shoppers said quick replies mattered most."])
    padded = content + b" " * (inflated_mib << 20)
    return minimal_pdf([0], [zlib.compress(padded, 9)], filters="/Filter /FlateDecode ")


def deflated(data_size: int, layers: int = 1, *, prefix: bytes = b"") -> bytes:
    """``prefix`` and ``data_size`` spaces, Flate-compressed ``layers`` times, built in 1 MiB pieces
    so a gigabyte of inflated size never sits in memory."""
    packer = zlib.compressobj(9)
    out = [packer.compress(prefix)]
    block = b" " * (1 << 20)
    for start in range(0, data_size, len(block)):
        out.append(packer.compress(block[: data_size - start]))
    out.append(packer.flush())
    data = b"".join(out)
    for _ in range(layers - 1):
        data = zlib.compress(data, 9)
    return data


def lzw_bomb(inflated: int, prefix: bytes = b"") -> bytes:
    """An LZW stream (as PDF's LZWDecode reads it: MSB-first, EarlyChange 1): ``prefix`` (under 200
    bytes), then NUL bytes (whitespace to a PDF reader) to at least ``inflated`` bytes in all, from
    about ``inflated / 2500`` bytes: the table is grown to its longest entry (3,839 NULs) and that
    code is repeated."""
    codes = [(256, 9), *((byte, 9) for byte in prefix), (256, 9), (0, 9)]
    width, table = 9, 258
    for code in range(258, 4096):
        codes.append((code, width))
        table += 1
        if table in (511, 1023, 2047):
            width += 1
    produced = sum(range(2, 3840)) + 1
    codes += [(4095, 12)] * max(0, -(-(inflated - produced) // 3839))
    codes.append((257, 12))
    bits = "".join(format(code, f"0{n}b") for code, n in codes)
    bits += "0" * (-len(bits) % 8)
    return int(bits, 2).to_bytes(len(bits) // 8, "big")


BOMB_CONTENT = text_stream(["In 2024, 64% of shoppers said quick replies mattered most."]) + b" "


def hostile_bomb_pdfs(inflated: int) -> dict[str, bytes]:
    """One-page PDFs whose content stream decodes to about ``inflated`` bytes, each hiding the
    bomb from a naive check in another way (issue 14); keys are report ids."""
    flate = deflated(inflated, prefix=BOMB_CONTENT)

    def one(dictionary: bytes, data: bytes, *extra: bytes) -> bytes:
        return minimal_pdf([0], [data], filters=dictionary.decode("latin-1") + " ", extra=extra)

    pad = b"/Pad (" + b"x" * 3000 + b") "
    return {
        "bomb-name-escape": one(b"/Filter /Fl#61teDecode", flate),
        "bomb-abbreviated": one(b"/Filter [/Fl]", flate),
        "bomb-lzw": one(b"/Filter /LZWDecode", lzw_bomb(inflated, BOMB_CONTENT)),
        "bomb-indirect-filter": one(b"/Filter 6 0 R", flate, b"/FlateDecode"),
        "bomb-indirect-array": one(b"/Filter [6 0 R]", flate, b"/FlateDecode"),
        "bomb-image-word": one(b"/Note /Image /Filter /FlateDecode", flate),
        "bomb-fake-image": one(b"/Subtype /Image /Width 10 /Height 10 /Filter /FlateDecode", flate),
        "bomb-long-dict": one(pad + b"/Filter /FlateDecode", flate),
        "bomb-double-flate": one(b"/Filter [/FlateDecode /FlateDecode]", deflated(inflated, 2, prefix=BOMB_CONTENT)),
        "bomb-hex-flate": one(b"/Filter [/AHx /Fl]", flate.hex().encode() + b">"),
        "bomb-flate-runlength": one(
            b"/Filter [/FlateDecode /RunLengthDecode]",
            zlib.compress(bytes([len(BOMB_CONTENT) - 1]) + BOMB_CONTENT + b"\x81 " * (inflated // 128) + b"\x80", 9),
        ),
        "bomb-indirect-length": one(b"/Length 7 0 R /Filter /FlateDecode", flate, b"/FlateDecode", b"%d" % len(flate)),
    }


def scanned_pdf() -> bytes:
    """A page that is only a picture of text: what a scanner produces (no text layer)."""
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    image = Image.new("L", (900, 300), 255)
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(EN_REPORT.splitlines()[:4]):
        draw.text((20, 20 + 30 * i), line, fill=0)
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.drawImage(ImageReader(image), 40, 400, 520, 173)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def encrypted_pdf() -> bytes:
    from reportlab.lib.pdfencrypt import StandardEncryption

    return reportlab_pdf([EN_REPORT.splitlines()[:4]], encrypt=StandardEncryption("s3cret", canPrint=0))


# --- HTML and text ----------------------------------------------------------------------------


def hostile_html(inline_mib: int = 3) -> str:
    """An article buried in scripts, iframes and megabytes of inline data, whose only figures in
    markup (never shown as text) are ``SCRIPT_FIGURE``."""
    blob = codecs.encode(random.Random(7).randbytes(inline_mib << 20), "base64").decode().replace("\n", "")
    paragraphs = "".join(f"<p>{line}</p>" for line in EN_REPORT.splitlines()[3:] if line)
    return f"""<!doctype html><html><head><title>Service Desk Outlook 2024</title>
<script>var share = "{SCRIPT_FIGURE} of visitors"; document.write('<p>{SCRIPT_FIGURE} said yes</p>');
while (false) {{ eval("alert(1)"); }}</script>
<style>body {{ background: url(data:image/png;base64,{blob[:4096]}); }}</style></head>
<body><nav><a href="/">Home</a> <a href="/about">About</a></nav>
<iframe src="javascript:alert('{SCRIPT_FIGURE}')" srcdoc="<p>{SCRIPT_FIGURE} in a frame</p>"></iframe>
<article><h1>Service Desk Outlook 2024</h1><h2>Key findings</h2>{paragraphs}
<img alt="chart" src="data:image/png;base64,{blob}"></article>
<script type="application/json">{{"rate": "{SCRIPT_FIGURE}", "pad": "{"x" * 100_000}"}}</script>
<footer>Copyright 2024</footer></body></html>"""


def scripts_only_html() -> str:
    return (
        "<!doctype html><html><head><title>Loading</title><script>window.location='/app';</script></head>"
        f"<body><iframe src='/app'></iframe><script>var x = '{SCRIPT_FIGURE}';</script></body></html>"
    )


def long_line_text(length: int = 10_000) -> str:
    """The findings as one line of ``length`` characters (no newline anywhere in the body)."""
    sentence = " ".join(line for line in EN_REPORT.splitlines()[3:] if line)
    filler = " The panel also discussed staffing, tooling and training in detail."
    line = sentence + filler * ((length - len(sentence)) // len(filler) + 1)
    return EN_REPORT.splitlines()[0] + "\n\n" + line[:length] + "\n"


def damaged_bytes(text: str, every: int, seed: int = 3) -> bytes:
    """UTF-8 bytes with a stray invalid byte inserted every ``every`` bytes."""
    data = bytearray(text.encode("utf-8"))
    rng = random.Random(seed)
    for position in range(len(data) - 1, 0, -every):
        data[position:position] = bytes([rng.choice((0x80, 0xFF, 0xC3, 0xFE))])
    return bytes(data)


# --- the corpus -------------------------------------------------------------------------------


def local_cases(folder: Path) -> list[Case]:
    """Write the bad and awkward local documents into ``folder``; return what each must do."""
    files: dict[str, bytes] = {}
    cases: list[Case] = []

    def add(name: str, data: bytes | None, case: Case) -> None:
        if data is not None:
            files[name] = data
        cases.append(case)

    good = good_pdf()
    rng = random.Random(11)
    add("empty.txt", b"", Case("empty", "empty file", "sniff", ("empty", "0 bytes")))
    add("junk.pdf", rng.randbytes(4096), Case("junk", "binary junk named .pdf", "sniff", ("PDF",)))
    add("zipped.pdf", b"PK\x03\x04" + rng.randbytes(500), Case("zipped", "a .docx named .pdf", "sniff", ("ZIP",)))
    add("picture.txt", b"\x89PNG\r\n\x1a\n" + rng.randbytes(500), Case("picture", "PNG named .txt", "sniff", ("PNG",)))
    add("truncated.pdf", good[: len(good) // 2], Case("truncated", "truncated PDF", "parse", ("truncated",)))
    add("encrypted.pdf", encrypted_pdf(), Case("encrypted", "encrypted PDF", "parse", ("encrypted", "password")))
    add("scanned.pdf", scanned_pdf(), Case("scanned", "scanned PDF, no text layer", "parse", ("no text layer",)))
    add("bomb.pdf", bomb_pdf(200), Case("bomb", "PDF stream inflating to 200 MiB", "parse", ("inflate", "MiB")))
    add("many-pages.pdf", many_pages_pdf(2500), Case("many-pages", "2,500-page PDF (cut at max_pages)", None,
                                                       min_figures=3))
    add("hostile.html", hostile_html().encode(), Case("hostile", "HTML with scripts, iframes, 3 MiB inline data",
                                                      None, min_figures=3))
    add("scripts-only.html", scripts_only_html().encode(),
        Case("scripts-only", "HTML page that is only scripts and an iframe", "parse", ("no article text",)))
    add("gbk.txt", HANS_REPORT.encode("gbk"), Case("gbk", "text in GBK", None, min_figures=3, key_figure=68.0))
    add("big5.txt", HANT_REPORT.encode("big5"), Case("big5", "text in Big5", None, min_figures=3, key_figure=72.0))
    add("utf16.txt", HANS_REPORT.encode("utf-16"), Case("utf16", "UTF-16 with BOM", None, min_figures=3,
                                                        key_figure=68.0))
    add("utf16-no-bom.txt", HANS_REPORT.encode("utf-16-le"),
        Case("utf16-no-bom", "UTF-16 without BOM", "sniff", ("NUL",)))
    add("slightly-damaged.txt", damaged_bytes(EN_REPORT * 3, 400),
        Case("slightly-damaged", "UTF-8 with a few broken bytes", None, min_figures=3))
    add("mixed.txt", EN_REPORT.encode("utf-8") + HANS_REPORT.encode("gbk"),
        Case("mixed", "UTF-8 and GBK mixed in one file", None, min_figures=3))
    add("garbled.txt", damaged_bytes(EN_REPORT, 3), Case("garbled", "heavily broken encoding", "sniff",
                                                        ("not text", "undecodable")))
    add("long-line.txt", long_line_text().encode(), Case("long-line", "one 10,000-character line", None,
                                                         min_figures=3))
    for name, data in files.items():
        (folder / name).write_bytes(data)
    with (folder / "oversize.txt").open("wb") as handle:  # sparse: over the cap, costs no disk
        handle.truncate(51 * 1024 * 1024)
    cases.append(Case("oversize", "document over the 50 MiB size cap", "fetch", ("cap",)))
    return cases


def markdown_report(extra_line: str) -> bytes:
    """The findings as Markdown with one pathological line between heading and findings."""
    lines = EN_REPORT.splitlines()
    return "\n".join([f"# {lines[0]}", "", extra_line, "", *lines[2:]]).encode()


def big_table_html(rows: int, cols: int) -> bytes:
    """The findings and one ``rows`` x ``cols`` data table (10 MB at 1000 x 1000)."""
    head = "".join(f"<th>Segment {j}</th>" for j in range(cols))
    body = "".join(f"<tr><th>Item {i}</th>" + f"<td>{i % 90}</td>" * cols + "</tr>" for i in range(rows))
    paragraphs = "".join(f"<p>{line}</p>" for line in EN_REPORT.splitlines()[3:] if line)
    return (
        "<!doctype html><html><head><title>Service Desk Outlook 2024</title></head><body><article>"
        f"<h1>Service Desk Outlook 2024</h1>{paragraphs}<table><tr><th></th>{head}</tr>{body}</table>"
        "</article></body></html>"
    ).encode()


def nested_alias_bomb(depth: int = 9, width: int = 9) -> list:
    """Nested lists sharing one child per level: safe_dump writes them as a few hundred bytes of
    YAML anchors and aliases that expand to ``width ** depth`` leaves."""
    level: list = ["lol"] * width
    for _ in range(depth - 1):
        level = [level] * width
    return level


def hostile_local_cases(folder: Path) -> list[Case]:
    """Issue 14's hostile documents and file names: disguised PDF bombs, a million-cell table,
    pathological Markdown lines, names a slug cannot carry, over-long names, symlink loops, clashes."""
    cases: list[Case] = []
    for name, data in hostile_bomb_pdfs(200 << 20).items():
        (folder / f"{name}.pdf").write_bytes(data)
        cases.append(Case(name, f"PDF bomb in disguise: {name}", "parse", ("inflate", "MiB")))
    (folder / "big-table.html").write_bytes(big_table_html(1000, 1000))
    cases.append(Case("big-table", "HTML table of 1000 x 1000 cells (capped, with a warning)", None, min_figures=3))
    # Issue 14: index points read as percentage points broke a row rule and (before quarantine) the release.
    (folder / "index-points.txt").write_text(EN_REPORT + INDEX_POINTS_SENTENCE + "\n")
    cases.append(Case("index-points", "'the Dow lost 190 points' among good figures", None, min_figures=3))
    (folder / "brackets.md").write_bytes(markdown_report("[" * 40_000))
    cases.append(Case("brackets", "Markdown line of 40,000 '['", None, min_figures=3))
    (folder / "unclosed-strong.md").write_bytes(markdown_report("**a " * 10_000))
    cases.append(Case("unclosed-strong", "Markdown line of 10,000 unclosed '**'", None, min_figures=3))
    for name, text, figure in (("报告.txt", HANS_REPORT, 68.0), ("调查.txt", HANS_REPORT, 68.0),
                               ("乙.txt", HANT_REPORT, 72.0)):
        (folder / name).write_text(text, encoding="utf-8")
        cases.append(Case(report_id_from_name(name), f"file named {name}", None, min_figures=3, key_figure=figure))
    long_name = "x" * 247 + ".txt"
    (folder / long_name).write_text(EN_REPORT)
    cases.append(Case(short_id("x" * 247), "251-character file name", "registry", ("over the 100 limit",)))
    (folder / "symlink-loop.txt").symlink_to(folder / "symlink-loop-b.txt")
    (folder / "symlink-loop-b.txt").symlink_to(folder / "symlink-loop.txt")
    cases.append(Case("symlink-loop", "symlink loop (a -> b)", "registry", ("symlink loop",)))
    cases.append(Case("symlink-loop-b", "symlink loop (b -> a)", "registry", ("symlink loop",)))
    for name in ("Clash Report.txt", "clash-report.md"):
        (folder / name).write_text(EN_REPORT)
        cases.append(Case(short_id("clash-report", name), f"{name}: two files, one id", "registry", ("claimed by",)))
    return cases


def registry_cases(folder: Path) -> list[Case]:
    """Registry entries and links that try to reach outside the sources folder or off http(s)."""
    outside = folder.parent / "outside-secret.txt"
    outside.write_text(EN_REPORT)
    (folder / "leak.txt").symlink_to(outside)
    return [
        Case("dotdot", "registry path ../../etc/passwd", "registry", ("escapes",),
             entry={"id": "dotdot", "file": "../../etc/passwd"}),
        Case("absolute", "absolute registry path", "registry", ("absolute",),
             entry={"id": "absolute", "file": str(outside)}),
        Case("leak", "symlink out of the sources folder", "registry", ("escapes",)),
        Case("ftp", "ftp:// source", "registry", ("http and https",), entry={"id": "ftp", "url": "ftp://127.0.0.1/x.pdf"}),
        Case("file-url", "file:// source", "registry", ("http and https",),
             entry={"id": "file-url", "url": "file:///etc/passwd"}),
        Case("missing", "registry file that does not exist", "registry", ("not found",),
             entry={"id": "missing", "file": "no-such-report.pdf"}),
        Case("int-file", "file: 2024 (an int)", "registry", ("must be text",), entry={"id": "int-file", "file": 2024}),
        Case("bad-ipv6", 'url: "http://[::1/x"', "registry", ("invalid URL",),
             entry={"id": "bad-ipv6", "url": "http://[::1/x"}),
        Case("alias-bomb", "YAML alias bomb in a field", "registry", ("is a list",),
             entry={"id": "alias-bomb", "file": "gbk.txt", "title": nested_alias_bomb()}),
        Case(short_id("i" * 251), "251-character id", "registry", ("over the 100 limit",),
             entry={"id": "i" * 251, "file": "gbk.txt"}),
        Case("long-title", "3,000-character title", "registry", ("over the 2000 limit",),
             entry={"id": "long-title", "file": "gbk.txt", "title": "t" * 3000}),
        Case("format-docx", "unknown declared format", "registry", ("unknown format",),
             entry={"id": "format-docx", "file": "gbk.txt", "format": "docx"}),
        Case("entry", "a registry entry that is not a mapping", "registry", ("not a mapping",),
             entry="just a string"),
        Case("private-url", "URL on a private network", "fetch", ("private",),
             entry={"id": "private-url", "url": "http://10.255.255.1/report.txt"}),
    ]


def fault_cases(server: FaultServer) -> list[Case]:
    """Script ``server`` with every fault; return the registry cases pointing at it."""
    text = EN_REPORT.encode()
    html = b"<html><body><form>Please log in to download</form></body></html>"
    plain = {"Content-Type": "text/plain; charset=utf-8"}
    server.route("/gone-404.txt", Reply(404, b"not found"))
    server.route("/gone-410.txt", Reply(410, b"gone"))
    server.route("/flaky.txt", Reply(500), Reply(503), Reply(body=text, headers=plain))
    server.route("/stall.txt", Reply(body=text, stall=60))
    server.route("/drip.txt", Reply(body=text * 4, headers=plain, drip_delay=0.05, drip_chunk=1))
    server.route("/loop-a.txt", redirect("/loop-b.txt"))
    server.route("/loop-b.txt", redirect("/loop-a.txt"))
    server.route("/to-file.txt", redirect("file:///etc/passwd"))
    server.route("/mislabelled.txt", Reply(body=text, headers={"Content-Type": "application/pdf"}))
    server.route("/login.pdf", Reply(body=html, headers={"Content-Type": "text/html"}))
    server.route("/short.txt", Reply(body=text, headers=plain, content_length=len(text) + 500))
    server.route("/huge.txt", Reply(body=text, headers=plain, content_length=60 * 1024 * 1024))
    bomb = gzip.compress(b" " * (60 << 20), 9)
    server.route("/gzip-bomb.txt", Reply(body=bomb, headers={**plain, "Content-Encoding": "gzip"}))
    stacked = gzip.compress(bomb, 9)
    server.route("/gzip-gzip.txt", Reply(body=stacked, headers={**plain, "Content-Encoding": "gzip, gzip"}))
    server.route("/brotli.txt", Reply(body=b"\x0b\x02\x80", headers={**plain, "Content-Encoding": "br"}))
    server.route("/to-metadata.txt", redirect("http://169.254.169.254/latest/meta-data/"))
    server.route("/with-password.txt", Reply(body=text, headers=plain))
    refused = f"http://127.0.0.1:{closed_port()}/nothing.txt"

    def url(case: Case, path: str) -> Case:
        return Case(**{**case.__dict__, "entry": {"id": case.report_id, "url": server.url(path)}})

    return [
        url(Case("http-404", "HTTP 404", "fetch", ("404",)), "/gone-404.txt"),
        url(Case("http-410", "HTTP 410", "fetch", ("410", "removed")), "/gone-410.txt"),
        url(Case("flaky", "500 and 503, then the document (retried)", None, min_figures=3), "/flaky.txt"),
        url(Case("stall", "server never answers (timeout)", "fetch", ("timed out",)), "/stall.txt"),
        url(Case("drip", "slow drip of bytes", "fetch", ("deadline",)), "/drip.txt"),
        url(Case("loop", "redirect loop", "fetch", ("redirect loop",)), "/loop-a.txt"),
        url(Case("to-file", "redirect to file://", "fetch", ("file",)), "/to-file.txt"),
        url(Case("mislabelled", "text served as application/pdf (content wins)", None, min_figures=3),
            "/mislabelled.txt"),
        url(Case("login-wall", "HTML login page at a .pdf URL", "fetch", ("should be a PDF",)), "/login.pdf"),
        url(Case("short-body", "Content-Length larger than the body", "fetch", ("gave up",)), "/short.txt"),
        url(Case("over-cap", "declared body over the size cap", "fetch", ("cap",)), "/huge.txt"),
        url(Case("gzip-bomb", "gzip body inflating over the cap", "fetch", ("cap",)), "/gzip-bomb.txt"),
        Case("refused", "connection refused", "fetch", ("connection failed",),
             entry={"id": "refused", "url": refused}),
        url(Case("gzip-gzip", "Content-Encoding: gzip, gzip", "fetch", ("stacked Content-Encoding",)),
            "/gzip-gzip.txt"),
        url(Case("brotli", "Content-Encoding not asked for (br)", "fetch", ("unsupported Content-Encoding",)),
            "/brotli.txt"),
        url(Case("private-redirect", "redirect to 169.254.169.254", "fetch", ("private",)), "/to-metadata.txt"),
        Case("with-password", "credentials in the URL (stripped, never stored)", None, min_figures=3,
             entry={"id": "with-password", "url": server.url("/with-password.txt").replace("://", f"://{SECRET}@")}),
    ]


def closed_port() -> int:
    """A port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def write_corpus(good_sources: Path, folder: Path, server: FaultServer) -> list[Case]:
    """Copy the good reports, add every bad input and fault, and write the combined registry."""
    import shutil

    shutil.copytree(good_sources, folder)
    cases = local_cases(folder) + hostile_local_cases(folder) + registry_cases(folder) + fault_cases(server)
    registry_path = folder / "registry.yaml"
    registry = yaml.safe_load(registry_path.read_text(encoding="utf-8")) if registry_path.exists() else {}
    reports = list((registry or {}).get("reports") or [])
    for index, case in enumerate(cases):
        if isinstance(case.entry, str):  # a non-mapping entry is named by its position
            cases[index] = Case(**{**case.__dict__, "report_id": f"entry-{len(reports) + 1}"})
        if case.entry:
            reports.append(case.entry)
    registry_path.write_text(yaml.safe_dump({"reports": reports}, allow_unicode=True, sort_keys=False))
    return cases


# Fast limits for a build over the fault server: every slow fault resolves in seconds.
FAST_FETCH_ENV = {
    "CXBENCH_FETCH_CONNECT_TIMEOUT": "2",
    "CXBENCH_FETCH_READ_TIMEOUT": "1",
    "CXBENCH_FETCH_TOTAL_DEADLINE": "4",
    "CXBENCH_FETCH_RETRIES": "2",
    "CXBENCH_FETCH_BACKOFF_BASE": "0.05",
    # The fault server is on loopback; every other private address stays refused.
    "CXBENCH_ALLOW_PRIVATE_URLS": "127.0.0.0/8",
}


def peak_rss_mib() -> float:
    """This process's peak resident memory in MiB: ``VmHWM`` on Linux, which is reset by exec.

    ``ru_maxrss`` is not: a child forked from a pytest worker that had grown to 776 MiB reports
    776 MiB before doing anything, which is how a memory test failed only in the full suite.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def environ_with(values: dict[str, str]) -> dict[str, str | None]:
    """Set environment variables; return the previous values for ``restore_environ``."""
    previous = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    return previous


def restore_environ(previous: dict[str, str | None]) -> None:
    for key, value in previous.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
