"""Label resolver: the answer option a share belongs to: “極其重要”(40%), "very important" (41%).

Belongs here: the label rules, which read a sentence's quoted phrases (only percent-like figures
take part). ``RULES`` lists them in the order they apply: the first four per figure, the first
that answers decides; then two passes over the sentence; then one across sentences.
Quoted statements longer than ``MAX_LABEL`` characters are not answer options; punctuation inside
the closing quote ("excellent,") is not part of the option.
"""

from __future__ import annotations

import re

from pipelines.figures.clauses import HARD_BREAK, OPTION_CLAUSE, RESPECTIVELY

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


class _Sentence:
    """What the label rules read about one sentence: its quotes, its figures and the labels found so far."""

    __slots__ = ("_before", "claimed", "e", "figures", "labels", "norm", "quotes", "s", "text")

    def __init__(
        self, text: str, norm: str, sentence: tuple[int, int], figures: list[tuple[int, int, bool]],
        quotes: list[tuple[int, int]],
    ) -> None:
        self.text, self.norm = text, norm
        self.s, self.e = sentence
        self.quotes = quotes  # quoted_spans of the sentence
        self.figures = figures  # (start, end, continues_previous)
        self.labels: list[str | None] = []
        self.claimed: set[tuple[int, int]] = set()
        self._before: tuple[int, list[int]] = (-1, [])

    def quotes_before(self, i: int) -> list[int]:
        """Indexes of the quotes between the previous figure (or the sentence start) and figure ``i``.

        Kept for the last ``i``: the first two quote rules both ask for the same figure.
        """
        if self._before[0] == i:
            return self._before[1]
        prev_end = self.figures[i - 1][1] if i > 0 else self.s
        fs = self.figures[i][0]
        before = [k for k, q in enumerate(self.quotes) if prev_end <= q[0] and q[1] <= fs]
        self._before = (i, before)
        return before


def quote_right_before(st: _Sentence, i: int) -> tuple[int, int] | None:
    """A quote right before the figure (“X”(40%), “X”以 36%, "X": 40%) is its option.

    Example: 認為“極其重要”(40%)的企業最多。 -> 40%: label=極其重要
    """
    before = st.quotes_before(i)
    if before and _RIGHT_BEFORE.fullmatch(st.norm, st.quotes[before[-1]][1], st.figures[i][0]):
        return st.quotes[before[-1]]
    return None


def nearest_quote_since_previous(st: _Sentence, i: int) -> tuple[int, int] | None:
    """The nearest quote since the previous figure, with no ; or sentence end between.

    Not the previous figure's own option, and not one of several options joined by 或/和/or/and
    (“非常重要”或“比較重要” has no single label).

    Example: 選擇“線上客服”的受訪者佔 35%。 -> 35%: label=線上客服
    """
    before = st.quotes_before(i)
    if not before:
        return None
    k = before[-1]
    q = st.quotes[k]
    if q in st.claimed or _joined(st.norm, st.quotes, k) or HARD_BREAK.breaks_between(st.norm, q[1], st.figures[i][0]):
        return None
    return q


def quote_after_in_clause(st: _Sentence, i: int) -> tuple[int, int] | None:
    """A quote after the figure, before the next ; or sentence end, with no other figure between it.

    Not owned by a figure after it in its clause (“Y”(36%), “Y”上升了 9%); English states the option
    after its figure ('46% were "very satisfied"').

    Example: Only 21% rated their experience as "excellent". -> 21%: label=excellent
    """
    norm, figures, quotes = st.norm, st.figures, st.quotes
    _fs, fe, _ = figures[i]
    after = [k for k, q in enumerate(quotes) if q[0] >= fe]
    if not after:
        return None
    next_start = figures[i + 1][0] if i + 1 < len(figures) else st.e
    paired_next = i + 1 < len(figures) and _PAIR_OPEN.fullmatch(norm, fe, next_start)
    qs, qe = quotes[after[0]]
    limit = st.e
    if i + 1 < len(figures):
        limit = figures[i + 2][0] if paired_next and i + 2 < len(figures) else next_start
        limit = st.e if paired_next and i + 2 >= len(figures) else limit
    gap = norm[fe:qs]
    if (
        qs <= limit
        and len(gap) <= MAX_GAP
        and not HARD_BREAK.breaks_in(gap)
        and not _OWNED.match(norm, qe)
        and not _subject_of_next(norm, qe, figures, i)
        and not _joined(norm, quotes, after[0])
    ):
        return qs, qe
    return None


