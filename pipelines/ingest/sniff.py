"""Tell what raw report bytes are (format sniffing) and turn text bytes into ``str`` (decoding).

Belongs here: everything that looks at raw bytes to decide "PDF, HTML, Markdown or text?" and
"which character encoding?", for local files and fetched bytes alike. Parsing the format itself
belongs to ``pipelines.parse``.

Content beats names: a file is what its bytes say (a ``.pdf`` that holds an HTML login page is an
error, not a PDF), names and Content-Type only break ties between the text formats.
"""

from __future__ import annotations

import codecs
import re
from pathlib import PurePosixPath
from urllib.parse import urlsplit

import charset_normalizer

from pipelines.errors import ReportError

PDF_MAGIC = b"%PDF-"
PDF_MAGIC_WINDOW = 1024  # PDF readers accept junk before the header; the spec's own slack is 1 KiB
SNIFF_HEAD_BYTES = 64 * 1024  # enough to see a doctype or headings; decoding it must stay cheap
MAX_REPLACEMENT_RATIO = 0.01  # more undecodable characters than this means wrong bytes, not damage

_EXTENSIONS = {
    ".pdf": "pdf",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".md": "markdown",
    ".markdown": "markdown",
    ".txt": "text",
    ".text": "text",
}
_CONTENT_TYPES = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/markdown": "markdown",
    "text/x-markdown": "markdown",
    "text/plain": "text",
}
# Formats people hand over by mistake; naming them beats "binary junk" in an error message.
_BINARY_MAGIC = (
    (b"PK\x03\x04", "ZIP archive (a .docx/.xlsx/.pptx is one)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "legacy Microsoft Office document"),
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF8", "GIF image"),
    (b"\x1f\x8b", "gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"Rar!", "RAR archive"),
)
# Ordered: UTF-32 LE's BOM starts with UTF-16 LE's, so the longer ones must be tried first.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Labels as browsers read them (WHATWG Encoding): a page saying gb2312 is really GBK/GB18030, one
# saying big5 uses the HKSCS extensions, one saying iso-8859-1 is really windows-1252.
_LABEL_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "gb_2312-80": "gb18030",
    "chinese": "gb18030",
    "big5": "big5hkscs",
    "big5-hkscs": "big5hkscs",
    "x-x-big5": "big5hkscs",
    "cn-big5": "big5hkscs",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "ascii": "cp1252",
    "us-ascii": "cp1252",
}
# Tried with replacement when nothing decodes strictly: the encodings Chinese reports come in.
_DAMAGED_CANDIDATES = ("utf-8", "gb18030", "big5hkscs")

_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.I)
_XML_ENCODING = re.compile(rb"""^<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9_.:-]{1,40})""", re.I)
_HTML_DOCUMENT = re.compile(r"<(?:!doctype\s+html|html|head|body)[\s>]", re.I)
_HTML_FRAGMENT = re.compile(r"</(?:div|p|table|span|h[1-6]|ul|ol|section|article|a)>", re.I)
_MARKDOWN_SIGNALS = (
    re.compile(r"^#{1,6}[ \t]+\S", re.M),  # ATX heading
    re.compile(r"^\|?[ \t]*:?-{3,}:?[ \t]*(?:\|[ \t]*:?-{3,}:?[ \t]*)+\|?[ \t]*$", re.M),  # table rule
    re.compile(r"\[[^\[\]\n]+\]\([^()\[\]\s]+\)"),  # inline link (no brackets inside: linear on "[[[[")
    re.compile(r"\*\*[^*\n]+\*\*|__[^_\n]+__"),  # strong emphasis
    re.compile(r"^(?:```|~~~)", re.M),  # fenced code
)


def sniff_format(data: bytes, filename: str | None = None, content_type: str | None = None) -> str:
    """Return ``"pdf" | "html" | "markdown" | "text"`` for raw report bytes.

    Content decides first (PDF magic, HTML markup), then the file extension, then the
    Content-Type, then Markdown syntax. Raises ``ReportError("sniff", ...)`` for empty or binary
    input and for a ``.pdf`` name on bytes that are not a PDF, because parsing such a file as
    text would quietly publish a login page or an error page as a report.
    """
    name = PurePosixPath(urlsplit(filename).path).name if filename else "the document"
    if not data:
        raise ReportError("sniff", f"{name} is empty (0 bytes)")
    if is_pdf(data):
        return "pdf"
    for magic, what in _BINARY_MAGIC:
        if data.startswith(magic):
            raise ReportError("sniff", f"{name} is a {what}, not a PDF, HTML, Markdown or text report")
    try:
        head = _decode_head(data, charset_of(content_type))
    except ReportError as exc:
        raise ReportError("sniff", f"{name} is neither a PDF nor text: {exc.message}") from exc
    looks_html = _looks_like_html(head)
    extension = _extension(filename)
    if extension == ".pdf":
        seen = "an HTML page" if looks_html else "text"
        raise ReportError(
            "sniff",
            f"{name} is named .pdf but is not a PDF (no %PDF- header in the first "
            f"{PDF_MAGIC_WINDOW} bytes); it holds {seen}, starting {head.lstrip()[:60]!r}",
        )
    if looks_html:
        return "html"
    if extension in _EXTENSIONS:
        return _EXTENSIONS[extension]
    media_type = _media_type(content_type)
    if media_type in _CONTENT_TYPES:
        return _CONTENT_TYPES[media_type]
    signals = sum(1 for pattern in _MARKDOWN_SIGNALS if pattern.search(head))
    return "markdown" if signals >= 2 else "text"


