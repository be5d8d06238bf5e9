"""Named, ordered rules: what every resolver shares, and how a reader lists them.

Belongs here: ``Reading`` (everything a rule may read about the figure being resolved: the matching
copy, the candidate, its sentence and context window, the survey year, the document's lexicon and
what earlier resolvers decided), the small search helpers rules share, and ``describe``.

A rule is a plain function of a ``Reading`` that returns its decision (always a true value: a
non-empty tuple or string, or True), or None to pass to the next rule. A resolver is an ordered
``RULES`` tuple, tried first to last, and a default, joined by ``first_answer``. Each rule's
docstring says what it decides and why, and holds one example line that a test runs::

    Example: <sentence> -> <figure as stated>: <attribute>=<value> ...   (or ": dropped")

Resolvers, in the order extraction applies them (a later one may read an earlier one's decision):

- ``units``     unit and value: which scanned candidates are stated figures (surface forms: ``patterns``)
- ``kind``      kind and sign: a change (up or down) or a level
- ``period``    period and year: current, previous or unknown, and the year it describes
- ``qualifier`` ~ > < =
- ``labels``    the answer option a share belongs to

    .venv/bin/python -m pipelines.figures.rules      # print every resolver's rules, in order, with examples
"""

from __future__ import annotations

import importlib
import re
import sys
from bisect import bisect_right
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pipelines.figures.clauses import Sentences
    from pipelines.figures.lexicons import Lexicon
    from pipelines.figures.patterns import Candidate

RESOLVERS = (
    ("unit and value", "pipelines.figures.units"),
    ("kind and sign", "pipelines.figures.kind"),
    ("period and year", "pipelines.figures.period"),
    ("qualifier", "pipelines.figures.qualifier"),
    ("label", "pipelines.figures.labels"),
)


class Reading:
    """One document's reading state, refilled for each figure (one object per document: rules stay cheap).

    Per document: ``norm`` (matching copy), ``survey_year``, ``lex``, link spans, methodology-cue
    and gap-hint offsets. Per figure: ``c`` (the candidate), ``sentence`` and ``ctx`` (where its
    context window starts), ``after`` (the first non-space character after it, which guards test
    against ``first_chars`` of the patterns read there), then what resolvers decide: ``previous``
    (an earlier level is marked), ``sign``, ``explicit`` (a year stated next to it).
    """

    __slots__ = (
        "after", "c", "ctx", "explicit", "gap_hints", "last_year_in", "left", "lex", "memo", "method", "norm",
        "previous", "sentence", "sentences", "sign", "survey_year", "url_starts", "urls", "year_in", "years_ago_in",
    )

    def __init__(self, norm: str, survey_year: int | None, lex: Lexicon) -> None:
        self.norm = norm
        self.survey_year = survey_year
        self.lex = lex
        self.urls: list[tuple[int, int]] = []
        self.url_starts: list[int] = []
        self.method: list[int] = []
        self.gap_hints: list[int] = []
        self.c: Candidate | None = None
        self.after = ""
        self.sentence: tuple[int, int] = (-1, -1)
        self.sentences: Sentences | None = None  # the document's sentence model (clauses.Sentences), per document
        self.ctx = 0
        self.previous = False
        self.sign = 0
        self.explicit: int | None = None
        self.left: str | None = None  # the change word group right before the figure (kind resolver)
        self.year_in: tuple[tuple[int, int], bool] = ((-1, -1), False)  # whether the current sentence names a year
        self.years_ago_in = True  # whether it holds 年前 or "years ago" (a guard's test; True until extraction sets it)
        self.last_year_in: dict[tuple[int, int], bool] = {}  # whether a sentence names last year, read lazily
        # What a rule read over a span of ``norm`` that all figures in it share, keyed by the rule's own
        # tuple: a rule that scans a figure's whole sentence or clause reads it once, not once per
        # figure (a megabyte-long "sentence" of a thousand figures was quadratic).
        self.memo: dict[tuple, object] = {}


def near_before(ends: list[int], start: int, span: int) -> bool:
    """Whether one of the sorted offsets ``ends`` lies in ``[start - span, start]``."""
    i = bisect_right(ends, start) - 1
    return i >= 0 and ends[i] >= start - span


