"""Every resolver rule is named, ordered and documented by an example that really runs.

``python -m pipelines.figures.rules`` prints the rules; here each rule's docstring example is
extracted (survey year 2024) and the attributes it states are checked, so a rule's documentation
cannot drift from what it does.
"""

from __future__ import annotations

import pytest
from figure_helpers import figures

from pipelines.figures.kind import cell_kind
from pipelines.figures.period import published_period
from pipelines.figures.rules import describe, example, resolvers

TEXT_RULES = [
    (attribute, rule) for attribute, rules in resolvers() for rule in rules if example(rule)["where"] == "text"
]


@pytest.mark.parametrize(("attribute", "rule"), TEXT_RULES, ids=[r.__name__ for _, r in TEXT_RULES])
def test_each_rule_does_what_its_example_says(attribute, rule):
    ex = example(rule)
    found = [f for f in figures(ex["text"], 2024) if f.stated_as == ex["stated"]]
    if ex["dropped"]:
        assert found == [], (rule.__name__, found)
        return
    assert len(found) == 1, (rule.__name__, [f.stated_as for f in figures(ex["text"], 2024)])
    for name, want in ex["expect"].items():
        assert str(getattr(found[0], name)) == want, (rule.__name__, name, getattr(found[0], name))


def test_table_cell_period_rules():
    """year_header and survey_year_of_current, the two table-cell rules, as their examples state."""
    assert published_period("current", 2023, "table", 2024) == ("previous", 2023)
    assert published_period("current", 2025, "table", 2024) == ("current", 2025)
    assert published_period("current", None, "table", 2024) == ("current", 2024)
    assert published_period("previous", None, "text", 2024) == ("previous", None)  # no year of its own stays None
    assert published_period("current", None, "table", None) == ("current", None)


def test_table_cell_kind_rules():
    """points_cell and change_header, the kind resolver's table rules, as their examples state."""
    assert cell_kind("percentage_points", "NPS", "2024") == "change"
    assert cell_kind("percent", "Chat", "Change vs 2023") == "change"
    assert cell_kind("percent", "增減", None) == "change"
    assert cell_kind("percent", "Chat", "2024") == "level"
    assert cell_kind("percent", "Exchange rate", None) == "level"  # 'change' only as a word


def test_rules_can_be_listed_in_order():
    listing = describe()
    for attribute, rules in resolvers():
        assert f"{attribute}:" in listing
        positions = [listing.index(f". {rule.__name__}:") for rule in rules]
        assert positions == sorted(positions), attribute
    assert "otherwise" in listing
