"""``name_restriction``: “医养结合” in a name only with the qualifications (国卫老龄发〔2024〕40号 (三))."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yiyang_rules.checks import name_restriction
from yiyang_rules.checks.base import Outcome, Status
from yiyang_rules.vocabulary import InstitutionKind, Qualification

NATIONAL = name_restriction.Params(
    term="医养结合",
    requires_any={
        InstitutionKind.ELDERLY_CARE: [Qualification.MEDICAL_PRACTICE_LICENSE, Qualification.CLINIC_FILING],
        InstitutionKind.MEDICAL: [Qualification.BUSINESS_SCOPE_INCLUDES_ELDERLY_CARE],
    },
)

NAME = "朝阳区医养结合服务中心"


@pytest.fixture
def run(build: Any) -> Any:
    def _run(
        name: str = NAME,
        kinds: tuple[str, ...] = ("elderly_care",),
        params: name_restriction.Params = NATIONAL,
        **qualifications: bool,
    ) -> Outcome:
        patch = {"institution": {"name": name, "kinds": list(kinds), "qualifications": qualifications}}
        return name_restriction.evaluate(params, build.view(patch))

    return _run


def test_name_without_the_term_is_compliant_whatever_the_qualifications(run: Any) -> None:
    result = run("朝阳区颐养院", medical_practice_license=False, clinic_filing=False)
    assert result.status is Status.COMPLIANT
    assert result.evidence["name_uses_term"] is False
    assert run("朝阳区颐养院").status is Status.COMPLIANT  # nothing known, nothing needed
    assert run("医养服务中心").status is Status.COMPLIANT  # part of the term is not the term


@pytest.mark.parametrize("qualified", ["medical_practice_license", "clinic_filing"])
def test_elderly_care_institution_with_licence_or_filing_is_compliant(run: Any, qualified: str) -> None:
    others = {"medical_practice_license": False, "clinic_filing": False}
    result = run(**{**others, qualified: True})
    assert result.status is Status.COMPLIANT
    assert result.evidence["name_uses_term"] is True


def test_elderly_care_institution_one_qualification_suffices_even_if_the_other_is_unknown(run: Any) -> None:
    assert run(clinic_filing=True).status is Status.COMPLIANT


def test_elderly_care_institution_without_licence_or_filing_fails(run: Any) -> None:
    result = run(medical_practice_license=False, clinic_filing=False)
    assert result.status is Status.NON_COMPLIANT
    assert result.evidence["lacking_for"] == ["elderly_care"]
    assert "养老机构" in result.message.zh
    assert "诊所备案" in result.message.zh


def test_medical_institution_without_elderly_care_in_its_business_scope_fails(run: Any) -> None:
    result = run(kinds=("medical",), business_scope_includes_elderly_care=False, medical_practice_license=True)
    assert result.status is Status.NON_COMPLIANT
    assert result.evidence["lacking_for"] == ["medical"]
    assert run(kinds=("medical",), business_scope_includes_elderly_care=True).status is Status.COMPLIANT


def test_each_registered_kind_must_qualify(run: Any) -> None:
    both = ("elderly_care", "medical")
    result = run(kinds=both, clinic_filing=True, business_scope_includes_elderly_care=False)
    assert result.status is Status.NON_COMPLIANT
    assert result.evidence["lacking_for"] == ["medical"]
    assert run(kinds=both, clinic_filing=True, business_scope_includes_elderly_care=True).status is Status.COMPLIANT


@pytest.mark.parametrize(
    ("kinds", "qualifications", "missing"),
    [
        (
            ("elderly_care",),
            {},
            ["institution.qualifications.medical_practice_license", "institution.qualifications.clinic_filing"],
        ),
        (("elderly_care",), {"clinic_filing": False}, ["institution.qualifications.medical_practice_license"]),
        (("medical",), {}, ["institution.qualifications.business_scope_includes_elderly_care"]),
    ],
)
def test_unknown_qualification_is_insufficient_data(
    run: Any, kinds: tuple[str, ...], qualifications: dict[str, bool], missing: list[str]
) -> None:
    result = run(kinds=kinds, **qualifications)
    assert result.status is Status.INSUFFICIENT_DATA
    assert result.evidence["missing"] == missing


def test_a_known_failure_outweighs_an_unknown(run: Any) -> None:
    result = run(kinds=("elderly_care", "medical"), medical_practice_license=False, clinic_filing=False)
    assert result.status is Status.NON_COMPLIANT
    assert result.evidence["lacking_for"] == ["elderly_care"]


@pytest.mark.parametrize(
    "name",
    [
        "朝阳区 医养结合 服务中心",  # ASCII spaces
        "朝阳区医养\u3000结合服务中心",  # an ideographic (full-width) space inside the term
        "朝阳区医\t养结合服务中心",
        "（ＡＢＣ）医养结合中心",  # full-width letters and brackets around it
        "(ABC)医养结合中心",
        "医养结合",
    ],
)
def test_width_and_spacing_variants_of_the_name_are_still_detected(run: Any, name: str) -> None:
    result = run(name, medical_practice_license=False, clinic_filing=False)
    assert result.status is Status.NON_COMPLIANT
    assert result.evidence["name_uses_term"] is True


def test_a_term_given_with_spacing_matches_a_name_without(run: Any) -> None:
    spaced = replace(NATIONAL, term="医养 结合")
    assert run(params=spaced, medical_practice_license=False, clinic_filing=False).status is Status.NON_COMPLIANT


def test_a_kind_without_a_requirement_is_not_restricted(run: Any) -> None:
    elderly_only = name_restriction.Params(
        term="医养结合", requires_any={InstitutionKind.ELDERLY_CARE: [Qualification.CLINIC_FILING]}
    )
    assert run(kinds=("medical",), params=elderly_only).status is Status.COMPLIANT


WITH_VARIANTS = replace(NATIONAL, similar_terms=["医养", "医康养"])


@pytest.mark.parametrize("name", ["示例医养中心", "示例医康养服务中心", "示例 医 养院"])
def test_a_close_variant_without_the_qualifications_is_flagged_for_review_never_compliant(
    run: Any, name: str
) -> None:
    """40号 一（三）: “医养结合”等可能产生歧义或者误导公众的名称 — the 等 reaches the variants."""
    result = run(name, params=WITH_VARIANTS, medical_practice_license=False, clinic_filing=False)
    assert result.status is Status.INSUFFICIENT_DATA
    assert result.evidence["needs_review"] is True
    assert result.evidence["name_uses_term"] is False
    assert result.evidence["lacking_for"] == ["elderly_care"]


def test_a_close_variant_with_unknown_qualifications_is_insufficient_data(run: Any) -> None:
    result = run("示例医养中心", params=WITH_VARIANTS)
    assert result.status is Status.INSUFFICIENT_DATA
    assert result.evidence["needs_review"] is True
    assert "institution.qualifications.clinic_filing" in result.evidence["missing"]


def test_a_close_variant_held_by_a_qualified_institution_is_compliant(run: Any) -> None:
    result = run("示例医养中心", params=WITH_VARIANTS, clinic_filing=True)
    assert result.status is Status.COMPLIANT
    assert result.evidence["similar_term"] == "医养"


def test_the_literal_term_is_judged_before_its_variants(run: Any) -> None:
    result = run(params=WITH_VARIANTS, medical_practice_license=False, clinic_filing=False)
    assert result.status is Status.NON_COMPLIANT
    assert result.evidence["name_uses_term"] is True


def test_dropping_a_variant_is_less_strict() -> None:
    assert name_restriction.at_least_as_strict(WITH_VARIANTS, NATIONAL) is True
    assert name_restriction.at_least_as_strict(NATIONAL, WITH_VARIANTS) is False


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    prefix=st.text(alphabet="北京朝阳区示例颐养 ", max_size=6),
    variant=st.sampled_from(["医养", "医康养", "医养结合"]),
    suffix=st.text(alphabet="中心院服务站 ", max_size=4),
    licence=st.sampled_from([False, None]),
    clinic=st.sampled_from([False, None]),
)
def test_law_an_unqualified_name_with_the_term_or_a_variant_is_never_compliant(
    run: Any, prefix: str, variant: str, suffix: str, licence: bool | None, clinic: bool | None
) -> None:
    quals = {k: v for k, v in {"medical_practice_license": licence, "clinic_filing": clinic}.items() if v is not None}
    result = run(prefix + variant + suffix, params=WITH_VARIANTS, **quals)
    assert result.status is not Status.COMPLIANT
