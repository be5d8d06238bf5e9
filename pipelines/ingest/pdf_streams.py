"""How much a PDF's streams decode to, found without a PDF library and in bounded memory.

Belongs here: finding every stream of a PDF, reading its dictionary the way a PDF reader does
(names with ``#xx`` escapes, abbreviations, ``/Filter`` given by an indirect reference, arrays of
filters, dictionaries of any size) and running each filter chain into a counter. The cap itself
and its error are ``check_pdf_inflation`` and ``MAX_INFLATED_BYTES`` / ``MAX_IMAGE_BYTES`` at the end.

Why not a substring search: a dictionary that writes ``/Fl#61teDecode``, uses ``/LZWDecode``,
points at its filter with ``/Filter 9 0 R``, mentions ``/Image`` in some other key or is longer
than a fixed look-back window is decoded by PDFium just the same, so each of these once let a
1.2 MB file inflate to 1.2 GiB. Here every filter that can expand data (Flate, LZW, RunLength)
is run, in pieces, through a shared budget that stops the whole walk the moment it is spent.
The filters that only shrink data (ASCIIHex, ASCII85) are decoded because a later filter in the
chain needs their output; image codecs (DCT, JPX, CCITT, JBIG2) end a chain, as PDF parsing for
text never decodes them.
"""

from __future__ import annotations

import base64
import bisect
import io
import re
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from pipelines.errors import ReportError
from pipelines.ingest.limits import INFLATE_CHUNK as CHUNK
from pipelines.ingest.limits import describe_size, has_zlib_header, inflate

_OBJ = re.compile(rb"(\d{1,10})[\x00\t\n\f\r ]+(\d{1,5})[\x00\t\n\f\r ]+obj(?![A-Za-z])")
_STREAM = re.compile(rb"(?<![A-Za-z])stream(?:\r\n|\n|\r)?")
_WHITESPACE = b"\x00\t\n\f\r "
_DELIMITERS = b"()<>[]{}/%"
_MAX_DEPTH = 64  # nesting deeper than this is not a real dictionary (and would exhaust the stack)
# Filter names as PDF readers accept them, including the inline-image abbreviations.
_FILTER_NAMES = {
    "FlateDecode": "flate",
    "Fl": "flate",
    "LZWDecode": "lzw",
    "LZW": "lzw",
    "RunLengthDecode": "runlength",
    "RL": "runlength",
    "ASCIIHexDecode": "hex",
    "AHx": "hex",
    "ASCII85Decode": "a85",
    "A85": "a85",
}


class BudgetSpent(Exception):
    """The streams decoded so far exceed a budget; raised from inside the decoder chain."""

    def __init__(self, what: str, limit: int) -> None:
        super().__init__(what)
        self.what, self.limit = what, limit


class _Budget:
    def __init__(self, what: str, limit: int) -> None:
        self.what, self.limit, self.left = what, limit, limit

    def spend(self, n: int) -> None:
        self.left -= n
        if self.left < 0:
            raise BudgetSpent(self.what, self.limit)


class _Meter:
    """Counts one stream's decoded pieces: an image's first ``allowance`` bytes (what its declared
    width x height can hold) against the image budget, everything else against the main one."""

    def __init__(self, main: _Budget, images: _Budget, allowance: int) -> None:
        self.main, self.images, self.allowance = main, images, allowance

    def counted(self, pieces: Iterable[bytes]) -> Iterator[bytes]:
        for piece in pieces:
            take = min(len(piece), self.allowance)
            self.allowance -= take
            self.images.spend(take)
            self.main.spend(len(piece) - take)
            yield piece


@dataclass(frozen=True)
class Name:
    """A PDF name with its ``#xx`` escapes resolved (``/Fl#61teDecode`` -> ``FlateDecode``)."""

    value: str


@dataclass(frozen=True)
class Ref:
    number: int
    generation: int


class _Unparsable(Exception):
    pass


