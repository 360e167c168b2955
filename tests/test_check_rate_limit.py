"""``rate_limit``: “控制在5%以内” includes 5% itself; exact arithmetic; a zero denominator is unknown."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError

from yiyang_rules.checks import KINDS, rate_limit
from yiyang_rules.checks.base import Outcome, Status
from yiyang_rules.engine import judge

# As a rule file's check is read: validated, a YAML number made a Decimal.
read_params = TypeAdapter(rate_limit.Params).validate_python

ULCERS = rate_limit.Params(measure=rate_limit.Measure.PRESSURE_ULCER_GRADE2_PLUS_INCIDENCE, limit=Decimal("0.05"))


@pytest.fixture
def run(build: Any) -> Any:
    def _run(quality: dict[str, Any] | None, params: rate_limit.Params = ULCERS, **kw: Any) -> Outcome:
        return judge(KINDS[rate_limit.KIND], build.schedule(params), build.view(quality=quality, **kw))

    return _run


def ulcers(new: int, residents: int) -> dict[str, Any]:
    return {"pressure_ulcers": {"residents": residents, "new_grade2_plus": new}}


@pytest.mark.parametrize(("new", "residents"), [(1, 20), (2, 40), (5, 100), (0, 1), (0, 10), (50, 1000), (3, 60)])
def test_at_or_below_five_percent_is_compliant(run: Any, new: int, residents: int) -> None:
    result = run(ulcers(new, residents))
    assert result.status is Status.COMPLIANT
    assert (result.evidence["numerator"], result.evidence["denominator"]) == (new, residents)


@pytest.mark.parametrize(("new", "residents"), [(3, 59), (2, 39), (1, 19), (51, 1000), (1, 1), (501, 10000)])
def test_just_above_five_percent_is_non_compliant(run: Any, new: int, residents: int) -> None:
    result = run(ulcers(new, residents))
    assert result.status is Status.NON_COMPLIANT
    assert f"{new}/{residents}" in result.message.en


def test_exactly_five_percent_reads_as_five_percent(run: Any) -> None:
    result = run(ulcers(2, 40))
    assert result.evidence["rate"] == "5.00%"
    assert result.evidence["limit"] == "0.05"
    assert result.evidence["bound"] == "at_most"
    assert result.evidence["inclusive"] is True
    assert "5.00%" in result.message.zh


def test_a_float_limit_from_yaml_is_still_exact(run: Any) -> None:
    params = read_params({"measure": "pressure_ulcer_grade2_plus_incidence", "limit": 0.05})
    assert params.limit == Decimal("0.05")
    assert run(ulcers(1, 20), params).status is Status.COMPLIANT
    assert run(ulcers(3, 59), params).status is Status.NON_COMPLIANT
    # The binary float nearest 0.03 is just below 3/100: only a decimal reading keeps 3/100 within.
    three = read_params({"measure": "pressure_ulcer_grade2_plus_incidence", "limit": 0.03})
    assert run(ulcers(3, 100), three).status is Status.COMPLIANT
    assert run(ulcers(4, 100), three).status is Status.NON_COMPLIANT


def test_zero_denominator_is_insufficient_data(run: Any) -> None:
    result = run(ulcers(0, 0))
    assert result.status is Status.INSUFFICIENT_DATA
    assert result.evidence["denominator"] == 0
    assert "rate" not in result.evidence


@pytest.mark.parametrize("quality", [None, {}, {"training": {"staff_in_scope": 3, "staff_trained": 3}}])
def test_missing_data_is_insufficient_data(run: Any, quality: dict[str, Any] | None) -> None:
    result = run(quality)
    assert result.status is Status.INSUFFICIENT_DATA
    assert result.evidence["missing"] == ["quality.pressure_ulcers"]


def test_exclusive_bound(run: Any) -> None:
    strict = replace(ULCERS, inclusive=False)
    assert run(ulcers(1, 20), strict).status is Status.NON_COMPLIANT
    assert run(ulcers(1, 21), strict).status is Status.COMPLIANT


def test_at_least_bound_on_training_coverage(run: Any) -> None:
    coverage = rate_limit.Params(
        measure=rate_limit.Measure.STAFF_TRAINING_COVERAGE, bound=rate_limit.Bound.AT_LEAST, limit=Decimal("0.9")
    )

    def training(trained: int, staff: int) -> dict[str, Any]:
        return {"training": {"staff_in_scope": staff, "staff_trained": trained}}

    assert run(training(9, 10), coverage).status is Status.COMPLIANT
    assert run(training(10, 10), coverage).status is Status.COMPLIANT
    assert run(training(8, 10), coverage).status is Status.NON_COMPLIANT
    assert run(training(0, 0), coverage).status is Status.INSUFFICIENT_DATA
    missing = run(ulcers(0, 10), coverage)
    assert missing.status is Status.INSUFFICIENT_DATA
    assert missing.evidence["missing"] == ["quality.training"]


def test_the_version_in_force_for_the_whole_window_decides(build: Any) -> None:
    loose = replace(ULCERS, limit=Decimal("0.10"))
    sched = build.schedule(
        build.version(loose, start="2020-01-01", until="2026-06-30", name="1.0.0"),
        build.version(ULCERS, start="2026-07-01", name="2.0.0"),
    )
    quality = ulcers(3, 40)  # 7.5%
    kind = KINDS[rate_limit.KIND]
    first_half = {"period": {"start": "2026-01-01", "end": "2026-06-30"}}
    second_half = {"period": {"start": "2026-07-01", "end": "2026-12-31"}}
    # A window wholly under 1.0.0 is judged under it, even when as_of is later.
    judged = judge(kind, sched, build.view(first_half, quality=quality, as_of="2027-01-10"))
    assert judged.status is Status.COMPLIANT and judged.evidence["version"] == "1.0.0"
    assert judge(kind, sched, build.view(second_half, quality=quality, as_of="2027-01-10")).status is (
        Status.NON_COMPLIANT
    )
    # A window spanning both versions is one number that cannot be split: not judged.
    year = {"period": {"start": "2026-01-01", "end": "2026-12-31"}}
    spanning = judge(kind, sched, build.view(year, quality=quality, as_of="2027-01-10"))
    assert spanning.status is Status.INSUFFICIENT_DATA
    assert [v["version"] for v in spanning.evidence["versions_in_window"]] == ["1.0.0", "2.0.0"]
    assert "window_before_in_force" not in spanning.evidence


def test_a_window_before_the_rule_is_not_applicable_and_one_straddling_it_is_not_judged(build: Any) -> None:
    sched = build.schedule(build.version(ULCERS, start="2026-04-01"))
    kind = KINDS[rate_limit.KIND]
    before = judge(
        kind, sched, build.view({"period": {"start": "2025-01-01", "end": "2025-12-31"}}, quality=ulcers(9, 10))
    )
    assert before.status is Status.NOT_APPLICABLE
    straddling = judge(kind, sched, build.view(quality=ulcers(9, 10)))
    assert straddling.status is Status.INSUFFICIENT_DATA
    assert straddling.evidence["window_before_in_force"] == {"start": "2026-01-01", "end": "2026-03-31"}
    assert "2026-03-31" in straddling.message.zh and "2026-03-31" in straddling.message.en


def test_not_yet_in_force_is_not_applicable(build: Any) -> None:
    sched = build.schedule(build.version(ULCERS, start="2027-01-01"))
    result = judge(KINDS[rate_limit.KIND], sched, build.view(quality=ulcers(9, 10)))
    assert result.status is Status.NOT_APPLICABLE
    assert result.evidence["in_force_from"] == "2027-01-01"


def test_limit_outside_zero_to_one_is_rejected() -> None:
    with pytest.raises(ValidationError):
        read_params({"measure": "pressure_ulcer_grade2_plus_incidence", "limit": Decimal("5")})
