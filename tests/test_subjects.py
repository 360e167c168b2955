"""Who a rule binds, judged through the real rule catalogs (issue 7, sections 2 and 3).

Each test is a verdict that was wrong before: a nursing home's 医务室 held to the family-doctor
duties of the community public-health providers, the primary care institution's yearly visit
judged on the nursing home, provider-side duties of 23号 put on the elderly-care party, the Shaanxi
unlicensed-practice rule exempting the unlicensed, a district target judged per institution.
"""

from __future__ import annotations

import copy
from datetime import date
from functools import cache
from typing import Any

import pytest

from yiyang_rules import Engine
from yiyang_rules.checks.base import Status
from yiyang_rules.report import Finding

AS_OF = "2026-07-15"


@cache
def engine(jurisdiction: str) -> Engine:
    return Engine.load(jurisdiction)


def snapshot(province: str, **patch: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "schema_version": "1",
        "as_of": AS_OF,
        "period": {"start": "2026-01-01", "end": "2026-06-30"},
        "institution": {
            "id": "T-1",
            "name": "测试颐养院",
            "province": province,
            "kinds": ["elderly_care"],
            "qualifications": {
                "medical_practice_license": False,
                "clinic_filing": True,
                "elderly_care_filing": True,
                "business_scope_includes_elderly_care": True,
            },
        },
    }
    for key, value in patch.items():
        if key == "institution":
            data["institution"] = {**data["institution"], **copy.deepcopy(value)}
        else:
            data[key] = copy.deepcopy(value)
    return data


def finding(jurisdiction: str, rule_id: str, data: dict[str, Any], as_of: str | None = None) -> Finding:
    report = engine(jurisdiction).check(data, as_of=date.fromisoformat(as_of) if as_of else None)
    found = [f for f in report.findings if f.rule_id == rule_id]
    assert found, f"{rule_id} is not in the {jurisdiction} catalog"
    return found[0]


# A nursing home whose in-house 医务室 is filed as a clinic: a 基层医疗卫生机构 in law, but not a
# community public-health provider (no 家庭医生签约, no 电子健康档案, no home rounds).
NURSING_HOME_INFIRMARY = {"kinds": ["elderly_care"], "primary_care_type": "clinic"}
ALL_FALSE = {
    "family_doctor_appointment_referral": False,
    "signs_all_willing_elderly_care": False,
    "elderly_health_records_maintained": False,
    "homebound_elderly_ledger": False,
    "regular_home_rounds": False,
}


@pytest.mark.parametrize(
    ("jurisdiction", "rule_id"),
    [
        ("hebei", "referral.family-doctor-appointment"),
        ("beijing", "referral.family-doctor-appointment"),
        ("beijing", "agreement.primary-care-sign-all-willing"),
        ("beijing", "records.elderly-health-records"),
        ("shaanxi", "homecare.homebound-ledger-rounds"),
    ],
)
def test_a_nursing_homes_infirmary_is_not_bound_by_community_public_health_duties(
    jurisdiction: str, rule_id: str
) -> None:
    data = snapshot(jurisdiction, institution=NURSING_HOME_INFIRMARY, practices=ALL_FALSE)
    assert finding(jurisdiction, rule_id, data).status is Status.NOT_APPLICABLE


@pytest.mark.parametrize(
    ("jurisdiction", "rule_id"),
    [
        ("hebei", "referral.family-doctor-appointment"),
        ("beijing", "agreement.primary-care-sign-all-willing"),
        ("beijing", "records.elderly-health-records"),
        ("shaanxi", "homecare.homebound-ledger-rounds"),
    ],
)
@pytest.mark.parametrize(
    "care_type", ["community_health_center", "community_health_station", "township_health_center", "village_clinic"]
)
def test_community_public_health_providers_stay_bound(jurisdiction: str, rule_id: str, care_type: str) -> None:
    institution = {"kinds": ["medical"], "primary_care_type": care_type}
    data = snapshot(jurisdiction, institution=institution, practices=ALL_FALSE)
    assert finding(jurisdiction, rule_id, data).status is Status.NON_COMPLIANT


def test_the_yearly_onsite_visit_is_owed_by_the_primary_care_institution_not_the_nursing_home() -> None:
    residents = [{"id": "R-1", "admitted": "2025-03-01", "age": 82}]
    year = {"start": "2026-01-01", "end": "2026-12-31"}
    home = snapshot("beijing", residents=residents, activities=[], period=year)
    assert finding("beijing", "health.onsite-management-yearly", home, "2027-01-15").status is Status.NOT_APPLICABLE
    centre = snapshot(
        "beijing",
        institution={"kinds": ["medical"], "primary_care_type": "community_health_center"},
        agreements=[{"id": "A-1", "partner": "某养老院", "signed": "2025-06-01", "role": "medical_provider"}],
        activities=[],
        period=year,
    )
    assert finding("beijing", "health.onsite-management-yearly", centre, "2027-01-15").status is Status.NON_COMPLIANT


