"""The expectation suites, kept as code in one place and free of any Great Expectations import.

Each ``Rule`` names one GX expectation by its snake_case type, its keyword arguments and an
optional row filter. Keeping them as plain data lets Dagster declare every asset check up front
(``suite_names``) without paying the seconds GX takes to import; ``gx_adapter`` turns them into a
real ``ExpectationSuite`` only when a gate runs. Column sets and allowed values come from
``pipelines.schema``.

Value ranges, decided here:

- percent level: 0..100 (a level in percent is a share of something).
- percent change: -100..1000. Nothing falls by more than all of itself, but relative growth can
  pass 100% ("增長了 150%"); above tenfold a report would say "11x", so 1000 catches misreads.
- percentage_points (level or change): -100..100, a difference of two shares.
- count and durations (seconds..days) as levels: >= 0; their changes are signed.
- multiple (level or change): > 0.

Row-level rules (``row_level=True``: value ranges, non-blank text, the hash format, span order)
judge one row at a time. A row that breaks one is held back into the published ``quarantine``
dataset by ``pipelines.quality.quarantine.split`` instead of blocking the release; the gate then
runs on what is kept. ``Rule.violations`` evaluates them with pandas, the same semantics the GX
expectation has (a test checks the two agree). Schema rules (columns, required values, primary
keys, enumerations) are dataset-level: they describe the contract and still block.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pipelines.schema import DATASETS

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

DURATION_UNITS = ("seconds", "minutes", "hours", "days")
SURVEY_YEAR_RANGE = (1980, 2100)


@dataclass(frozen=True)
class Rule:
    """One expectation: GX type, arguments, an AND-ed row filter, and why it exists."""

    dataset: str
    expectation: str
    kwargs: dict[str, Any]
    description: str
    tag: str | None = None
    where: tuple[tuple[str, str, Any], ...] = field(default=())  # (column, "==" | "in", value)
    row_level: bool = False  # a failure quarantines the offending rows instead of blocking the release

    @property
    def name(self) -> str:
        tag = self.tag if self.tag is not None else _default_tag(self.kwargs)
        return f"{self.dataset}.{self.expectation}" + (f"[{tag}]" if tag else "")

    @property
    def columns(self) -> list[str]:
        """Columns worth showing beside the key columns in a sample of offending rows."""
        cols = [self.kwargs[k] for k in ("column", "column_A", "column_B") if k in self.kwargs]
        cols += list(self.kwargs.get("column_list", ()))
        cols += [c for c, _, _ in self.where]
        return list(dict.fromkeys(cols))

    @property
    def checked(self) -> list[str]:
        """The columns whose values the rule judges (not the ones its row filter reads)."""
        return [self.kwargs[k] for k in ("column", "column_A", "column_B") if k in self.kwargs]

    def violations(self, frame: pd.DataFrame) -> np.ndarray:
        """Which rows of ``frame`` break this row-level rule (a bool per row), as GX judges them.

        Nulls are never violations (GX leaves missing values out of a row rule), a ``where``
        filter limits the rule to the rows it names, and length-checked text is stripped first.
        """
        import numpy as np
        import pandas as pd

        if not self.row_level:
            raise ValueError(f"{self.name} is a dataset-level rule")
        kw = self.kwargs
        applies = np.ones(len(frame), dtype=bool)
        for column, op, value in self.where:
            hit = frame[column].isin(list(value)) if op == "in" else frame[column] == value
            applies &= hit.fillna(False).to_numpy(dtype=bool)
        if self.expectation == "expect_column_values_to_be_between":
            values = pd.to_numeric(frame[kw["column"]], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
            bad = np.zeros(len(frame), dtype=bool)
            if kw.get("min_value") is not None:
                bad |= values <= kw["min_value"] if kw.get("strict_min") else values < kw["min_value"]
            if kw.get("max_value") is not None:
                bad |= values >= kw["max_value"] if kw.get("strict_max") else values > kw["max_value"]
            present = ~np.isnan(values)
        elif self.expectation == "expect_column_value_lengths_to_be_between":
            text = frame[kw["column"]]
            present = text.notna().to_numpy(dtype=bool)
            lengths = text.astype("string").str.strip().str.len().fillna(0).to_numpy(dtype="int64")
            bad = lengths < kw.get("min_value", 0)
            if kw.get("max_value") is not None:
                bad |= lengths > kw["max_value"]
        elif self.expectation == "expect_column_values_to_match_regex":
            text = frame[kw["column"]]
            present = text.notna().to_numpy(dtype=bool)
            matches = text.astype("string").str.contains(kw["regex"], regex=True)
            bad = ~matches.fillna(False).to_numpy(dtype=bool)
        elif self.expectation == "expect_column_pair_values_a_to_be_greater_than_b":
            a = pd.to_numeric(frame[kw["column_A"]], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
            b = pd.to_numeric(frame[kw["column_B"]], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
            present = ~(np.isnan(a) | np.isnan(b))
            with np.errstate(invalid="ignore"):
                bad = ~(a >= b) if kw.get("or_equal") else ~(a > b)
        else:
            raise NotImplementedError(f"no row-level evaluation for {self.expectation}")
        return applies & present & bad


def _default_tag(kwargs: dict[str, Any]) -> str:
    if "column" in kwargs:
        return kwargs["column"]
    if "column_A" in kwargs:
        return f"{kwargs['column_A']},{kwargs['column_B']}"
    if "column_list" in kwargs:
        return ",".join(kwargs["column_list"])
    return ""


def _schema_rules(dataset: str) -> list[Rule]:
    """Column set, required columns, primary key and enumerations, all read from the schema."""
    ds = DATASETS[dataset]
    rules = [
        Rule(
            dataset,
            "expect_table_columns_to_match_set",
            {"column_set": ds.columns, "exact_match": True},
            f"The published {dataset} columns are the public interface (pipelines/schema.py).",
        )
    ]
    for f in ds.fields:
        if not f.nullable:
            rules.append(
                Rule(
                    dataset,
                    "expect_column_values_to_not_be_null",
                    {"column": f.name},
                    f"{f.name} is required: {f.description}",
                )
            )
    if len(ds.primary_key) == 1:
        rules.append(
            Rule(
                dataset,
                "expect_column_values_to_be_unique",
                {"column": ds.primary_key[0]},
                f"{ds.primary_key[0]} is the primary key: one row per id.",
            )
        )
    else:
        rules.append(
            Rule(
                dataset,
                "expect_compound_columns_to_be_unique",
                {"column_list": list(ds.primary_key)},
                f"({', '.join(ds.primary_key)}) is the primary key: one row per key.",
            )
        )
    for f in ds.fields:
        if f.enum:
            rules.append(
                Rule(
                    dataset,
                    "expect_column_values_to_be_in_set",
                    {"column": f.name, "value_set": list(f.enum)},
                    f"{f.name} takes one of the documented values: {', '.join(f.enum)}.",
                )
            )
    return rules


def _between(dataset: str, column: str, tag: str | None, why: str, where: tuple = (), **bounds: Any) -> Rule:
    return Rule(dataset, "expect_column_values_to_be_between", {"column": column, **bounds}, why, tag, where, True)


def _not_blank(dataset: str, column: str, why: str) -> Rule:
    """Length >= 1 of the whitespace-stripped text (``gx_adapter`` strips length-checked columns).

    A ``\\S`` regex says the same but GX runs it value by value in Python: 5 s per million rows.
    """
    return Rule(
        dataset,
        "expect_column_value_lengths_to_be_between",
        {"column": column, "min_value": 1},
        why,
        f"{column}:not-blank",
        row_level=True,
    )


def _observation_rules() -> list[Rule]:
    d = "observations"
    level, change = ("kind", "==", "level"), ("kind", "==", "change")
    return [
        _not_blank(d, "quote", "Every figure is backed by a non-empty quote from the report."),
        _not_blank(d, "stated_as", "Every figure keeps the text it was read from."),
        _between(
            d,
            "value",
            "value:percent-level",
            "A percent level is a share: within 0..100.",
            (("unit", "==", "percent"), level),
            min_value=0,
            max_value=100,
        ),
        _between(
            d,
            "value",
            "value:percent-change",
            "A percent change cannot fall below -100%; above +1000% it is a misread.",
            (("unit", "==", "percent"), change),
            min_value=-100,
            max_value=1000,
        ),
        _between(
            d,
            "value",
            "value:percentage_points",
            "A difference of two shares lies within -100..100 points.",
            (("unit", "==", "percentage_points"),),
            min_value=-100,
            max_value=100,
        ),
        _between(
            d,
            "value",
            "value:count-level",
            "A count level cannot be negative.",
            (("unit", "==", "count"), level),
            min_value=0,
        ),
        _between(
            d,
            "value",
            "value:duration-level",
            "A duration level cannot be negative.",
            (("unit", "in", DURATION_UNITS), level),
            min_value=0,
        ),
        _between(
            d,
            "value",
            "value:multiple",
            "A multiple (2x, 0.5x) is positive.",
            (("unit", "==", "multiple"),),
            min_value=0,
            strict_min=True,
        ),
        _between(d, "page", None, "PDF pages are numbered from 1.", min_value=1),
        _between(d, "char_start", None, "Text offsets are non-negative.", min_value=0),
        Rule(
            d,
            "expect_column_pair_values_a_to_be_greater_than_b",
            {
                "column_A": "char_end",
                "column_B": "char_start",
                "or_equal": True,
                "ignore_row_if": "either_value_is_missing",
            },
            "A quoted span ends at or after it starts.",
            row_level=True,
        ),
    ]


def _report_rules() -> list[Rule]:
    d = "reports"
    lo, hi = SURVEY_YEAR_RANGE
    return [
        Rule(
            d,
            "expect_column_values_to_match_regex",
            {"column": "content_sha256", "regex": r"^[0-9a-f]{64}$"},
            "content_sha256 is a lowercase hex SHA-256: it drives the regression guard.",
            "content_sha256:hex64",
            row_level=True,
        ),
        _between(
            d,
            "survey_year",
            None,
            f"A survey year outside {lo}..{hi} is a misread date.",
            min_value=lo,
            max_value=hi,
        ),
        _between(d, "pages", None, "A PDF has at least one page.", min_value=1),
        _between(d, "n_observations", None, "An observation count cannot be negative.", min_value=0),
    ]


def _table_rules() -> list[Rule]:
    d = "tables"
    return [
        _between(d, "row", None, "Cell rows are 0-based.", min_value=0),
        _between(d, "col", None, "Cell columns are 0-based.", min_value=0),
        _between(d, "page", None, "PDF pages are numbered from 1.", min_value=1),
    ]


def _benchmark_rules() -> list[Rule]:
    return [_between("benchmarks", "n_values", None, "A benchmark holds at least one value.", min_value=1)]


_EXTRA = {
    "reports": _report_rules,
    "observations": _observation_rules,
    "tables": _table_rules,
    "benchmarks": _benchmark_rules,
}


def rules_for(dataset: str) -> list[Rule]:
    """The GX suite of one dataset, in a stable order."""
    return _schema_rules(dataset) + _EXTRA[dataset]()


def all_rules() -> list[Rule]:
    return [rule for name in DATASETS for rule in rules_for(name)]


def row_rules() -> list[Rule]:
    """The rules whose failure quarantines rows rather than blocking the release, in gate order."""
    return [rule for rule in all_rules() if rule.row_level]
