"""The answer option a figure belongs to: “極其重要”(40%), 19% 的受訪者希望投資“…”, "very important" (41%).

Rules, in order, within the figure's sentence (only percent-like figures take part):
1. a quote right before the figure (“X”(40%), “X”以 36%)                              -> X
2. the nearest quote between the previous figure and this one, with no ; or sentence end
   between, not already the previous figure's label, and not one of several options joined
   by 或/和/or/and (“非常重要”或“比較重要” has no single label)                             -> X
3. a quote after it, before the next ; or sentence end, with no other figure between and
   not owned by a figure after it in its clause (“Y”(36%), “Y”上升了 9%)              -> X
4. a figure that continues the previous one (a change, an earlier level, 达到 N% / 上升到今年的 N%,
   the second of a parenthesised pair, 这一比例 N%: the same share of another group) takes the
   previous figure's label
5. a figure restated in brackets right after it in the same clause (将近一半的受访者(49%)) and
   its restatement share one label, whichever of the two found it
Quoted statements longer than ``MAX_LABEL`` characters are not answer options; punctuation
inside the closing quote ("excellent,") is not part of the option.
"""

from __future__ import annotations

import re

from pipelines.figures.clauses import HARD_BREAK, OPTION_CLAUSE

MAX_LABEL = 40  # as long as ``QUOTED`` reads: "agents who don't have my history" is an option
MAX_GAP = 60  # 'only 21% of consumers rated their most recent experience as "excellent"'
_RIGHT_BEFORE = re.compile(r"\s*(?:[((]|以|占|为|at|with|:)?\s*")
_OWNED = re.compile(r"\s*[((]?\s*[\d一二三四五六七八九十百半]")
# Quoted phrases that may be answer options (read on the matching copy: full-width quotes stay as they are)
QUOTED = re.compile(r"“([^“”\n]{1,40})”|「([^「」\n]{1,40})」|『([^『』\n]{1,40})』|\"([^\"\n]{1,40})\"")
_PAIR_OPEN = re.compile(r"\s*[((]\s*")
_PAIR_SECOND = re.compile(r"[((][^()()]*[,、/][^()()]*$")
_REACH = re.compile(
    r"(?:达到了?|到|至|\bto|\breach(?:ed|ing)?)\s*"
    r"(?:(?:今年|本年|当年|(?:19|20)\d\d\s*年|this year|in (?:19|20)\d\d)\s*的?\s*)?$"  # 上升到今年的 55%
)
_SAME_SHARE = re.compile(r"(?:这[一个]?|该|此)比例|(?:this|the same|that) (?:share|proportion|figure)")
# ...接受“X”的模式,比例在 50% 至 55%: a clause opening on "the share" restates the previous figure's share
_SHARE_OPENS_CLAUSE = re.compile(r"\s*(?:其|所占)?(?:比例|占比)(?:在|为|是|约|达)")
_OPENER = re.compile(r"[“「『\"]")
_RESPECTIVELY = re.compile(r"分别|各自|respectively")
_LIST_JOIN = re.compile(r"\s*(?:、|,|和|与|及|以及|或|and|or|, and)?\s*")
# 、 和 and, or a change verb (上升 3%、下降 2%); English lists with commas: 62%, 58% and 37%
_FIGURE_JOIN = re.compile(r"\s*,\s*(?:and\s+|or\s+)?|[^,;。!?!?\n“”\"]{0,8}")
_RESTATED = re.compile(r"[^,;。!?!?\n]{0,12}[((]\s*$")
_LABEL_PUNCT = ",.;:!?，。；：！？、 "
_CONJUNCTION = re.compile(r"\s*(?:(?:and|while|whereas|but|vs\.?|versus)\b|而|但)")
_JOINED = re.compile(r"\s*(?:或|或者|和|与|及|、|/|,|or|and)\s*")