def decoded_size(data: bytes, limit: int, image_limit: int) -> int:
    """Bytes that every stream of ``data`` decodes to, counting each layer of a filter chain;
    raise ``BudgetSpent`` as soon as a total passes its limit.

    Image XObjects are decoded too (a dictionary can claim ``/Subtype /Image`` and still be used
    as page content), but the bytes their declared ``/Width`` x ``/Height`` can hold count against
    ``image_limit`` (real reports carry tens of MiB of pictures that text parsing never decodes);
    anything an image inflates beyond that counts against ``limit`` like any other stream."""
    headers = list(_OBJ.finditer(data))
    objects = {int(m.group(1)): m.end() for m in headers}  # the last definition wins, as in updates
    starts = [m.end() for m in headers]
    decipher = _decipher(data)
    main, images = _Budget("streams", limit), _Budget("images", image_limit)
    covered = 0  # the previous stream's data runs to its endstream: "stream" inside it is data
    for match in _STREAM.finditer(data):
        if match.start() < covered or data[max(0, match.start() - 3) : match.start()] == b"end":
            continue
        end = data.find(b"endstream", match.end())
        covered = end if end >= 0 else len(data)
        owner = bisect.bisect_right(starts, match.start()) - 1
        dictionary = _stream_dictionary(data, starts[owner] if owner >= 0 else None, match.start())
        body = _stream_body(data, match.end(), dictionary, objects)
        if decipher is not None and owner >= 0 and (dictionary or {}).get("Type") != Name("XRef"):
            number, generation = int(headers[owner].group(1)), int(headers[owner].group(2))
            body = decipher(number, generation, body, {})
        filters = _filters(data, dictionary, objects, body)
        if not filters:
            continue
        meter = _Meter(main, images, _image_allowance(data, dictionary, objects))
        pieces: Iterable[bytes] = (body[i : i + CHUNK] for i in range(0, len(body), CHUNK))
        for kind in filters:
            pieces = meter.counted(_DECODERS[kind](pieces))
        for _ in pieces:
            pass
    return (limit - main.left) + (image_limit - images.left)


def _image_allowance(data: bytes, dictionary: dict | None, objects: dict[int, int]) -> int:
    """Most bytes a genuine image of the declared size decodes to (4 components of 16 bits)."""
    if not dictionary or dictionary.get("Subtype") != Name("Image"):
        return 0
    width, height = (
        _resolve(data, v, objects) if isinstance(v, Ref) else v
        for v in (dictionary.get("Width"), dictionary.get("Height"))
    )
    if not (isinstance(width, int) and isinstance(height, int)) or width <= 0 or height <= 0:
        return 0
    return width * height * 8


def _decipher(data: bytes) -> Callable[..., bytes] | None:
    """For a PDF encrypted with an empty user password (readers open it silently), pdfminer's
    decryption of one object's bytes; None when the PDF is not encrypted or cannot be opened
    (then no reader can decode its streams either, and parsing reports the password)."""
    if b"/Encrypt" not in data:
        return None
    try:
        from pdfminer.pdfdocument import PDFDocument
        from pdfminer.pdfparser import PDFParser

        return PDFDocument(PDFParser(io.BytesIO(data)), password="").decipher
    except Exception:  # any failure to open means nothing can be decrypted
        return None


def _stream_dictionary(data: bytes, start: int | None, stream_at: int) -> dict | None:
    """The dictionary of the object that holds the stream keyword at ``stream_at``, or None."""
    if start is None:
        return None
    try:
        value, end = _parse(data, start, 0)
    except (_Unparsable, IndexError, ValueError, RecursionError):
        return None
    if not isinstance(value, dict) or end > stream_at:
        return None
    return value


def _stream_body(data: bytes, start: int, dictionary: dict | None, objects: dict[int, int]) -> bytes:
    """The raw stream bytes: ``/Length`` long when it is known and sane, else up to ``endstream``."""
    length = (dictionary or {}).get("Length")
    if isinstance(length, Ref):
        length = _resolve(data, length, objects)
    if isinstance(length, int) and 0 <= length <= len(data) - start:
        return data[start : start + length]
    end = data.find(b"endstream", start)
    return data[start : end if end >= 0 else len(data)]


def _filters(data: bytes, dictionary: dict | None, objects: dict[int, int], body: bytes) -> list[str]:
    """The chain of expanding or text filters to run; a guess from the bytes when the dictionary
    or its ``/Filter`` cannot be read (a reader may still find and decode it)."""
    value = dictionary.get("Filter") if dictionary is not None else _Unknown
    if isinstance(value, Ref):
        value = _resolve(data, value, objects)
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    if value is _Unknown or not all(isinstance(item, (Name, Ref)) for item in items):
        return _guess(body)
    chain = []
    for item in items:
        if isinstance(item, Ref):
            item = _resolve(data, item, objects)
        if not isinstance(item, Name):
            return chain or _guess(body)
        kind = _FILTER_NAMES.get(item.value)
        if kind is None:
            break  # an image codec or Crypt: nothing further is decoded for text
        chain.append(kind)
    return chain