def when(guard: str, **names: object) -> Callable[[Callable], Callable]:
    """Give a rule a cheap guard: a Python expression over ``r`` the resolver checks inline before calling it.

    A guard may read ``r``, call ``near_before`` and use the ``names`` given here; nothing else is in
    scope (``@when("r.after in starts", starts=first_chars(_CHANGE_RIGHT))``, see ``gates``).

    The rule checks the same condition itself, so the guard changes no answer; it saves a function
    call for the many figures the rule cannot apply to (``@when("r.sign == 0")``).
    """

    def mark(rule: Callable) -> Callable:
        rule.when = guard
        rule.when_names = names
        return rule

    return mark


def first_answer(
    rules: tuple[Callable, ...], default: object, name: str, default_expr: str = "default"
) -> Callable[[Reading], object]:
    """The resolver ``rules[0](r) or rules[1](r) or ... or default``, compiled once from the tuple.

    ``default_expr``: the default as an expression over ``r`` instead (the period resolver's
    ``("current", r.survey_year)``).

    Why generated: a resolver runs for every figure, and a ``for`` loop over the rules costs about
    70 ns a rule more than one ``or`` expression (measured: 4 rules, 474 ns against 194 ns), and a
    guard checked inline (``when``) costs less than a call; that is 5-10% of extraction speed over
    the five resolvers. The tuple stays the one place that orders them.
    """
    env: dict[str, object] = {"near_before": near_before}  # the one helper guards may call
    env |= {f"rule_{i}": rule for i, rule in enumerate(rules)} | {"default": default}
    terms = []
    for i, rule in enumerate(rules):
        guard = getattr(rule, "when", None)
        for key, value in getattr(rule, "when_names", {}).items():
            if env.setdefault(key, value) is not value:
                raise ValueError(f"guard name {key!r} of {rule.__name__} means something else in another rule")
        terms.append(f"({guard} and rule_{i}(r))" if guard else f"rule_{i}(r)")
    chain = " or ".join([*terms, default_expr])
    exec(f"def {name}(r):\n    return {chain}\n", env)  # source built from the rules' names and guards only
    resolver = env[name]
    otherwise = default_expr if default_expr != "default" else repr(default)
    resolver.__doc__ = f"The first answer of {', '.join(rule.__name__ for rule in rules)} (else {otherwise})."
    resolver.default = otherwise
    resolver.rules = rules
    return resolver


def resolvers() -> Iterator[tuple[str, tuple[Callable, ...]]]:
    """(attribute, its RULES in order) for every resolver; table-cell rules (``TABLE_RULES``) follow."""
    for attribute, module in RESOLVERS:
        loaded = importlib.import_module(module)
        yield attribute, loaded.RULES
        if hasattr(loaded, "TABLE_RULES"):
            yield f"{attribute} (table cells)", loaded.TABLE_RULES


_EXAMPLE = re.compile(r"^\s*Example(?: \((?P<where>\w+)\))?: (?P<text>.+) -> (?P<stated>.+?): (?P<checks>.+)$", re.M)
_CHECK = re.compile(r"(\w+)=(.*?)(?= \w+=|$)")


def example(rule: Callable) -> dict:
    """The example of a rule's docstring: text, figure as stated, expected attributes (or dropped)."""
    m = _EXAMPLE.search(rule.__doc__ or "")
    if m is None:
        raise ValueError(f"rule {rule.__name__} has no 'Example: <text> -> <stated>: <checks>' line")
    checks = m.group("checks").strip()
    expect = {} if checks == "dropped" else dict(_CHECK.findall(checks))
    return {"text": m.group("text"), "stated": m.group("stated"), "dropped": checks == "dropped",
            "expect": expect, "where": m.group("where") or "text"}


def describe() -> str:
    """Every resolver's rules, in the order they are tried, with what each decides and its example."""
    lines = []
    for attribute, rules in resolvers():
        lines.append(f"{attribute}:")
        for i, rule in enumerate(rules, 1):
            summary = (rule.__doc__ or "").strip().splitlines()[0]
            ex = example(rule)
            outcome = "dropped" if ex["dropped"] else " ".join(f"{k}={v}" for k, v in ex["expect"].items())
            lines.append(f"  {i}. {rule.__name__}: {summary}")
            lines.append(f"       e.g. {ex['text']} -> {ex['stated']}: {outcome}")
        module = dict(RESOLVERS).get(attribute)
        if module:
            lines.append(f"  otherwise: {importlib.import_module(module).OTHERWISE}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.stdout.write(describe() + "\n")
