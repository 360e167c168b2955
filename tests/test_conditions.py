"""Who a rule binds: three-valued (Kleene) conditions that name the fields they could not read."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError

from yiyang_rules.conditions import AllOf, AnyOf, Condition, FactTest, Not, Predicate, describe, holds

CONDITION: TypeAdapter[Any] = TypeAdapter(Condition)

LICENSE = "institution.qualifications.medical_practice_license"
CLINIC = "institution.qualifications.clinic_filing"
FILING = "institution.qualifications.elderly_care_filing"


def parse(raw: Any) -> Any:
    return CONDITION.validate_python(raw)


@pytest.fixture
def judge(build: Any) -> Any:
    def _judge(condition: Any, patch: dict[str, Any] | None = None, **sections: Any) -> Any:
        return holds(parse(condition), build.snapshot(patch, **sections))

    return _judge


def quals(**values: bool | None) -> dict[str, Any]:
    return {"institution": {"qualifications": {k: v for k, v in values.items() if v is not None}}}


@pytest.mark.parametrize(
    ("licence", "clinic", "filing", "expected", "missing"),
    [
        (True, None, True, True, set()),
        (None, True, True, True, set()),
        (False, True, True, True, set()),
        (True, False, True, True, set()),
        (False, False, True, False, set()),
        (False, False, None, False, set()),  # no medical qualification: not one, whatever the filing
        (True, True, False, False, set()),
        (None, None, False, False, set()),  # no filing: not one, whatever the medical side
        (True, None, None, None, {FILING}),
        (None, True, None, None, {FILING}),
        (None, False, True, None, {LICENSE}),
        (False, None, True, None, {CLINIC}),
        (None, None, True, None, {LICENSE, CLINIC}),
        (None, None, None, None, {LICENSE, CLINIC, FILING}),
    ],
)
def test_yiyang_institution_is_three_valued(
    judge: Any,
    licence: bool | None,
    clinic: bool | None,
    filing: bool | None,
    expected: bool | None,
    missing: set[str],
) -> None:
    patch = quals(medical_practice_license=licence, clinic_filing=clinic, elderly_care_filing=filing)
    truth = judge("yiyang_institution", patch)
    assert truth.value is expected
    assert set(truth.missing) == missing
    if expected is not None:
        assert truth.missing == ()


def _fact_patch(a: bool | None, b: bool | None) -> dict[str, Any]:
    policies = {k: v for k, v in (("emergency_plan", a), ("hazard_ledger", b)) if v is not None}
    return {"policies": policies}


A = {"fact": "policies.emergency_plan"}
B = {"fact": "policies.hazard_ledger"}
VALUES = (True, False, None)


def kleene_and(a: bool | None, b: bool | None) -> bool | None:
    if a is False or b is False:
        return False
    if a is True and b is True:
        return True
    return None


def kleene_or(a: bool | None, b: bool | None) -> bool | None:
    if a is True or b is True:
        return True
    if a is False and b is False:
        return False
    return None


@pytest.mark.parametrize(("a", "b"), list(itertools.product(VALUES, VALUES)))
def test_all_of_and_any_of_follow_kleene_logic(judge: Any, a: bool | None, b: bool | None) -> None:
    patch = _fact_patch(a, b)
    conj = judge({"all_of": [A, B]}, patch)
    disj = judge({"any_of": [A, B]}, patch)
    assert conj.value is kleene_and(a, b)
    assert disj.value is kleene_or(a, b)
    unknown = {p for p, v in (("policies.emergency_plan", a), ("policies.hazard_ledger", b)) if v is None}
    for truth in (conj, disj):
        if truth.value is None:
            assert set(truth.missing) == unknown
        else:
            assert truth.missing == ()


@pytest.mark.parametrize("a", VALUES)
def test_not_follows_kleene_logic(judge: Any, a: bool | None) -> None:
    truth = judge({"not": A}, _fact_patch(a, None))
    assert truth.value is (None if a is None else not a)
    assert set(truth.missing) == ({"policies.emergency_plan"} if a is None else set())


@pytest.mark.parametrize("a", VALUES)
def test_double_negation(judge: Any, a: bool | None) -> None:
    assert judge({"not": {"not": A}}, _fact_patch(a, None)).value is a


@pytest.mark.parametrize(("a", "b"), list(itertools.product(VALUES, VALUES)))
def test_de_morgan(judge: Any, a: bool | None, b: bool | None) -> None:
    patch = _fact_patch(a, b)
    left = judge({"not": {"all_of": [A, B]}}, patch).value
    right = judge({"any_of": [{"not": A}, {"not": B}]}, patch).value
    assert left is right


def test_fact_test_equals_false(judge: Any) -> None:
    condition = {"fact": "facilities.flammable_color_steel_plate_occupied", "equals": False}
    assert judge(condition, {"facilities": {"flammable_color_steel_plate_occupied": False}}).value is True
    assert judge(condition, {"facilities": {"flammable_color_steel_plate_occupied": True}}).value is False
    unknown = judge(condition, {})
    assert unknown.value is None
    assert unknown.missing == ("facilities.flammable_color_steel_plate_occupied",)


def test_qualification_fact_names_the_institution_path(judge: Any) -> None:
    truth = judge({"fact": "qualifications.clinic_filing"}, {})
    assert truth.value is None
    assert truth.missing == (CLINIC,)
    assert judge({"fact": "qualifications.clinic_filing"}, quals(clinic_filing=True)).value is True


def test_nested_conditions_collect_every_missing_field(judge: Any) -> None:
    condition = {"all_of": ["yiyang_institution", {"any_of": ["public", {"fact": "practices.bed_conversion"}]}]}
    truth = judge(condition, quals(clinic_filing=True))
    assert truth.value is None
    assert set(truth.missing) == {FILING, "institution.public", "practices.bed_conversion"}


def test_a_false_conjunct_decides_despite_unknowns(judge: Any) -> None:
    truth = judge({"all_of": ["yiyang_institution", "public"]}, {"institution": {"public": False}})
    assert truth.value is False
    assert truth.missing == ()


@pytest.mark.parametrize(
    ("kinds", "care_type", "predicate", "expected"),
    [
        (["medical"], None, "medical", True),
        (["elderly_care"], None, "medical", False),
        (["elderly_care", "medical"], None, "elderly_care", True),
        (["medical"], None, "primary_care", False),  # absent primary_care_type: not primary care
        (["medical"], "village_clinic", "primary_care", True),
        (["medical"], "township_health_center", "community_or_township_health_center", True),
        (["medical"], "community_health_center", "community_or_township_health_center", True),
        (["medical"], "community_health_station", "community_or_township_health_center", False),
        (["medical"], "community_health_station", "community_health_station", True),
        (["elderly_care"], None, "any_institution", True),
    ],
)
def test_institution_predicates(
    judge: Any, kinds: list[str], care_type: str | None, predicate: str, expected: bool
) -> None:
    institution: dict[str, Any] = {"kinds": kinds}
    if care_type is not None:
        institution["primary_care_type"] = care_type
    truth = judge(predicate, {"institution": institution})
    assert truth.value is expected
    assert truth.missing == ()


def test_public_predicate(judge: Any) -> None:
    assert judge("public", {"institution": {"public": True}}).value is True
    assert judge("public", {"institution": {"public": False}}).value is False
    unknown = judge("public", {})
    assert (unknown.value, unknown.missing) == (None, ("institution.public",))


def test_has_agreements_predicate(judge: Any) -> None:
    assert judge("has_agreements", {}).missing == ("agreements",)
    assert judge("has_agreements", agreements=[]).value is False
    one = [{"id": "a1", "partner": "p", "signed": "2026-01-01"}]
    assert judge("has_agreements", agreements=one).value is True


def test_has_residents_65_plus_predicate(judge: Any) -> None:
    def people(*ages: int | None) -> list[dict[str, Any]]:
        return [
            {"id": f"r{i}", "admitted": "2026-01-01", **({} if age is None else {"age": age})}
            for i, age in enumerate(ages)
        ]

    assert judge("has_residents_65_plus", {}).missing == ("residents",)
    assert judge("has_residents_65_plus", residents=[]).value is False
    assert judge("has_residents_65_plus", residents=people(64, 65)).value is True
    assert judge("has_residents_65_plus", residents=people(None, 70)).value is True
    assert judge("has_residents_65_plus", residents=people(60, 64)).value is False
    unknown = judge("has_residents_65_plus", residents=people(60, None))
    assert (unknown.value, unknown.missing) == (None, ("residents[1].age",))


def test_conditions_parse_to_their_models() -> None:
    assert parse("yiyang_institution") is Predicate.YIYANG_INSTITUTION
    assert isinstance(parse({"fact": "policies.emergency_plan"}), FactTest)
    assert parse({"fact": "policies.emergency_plan"}).equals is True
    assert isinstance(parse({"all_of": ["medical"]}), AllOf)
    assert isinstance(parse({"any_of": ["medical"]}), AnyOf)
    assert isinstance(parse({"not": "medical"}), Not)


@pytest.mark.parametrize(
    "raw",
    [
        "yiyang",
        {"fact": "policies.no_such_policy"},
        {"fact": "budget.emergency_plan"},
        {"all_of": []},
        {"any_of": []},
        {"all_of": ["medical"], "extra": 1},
        {"fact": "policies.emergency_plan", "equals": True, "typo": 1},
    ],
)
def test_invalid_conditions_are_rejected(raw: Any) -> None:
    with pytest.raises(ValidationError):
        parse(raw)


def test_describe_renders_both_languages() -> None:
    label = describe(parse({"all_of": ["yiyang_institution", {"not": "public"}]}))
    assert "医养结合机构" in label.zh and "非（" in label.zh
    assert " and " in label.en and "not (" in label.en
    fact = describe(parse({"fact": "policies.emergency_plan", "equals": False}))
    assert fact.en == "policies.emergency_plan is false"


@pytest.mark.parametrize(
    ("care_type", "expected"),
    [
        ("community_health_center", True),
        ("community_health_station", True),
        ("township_health_center", True),
        ("village_clinic", True),
        ("clinic", False),  # 诊所/医务室/护理站: a 基层医疗卫生机构, not a community public-health provider
        (None, False),
    ],
)
def test_community_public_health_provider_excludes_clinics_and_infirmaries(
    judge: Any, care_type: str | None, expected: bool
) -> None:
    patch = {"institution": {"kinds": ["medical"], **({"primary_care_type": care_type} if care_type else {})}}
    assert judge("community_public_health_provider", patch).value is expected
    assert judge("primary_care", patch).value is (care_type is not None)


def _agreements(*roles: str | None) -> list[dict[str, Any]]:
    return [
        {"id": f"A-{i}", "partner": "某机构", "signed": "2026-01-10", **({"role": r} if r else {})}
        for i, r in enumerate(roles)
    ]


@pytest.mark.parametrize(
    ("kinds", "qualifications", "roles", "expected", "missing"),
    [
        (["medical"], {}, ("medical_provider",), True, ()),
        (["medical", "elderly_care"], {}, ("elderly_care_party", "medical_provider"), True, ()),
        (["medical"], {}, ("elderly_care_party",), False, ()),
        (["medical"], {"elderly_care_filing": True}, (None,), None, ("agreements[0].role",)),
        (["medical"], {"elderly_care_filing": False}, (None,), True, ()),  # cannot be the elderly-care party
        (["elderly_care"], {"medical_practice_license": False, "clinic_filing": False}, (None,), False, ()),
        (["elderly_care"], {"clinic_filing": True}, ("elderly_care_party", None), None, ("agreements[1].role",)),
        (["medical"], {}, (), False, ()),
    ],
)
def test_agreement_medical_provider_is_three_valued(
    judge: Any,
    kinds: list[str],
    qualifications: dict[str, bool],
    roles: tuple[str | None, ...],
    expected: bool | None,
    missing: tuple[str, ...],
) -> None:
    patch = {"institution": {"kinds": kinds, "qualifications": qualifications}}
    result = judge("agreement_medical_provider", patch, agreements=_agreements(*roles))
    assert (result.value, result.missing) == (expected, missing)
    unknown = judge("agreement_medical_provider", patch, agreements=None)
    assert (unknown.value, unknown.missing) == (None, ("agreements",))
