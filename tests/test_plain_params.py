"""The check path does not import pydantic (issue 9): the check kinds' parameters and the
applicability conditions are plain dataclasses (yiyang_rules.declared), usable without pydantic,
pydantic_core or annotated_types; reading a rule file still validates them with pydantic, from the
same classes."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import FrozenInstanceError, is_dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import TypeAdapter, ValidationError

from yiyang_rules.checks import KINDS, AnyCheck, rate_limit, record_coverage, required_facts
from yiyang_rules.conditions import AllOf, AnyOf, Condition, FactTest, Not, Predicate
from yiyang_rules.loading import read_rule_file

_EVALUATE_WITHOUT_PYDANTIC = """
import json, sys
from datetime import date
from yiyang_rules.checks import KINDS, period_count, required_facts
from yiyang_rules.checks.base import Ruled, SnapshotView
from yiyang_rules.conditions import AllOf, FactTest, Not, Predicate, compile_condition, holds
from yiyang_rules.facts import Activity, Facts, Institution, Window
from yiyang_rules.localtime import PeriodUnit
from yiyang_rules.vocabulary import ActivityKind, InstitutionKind

condition = AllOf([Predicate.MEDICAL, Not(FactTest("policies.emergency_plan", equals=False))])
snapshot = Facts(
    schema_version="1",
    period=Window(start=date(2026, 1, 1), end=date(2026, 6, 30)),
    institution=Institution(id="i", name="n", province="北京市", kinds=[InstitutionKind.MEDICAL]),
    policies={"emergency_plan": True},
    activities=[Activity(kind=ActivityKind.FIRE_DRILL, date=date(2026, 2, 3))],
)
view = SnapshotView.of(snapshot, date(2026, 6, 30))
facts = required_facts.Params(facts=[required_facts.FactRequirement(fact="policies.emergency_plan", when=condition)])
counted = period_count.Params(activity=ActivityKind.FIRE_DRILL, period=PeriodUnit.MONTH, min_count=1)
print(json.dumps({
    "holds": holds(condition, snapshot).value,
    "compiled": compile_condition(condition)(snapshot, {}, view.as_of).value,
    "required_facts": KINDS["required_facts"].timing.judge(facts, view).status.value,
    "counts": [p[1] for p in period_count.reads(
        counted, [Ruled(period_count.units(counted, view), counted, "1")], [], view
    )[0]],
    "imported": [m for m in ("pydantic", "pydantic_core", "annotated_types") if m in sys.modules],
}))
"""


def test_checks_and_conditions_evaluate_without_importing_pydantic() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _EVALUATE_WITHOUT_PYDANTIC], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert found["imported"] == []
    assert found["holds"] is True and found["compiled"] is True
    assert found["required_facts"] == "compliant"
    assert found["counts"] == [0, 1, 0, 0, 0, 0]


def test_every_parameter_shape_and_condition_is_a_frozen_dataclass() -> None:
    shapes = [record_coverage.ResidentCoverage, record_coverage.AgreementCoverage, required_facts.FactRequirement]
    shapes += [kind.params for kind in KINDS.values() if isinstance(kind.params, type)]
    for shape in [*shapes, FactTest, AllOf, Not]:
        assert is_dataclass(shape) and shape.__dataclass_params__.frozen, shape  # type: ignore[attr-defined]
        assert "__slots__" in vars(shape), shape
    with pytest.raises(FrozenInstanceError):
        FactTest("policies.emergency_plan").equals = False  # type: ignore[misc]


CHECK: TypeAdapter[object] = TypeAdapter(AnyCheck)
CONDITION: TypeAdapter[object] = TypeAdapter(Condition)


def test_reading_still_validates_coerces_and_picks_the_shape() -> None:
    limit = CHECK.validate_python({"kind": "rate_limit", "measure": "staff_training_coverage", "limit": 0.05})
    assert isinstance(limit, rate_limit.Params) and limit.limit == Decimal("0.05")
    coverage = CHECK.validate_python(
        {"kind": "record_coverage", "records": "agreements", "scope": "all", "requirement": "dispute_clause"}
    )
    assert isinstance(coverage, record_coverage.AgreementCoverage)
    condition = CONDITION.validate_python({"any_of": ["public", {"not": {"fact": "practices.bed_conversion"}}]})
    assert condition == AnyOf([Predicate.PUBLIC, Not(FactTest("practices.bed_conversion"))])
    assert CONDITION.validate_python("medical") is Predicate.MEDICAL


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"kind": "rate_limit", "measure": "staff_training_coverage", "limit": 2}, "less_than_equal"),
        ({"kind": "period_count", "activity": "fire_drill", "period": "month", "min_count": 0}, "greater_than_equal"),
        ({"kind": "required_facts", "facts": []}, "too_short"),
        ({"kind": "required_facts", "facts": [{"fact": "policies.nope"}]}, "value_error"),
        ({"kind": "distinct_count", "min_items": 1, "colour": "red"}, "unexpected_keyword_argument"),
        ({"kind": "record_coverage", "records": "residents", "scope": "expired_by_as_of"}, "enum"),
    ],
)
def test_reading_still_refuses(data: dict[str, object], error: str) -> None:
    with pytest.raises(ValidationError) as caught:
        CHECK.validate_python(data)
    assert error in {e["type"] for e in caught.value.errors()}


def test_a_condition_reads_and_writes_its_not_key() -> None:
    condition = CONDITION.validate_python({"not": "public"})
    assert condition == Not(Predicate.PUBLIC)
    assert CONDITION.dump_python(condition, mode="json", by_alias=True) == {"not": "public"}
    with pytest.raises(ValidationError):
        CONDITION.validate_python({"not_": "public"})


SHAPES = ("FactTest", "AllOf", "AnyOf", "Not")
FIRE = (Path(__file__).resolve().parents[1] / "rules/national/fire.inspection-monthly.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            FIRE.replace("      min_count: 1\n", "      min_count: 1\n      colour: red\n"),
            [(25, "versions[0].check.colour: Extra inputs are not permitted")],
        ),
        (
            FIRE.replace(
                "applies_to: yiyang_institution\n", "applies_to: {fact: policies.emergency_plan, colour: 1}\n"
            ),
            [(7, "applies_to.colour: Extra inputs are not permitted")],
        ),
        (
            FIRE.replace("applies_to: yiyang_institution\n", "applies_to: [medical]\n"),
            [(7, f"applies_to.{name}: Input should be a valid dictionary or instance of {name}") for name in SHAPES],
        ),
    ],
    ids=["unknown-key-in-a-check", "unknown-key-in-a-condition", "a-list-for-a-condition"],
)
def test_a_rule_file_author_reads_the_models_words(tmp_path: Path, text: str, expected: list[tuple[int, str]]) -> None:
    """Pydantic words a dataclass's errors its own way ("Unexpected keyword argument", "Input should be
    a dictionary or an instance of …"): a rule file's problems keep the wording the models gave
    (as 4e4d830 printed them)."""
    path = tmp_path / "national" / "fire.inspection-monthly.yaml"
    path.parent.mkdir()
    path.write_text(text, encoding="utf-8")
    rule, problems = read_rule_file(path, "national", tmp_path)
    assert rule is None
    found = [(p.line, p.message) for p in problems]
    assert all(item in found for item in expected), found
    assert not any("Unexpected keyword" in m or "a dictionary or an instance" in m for _, m in found), found
