"""``required_facts``: systems, plans, facilities and practices that must (not) be in place."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError

from yiyang_rules.checks import required_facts
from yiyang_rules.checks.base import Outcome, Status


def params(*facts: dict[str, Any]) -> required_facts.Params:
    return TypeAdapter(required_facts.Params).validate_python({"facts": list(facts)})


@pytest.fixture
def run(build: Any) -> Any:
    def _run(p: required_facts.Params, patch: dict[str, Any] | None = None, **kw: Any) -> Outcome:
        return required_facts.evaluate(p, build.view(patch, **kw))

    return _run


EMERGENCY = params({"fact": "policies.emergency_plan"})


def test_true_is_compliant(run: Any) -> None:
    result = run(EMERGENCY, {"policies": {"emergency_plan": True}})
    assert result.status is Status.COMPLIANT
    assert result.evidence["facts"] == [{"fact": "policies.emergency_plan", "expected": True, "actual": True}]


def test_false_is_non_compliant(run: Any) -> None:
    result = run(EMERGENCY, {"policies": {"emergency_plan": False}})
    assert result.status is Status.NON_COMPLIANT
    assert result.evidence["failed"] == ["policies.emergency_plan"]
    assert "安全生产应急预案" in result.message.zh


@pytest.mark.parametrize("patch", [{}, {"policies": {}}, {"policies": {"hazard_ledger": True}}])
def test_unknown_is_insufficient_data(run: Any, patch: dict[str, Any]) -> None:
    result = run(EMERGENCY, patch)
    assert result.status is Status.INSUFFICIENT_DATA
    assert result.evidence["missing"] == ["policies.emergency_plan"]


def test_expected_false(run: Any) -> None:
    ban = params({"fact": "facilities.flammable_color_steel_plate_occupied", "expected": False})
    assert run(ban, {"facilities": {"flammable_color_steel_plate_occupied": False}}).status is Status.COMPLIANT
    used = run(ban, {"facilities": {"flammable_color_steel_plate_occupied": True}})
    assert used.status is Status.NON_COMPLIANT
    assert used.message.zh.startswith("不符合：不得存在")
    assert run(ban, {}).status is Status.INSUFFICIENT_DATA


def test_qualification_facts_are_read_from_the_institution(run: Any) -> None:
    filing = params({"fact": "qualifications.elderly_care_filing"})
    assert run(filing, {"institution": {"qualifications": {"elderly_care_filing": True}}}).status is Status.COMPLIANT
    assert (
        run(filing, {"institution": {"qualifications": {"elderly_care_filing": False}}}).status is Status.NON_COMPLIANT
    )
    unknown = run(filing, {})
    assert unknown.status is Status.INSUFFICIENT_DATA
    assert unknown.evidence["missing"] == ["institution.qualifications.elderly_care_filing"]


SEPARATED_FOR_MEDICAL = params(
    {"fact": "facilities.zoned_management"},
    {"fact": "facilities.elderly_area_physically_separated", "when": "medical"},
)


def test_when_excludes_an_item(run: Any) -> None:
    result = run(SEPARATED_FOR_MEDICAL, {"facilities": {"zoned_management": True}})
    assert result.status is Status.COMPLIANT
    assert [f["fact"] for f in result.evidence["facts"]] == ["facilities.zoned_management"]
    assert "物理隔离" not in result.message.zh


def test_when_includes_an_item(run: Any) -> None:
    medical = {"institution": {"kinds": ["medical"]}, "facilities": {"zoned_management": True}}
    result = run(SEPARATED_FOR_MEDICAL, medical)
    assert result.status is Status.INSUFFICIENT_DATA
    assert result.evidence["missing"] == ["facilities.elderly_area_physically_separated"]
    medical["facilities"]["elderly_area_physically_separated"] = False
    assert run(SEPARATED_FOR_MEDICAL, medical).status is Status.NON_COMPLIANT
    medical["facilities"]["elderly_area_physically_separated"] = True
    assert run(SEPARATED_FOR_MEDICAL, medical).status is Status.COMPLIANT


def test_when_excluding_every_item_is_not_applicable(run: Any) -> None:
    only_medical = params({"fact": "facilities.elderly_area_physically_separated", "when": "medical"})
    assert run(only_medical, {}).status is Status.NOT_APPLICABLE


def test_when_unknown_is_insufficient_data_naming_the_condition_field(run: Any) -> None:
    public_only = params({"fact": "policies.emergency_plan", "when": "public"})
    result = run(public_only, {"policies": {"emergency_plan": True}})
    assert result.status is Status.INSUFFICIENT_DATA
    assert result.evidence["missing"] == ["institution.public"]
    assert run(public_only, {"institution": {"public": False}}).status is Status.NOT_APPLICABLE


def test_when_with_a_fact_condition(run: Any) -> None:
    registered = params(
        {
            "fact": "practices.bed_conversion_change_registered",
            "when": {"fact": "practices.bed_conversion", "equals": True},
        }
    )
    assert run(registered, {"practices": {"bed_conversion": False}}).status is Status.NOT_APPLICABLE
    assert (
        run(registered, {"practices": {"bed_conversion": True, "bed_conversion_change_registered": False}}).status
        is Status.NON_COMPLIANT
    )


def test_a_failure_outweighs_an_unknown(run: Any) -> None:
    both = params({"fact": "policies.emergency_plan"}, {"fact": "policies.infection_emergency_plan"})
    result = run(both, {"policies": {"emergency_plan": False}})
    assert result.status is Status.NON_COMPLIANT
    assert result.evidence["failed"] == ["policies.emergency_plan"]
    assert result.evidence["missing"] == ["policies.infection_emergency_plan"]


def test_all_items_must_hold(run: Any) -> None:
    both = params({"fact": "policies.emergency_plan"}, {"fact": "policies.infection_emergency_plan"})
    assert (
        run(both, {"policies": {"emergency_plan": True, "infection_emergency_plan": True}}).status is Status.COMPLIANT
    )
    assert (
        run(both, {"policies": {"emergency_plan": True, "infection_emergency_plan": False}}).status
        is Status.NON_COMPLIANT
    )


@pytest.mark.parametrize("fact", ["policies.emergncy_plan", "budget.emergency_plan", "emergency_plan"])
def test_unknown_fact_paths_are_rejected(fact: str) -> None:
    with pytest.raises(ValidationError):
        params({"fact": fact})


def test_at_least_one_fact_is_required() -> None:
    with pytest.raises(ValidationError):
        params()
