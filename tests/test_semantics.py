"""pipelines.semantics: population, topic, measure, sample size, restatements and earlier values.

Each rule is exercised through ``annotate`` on observation rows as the build makes them; the
scores on the annotated gold (tests/data/semantics_gold) are checked in test_search.py, which
builds a real catalogue of the shared documents.
"""

from __future__ import annotations

import duckdb
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipelines import schema
from pipelines.semantics import COLUMNS, annotate, benchmarks, topics
from pipelines.semantics.benchmarks import dangling_ids


def row(quote: str, stated_as: str, value: float, **kw) -> dict:
    """An observation row as pipelines.build makes one (text figure, current level, exact)."""
    start = kw.pop("char_start", 0)
    base = {
        "observation_id": kw.pop("observation_id", f"t-{start}-{stated_as}"),
        "report_id": kw.pop("report_id", "r1"),
        "source": "text",
        "value": value,
        "unit": "percent",
        "kind": "level",
        "qualifier": "=",
        "period": "current",
        "year": 2024,
        "stated_as": stated_as,
        "label": None,
        "quote": quote,
        "section": None,
        "page": None,
        "char_start": start,
        "char_end": None if start is None else start + len(stated_as),
        "table_id": None,
        "row_label": None,
        "column_label": None,
        "language": "en",
    }
    base.update(kw)
    return base


def one(quote: str, stated_as: str, value: float = 40.0, reports: pd.DataFrame | None = None, **kw) -> pd.Series:
    return annotate(pd.DataFrame([row(quote, stated_as, value, **kw)]), reports, explain=True).iloc[0]


# --- population ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("quote", "figure", "language", "expected", "rule"),
    [
        ("43% of consumers say personalisation matters.", "43%", "en", "consumers", "owner_after"),
        ("76 percent of all U.S. marketers agree.", "76 percent", "en", "marketers", "owner_after"),
        ("只有 42% 的消费者在与企业沟通时“非常满意”。", "42%", "zh-Hans", "consumers", "owner_after"),
        ("營銷人員中有 63% 表示難以執行戰略。", "63%", "zh-Hant", "marketers", "owner_before"),
        ("Executives were clear: 58% named budget as the main barrier.", "58%", "en", "leaders", "sentence_owner"),
        ("75% 的被测电视存在已知安全漏洞。", "75%", "zh-Hans", "other", "owner_after"),
        ("88% of surveyed organizations saw extra costs.", "88%", "en", "businesses", "owner_after"),
        ("該機器人同時保持了 81% 的高客戶滿意度 (CSAT)。", "81%", "zh-Hant", "consumers", "measured_after"),
        ("然而,近一半(48%)的組織表示團隊有時會合作。", "48%", "zh-Hant", "businesses", "owner_after"),
        ("组织规模也是一个因素。45% 的小型公司提到这是一个挑战。", "45%", "zh-Hans", "businesses", "owner_after"),
        ("The vast majority of organizations (92%) agree.", "92%", "en", "businesses", "owner_bracketed"),
        ("新规下企业可能面临罚款,数额高达其全球营业额的 4%。", "4%", "zh-Hans", "other", "owner_before"),
        ("2021 年全年互联网异常广告流量占比为 10.1%。", "10.1%", "zh-Hans", "other", "owner_before"),
    ],
)
def test_population_rules(quote, figure, language, expected, rule):
    got = one(quote, figure, language=language)
    assert (got["population"], got["population_rule"]) == (expected, rule)


def test_quoted_answers_and_company_sizes_name_no_one():
    """An answer option in quotation marks and a company size are not whom the figure counts."""
    got = one(
        "其次是“解放员工,让他们从事更高级别的工作”(51%)。",
        "51%",
        language="zh-Hans",
        reports=pd.DataFrame([{"report_id": "r1", "title": "CX leaders survey"}]),
    )
    assert got["population"] != "employees"
    got = one(
        "22% of respondents are at companies with more than 10,000 employees and 7% are at companies "
        "with 5,000-9,999 employees.",
        "7%",
        reports=pd.DataFrame([{"report_id": "r1", "title": "DevOps report"}]),
    )
    assert got["population"] == "it_developers"


def test_respondents_of_a_report_naming_none_are_the_sentence_people():
    got = one(
        "消费者对智能手机的使用增加了 29 个百分点,而 59% 的受访者更加保护自己的个人数据。",
        "59%",
        language="zh-Hans",
        reports=pd.DataFrame([{"report_id": "r1", "title": "数字支持"}]),
    )
    assert (got["population"], got["population_rule"]) == (
        "consumers",
        "owner_after+report_respondents+sentence_people",
    )