PROVIDER_RULES = [
    ("agreement.funds-separate-account", {"cooperation_funds_separate_account": False}),
    ("agreement.staff-licensed", {"staff_licensed": False}),
    ("agreement.staff-site-filing-and-insurance", {"multi_site_practice_filed": False}),
]
HOSPITAL = {"kinds": ["medical"], "qualifications": {"medical_practice_license": True}}


@pytest.mark.parametrize(("rule_id", "practices"), PROVIDER_RULES)
def test_provider_duties_bind_the_medical_provider_of_an_agreement(rule_id: str, practices: dict[str, bool]) -> None:
    def agreement(role: str | None) -> list[dict[str, Any]]:
        item: dict[str, Any] = {"id": "A-1", "partner": "某养老院", "signed": "2026-01-10"}
        if role is not None:
            item["role"] = role
        return [item]

    provider = snapshot("hebei", institution=HOSPITAL, agreements=agreement("medical_provider"), practices=practices)
    assert finding("hebei", rule_id, provider).status is Status.NON_COMPLIANT
    # A hospital that is the elderly-care party of an agreement (it runs a home that buys services).
    party = snapshot("hebei", institution=HOSPITAL, agreements=agreement("elderly_care_party"), practices=practices)
    assert finding("hebei", rule_id, party).status is Status.NOT_APPLICABLE
    unknown = snapshot("hebei", institution=HOSPITAL, agreements=agreement(None), practices=practices)
    result = finding("hebei", rule_id, unknown)
    assert result.status is Status.INSUFFICIENT_DATA
    assert "agreements[0].role" in result.evidence["missing"]


def test_shaanxi_unlicensed_practice_rule_binds_the_unlicensed_nursing_home() -> None:
    unlicensed = snapshot(
        "shaanxi",
        institution={"qualifications": {"medical_practice_license": False, "clinic_filing": False}},
        practices={"licensed_medical_practice_only": False},
    )
    assert finding("shaanxi", "medical.lawful-practice", unlicensed).status is Status.NON_COMPLIANT


def test_a_district_training_target_is_not_an_institution_rule() -> None:
    data = snapshot("beijing", quality={"training": {"staff_in_scope": 10, "staff_trained": 1}})
    report = engine("beijing").check(data)
    assert "training.staff-coverage" not in {f.rule_id for f in report.findings}


def test_a_close_variant_of_the_term_without_qualifications_is_never_compliant() -> None:
    for jurisdiction in ("hebei", "beijing"):
        data = snapshot(
            jurisdiction,
            institution={
                "name": "示例医养中心",
                "qualifications": {"medical_practice_license": False, "clinic_filing": False},
            },
        )
        result = finding(jurisdiction, "naming.yiyang-title", data)
        assert result.status is Status.INSUFFICIENT_DATA
        assert result.evidence["needs_review"] is True


def test_the_infection_emergency_plan_is_its_own_duty() -> None:
    data = snapshot("hebei", policies={"emergency_plan": True, "infection_emergency_plan": False})
    assert finding("hebei", "emergency.response-plan", data).status is Status.COMPLIANT
    assert finding("hebei", "infection.emergency-plan", data).status is Status.NON_COMPLIANT
    data = snapshot("beijing", policies={"emergency_plan": False, "infection_emergency_plan": True})
    assert finding("beijing", "infection.emergency-plan", data).status is Status.COMPLIANT
    assert finding("beijing", "emergency.response-plan", data).status is Status.NON_COMPLIANT


@pytest.mark.parametrize(
    "agreement",
    [
        {"id": "A-1", "partner": "某养老院", "signed": "2023-01-10", "terminated": "2025-06-30"},
        {"id": "A-1", "partner": "某养老院", "signed": "2023-01-10", "expires": "2025-12-31"},
        {"id": "A-1", "partner": "某养老院", "signed": "2026-09-01"},  # after as_of: not signed yet
    ],
)
@pytest.mark.parametrize(("rule_id", "practices"), PROVIDER_RULES)
def test_an_agreement_not_in_force_on_as_of_binds_no_one(
    agreement: dict[str, Any], rule_id: str, practices: dict[str, bool]
) -> None:
    ended = {**agreement, "role": "medical_provider"}
    data = snapshot("hebei", institution=HOSPITAL, agreements=[ended], practices=practices)
    assert finding("hebei", rule_id, data).status is Status.NOT_APPLICABLE
    renewed = dict(ended)
    if "expires" in agreement:
        renewed["renewed"] = "2025-12-20"
        data = snapshot("hebei", institution=HOSPITAL, agreements=[renewed], practices=practices)
        assert finding("hebei", rule_id, data).status is Status.NON_COMPLIANT
