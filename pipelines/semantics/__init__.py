"""What each figure measures and whom it counts: the semantic columns of ``observations``.

Pure (pandas, no Dagster). Two calls for the build:

- ``annotate(observations, reports=None) -> observations`` adds ``population``, ``topic``,
  ``measure``, ``sample_size``, ``base``, ``restates`` and ``previous_of`` (``COLUMNS``);
- ``benchmarks(observations) -> benchmarks`` lines the same measure up across reports and years.

Every column comes from named, ordered rules (``population.py``, ``topic.py``, ``measure.py``,
``sample.py``, ``links.py``, each with an example in its docstring); the cue words are data in
``lexicon/*.yaml``. ``annotate(..., explain=True)`` also returns the rule that decided each value
(``population_rule``, ``topic_rule``, ``measure_rule``, ``sample_rule``).
"""

from __future__ import annotations

import pandas as pd

from pipelines import schema
from pipelines.semantics import links, population, sample, topic
from pipelines.semantics.benchmarks import benchmarks
from pipelines.semantics.measure import measure
from pipelines.semantics.text import fold, locate

COLUMNS = ("population", "topic", "measure", "sample_size", "base", "restates", "previous_of")
POPULATIONS = schema.POPULATIONS
__all__ = ["COLUMNS", "POPULATIONS", "annotate", "annotated", "benchmarks", "topics"]


def topics() -> tuple[str, ...]:
    """The topic taxonomy, in rule priority order."""
    return topic.names()


def annotated(observations: pd.DataFrame) -> bool:
    """Whether the semantic columns are filled (``topic`` is never null once annotated); a catalogue
    published before the build annotated its figures has them missing or all null."""
    return "topic" in observations.columns and bool(observations["topic"].notna().any())


def _str(value: object) -> str:
    return value if isinstance(value, str) else ""


PREVIOUS_SENTENCE_REACH = 400  # characters: a sentence further back belongs to another paragraph


def _previous_quotes(df: pd.DataFrame) -> dict:
    """For each text figure, the quote of the nearest text figure before it in another sentence."""
    out: dict = {}
    text = df[(df["source"] == "text") & df["char_start"].notna()].sort_values(["report_id", "char_start"])
    for _, group in text.groupby("report_id", sort=False):
        last_quote, last_end, last_key_quote = None, None, None
        for key, quote, start, end in zip(
            group.index, group["quote"], group["char_start"], group["char_end"], strict=True
        ):
            if quote != last_key_quote:
                if last_key_quote is not None:
                    last_quote = last_key_quote
                last_key_quote = quote
            if last_quote is not None and last_end is not None and start - last_end <= PREVIOUS_SENTENCE_REACH:
                out[key] = last_quote
            last_end = end
    return out


OWNED = ("measured_after", "owner_after", "owner_bracketed")  # rules that read the figure's own noun


def _pair_population(df: pd.DataFrame, previous_of: pd.Series, sem: pd.DataFrame) -> None:
    """``paired_value``: the earlier value of a from-to pair counts whom its later value counts, when
    only the later one names its noun ("只有 12% 的组织……比 13% 略有下降": 13% -> businesses)."""
    index = {oid: key for key, oid in zip(df.index, df["observation_id"], strict=True)}
    for later, earlier_id in previous_of.dropna().items():
        earlier = index.get(earlier_id)
        if earlier is None or sem.at[earlier, "population_rule"] in OWNED:
            continue
        if sem.at[later, "population_rule"] in OWNED and sem.at[later, "population"] is not None:
            sem.at[earlier, "population"] = sem.at[later, "population"]
            sem.at[earlier, "population_rule"] = "paired_value"