def test_a_practice_heading_makes_a_leaders_figure_a_business_one():
    got = one(
        "36% 的受访者提到了聊天机器人和情感分析。",
        "36%",
        language="zh-Hans",
        section="投资于技术和工具",
        reports=pd.DataFrame([{"report_id": "r1", "title": "数字客户体验领导者调查"}]),
    )
    assert got["population"] == "businesses" and got["population_rule"].endswith("practice_is_business")


def test_the_earlier_value_of_a_pair_counts_whom_the_later_counts():
    quote = "只有 12% 的组织认为团队“不经常合作”,比 13% 略有下降。"
    rows = [
        row(quote, "12%", 12.0, language="zh-Hans"),
        row(quote, "13%", 13.0, char_start=23, language="zh-Hans", period="previous", year=2023),
    ]
    got = annotate(pd.DataFrame(rows), pd.DataFrame([{"report_id": "r1", "title": "领导者调查"}]), explain=True)
    assert got.iloc[1]["previous_of"] is None and got.iloc[0]["previous_of"] == got.iloc[1]["observation_id"]
    assert (got.iloc[1]["population"], got.iloc[1]["population_rule"]) == ("businesses", "paired_value")


def test_customer_experience_names_no_customers():
    """客户体验 / "customer experience" is a compound, not the customers the figure counts."""
    got = one("45% 的组织认为数字客户体验极其重要。", "45%", language="zh-Hans")
    assert got["population"] == "businesses"


def test_an_organisation_far_from_the_figure_does_not_own_an_english_figure():
    reports = pd.DataFrame({"report_id": ["r1"], "title": ["Consumer Privacy Survey 2022"]})
    got = one("48% said they would trust a company less that used AI.", "48%", reports=reports)
    assert got["population"] == "consumers"  # the report surveyed consumers; "company" is what they judge


def test_respondents_are_whom_the_report_surveyed():
    rows = pd.DataFrame(
        [
            row("We surveyed 1,100 CX leaders across 12 countries.", "1,100", 1100.0, unit="count", char_start=0),
            row("80% of respondents expect AI to transform service.", "80%", 80.0, char_start=100),
        ]
    )
    got = annotate(rows, explain=True)
    assert got.loc[0, "sample_size"] == 1100 and got.loc[0, "base"] == "CX leaders"
    assert got.loc[1, ["population", "population_rule"]].tolist() == ["leaders", "owner_after+report_respondents"]


def test_what_organisations_do_counts_businesses_and_what_leaders_think_stays_theirs():
    rows = pd.DataFrame(
        [
            row("我们分析了 1100 多名数字客户体验主管的回复。", "1100 多名", 1100.0, unit="count", language="zh-Hant"),
            row("44% 的受访者表示正在投资客户旅程分析。", "44%", 44.0, char_start=200, language="zh-Hant"),
            row("80% 的受访者认为人工智能将产生重大影响。", "80%", 80.0, char_start=400, language="zh-Hant"),
        ]
    )
    got = annotate(rows, explain=True)
    assert got["population"].tolist() == ["leaders", "businesses", "leaders"]
    assert got.loc[1, "population_rule"].endswith("+practice_is_business")


def test_population_is_null_where_the_text_does_not_say():
    assert one("The market grew strongly: 12% year on year.", "12%")["population"] is None


def test_both_chinese_scripts_annotate_alike():
    simplified = one("只有 42% 的消费者在与企业沟通时非常满意。", "42%", language="zh-Hans")
    traditional = one("只有 42% 的消費者在與企業溝通時非常滿意。", "42%", language="zh-Hant")
    for column in ("population", "topic", "measure"):
        assert simplified[column] == traditional[column]


# --- topic ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("quote", "figure", "expected"),
    [
        ("76% would not buy from a company they do not trust with their data.", "76%", "trust_privacy"),
        ("80% of consumers recently used AI-assisted tools.", "80%", "ai_adoption"),
        ("43% say hyper-personalised offers matter.", "43%", "personalisation"),
        ("Only 42% were very satisfied with service.", "42%", "satisfaction"),
        ("74% would take their business elsewhere.", "74%", "loyalty_churn"),
        ("87% use at least one messaging channel with businesses.", "87%", "channel_preference"),
        ("60% want instant customer service.", "60%", "speed_of_service"),
        ("89% worked from home during the pandemic.", "89%", "employee_experience"),
        ("36% increased their spend with the brand.", "36%", "spend_revenue"),
        ("26% of teams are elite performers.", "26%", "other"),
    ],
)
def test_topic_rules(quote, figure, expected):
    assert one(quote, figure)["topic"] == expected