def quoted_spans(norm: str, start: int, end: int) -> list[tuple[int, int]]:
    """(start, end) of quoted phrases short enough to be answer options in norm[start:end]."""
    out: list[tuple[int, int]] = []
    for m in QUOTED.finditer(norm, start, end):
        lo, hi = m.start() + 1, m.end() - 1
        nested = _OPENER.search(norm, lo, hi) and list(QUOTED.finditer(norm, lo, hi))
        if nested:  # 「…認為銀行『不了解我的需求』。」: a quoted statement quoting an option
            out.extend(n.span() for n in nested)
            continue
        inner = next(g for g in m.groups() if g is not None)
        if len(inner.strip()) <= MAX_LABEL:
            out.append((m.start(), m.end()))
    return out


def _joined(norm: str, quotes: list[tuple[int, int]], k: int) -> bool:
    """Whether quote k is one of several options joined by 或/和/or/and."""
    before = k > 0 and _JOINED.fullmatch(norm, quotes[k - 1][1], quotes[k][0])
    after = k + 1 < len(quotes) and _JOINED.fullmatch(norm, quotes[k][1], quotes[k + 1][0])
    return bool(before or after)


def _subject_of_next(norm: str, quote_end: int, figures: list[tuple[int, int, bool]], i: int) -> bool:
    """Whether a later figure follows the quote within its clause (“Y”上升了 9%): the quote is its subject.

    A conjunction right after the quote, or a comma inside it, closes it instead ('46% were "very satisfied" and 31%
    "satisfied"': English states the option after its figure).
    """
    if norm[quote_end - 2 : quote_end - 1] in (",", ";", "."):
        return False  # '"excellent," a figure that…': the comma inside the quote closes its clause
    for fs, _, _ in figures[i + 1 :]:
        if fs >= quote_end:
            return not OPTION_CLAUSE.breaks_between(norm, quote_end, fs) and not _CONJUNCTION.match(norm, quote_end, fs)
    return False


def assign_labels(
    text: str,
    norm: str,
    sentence: tuple[int, int],
    figures: list[tuple[int, int, bool]],
) -> list[str | None]:
    """Labels for the figures of one sentence; ``figures`` are (start, end, continues_previous)."""
    s, e = sentence
    quotes = quoted_spans(norm, s, e)
    if not quotes:
        return [None] * len(figures)
    labels: list[str | None] = []
    claimed: set[tuple[int, int]] = set()
    for i, (fs, fe, continues) in enumerate(figures):
        label_at: tuple[int, int] | None = None
        prev_end = figures[i - 1][1] if i > 0 else s
        next_start = figures[i + 1][0] if i + 1 < len(figures) else e
        paired_next = i + 1 < len(figures) and _PAIR_OPEN.fullmatch(norm, fe, next_start)
        before = [k for k, q in enumerate(quotes) if prev_end <= q[0] and q[1] <= fs]
        after = [k for k, q in enumerate(quotes) if q[0] >= fe]
        # 1. quote right before
        if before and _RIGHT_BEFORE.fullmatch(norm, quotes[before[-1]][1], fs):
            label_at = quotes[before[-1]]
        # 2. nearest quote since the previous figure, same clause run, not the previous figure's own
        if label_at is None and before:
            k = before[-1]
            if (
                quotes[k] not in claimed
                and not _joined(norm, quotes, k)
                and not HARD_BREAK.breaks_between(norm, quotes[k][1], fs)
            ):
                label_at = quotes[k]
        # 3. quote after in the same clause run
        if label_at is None and after:
            qs, qe = quotes[after[0]]
            limit = e
            if i + 1 < len(figures):
                limit = figures[i + 2][0] if paired_next and i + 2 < len(figures) else next_start
                limit = e if paired_next and i + 2 >= len(figures) else limit
            gap = norm[fe:qs]
            if (
                qs <= limit
                and len(gap) <= MAX_GAP
                and not HARD_BREAK.breaks_in(gap)
                and not _OWNED.match(norm, qe)
                and not _subject_of_next(norm, qe, figures, i)
                and not _joined(norm, quotes, after[0])
            ):
                label_at = (qs, qe)
        if label_at is not None:
            claimed.add(label_at)
        label = text[label_at[0] + 1 : label_at[1] - 1].strip().rstrip(_LABEL_PUNCT) if label_at else None
        # 4. continuation of the previous figure
        if label is None and i > 0 and (
            continues
            or _REACH.search(norm, max(s, fs - 16), fs)
            or _PAIR_SECOND.search(norm, max(s, fs - 12), fs)
            or _refers_to_share(norm, OPTION_CLAUSE.clause_start(norm, prev_end, fs), fs)
        ):
            label = labels[i - 1]
        labels.append(label or None)
    # 6. “A”“B”“C”分别被 71%、66% 和 49%…: options listed, then figures tied to them in order
    _pair_respectively(text, norm, (s, e), quotes, figures, labels)
    # 5. a figure and its bracketed restatement share one label
    for i in range(len(figures) - 1):
        one_unlabelled = (labels[i] is None) != (labels[i + 1] is None)
        if one_unlabelled and _RESTATED.fullmatch(norm, figures[i][1], figures[i + 1][0]):
            labels[i] = labels[i + 1] = labels[i] or labels[i + 1]
    return labels


