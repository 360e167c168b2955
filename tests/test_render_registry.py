"""The renderer registry: every format renders the sample and a 200-institution batch with a bad
input in it; streaming formats give the same text one item at a time; the roll-up built item by
item is the roll-up of the list."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from render_items import batch, sample_item
from yiyang_rules.checks.base import Status
from yiyang_rules.render import RENDERERS
from yiyang_rules.render.base import RenderOptions
from yiyang_rules.render.rollup import Rollup, rollup
from yiyang_rules.rulefile import Level


def test_the_registry_says_how_each_format_is_written() -> None:
    assert set(RENDERERS) >= {"table", "json", "markdown", "html", "xlsx", "junit", "sarif"}
    assert {n for n, r in RENDERERS.items() if r.streaming} == {"table", "json", "markdown"}
    assert {n for n, r in RENDERERS.items() if r.binary} == {"xlsx"}
    assert {n for n, r in RENDERERS.items() if r.render_summary} == {"table", "json", "markdown", "html", "xlsx"}


@pytest.mark.parametrize("name", sorted(RENDERERS))
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_format_renders_the_sample_and_a_batch(name: str, lang: str) -> None:
    renderer = RENDERERS[name]
    options = RenderOptions(lang=lang)  # type: ignore[arg-type]
    single = renderer.render([sample_item()], options)
    whole = renderer.render(batch(), options)
    assert isinstance(single, bytes) == renderer.binary
    assert isinstance(whole, bytes) == renderer.binary
    assert len(whole) > len(single) > 0
    if not renderer.binary:
        assert "fire.inspection-monthly" in str(single)


@pytest.mark.parametrize("name", ["table", "json", "markdown"])
def test_streaming_one_item_at_a_time_gives_the_whole_text(name: str) -> None:
    renderer = RENDERERS[name]
    assert renderer.render_one is not None
    items = batch()[:12]
    options = RenderOptions(width=120)
    assert "".join(renderer.render_one(item, options) for item in items) == renderer.render(items, options)


@pytest.mark.parametrize("name", ["table", "json", "markdown", "html", "xlsx"])
def test_the_summary_from_a_streamed_rollup_is_the_summary_of_the_list(name: str) -> None:
    renderer = RENDERERS[name]
    assert renderer.render_summary is not None
    items = batch()[:30]
    streamed = Rollup()
    for item in items:
        streamed.add(item)
    options = RenderOptions(summary=True, width=140)
    if renderer.binary:  # the zip's timestamps differ; compare the roll-up instead
        assert streamed.as_dict() == rollup(items).as_dict()
    else:
        assert renderer.render_summary(streamed, options) == renderer.render(items, options)


def test_the_rollup_counts_institutions_and_rules() -> None:
    items = batch()
    summary = rollup(items).as_dict()
    reports = [i.report for i in items if i.report is not None]
    assert summary["totals"] == {
        "inputs": len(items),
        "checked": len(reports),
        "input_errors": 1,
        "with_mandatory_violations": sum(1 for r in reports if r.mandatory_violations),
        "mandatory_violations": sum(len(r.mandatory_violations) for r in reports),
    }
    rows = summary["institutions"]
    assert [r["source"] for r in rows] == [f"batch.jsonl:{n}" for n in range(1, len(items) + 1)]
    problem = rows[2]["error"]["problems"][0]
    assert "activities[0].kind" in problem["path"] + problem["message"]["en"]
    by_rule = {r["rule_id"]: r for r in summary["rules"]}
    for rule_id, row in by_rule.items():
        failing = sum(
            1 for r in reports for f in r.findings if f.rule_id == rule_id and f.status is Status.NON_COMPLIANT
        )
        assert row["institutions_failing"] == failing
    # Most failed first.
    failing_counts = [r["institutions_failing"] for r in summary["rules"]]
    assert failing_counts == sorted(failing_counts, reverse=True)
    json.dumps(summary)  # plain JSON


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=199), max_size=25))
def test_rollup_law_counts_add_up(picks: list[int]) -> None:
    """For any selection of institutions: per-institution counts sum to the number of findings,
    and per-rule counts sum (over statuses) to the number of institutions checked."""
    items = [batch(with_error=False)[i] for i in picks]
    summary = rollup(items)
    for row, item in zip(summary.institutions, items, strict=True):
        assert item.report is not None
        assert sum(row.counts.values()) == len(item.report.findings)
        assert row.mandatory_violations == [f.rule_id for f in item.report.mandatory_violations]
    for rule in summary.rules.values():
        assert sum(rule.counts.values()) == sum(
            1 for i in items if i.report and any(f.rule_id == rule.rule_id for f in i.report.findings)
        )
        if rule.level is Level.RECOMMENDED:
            assert all(rule.rule_id not in r.mandatory_violations for r in summary.institutions)