def test_the_answer_label_decides_the_topic_first():
    got = one("42% 的消费者选择了该选项。", "42%", label="非常满意", language="zh-Hans")
    assert (got["topic"], got["topic_rule"]) == ("satisfaction", "label_cue")


def test_taxonomy_is_one_list_in_the_schema_and_the_lexicon():
    assert topics() == schema.TOPICS


# --- measure, sample size ------------------------------------------------------------------------


def test_english_measure_is_the_predicate_after_the_population():
    got = one("76 percent of respondents said they would not buy from a company they do not trust.", "76 percent")
    assert got["measure"] == "not buy from company do not trust"


def test_chinese_measure_is_built_from_the_glossary_in_english():
    got = one("约 80% 的消费者表示最近使用过一些人工智能辅助工具。", "80%", language="zh-Hans")
    assert got["measure"] == "consumers recently use ai assisted tools"


@pytest.mark.parametrize(
    ("quote", "size", "base"),
    [
        ("Results are based on a panel (n=2,400).", 2400, None),
        ("Of the 1,100 leaders surveyed, 44% invest in AI.", 1100, "leaders"),
        ("Respondents included 2600 adults in 12 countries.", 2600, "adults"),
        ("本次调查共有 7000 多位客户参与调查。", 7000, "客户"),
    ],
)
def test_sample_size_and_base(quote, size, base):
    got = one(quote, "44%" if "44%" in quote else quote[:3])
    assert (got["sample_size"], got["base"]) == (size, base)


# --- restates, previous_of -----------------------------------------------------------------------


def test_a_verbal_fraction_restates_the_bracketed_percent():
    quote = "近七成(68%)的消费者希望更快的回复。"
    rows = pd.DataFrame(
        [
            row(quote, "七成", 70.0, char_start=1, qualifier="~", observation_id="a", language="zh-Hans"),
            row(quote, "68%", 68.0, char_start=4, observation_id="b", language="zh-Hans"),
        ]
    )
    got = annotate(rows)
    assert got["restates"].tolist() == ["b", None]


def test_a_chart_label_restates_the_one_text_figure_with_its_value_on_its_page():
    rows = pd.DataFrame(
        [
            row("65% say AI use has eroded their trust.", "65%", 65.0, page=11, observation_id="t"),
            row("Eroded trust", "65%", 65.0, page=11, source="chart", char_start=None, observation_id="c"),
        ]
    )
    assert annotate(rows)["restates"].tolist() == [None, "t"]


@pytest.mark.parametrize(
    ("quote", "earlier", "later"),
    [
        ("企业比例从 32% 增长到 39%。", "32%", "39%"),
        ("61% felt the laws had a positive impact, up from 60% last year.", "60%", "61%"),
    ],
)
def test_previous_of_links_the_later_value_to_the_earlier(quote, earlier, later):
    rows = pd.DataFrame(
        [
            row(
                quote,
                earlier,
                float(earlier[:-1]),
                char_start=quote.index(earlier),
                period="previous",
                observation_id="old",
            ),
            row(quote, later, float(later[:-1]), char_start=quote.index(later), observation_id="new"),
        ]
    )
    got = annotate(rows).set_index("observation_id")
    assert got.loc["new", "previous_of"] == "old" and got.loc["old", "previous_of"] is None


def test_two_values_without_an_order_cue_are_not_paired():
    quote = "Up from 60% last year and 53% two years ago."
    rows = pd.DataFrame(
        [
            row(quote, "60%", 60.0, char_start=8, period="previous", observation_id="a"),
            row(quote, "53%", 53.0, char_start=26, observation_id="b"),
        ]
    )
    assert annotate(rows)["previous_of"].isna().all()


# --- annotate as a whole, benchmarks ---------------------------------------------------------------


def test_annotate_adds_the_schema_columns_and_keeps_rows():
    rows = pd.DataFrame([row("43% of consumers say so.", "43%", 43.0), row("Table 1: 12%", "12%", 12.0, char_start=9)])
    got = annotate(rows)
    assert list(got.columns) == list(rows.columns) + list(COLUMNS)
    assert len(got) == 2 and got["observation_id"].tolist() == rows["observation_id"].tolist()
    assert set(COLUMNS) <= {f.name for f in schema.OBSERVATIONS.fields}
    assert pa.Table.from_pandas(got[schema.OBSERVATIONS.columns], preserve_index=False).cast(
        schema.OBSERVATIONS.arrow_schema()
    )


