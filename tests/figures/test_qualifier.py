"""Qualifier: ~ > < = from the words around a figure (``qualifier``)."""

from __future__ import annotations

import pytest
from figure_helpers import one


@pytest.mark.parametrize(
    ("text", "stated", "qualifier"),
    [
        ("近 60% 的客户表示满意。", "60%", "~"),
        ("約 65% 的客戶表示滿意。", "65%", "~"),
        ("Nearly 60% of customers agree.", "60%", "~"),
        ("About 60% of customers agree.", "60%", "~"),
        ("超過 40% 的人使用短信。", "40%", ">"),
        ("50% 以上的消费者表示满意。", "50%", ">"),
        ("More than 40% use messaging.", "40%", ">"),
        ("Over 40% use messaging.", "40%", ">"),
        ("不到四分之一的组织表示满意。", "四分之一", "<"),
        ("Fewer than 10% disagree.", "10%", "<"),
        ("Under 10% disagree.", "10%", "<"),
        ("只有 12% 的組織認為如此。", "12%", "="),
        ("Only 12% think so.", "12%", "="),
        ("今年 12% 的組織認為如此。", "12%", "="),
    ],
)
def test_qualifiers(text, stated, qualifier):
    assert one(text, stated).qualifier == qualifier


def test_more_than_half_is_a_bound_level():
    text = "Service leaders are catching up\nMore than half of service leaders (55%) run an assistant."
    half, pct = (one(text, s) for s in ("half", "55%"))
    assert (half.kind, half.qualifier, pct.qualifier) == ("level", ">", "=")


@pytest.mark.parametrize(
    ("text", "stated", "qualifier"),
    [("复购率大约增加 4%。", "4%", "~"), ("投诉率约下降 2%。", "2%", "~"), ("客单价至少提高 6%。", "6%", ">")],
)
def test_a_bound_before_the_change_verb_bounds_the_change(text, stated, qualifier):
    f = one(text, stated)
    assert (f.kind, f.qualifier) == ("change", qualifier)


def test_recently_before_a_change_verb_is_no_bound():
    assert one("客流最近增加 4%。", "4%").qualifier == "="


@pytest.mark.parametrize(
    ("text", "stated"), [("In Europe the share exceeds half.", "half"), ("超过一半的门店已改造。", "一半")]
)
def test_exceeding_half_is_more_than_fifty_percent(text, stated):
    f = one(text, stated)
    assert (f.value, f.qualifier) == (50.0, ">")