class _UnknownType:
    pass


_Unknown = _UnknownType()


def _guess(body: bytes) -> list[str]:
    if has_zlib_header(body):
        return ["flate"]
    if body[:1] == b"\x80":  # an LZW stream starts with the 9-bit clear code 256
        return ["lzw"]
    return []


def _resolve(data: bytes, ref: Ref, objects: dict[int, int]) -> object:
    start = objects.get(ref.number)
    if start is None:
        return _Unknown  # inside an object stream, or missing: treated as unreadable
    try:
        return _parse(data, start, 0)[0]
    except (_Unparsable, IndexError, ValueError, RecursionError):
        return _Unknown


# --- a minimal reader for PDF objects --------------------------------------------------------


def _skip(data: bytes, i: int) -> int:
    n = len(data)
    while i < n:
        c = data[i]
        if c in _WHITESPACE:
            i += 1
        elif c == 0x25:  # % comment to end of line
            while i < n and data[i] not in b"\r\n":
                i += 1
        else:
            break
    return i


def _token_end(data: bytes, i: int) -> int:
    n = len(data)
    while i < n and data[i] not in _WHITESPACE and data[i] not in _DELIMITERS:
        i += 1
    return i


def _parse(data: bytes, i: int, depth: int) -> tuple[object, int]:
    """One object at ``i`` -> (value, end). Dictionaries -> dict of name -> value."""
    if depth > _MAX_DEPTH:
        raise _Unparsable
    i = _skip(data, i)
    c = data[i : i + 1]
    if data.startswith(b"<<", i):
        result: dict[str, object] = {}
        i += 2
        while True:
            i = _skip(data, i)
            if data.startswith(b">>", i):
                return result, i + 2
            key, i = _parse(data, i, depth + 1)
            if not isinstance(key, Name):
                raise _Unparsable
            value, i = _parse(data, i, depth + 1)
            result[key.value] = value
    if c == b"[":
        items: list[object] = []
        i += 1
        while True:
            i = _skip(data, i)
            if data.startswith(b"]", i):
                return items, i + 1
            value, i = _parse(data, i, depth + 1)
            items.append(value)
    if c == b"/":
        end = _token_end(data, i + 1)
        return Name(_unescape_name(data[i + 1 : end])), end
    if c == b"(":
        return b"", _string_end(data, i)
    if c == b"<":
        end = data.index(b">", i)
        return b"", end + 1
    if c in (b"]", b">", b")", b"{", b"}", b""):
        raise _Unparsable
    end = _token_end(data, i)
    word = data[i:end]
    if re.fullmatch(rb"[+-]?\d+", word):
        number = int(word)
        ref = re.compile(rb"[\x00\t\n\f\r ]+(\d{1,5})[\x00\t\n\f\r ]+R(?![A-Za-z])").match(data, end)
        if ref and number >= 0:
            return Ref(number, int(ref.group(1))), ref.end()
        return number, end
    if re.fullmatch(rb"[+-]?(\d+\.?\d*|\.\d+)", word):
        return float(word), end
    if word == b"null":
        return None, end
    if word in (b"true", b"false"):
        return word == b"true", end
    raise _Unparsable


def _unescape_name(raw: bytes) -> str:
    return re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), raw).decode("latin-1")


def _string_end(data: bytes, i: int) -> int:
    """End of the literal string opening at ``i`` (balanced parentheses, backslash escapes)."""
    depth, i, n = 0, i, len(data)
    while i < n:
        c = data[i]
        if c == 0x5C:  # backslash
            i += 2
            continue
        if c == 0x28:
            depth += 1
        elif c == 0x29:
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    raise _Unparsable


# --- decoders: iterator of pieces in, pieces of at most CHUNK out ---------------------------


def _flate(pieces: Iterable[bytes]) -> Iterator[bytes]:
    try:
        yield from inflate(pieces)
    except (zlib.error, EOFError):
        return  # damaged or cut short: the PDF parser reports it in its own words