def _annotated_pair() -> pd.DataFrame:
    rows = [
        row("42% of consumers were very satisfied.", "42%", 42.0, report_id="a", observation_id="a1", year=2023),
        row("42% of consumers were very satisfied.", "42%", 42.0, report_id="b", observation_id="b1", year=2024),
        row(
            "近七成(68%)的消费者非常满意。",
            "七成",
            70.0,
            report_id="c",
            observation_id="c1",
            char_start=1,
            qualifier="~",
            language="zh-Hans",
        ),
        row(
            "近七成(68%)的消费者非常满意。",
            "68%",
            68.0,
            report_id="c",
            observation_id="c2",
            char_start=4,
            language="zh-Hans",
        ),
        row("Satisfaction rose by 5%.", "5%", 5.0, report_id="a", observation_id="a2", kind="change"),
    ]
    return annotate(pd.DataFrame(rows))


def test_benchmarks_line_a_measure_up_across_reports_and_years():
    bench = benchmarks(_annotated_pair())
    english = bench[bench["report_id"].isin(["a", "b"])]
    assert english["measure"].nunique() == 1 and english["year"].tolist() == [2023, 2024]
    assert english["value"].tolist() == [42.0, 42.0]
    chinese = bench[bench["report_id"] == "c"].iloc[0]
    assert chinese["value"] == 68.0 and sorted(chinese["observation_ids"]) == ["c1", "c2"]  # 七成 restates 68%
    assert "a2" not in {i for ids in bench["observation_ids"] for i in ids}  # a change is no benchmark
    assert dangling_ids(bench, _annotated_pair()) == []
    assert dangling_ids(bench, _annotated_pair().iloc[1:]) == ["a1"]


def test_benchmarks_are_readable_by_every_reader(tmp_path):
    bench = benchmarks(_annotated_pair())
    table = pa.Table.from_pandas(bench, preserve_index=False).cast(schema.BENCHMARKS.arrow_schema())
    path = tmp_path / "benchmarks.parquet"
    pq.write_table(table, path)
    assert len(pd.read_parquet(path)) == len(bench) == pq.read_table(path).num_rows
    assert duckdb.sql(f"select count(*) from read_parquet('{path}')").fetchall() == [(len(bench),)]
    assert pl.read_parquet(path)["observation_ids"].list.len().sum() == sum(len(i) for i in bench["observation_ids"])


def test_a_callout_read_as_prose_restates_the_sentence_on_its_page():
    sentence = "Nonetheless, 65% said they have already lost some trust in organizations as a result of their AI use."
    callout = "Use of AI by 65% organizations has already eroded trust in them"
    rows = [row(sentence, "65%", 65.0, page=11), row(callout, "65%", 65.0, page=11, char_start=500)]
    rows.append(row("Elsewhere, 65% of respondents said so.", "65%", 65.0, page=12, char_start=900))
    got = annotate(pd.DataFrame(rows))
    assert got["restates"].tolist() == [None, got.iloc[0]["observation_id"], None]


def test_a_benchmark_of_a_figure_whose_population_is_unknown_is_typed_and_published():
    """A null key part (no population, no year) stays a null, not a float NaN the Arrow schema refuses."""
    from pipelines.build import add_benchmarks

    rows = [row("Revenue grew to 40% of sales.", "40%", 40.0, observation_id="x1", year=None)]
    observations = annotate(pd.DataFrame(rows)).assign(population=None)
    bench = add_benchmarks({"observations": observations})["benchmarks"]
    assert len(bench) == 1 and pd.isna(bench.iloc[0]["population"]) and pd.isna(bench.iloc[0]["year"])
    assert list(bench.iloc[0]["observation_ids"]) == ["x1"]
    assert pa.Table.from_pandas(bench, preserve_index=False).cast(schema.BENCHMARKS.arrow_schema()).num_rows == 1


def test_a_report_without_text_figures_links_nothing():
    """No text figure at all (a PDF of tables and chart labels): the restatement rules find nothing to link."""
    rows = [row("Share of contacts", "38%", 38.0, source="chart", page=2, char_start=None)]
    frame = pd.DataFrame(rows).astype({"quote": "large_string[pyarrow]"})  # as the catalogue reads it back
    assert annotate(frame)["restates"].tolist() == [None]