def is_pdf(data: bytes) -> bool:
    """Whether the bytes carry the PDF header where PDF readers look for it."""
    return PDF_MAGIC in data[:PDF_MAGIC_WINDOW]


def decode_text(data: bytes, *, declared: str | None = None) -> str:
    """Decode report bytes to text, or raise ``ReportError("decode", ...)`` when they are not text.

    Order: a BOM; strict UTF-8; the ``declared`` charset (e.g. from HTTP Content-Type) and the
    HTML/XML ``charset`` in the document, each only if charset-normalizer finds the result
    coherent (declarations are often wrong); charset-normalizer's own guess (GB18030, Big5, ...).
    Only if nothing decodes strictly are a few encodings tried with replacement, and the best is
    accepted when fewer than 1% of its characters had to be replaced: a small tear in a real
    document, rather than a document in some other encoding.
    """
    if not data:
        return ""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _decode_damaged(data, [encoding])
    if b"\x00" in data:
        raise ReportError(
            "decode", "the bytes contain NUL characters (binary data, or UTF-16/32 without a BOM)"
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    labelled = [enc for enc in (_normalise_label(declared), _document_charset(data)) if enc]
    for encoding in labelled:
        text = _strict(data, encoding)
        if text is not None and _coherent(data, encoding):
            return text
    guess = _best_guess(data)
    if guess is not None:
        return guess
    return _decode_damaged(data, [*labelled, *_DAMAGED_CANDIDATES])


def _best_guess(data: bytes) -> str | None:
    """charset-normalizer's best reading, breaking exact ties towards windows-1252.

    On short Western text several code pages score the same and charset-normalizer picks the
    first (windows-1250: "naïve" becomes "naďve"); windows-1252 is what such bytes almost always
    are, which is why browsers default to it.
    """
    matches = charset_normalizer.from_bytes(data)
    best = matches.best()
    if best is None:
        return None
    for match in matches:
        tied = (match.chaos, match.coherence) == (best.chaos, best.coherence)
        if tied and "cp1252" in match.could_be_from_charset:
            return str(match)
    return str(best)


def _decode_head(data: bytes, declared: str | None) -> str:
    """Decode the first ``SNIFF_HEAD_BYTES``; a UTF-8 character cut at the end is not damage."""
    head = data[:SNIFF_HEAD_BYTES]
    if len(head) < len(data) and not head.startswith(tuple(bom for bom, _ in _BOMS)):
        try:
            return codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        except UnicodeDecodeError:
            pass
    return decode_text(head, declared=declared)


def _decode_damaged(data: bytes, encodings: list[str]) -> str:
    """Decode with the encoding that needs the fewest replacements, if that is few enough."""
    best_text, best_ratio, best_encoding = "", 1.0, ""
    for encoding in dict.fromkeys(encodings):
        text = data.decode(encoding, errors="replace")
        ratio = text.count("\ufffd") / max(len(text), 1)
        if ratio < best_ratio:
            best_text, best_ratio, best_encoding = text, ratio, encoding
        if ratio == 0:
            break
    if best_ratio >= MAX_REPLACEMENT_RATIO:
        tried = ", ".join(dict.fromkeys(encodings))
        raise ReportError(
            "decode",
            f"the bytes are not text in any encoding tried ({tried}); the best, {best_encoding or 'none'}, "
            f"leaves {best_ratio:.0%} of characters undecodable",
        )
    if best_ratio and not _coherent(best_text.encode("utf-8"), "utf-8"):
        raise ReportError("decode", f"the bytes decode as {best_encoding} only to unreadable text")
    return best_text


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _coherent(data: bytes, encoding: str) -> bool:
    """Whether charset-normalizer judges ``data`` read as ``encoding`` to be plausible text.

    Catches mojibake that decodes strictly, e.g. GBK bytes read as windows-1252 because a server
    declared ``charset=iso-8859-1``.
    """
    return charset_normalizer.from_bytes(data, cp_isolation=[encoding]).best() is not None


def _normalise_label(label: str | None) -> str | None:
    """Python codec name for a charset label, preferring the superset browsers use; None if unknown."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    label = _LABEL_SUPERSETS.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _document_charset(data: bytes) -> str | None:
    """The charset an HTML ``<meta>`` or XML declaration names in the first 4 KiB, if any."""
    head = data[:4096]
    match = _XML_ENCODING.search(head.lstrip()) or _META_CHARSET.search(head)
    return _normalise_label(match.group(1).decode("ascii")) if match else None


def _looks_like_html(text: str) -> bool:
    head = text[:4096].lstrip().lower()
    if _HTML_DOCUMENT.search(head):
        return True
    return head.startswith("<") and _HTML_FRAGMENT.search(head) is not None


def _extension(filename: str | None) -> str:
    if not filename:
        return ""
    return PurePosixPath(urlsplit(filename).path).suffix.lower()


def _media_type(content_type: str | None) -> str:
    return content_type.split(";", 1)[0].strip().lower() if content_type else ""


def charset_of(content_type: str | None) -> str | None:
    """The ``charset`` parameter of a Content-Type header value, if any."""
    if not content_type:
        return None
    for param in content_type.split(";")[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            return value.strip().strip("\"'") or None
    return None