def _lzw(pieces: Iterable[bytes]) -> Iterator[bytes]:
    """LZW as PDF uses it (MSB-first codes of 9-12 bits, EarlyChange 1), yielding bounded pieces.

    The input is joined first: it was counted against the budget by the layer that produced it
    (or is the raw stream, already in memory)."""
    data = b"".join(pieces)
    table: list[bytes] = [bytes([i]) for i in range(256)] + [b"", b""]
    width, bits, nbits, previous = 9, 0, 0, b""
    out = bytearray()
    for byte in data:
        bits = (bits << 8) | byte
        nbits += 8
        while nbits >= width:
            nbits -= width
            code = (bits >> nbits) & ((1 << width) - 1)
            bits &= (1 << nbits) - 1
            if code == 256:  # clear
                del table[258:]
                width, previous = 9, b""
                continue
            if code == 257:  # end of data
                if out:
                    yield bytes(out)
                return
            if code < len(table):
                entry = table[code]
            elif code == len(table) and previous:
                entry = previous + previous[:1]
            else:
                if out:
                    yield bytes(out)
                return  # damaged
            if previous and len(table) < 4096:  # a full table stays full until a clear code
                table.append(previous + entry[:1])
            previous = entry
            out += entry
            if len(out) >= CHUNK:
                yield bytes(out)
                out.clear()
            if len(table) + 1 >= (1 << width) and width < 12:
                width += 1
    if out:
        yield bytes(out)


def _runlength(pieces: Iterable[bytes]) -> Iterator[bytes]:
    data = b"".join(pieces)
    out = bytearray()
    i, n = 0, len(data)
    while i < n:
        length = data[i]
        if length == 128:
            break
        if length < 128:
            out += data[i + 1 : i + 2 + length]
            i += 2 + length
        else:
            out += data[i + 1 : i + 2] * (257 - length)
            i += 2
        if len(out) >= CHUNK:
            yield bytes(out)
            out.clear()
    if out:
        yield bytes(out)


def _hex(pieces: Iterable[bytes]) -> Iterator[bytes]:
    text = re.sub(rb"[^0-9A-Fa-f]", b"", b"".join(pieces).split(b">", 1)[0])
    yield bytes.fromhex((text + b"0" * (len(text) % 2)).decode("ascii"))


def _a85(pieces: Iterable[bytes]) -> Iterator[bytes]:
    text = b"".join(pieces).split(b"~>", 1)[0].removeprefix(b"<~")
    try:
        yield base64.a85decode(re.sub(rb"\s", b"", text))
    except ValueError:
        return


_DECODERS = {"flate": _flate, "lzw": _lzw, "runlength": _runlength, "hex": _hex, "a85": _a85}


MAX_INFLATED_BYTES = 128 * 1024 * 1024
"""Most bytes a PDF's streams may decode to (128 MiB), every layer of every filter chain counted:
real reports need a few MiB of page content (the eight real PDFs in ../shared: at most 31 MiB, pictures
included); PDFium holds several copies of what it inflates, so this also bounds memory."""

MAX_IMAGE_BYTES = 1024 * 1024 * 1024
"""Most bytes a PDF's images may decode to within their declared size (1 GiB): text parsing never
decodes pictures, so this only bounds the time the check itself spends (about a second)."""


def check_pdf_inflation(
    data: bytes, *, max_bytes: int = MAX_INFLATED_BYTES, max_image_bytes: int = MAX_IMAGE_BYTES
) -> None:
    """Refuse a PDF whose streams decode to more than ``max_bytes`` in total.

    Every filter that can expand data (Flate, LZW, RunLength), in every spelling of its name, given
    directly or by reference, is run incrementally into a counter (``decoded_size`` below),
    so the check itself needs a few MiB however large the bomb. Encrypted PDFs that open without a
    password are decrypted first, as the PDF readers would.
    """
    try:
        decoded_size(data, max_bytes, max_image_bytes)
    except BudgetSpent as exc:
        name = "MAX_INFLATED_BYTES" if exc.what == "streams" else "MAX_IMAGE_BYTES"
        raise ReportError(
            "parse",
            f"PDF {exc.what} inflate to more than {describe_size(exc.limit)} (pdf_streams.{name}): "
            "a decompression bomb or a pathological document",
        ) from None
