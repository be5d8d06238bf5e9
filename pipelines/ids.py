"""Stable identifiers of published rows: one home for what makes an ``observation_id``.

An observation id names *a statement at a place*, not a value, so that correcting a figure in a
report is published as a changed value (a patch release) rather than as one row retracted and
another added (a minor release). What goes into the id, and so what makes a new one:

1. the report id;
2. the source (text, table or chart) and the PDF page;
3. for table cells: the table id and the cell's row and column headers;
   for chart labels: the series label;
4. the quote with every figure written in it masked: digits, and the stated form of every figure
   read from that quote, become ``#``. "Some 61% of callers felt heard." and "Some 64% of
   callers felt heard." give the same mask;
5. the order of the figure among figures with the same 1-4 (the second figure of one sentence,
   or the same sentence repeated), counted in reading order.

So an edited value, a value moved to another unit, or text inserted elsewhere in the document
keeps the id; rewording the sentence, moving it to another page, or relabelling a table row or
column gives a new id. Character offsets are deliberately left out: inserting one character
before a figure would otherwise renumber every figure after it.

The id reads ``<source>-<page, 4 digits>-<20 hex digits>`` (``text-0003-9f2c...``): globally unique because the
report id is hashed in (80 bits make a collision among ten million rows about one in 10^10).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence

from pipelines.model import Figure

MASK = "#"
_DIGITS = re.compile(r"\d+(?:[.,]\d+)*")
DIGEST_HEX = 20


def masked_quote(quote: str, stated: Iterable[str]) -> str:
    """The quote with the figures it states blanked out: what stays when a value is corrected.

    Digits are masked wherever they stand, which covers every form written with them ("61.5%",
    "2.5x"); only forms without a digit ("六成", "sixty-one percent") are replaced as text, in
    one regex pass, longest first.
    """
    forms = sorted({s for s in stated if s and not _DIGITS.search(s)}, key=len, reverse=True)
    text = re.sub("|".join(map(re.escape, forms)), MASK, quote or "") if forms else quote or ""
    return _DIGITS.sub(MASK, text)


def statement_key(report_id: str, fig: Figure, mask: str) -> tuple:
    """Items 1-4 of the module docstring for one figure (``mask``: the masked quote or its hash)."""
    where: tuple = (fig.source, fig.page)
    if fig.source == "table":
        where += (fig.table_id, fig.row_label, fig.column_label)
    elif fig.source == "chart":
        where += (fig.label,)
    return (report_id, *where, mask)


def observation_ids(report_id: str, figures: Sequence[Figure]) -> list[str]:
    """The id of every figure of one report, in the order given (reading order)."""
    stated_by_quote: dict[str, set[str]] = {}
    for fig in figures:
        stated_by_quote.setdefault(fig.quote or "", set()).add(fig.stated_as)
    # Each quote is masked and hashed once: a long quote shared by many figures costs its length once.
    masks = {quote: _sha256(masked_quote(quote, stated)) for quote, stated in stated_by_quote.items()}
    seen: dict[tuple, int] = {}
    ids = []
    for fig in figures:
        key = statement_key(report_id, fig, masks[fig.quote or ""])
        seen[key] = seen.get(key, 0) + 1
        ids.append(_format(fig, key, seen[key]))
    return ids


def _format(fig: Figure, key: tuple, ordinal: int) -> str:
    digest = _sha256("\x1f".join("" if part is None else str(part) for part in (*key, ordinal)))
    return f"{fig.source}-{(fig.page or 0):04d}-{digest[:DIGEST_HEX]}"


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