def _option_lists(norm: str, quotes: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """(first, last) indexes of runs of two or more quotes that list options: “A”、“B”和“C”."""
    runs: list[tuple[int, int]] = []
    first = 0
    for k in range(1, len(quotes) + 1):
        if k < len(quotes) and _LIST_JOIN.fullmatch(norm, quotes[k - 1][1], quotes[k][0]):
            continue
        if k - first >= 2:
            runs.append((first, k - 1))
        first = k
    return runs


def _pair_respectively(
    text: str,
    norm: str,
    sentence: tuple[int, int],
    quotes: list[tuple[int, int]],
    figures: list[tuple[int, int, bool]],
    labels: list[str | None],
) -> None:
    """Label figures listed after options in the options' order when 分别/各自/respectively ties them.

    The first run of figures must match the options one to one; a later run in its own clause
    (分别比去年上升 3%、下降 2% 和持平) may be shorter, as a list ends with a word (持平) for no change.
    """
    s, e = sentence
    if len(quotes) < 2 or not _RESPECTIVELY.search(norm, s, e):
        return
    for first, last in _option_lists(norm, quotes):
        options = [text[qs + 1 : qe - 1].strip().rstrip(_LABEL_PUNCT) for qs, qe in quotes[first : last + 1]]
        stop = quotes[last + 1][0] if last + 1 < len(quotes) else e
        runs: list[list[int]] = []
        for i, (fs, _, _) in enumerate(figures):
            if fs < quotes[last][1] or fs >= stop:
                continue
            if runs and _FIGURE_JOIN.fullmatch(norm, figures[runs[-1][-1]][1], fs):
                runs[-1].append(i)
            else:
                runs.append([i])
        matched = False
        for run in runs:
            lo = figures[run[0]][0]
            hi = figures[run[-1]][1]  # English lists its figures with commas: "62%, 58% and 37% respectively"
            lo, hi = OPTION_CLAUSE.clause_start(norm, quotes[last][1], lo), OPTION_CLAUSE.clause_end(norm, hi, stop)
            clause = norm[lo:hi]
            tied = _RESPECTIVELY.search(clause) is not None
            if tied and (len(run) == len(options) or (matched and 2 <= len(run) < len(options))):
                for i, option in zip(run, options, strict=False):
                    labels[i] = option or None
                matched = True


def restates_previous_share(norm: str, sentence_start: int, fs: int) -> bool:
    """Whether the figure's clause refers back to a share (这个比例, this share) stated before it."""
    return _refers_to_share(norm, OPTION_CLAUSE.clause_start(norm, sentence_start, fs), fs)


def _refers_to_share(norm: str, clause_start: int, fs: int) -> bool:
    """这一比例 N%, or a clause opening on 比例在/占比为: the figure restates the previous figure's share."""
    return bool(_SAME_SHARE.search(norm, clause_start, fs) or _SHARE_OPENS_CLAUSE.match(norm, clause_start, fs))