def annotate(observations: pd.DataFrame, reports: pd.DataFrame | None = None, *, explain: bool = False) -> pd.DataFrame:
    """``observations`` with the semantic columns added (a copy; rows and order unchanged).

    ``observations`` needs quote, stated_as, label, section, value, unit, kind, qualifier, period,
    source, page, char_start, char_end, report_id, observation_id, language (row_label,
    column_label optional). ``reports`` (report_id, title) lets the report title say whom the
    report surveyed ("Consumer Privacy Survey"); without it the figures' own words decide.
    """
    df = observations.copy()
    titles = {}
    if reports is not None and len(reports):
        titles = {
            rid: f"{_str(title)} {rid}" for rid, title in zip(reports["report_id"], reports["title"], strict=False)
        }
    rows: list[dict] = []
    previous = _previous_quotes(df)
    for key, rec in zip(df.index, df.to_dict("records"), strict=True):
        ctx = locate(rec.get("quote"), rec.get("stated_as"))
        before = fold(previous.get(key))
        label, row_label = fold(rec.get("label")), fold(rec.get("row_label"))
        section, column = fold(rec.get("section")), fold(rec.get("column_label"))
        lang = "en" if rec.get("language") == "en" else "zh"
        who, who_rule = population.owner(ctx, lang, before)
        weak, weak_rule = population.weak_owner(" ".join(x for x in (label, row_label, column) if x), section)
        what, what_rule = topic.classify(ctx, label, row_label, " ".join(x for x in (column, section) if x), before)
        phrase, phrase_rule = measure(ctx, _str(rec.get("label")) or _str(rec.get("row_label")), lang)
        size, base, size_rule = sample.sample(ctx.text, rec.get("quote"))
        rows.append(
            {
                "population": who,
                "population_rule": who_rule,
                "weak": weak,
                "weak_rule": weak_rule,
                "practice": population.is_practice(ctx, before, section),
                # only read where "respondents" may go unresolved (it costs a scan of the sentence)
                "sentence_people": population.sentence_people(ctx) if who == population.RESPONDENTS else None,
                "topic": what,
                "topic_rule": what_rule,
                "measure": phrase,
                "measure_rule": phrase_rule,
                "sample_size": size,
                "base": base,
                "sample_rule": size_rule,
            }
        )
    sem = pd.DataFrame(rows, index=df.index).astype(object)  # filled by rules below, None where unknown
    # report_respondents: resolve "respondents" once per report
    resolved: dict[str, str | None] = {}
    for report_id, group in sem.groupby(df["report_id"]):
        bases = group.dropna(subset=["sample_size"]).sort_values("sample_size", ascending=False)["base"]
        resolved[report_id] = population.report_respondents(
            titles.get(report_id, str(report_id)),
            [b for b in bases if isinstance(b, str)],
            group["population"].tolist(),
        )
    is_resp = sem["population"] == population.RESPONDENTS
    sem.loc[is_resp, "population"] = df.loc[is_resp, "report_id"].map(resolved)
    sem.loc[is_resp, "population_rule"] = sem.loc[is_resp, "population_rule"] + "+report_respondents"
    local = is_resp & sem["population"].isna() & sem["sentence_people"].notna()  # report names none
    sem.loc[local, "population"] = sem.loc[local, "sentence_people"]
    sem.loc[local, "population_rule"] = sem.loc[local, "population_rule"] + "+sentence_people"
    unowned = sem["population"].isna()
    sem.loc[unowned, "population"] = df.loc[unowned, "report_id"].map(resolved)
    sem.loc[unowned & sem["population"].notna(), "population_rule"] = "report_default"
    unowned = sem["population"].isna() & sem["weak"].notna()
    sem.loc[unowned, "population"] = sem.loc[unowned, "weak"]
    sem.loc[unowned, "population_rule"] = sem.loc[unowned, "weak_rule"]
    counted = (
        sem[sem["population_rule"] == "owner_after"]
        .groupby(df["report_id"])["population"]
        .agg(lambda s: s.value_counts().index[0])
    )
    unowned = sem["population"].isna()
    sem.loc[unowned, "population"] = df.loc[unowned, "report_id"].map(counted)
    sem.loc[unowned & sem["population"].notna(), "population_rule"] = "report_counts"
    practice = (sem["population"] == "leaders") & sem["practice"]
    sem.loc[practice, "population"] = "businesses"
    sem.loc[practice, "population_rule"] = sem.loc[practice, "population_rule"] + "+practice_is_business"
    sem["population"] = sem["population"].where(sem["population"].isin(POPULATIONS), None)
    restated, earlier = links.restates(df), links.previous_of(df)
    _pair_population(df, earlier, sem)
    cued = sem[sem["topic"].notna() & (sem["topic"] != "other")].groupby(df["report_id"])["topic"]
    shares = cued.agg(lambda s: (s.value_counts().index[0], s.value_counts().iloc[0] / len(s)))
    sizes = cued.size()
    main = {
        rid: t
        for rid, (t, share) in shares.items()
        if share >= topic.REPORT_TOPIC_SHARE and sizes[rid] >= topic.REPORT_TOPIC_MIN
    }
    uncued = sem["topic"].isna()
    sem.loc[uncued, "topic"] = df.loc[uncued, "report_id"].map(lambda rid: main.get(rid, "other"))
    df["population"] = sem["population"]
    df["topic"] = sem["topic"]
    df["measure"] = sem["measure"]
    df["sample_size"] = pd.array(sem["sample_size"], dtype="Int64")
    df["base"] = sem["base"]
    df["restates"] = restated
    df["previous_of"] = earlier
    if explain:
        for name in ("population_rule", "topic_rule", "measure_rule", "sample_rule"):
            df[name] = sem[name]
    return df
