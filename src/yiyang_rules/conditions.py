"""Who a rule binds: a declarative condition over the institution, judged in three values.

A condition is a named predicate (``yiyang_institution``), a fact test
(``{fact: practices.bed_conversion, equals: true}``), or ``all_of`` / ``any_of`` / ``not`` of
conditions. Unknown inputs give ``None`` (Kleene logic) together with the field paths that were
missing, so an unknown qualification yields ``insufficient_data`` rather than a guess.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Annotated, Any, ClassVar, TypeAlias

from .declared import FORBID_EXTRA, Checked, Spec
from .facts import Agreement, Facts, agreement_in_force
from .vocabulary import (
    COMMUNITY_PUBLIC_HEALTH_TYPES,
    FACT_KEYS,
    AgreementRole,
    FactSection,
    InstitutionKind,
    Label,
    PrimaryCareType,
)


class Predicate(StrEnum):
    ANY_INSTITUTION = "any_institution"
    YIYANG_INSTITUTION = "yiyang_institution"
    MEDICAL = "medical"
    ELDERLY_CARE = "elderly_care"
    PRIMARY_CARE = "primary_care"
    COMMUNITY_OR_TOWNSHIP_HEALTH_CENTER = "community_or_township_health_center"
    COMMUNITY_HEALTH_STATION = "community_health_station"
    COMMUNITY_PUBLIC_HEALTH_PROVIDER = "community_public_health_provider"
    PUBLIC = "public"
    HAS_AGREEMENTS = "has_agreements"
    AGREEMENT_MEDICAL_PROVIDER = "agreement_medical_provider"
    HAS_RESIDENTS_65_PLUS = "has_residents_65_plus"


PREDICATE_LABELS: dict[Predicate, Label] = {
    Predicate.ANY_INSTITUTION: Label("所有医疗卫生机构和养老机构", "every medical and elderly-care institution"),
    Predicate.YIYANG_INSTITUTION: Label(
        "医养结合机构（同时具备医疗卫生资质、进行养老机构备案）",
        "a 医养结合机构 (a medical qualification and an elderly-care filing)",
    ),
    Predicate.MEDICAL: Label("医疗卫生机构", "a medical institution"),
    Predicate.ELDERLY_CARE: Label("养老机构", "an elderly-care institution"),
    Predicate.PRIMARY_CARE: Label("基层医疗卫生机构", "a primary-care institution (基层医疗卫生机构)"),
    Predicate.COMMUNITY_OR_TOWNSHIP_HEALTH_CENTER: Label(
        "社区卫生服务中心或乡镇卫生院", "a community health centre or township health centre"
    ),
    Predicate.COMMUNITY_HEALTH_STATION: Label("社区卫生服务站", "a community health station"),
    Predicate.COMMUNITY_PUBLIC_HEALTH_PROVIDER: Label(
        "承担基本公共卫生和家庭医生签约服务的基层医疗卫生机构（社区卫生服务中心/站、乡镇卫生院、村卫生室）",
        "a community public-health provider (community health centre or station, township health centre, "
        "village clinic), not a clinic or a nursing home's infirmary",
    ),
    Predicate.PUBLIC: Label("公立机构", "a public institution"),
    Predicate.HAS_AGREEMENTS: Label("已签订医养合作协议", "has signed a cooperation agreement"),
    Predicate.AGREEMENT_MEDICAL_PROVIDER: Label(
        "在签约合作中提供医疗卫生服务的医疗卫生机构",
        "the medical institution that provides services under a cooperation agreement",
    ),
    Predicate.HAS_RESIDENTS_65_PLUS: Label("有65岁及以上入住老年人", "has residents aged 65 or over"),
}


@dataclass(frozen=True, slots=True)
class Truth:
    """A three-valued answer: ``value`` is None when unknown; ``missing`` names the unknown fields."""

    value: bool | None
    missing: tuple[str, ...] = ()


TRUE = Truth(True)
FALSE = Truth(False)


def _flag(value: bool | None, path: str) -> Truth:
    return Truth(value, () if value is not None else (path,))


def _kind(snapshot: Facts, kind: InstitutionKind) -> Truth:
    return Truth(kind in snapshot.institution.kinds)


def _yiyang(snapshot: Facts) -> Truth:
    """国卫办老龄发〔2025〕29号 (三): a medical qualification and an elderly-care filing."""
    q = snapshot.institution.qualifications
    medical = _or(
        _flag(q.medical_practice_license, "institution.qualifications.medical_practice_license"),
        _flag(q.clinic_filing, "institution.qualifications.clinic_filing"),
    )
    return _and(medical, _flag(q.elderly_care_filing, "institution.qualifications.elderly_care_filing"))


def _primary_care(snapshot: Facts, *types: PrimaryCareType) -> Truth:
    # The contract sets primary_care_type "when it is a 基层医疗卫生机构": absent means it is not.
    care_type = snapshot.institution.primary_care_type
    if care_type is None:
        return FALSE
    return Truth(not types or care_type in types)


def _live(snapshot: Facts, as_of: date | None) -> list[tuple[int, Agreement]]:
    """The agreements in force on ``as_of`` (all of them when no day is given), with their index."""
    agreements = snapshot.agreements or []
    return [(i, a) for i, a in enumerate(agreements) if as_of is None or agreement_in_force(a, as_of)]


def _has_agreements(snapshot: Facts, as_of: date | None) -> Truth:
    """A cooperation in force on ``as_of``: an agreement that ended, or is signed later, binds no one."""
    if snapshot.agreements is None:
        return Truth(None, ("agreements",))
    return Truth(bool(_live(snapshot, as_of)))


def _agreement_medical_provider(snapshot: Facts, as_of: date | None) -> Truth:
    """国卫办老龄发〔2020〕23号: the provider-side duties bind the party that provides the medical
    services. Its side is ``agreements[].role``. Where no role is given, the institution's own
    registration can still tell: one that can provide no medical service (not ``medical``, neither
    licence nor filing) is not the provider; one that cannot be the elderly-care party (not
    ``elderly_care``, no elderly-care filing) is. Any other institution cannot be told."""
    if snapshot.agreements is None:
        return Truth(None, ("agreements",))
    live = _live(snapshot, as_of)
    if any(a.role is AgreementRole.MEDICAL_PROVIDER for _, a in live):
        return TRUE
    unknown = tuple(f"agreements[{i}].role" for i, a in live if a.role is None)
    if not unknown:
        return FALSE
    q = snapshot.institution.qualifications
    kinds = snapshot.institution.kinds
    if InstitutionKind.MEDICAL not in kinds and q.medical_practice_license is False and q.clinic_filing is False:
        return FALSE  # it can provide no medical service
    if InstitutionKind.ELDERLY_CARE not in kinds and q.elderly_care_filing is False:
        return TRUE  # it cannot be the elderly-care party
    return Truth(None, unknown)


def _has_65_plus(snapshot: Facts) -> Truth:
    if snapshot.residents is None:
        return Truth(None, ("residents",))
    ages = [r.age for r in snapshot.residents]
    if any(age is not None and age >= 65 for age in ages):
        return TRUE
    unknown = tuple(f"residents[{i}].age" for i, age in enumerate(ages) if age is None)
    return Truth(None, unknown) if unknown else FALSE


# Each predicate reads the snapshot and the day things are judged on (``as_of``; None: no day,
# every record counts). Only the agreement predicates need the day.
_PREDICATES: dict[Predicate, Callable[[Facts, date | None], Truth]] = {
    Predicate.ANY_INSTITUTION: lambda s, d: TRUE,
    Predicate.YIYANG_INSTITUTION: lambda s, d: _yiyang(s),
    Predicate.MEDICAL: lambda s, d: _kind(s, InstitutionKind.MEDICAL),
    Predicate.ELDERLY_CARE: lambda s, d: _kind(s, InstitutionKind.ELDERLY_CARE),
    Predicate.PRIMARY_CARE: lambda s, d: _primary_care(s),
    Predicate.COMMUNITY_OR_TOWNSHIP_HEALTH_CENTER: lambda s, d: _primary_care(
        s, PrimaryCareType.COMMUNITY_HEALTH_CENTER, PrimaryCareType.TOWNSHIP_HEALTH_CENTER
    ),
    Predicate.COMMUNITY_HEALTH_STATION: lambda s, d: _primary_care(s, PrimaryCareType.COMMUNITY_HEALTH_STATION),
    Predicate.COMMUNITY_PUBLIC_HEALTH_PROVIDER: lambda s, d: _primary_care(s, *COMMUNITY_PUBLIC_HEALTH_TYPES),
    Predicate.PUBLIC: lambda s, d: _flag(s.institution.public, "institution.public"),
    Predicate.HAS_AGREEMENTS: _has_agreements,
    Predicate.AGREEMENT_MEDICAL_PROVIDER: _agreement_medical_provider,
    Predicate.HAS_RESIDENTS_65_PLUS: lambda s, d: _has_65_plus(s),
}


def _and(*parts: Truth) -> Truth:
    if any(p.value is False for p in parts):
        return FALSE
    if all(p.value is True for p in parts):
        return TRUE
    return Truth(None, tuple(m for p in parts for m in p.missing))


def _or(*parts: Truth) -> Truth:
    if any(p.value is True for p in parts):
        return TRUE
    if all(p.value is False for p in parts):
        return FALSE
    return Truth(None, tuple(m for p in parts for m in p.missing))


def fact_value(snapshot: Facts, path: str) -> bool | None:
    """The boolean at ``section.key`` (e.g. ``policies.hazard_ledger``), or None when unknown."""
    section, key = path.split(".", 1)
    if section == FactSection.QUALIFICATIONS:
        value: bool | None = getattr(snapshot.institution.qualifications, key)
        return value
    mapping = getattr(snapshot, section)
    if mapping is None:
        return None
    for k, v in mapping.items():
        if k == key:
            return bool(v)
    return None


def fact_path_field(path: str) -> str:
    section = path.split(".", 1)[0]
    return f"institution.{path}" if section == FactSection.QUALIFICATIONS else path


def validate_fact_path(path: str) -> str:
    section, _, key = path.partition(".")
    try:
        keys = FACT_KEYS[FactSection(section)]
    except ValueError:
        sections = ", ".join(s.value for s in FactSection)
        raise ValueError(f"unknown fact section {section!r}; use one of: {sections}") from None
    if key not in keys:
        raise ValueError(f"unknown fact {path!r}; known {section} keys: {', '.join(sorted(keys))}")
    return path


# A fact path that names a known fact: checked when a rule file is read.
FactPath = Annotated[str, Checked(validate_fact_path)]


# Plain dataclasses (yiyang_rules.declared): evaluating a condition imports no pydantic; pydantic
# validates them when a rule file is read, unknown keys refused as a model's ``extra="forbid"`` did.
@dataclass(frozen=True, slots=True)
class FactTest:
    __pydantic_config__: ClassVar[dict[str, Any]] = FORBID_EXTRA
    fact: FactPath
    equals: bool = True


@dataclass(frozen=True, slots=True)
class AllOf:
    __pydantic_config__: ClassVar[dict[str, Any]] = FORBID_EXTRA
    all_of: Annotated[list[Condition], Spec(min_length=1)]


@dataclass(frozen=True, slots=True)
class AnyOf:
    __pydantic_config__: ClassVar[dict[str, Any]] = FORBID_EXTRA
    any_of: Annotated[list[Condition], Spec(min_length=1)]


@dataclass(frozen=True, slots=True)
class Not:
    __pydantic_config__: ClassVar[dict[str, Any]] = FORBID_EXTRA
    # ``not`` is a keyword: the attribute is ``not_``, the rule file's key ``not`` (pydantic reads a
    # dataclass field's metadata as Field arguments).
    not_: Condition = field(metadata={"alias": "not"})


# The classes refer to Condition before it exists; pydantic resolves it when it builds a schema.
Condition = Annotated[Predicate | FactTest | AllOf | AnyOf | Not, Spec(union_mode="left_to_right")]


def holds(
    condition: Condition,
    snapshot: Facts,
    memo: dict[Predicate, Truth] | None = None,
    as_of: date | None = None,
) -> Truth:
    """Judge ``condition`` as things stand on ``as_of`` (an agreement binds only while in force);
    ``memo`` keeps each named predicate's answer for one snapshot and day, since most rules of a
    catalog ask the same few (``yiyang_institution``…)."""
    if isinstance(condition, Predicate):
        if memo is None:
            return _PREDICATES[condition](snapshot, as_of)
        if condition not in memo:
            memo[condition] = _PREDICATES[condition](snapshot, as_of)
        return memo[condition]
    if isinstance(condition, FactTest):
        value = fact_value(snapshot, condition.fact)
        if value is None:
            return Truth(None, (fact_path_field(condition.fact),))
        return Truth(value == condition.equals)
    if isinstance(condition, AllOf):
        return _and(*(holds(c, snapshot, memo, as_of) for c in condition.all_of))
    if isinstance(condition, AnyOf):
        return _or(*(holds(c, snapshot, memo, as_of) for c in condition.any_of))
    inner = holds(condition.not_, snapshot, memo, as_of)
    return Truth(None if inner.value is None else not inner.value, inner.missing)


# --- Compiled: a condition or a fact path read once into a closure, for the engine and the kinds
# that judge the same condition on every snapshot (``holds`` above re-reads the condition's tree,
# and splits the fact's path, on every call).

# Strings: the snapshot's type is an annotation only here (whichever model class decodes it).
CompiledCondition: TypeAlias = "Callable[[Facts, dict[Predicate, Truth], date | None], Truth]"
FactReader: TypeAlias = "Callable[[Facts], bool | None]"


def fact_reader(path: str) -> FactReader:
    """:func:`fact_value` for one path, with the path split once."""
    section, key = path.split(".", 1)
    if section == FactSection.QUALIFICATIONS:

        def qualification(snapshot: Facts) -> bool | None:
            value: bool | None = getattr(snapshot.institution.qualifications, key)
            return value

        return qualification

    def listed(snapshot: Facts) -> bool | None:
        mapping = getattr(snapshot, section)
        if mapping is None:
            return None
        # A mapping's keys are unique and (string enums) hash as their text: one lookup finds
        # what fact_value's scan of the items does.
        value = mapping.get(key)
        return None if value is None else bool(value)

    return listed


def compile_condition(condition: Condition) -> CompiledCondition:
    """:func:`holds` for one condition, as a function of (snapshot, memo, as_of): the same answers
    (value and missing fields, in the same order), the condition's tree read once."""
    if isinstance(condition, Predicate):
        named, judge = condition, _PREDICATES[condition]

        def predicate(snapshot: Facts, memo: dict[Predicate, Truth], as_of: date | None) -> Truth:
            found = memo.get(named)
            if found is None:
                found = memo[named] = judge(snapshot, as_of)
            return found

        return predicate
    if isinstance(condition, FactTest):
        read, equals = fact_reader(condition.fact), condition.equals
        unknown = Truth(None, (fact_path_field(condition.fact),))

        def fact_test(snapshot: Facts, memo: dict[Predicate, Truth], as_of: date | None) -> Truth:
            value = read(snapshot)
            if value is None:
                return unknown
            return TRUE if value == equals else FALSE

        return fact_test
    if isinstance(condition, (AllOf, AnyOf)):
        parts = tuple(
            compile_condition(c) for c in (condition.all_of if isinstance(condition, AllOf) else condition.any_of)
        )
        combine = _and if isinstance(condition, AllOf) else _or

        def combined(snapshot: Facts, memo: dict[Predicate, Truth], as_of: date | None) -> Truth:
            return combine(*[part(snapshot, memo, as_of) for part in parts])

        return combined
    inner = compile_condition(condition.not_)

    def negated(snapshot: Facts, memo: dict[Predicate, Truth], as_of: date | None) -> Truth:
        found = inner(snapshot, memo, as_of)
        return Truth(None if found.value is None else not found.value, found.missing)

    return negated


def describe(condition: Condition) -> Label:
    """A readable bilingual rendering, for ``rules show`` and docs."""
    if isinstance(condition, Predicate):
        return PREDICATE_LABELS[condition]
    if isinstance(condition, FactTest):
        return Label(
            f"{condition.fact} 为 {str(condition.equals).lower()}",
            f"{condition.fact} is {str(condition.equals).lower()}",
        )
    if isinstance(condition, (AllOf, AnyOf)):
        parts = [describe(c) for c in (condition.all_of if isinstance(condition, AllOf) else condition.any_of)]
        zh_join, en_join = ("且", " and ") if isinstance(condition, AllOf) else ("或", " or ")
        return Label(zh_join.join(p.zh for p in parts), en_join.join(f"({p.en})" for p in parts))
    inner = describe(condition.not_)
    return Label(f"非（{inner.zh}）", f"not ({inner.en})")
