"""``distinct_count``: “4类6项以上” — at least 6 distinct techniques in at least 4 categories."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yiyang_rules.checks import distinct_count
from yiyang_rules.checks.base import Outcome, Status

FOUR_BY_SIX = distinct_count.Params(min_items=6, min_categories=4)


def techniques(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [{"name": name, "category": category} for name, category in pairs]


SIX_IN_FOUR = techniques(
    ("艾灸", "灸类"),
    ("隔物灸", "灸类"),
    ("刮痧", "刮痧类"),
    ("拔罐", "拔罐类"),
    ("走罐", "拔罐类"),
    ("推拿", "推拿类"),
)


@pytest.fixture
def run(build: Any) -> Any:
    def _run(items: list[dict[str, str]] | None, params: distinct_count.Params = FOUR_BY_SIX) -> Outcome:
        return distinct_count.evaluate(params, build.view(tcm_techniques=items))

    return _run


def test_six_items_in_four_categories_is_compliant(run: Any) -> None:
    result = run(SIX_IN_FOUR)
    assert result.status is Status.COMPLIANT
    assert (result.evidence["items"], result.evidence["categories"]) == (6, 4)
    assert result.evidence["category_names"] == sorted(["灸类", "刮痧类", "拔罐类", "推拿类"])


def test_six_items_in_three_categories_fails(run: Any) -> None:
    three = [*SIX_IN_FOUR[:5], {"name": "捏脊", "category": "灸类"}]
    result = run(three)
    assert result.status is Status.NON_COMPLIANT
    assert (result.evidence["items"], result.evidence["categories"]) == (6, 3)
    assert "4类6项以上" in result.message.zh


def test_five_items_in_five_categories_fails(run: Any) -> None:
    five = techniques(("a", "1"), ("b", "2"), ("c", "3"), ("d", "4"), ("e", "5"))
    assert run(five).status is Status.NON_COMPLIANT


def test_duplicate_names_after_normalisation_count_once(run: Any) -> None:
    repeated = [
        *SIX_IN_FOUR[:5],
        {"name": "艾 灸", "category": "推拿类"},  # the same technique as 艾灸, spaced
        {"name": "刮痧\u3000", "category": "灸类"},  # an ideographic space
    ]
    result = run(repeated)
    assert result.evidence["items"] == 5
    assert result.status is Status.NON_COMPLIANT


def test_full_width_and_half_width_names_are_the_same(run: Any) -> None:
    items = [
        *SIX_IN_FOUR[:5],
        {"name": "ＴＤＰ", "category": "其他类"},
        {"name": "TDP", "category": "其他类"},
    ]
    result = run(items)
    assert result.evidence["items"] == 6
    assert result.evidence["categories"] == 4
    assert result.status is Status.COMPLIANT


def test_categories_are_normalised_too(run: Any) -> None:
    items = techniques(("a", "灸类"), ("b", " 灸类"), ("c", "灸 类"), ("d", "x"), ("e", "y"), ("f", "y"))
    result = run(items)
    assert result.evidence["categories"] == 3
    assert result.status is Status.NON_COMPLIANT


def test_without_a_category_requirement(run: Any) -> None:
    six = distinct_count.Params(min_items=6)
    items = techniques(*((f"t{i}", "灸类") for i in range(6)))
    result = run(items, six)
    assert result.status is Status.COMPLIANT
    assert result.evidence["min_categories"] is None


def test_absent_list_is_insufficient_data(run: Any) -> None:
    result = run(None)
    assert result.status is Status.INSUFFICIENT_DATA
    assert result.evidence["missing"] == ["tcm_techniques"]


def test_empty_list_is_non_compliant(run: Any) -> None:
    result = run([])
    assert result.status is Status.NON_COMPLIANT
    assert (result.evidence["items"], result.evidence["categories"]) == (0, 0)


def test_a_technique_listed_under_two_categories_counts_in_one_only(run: Any) -> None:
    """29号 四（十一）“4类6项”: a technique belongs to one category. 拔罐 listed as 拔罐类 and again as
    灸类 cannot make a fourth category: no reading reaches four, so it fails."""
    items = techniques(
        ("艾灸", "灸类"),
        ("隔物灸", "灸类"),
        ("刮痧", "刮痧类"),
        ("撮痧", "刮痧类"),
        ("拔罐", "拔罐类"),
        ("拔罐", "灸类"),
        ("走罐", "拔罐类"),
    )
    result = run(items)
    assert result.status is Status.NON_COMPLIANT
    assert result.evidence["items"] == 6
    assert result.evidence["category_conflicts"] == {"拔罐": ["拔罐类", "灸类"]}
    assert result.evidence["categories"] == 3


def test_a_conflict_that_decides_the_outcome_is_insufficient_data(run: Any) -> None:
    # 推拿 is the only technique that could make the fourth category: which one is it?
    items = techniques(
        ("艾灸", "灸类"),
        ("隔物灸", "灸类"),
        ("刮痧", "刮痧类"),
        ("拔罐", "拔罐类"),
        ("走罐", "拔罐类"),
        ("推拿", "推拿类"),
        ("推拿", "灸类"),
    )
    result = run(items)
    assert result.status is Status.INSUFFICIENT_DATA
    assert result.evidence["category_conflicts"] == {"推拿": ["推拿类", "灸类"]}
    assert "tcm_techniques" in result.evidence["missing"]


def test_a_conflict_that_cannot_change_the_outcome_is_reported_but_decides_nothing(run: Any) -> None:
    items = [*SIX_IN_FOUR, {"name": "走罐", "category": "刮痧类"}]
    result = run(items)
    assert result.status is Status.COMPLIANT
    assert result.evidence["category_conflicts"] == {"走罐": ["刮痧类", "拔罐类"]}


@given(
    st.lists(
        st.tuples(st.sampled_from("abcdefgh"), st.sampled_from(["1", "2", "3", "4", "5"])),
        max_size=12,
    )
)
def test_categories_never_exceed_one_per_technique(pairs: list[tuple[str, str]]) -> None:
    """Law: the number of categories counted is never above the number of distinct techniques."""
    low, high, _ = distinct_count.category_bounds(pairs)
    assert low <= high <= len({name for name, _ in pairs})
    assert high <= len({cat for _, cat in pairs})
