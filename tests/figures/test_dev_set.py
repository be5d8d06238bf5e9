"""The project's own dev set (tests/data/figures_dev) scored with the shared scorer's matching rules.

Documents and gold are written for this project (English, Simplified, Traditional; chrome, spam,
ruby garble, full-width forms and non-figures such as dates, phone numbers, ratings and URLs). The
held-out split was written last and scored once (``scripts/score_corpus.py --held-out``) before any
rule changed for it: that first score is the estimate for unseen reports. It guards like the dev
split since. The held_out_2 split (hb*: Chinese and English translations in the style of the shared
corpus) was written in round three and scored blind once the same way before its rules changed.
The held_out_3 split (hc*: scraped pages with chrome, Markdown and plain-text pipe tables, an HTML
table) was written in round four by someone who never read the extractor and scored blind once
through ``cxbench run`` and the shared score.py: text F1 0.904, label 0.820, table cells R 0.400.
Its bars sit a little below what round four reaches; its "other" class (counts, durations,
ratings) is not yet a target, so its bar only guards against regressions.
The held_out_4 split (hd*: news-style reports, written by someone who never read the code) scored
blind once: text F1 0.977, label 0.811; round five reaches text F1 0.997 (its one miss is a margin of
error its gold counts and hc10's does not) and 1.000 on every attribute. Same bars, other F1 0.62.
"""

from __future__ import annotations

import json

import pytest

from pipelines.figures.evaluate import DEV, dev_documents, match_gold, score_dev


@pytest.mark.parametrize(
    ("split", "other_f1", "label", "attributes"),
    [
        ("dev", 0.90, 0.95, 0.97),
        ("held_out", 0.90, 0.95, 0.97),
        ("held_out_2", 0.90, 0.95, 0.97),
        ("held_out_3", 0.65, 0.95, 0.97),
        ("held_out_4", 0.62, 0.95, 0.97),
        # a comparison group's share inheriting an option (18-24 岁族群(12%)) is not followed yet
        ("held_out_5", 0.65, 0.95, 0.97),
        ("held_out_6", 0.80, 0.90, 0.95),
        # blind score (803e8e5), unchanged since: text F1 0.984, kind 0.988, qualifier 1.000, period 0.983,
        # label 0.866, other F1 0.718, table cells 27/27. Its misses are settled as known gaps, none a
        # regression: a range after 缩短 written as two changes (20% 到 30%), a gambling spam line
        # (勝率99%), 'although two-thirds', last-year levels inside brackets (与去年(38%、27%)), labels
        # of comparison groups and quoted reasons after 被/低于, 高出 14 個百分點 and 相當於成長約四成 as
        # changes, "78% in 2025:" read as a forecast. The bar guards what it reaches now.
        ("held_out_7", 0.70, 0.85, 0.97),
    ],
)
def test_dev_set_meets_the_bar(split, other_f1, label, attributes):
    result = score_dev(DEV, split)
    notes = "\n".join(result["notes"])
    assert result["text"]["f1"] >= 0.98, notes
    for name in ("kind", "qualifier", "period", "year"):
        assert (result["attributes"][name] or 1.0) >= attributes, (name, notes)  # some gold states no year
    assert result["attributes"]["label"] >= label, notes
    assert result["other"]["f1"] >= other_f1, notes
    if result["table"]["gold"]:
        assert result["table"]["f1"] >= 0.95, notes


def test_every_gold_row_has_the_shared_fields():
    fields = {"seed", "line", "figure", "occurrence", "anchor", "class", "value", "unit", "kind", "sign",
              "qualifier", "period", "label"}
    for path in DEV.glob("*.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            assert fields <= set(row), (path.name, row)
            raw = (DEV / row["seed"]).read_text(encoding="utf-8").splitlines()[row["line"] - 1]
            assert row["figure"] in raw and row["anchor"] in raw, (path.name, row)


def test_matcher_counts_each_gold_figure_once():
    """Every gold figure of a document is met by its extraction; with no predictions none is."""
    name, figures, gold = dev_documents(DEV, "dev")[0]
    scored = match_gold(gold, figures, ("percent", "fraction"))
    assert scored["tp"] == scored["gold"], (name, scored["missed"])
    assert match_gold(gold, figures[:0], ("percent", "fraction"))["tp"] == 0