def continues_previous(st: _Sentence, i: int) -> str | None:
    """A figure that continues the previous one takes the previous figure's label.

    A change or an earlier level, 达到 N% / 上升到今年的 N%, the second of a parenthesised pair,
    这一比例 N% (the same share of another group). Applies only where no quote rule found a quote.

    Example: 選擇“線上客服”的比例從 35% 上升到 41%。 -> 41%: label=線上客服
    """
    if i == 0:
        return None
    norm, s = st.norm, st.s
    fs, _, continues = st.figures[i]
    prev_end = st.figures[i - 1][1]
    if (
        continues
        or _REACH.search(norm, max(s, fs - 16), fs)
        or _PAIR_SECOND.search(norm, max(s, fs - 12), fs)
        or _refers_to_share(norm, OPTION_CLAUSE.clause_start(norm, prev_end, fs), fs)
    ):
        return st.labels[i - 1]
    return None


def listed_respectively(st: _Sentence) -> None:
    """Options listed, then figures tied to them in order by 分别/各自/respectively.

    The first run of figures must match the options one to one; a later run in its own clause
    (分别比去年上升 3%、下降 2% 和持平) may be shorter, as a list ends with a word (持平) for no change.

    Example: “价格”“质量”“服务”分别被 71%、66% 和 49% 的受访者选中。 -> 66%: label=质量
    """
    _pair_respectively(st.text, st.norm, (st.s, st.e), st.quotes, st.figures, st.labels)


def restated_in_brackets(st: _Sentence) -> None:
    """A figure restated in brackets right after it in the same clause shares one label with its restatement.

    Example: 将近一半的受访者(49%)选择“自助服务”。 -> 一半: label=自助服务
    """
    labels, figures = st.labels, st.figures
    for i in range(len(figures) - 1):
        one_unlabelled = (labels[i] is None) != (labels[i + 1] is None)
        if one_unlabelled and _RESTATED.fullmatch(st.norm, figures[i][1], figures[i + 1][0]):
            labels[i] = labels[i + 1] = labels[i] or labels[i + 1]


def carried_from_previous_sentence(norm: str, sentence_start: int, first_start: int, carried: tuple[int, str] | None,
                                   first_label: str | None) -> str | None:
    """A sentence that opens by restating a share (这个比例, this share) takes the previous sentence's last label.

    Only when the previous sentence ends right before it, in the same paragraph.

    Example: 有 35% 的人选择“线上客服”。50 岁以上的受访者里,这个比例高达 41%。 -> 41%: label=线上客服
    """
    if (
        first_label is None and carried and sentence_start - carried[0] <= _CARRY_REACH
        and norm.find("\n", carried[0], sentence_start) < 0
        and restates_previous_share(norm, sentence_start, first_start)
    ):
        return carried[1]
    return None


_QUOTE_RULES = (quote_right_before, nearest_quote_since_previous, quote_after_in_clause)
OTHERWISE = "no label"
RULES = (*_QUOTE_RULES, continues_previous, listed_respectively, restated_in_brackets, carried_from_previous_sentence)
_CARRY_REACH = 40  # a label carries into the next sentence only when it follows right after, same paragraph


def assign_labels(
    text: str,
    norm: str,
    sentence: tuple[int, int],
    figures: list[tuple[int, int, bool]],
) -> list[str | None]:
    """Labels for the figures of one sentence; ``figures`` are (start, end, continues_previous)."""
    quotes = quoted_spans(norm, *sentence)
    if not quotes:
        return [None] * len(figures)  # most sentences quote no option: no rule can label them
    st = _Sentence(text, norm, sentence, figures, quotes)
    for i in range(len(figures)):
        label_at = None
        for rule in _QUOTE_RULES:
            label_at = rule(st, i)
            if label_at is not None:
                st.claimed.add(label_at)
                break
        label = text[label_at[0] + 1 : label_at[1] - 1].strip().rstrip(_LABEL_PUNCT) if label_at else None
        if label is None:
            label = continues_previous(st, i)
        st.labels.append(label or None)
    listed_respectively(st)
    restated_in_brackets(st)
    return st.labels


def label_sentences(
    text: str, norm: str, by_sentence: dict[tuple[int, int], list[tuple[int, int, bool, int]]], figures: list
) -> None:
    """Set ``label`` on the figures of each sentence (members: start, end, continues_previous, index)."""
    carried: tuple[int, str] | None = None  # (end, label) of the last sentence whose figures ended labelled
    for sentence, members in by_sentence.items():
        labels = assign_labels(text, norm, sentence, [(s, e, cont) for s, e, cont, _ in members])
        if carried is not None and labels[0] is None:  # the rule's own first test, checked before calling it
            carry = carried_from_previous_sentence(norm, sentence[0], members[0][0], carried, labels[0])
            if carry is not None:
                labels[0] = carry
        for (_, _, _, idx), label in zip(members, labels, strict=True):
            figures[idx].label = label
        carried = (sentence[1], labels[-1]) if labels[-1] else None


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
    if len(quotes) < 2 or not RESPECTIVELY.search(norm, s, e):
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
            tied = RESPECTIVELY.search(clause) is not None
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
