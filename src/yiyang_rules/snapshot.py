"""The institution snapshot (contract section 1), as strict pydantic models.

Unknown keys and unknown enum values are errors; ``extensions`` is the only free-form place. An
absent field means "unknown", never "false" or "none": ``activities`` left out is not the same as
``activities: []``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Annotated, Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, StrictBool, field_validator, model_validator
from pydantic_core import PydanticCustomError

from .facts import agreement_in_force
from .localdate import LocalDate
from .vocabulary import (
    ActivityKind,
    AgreementRole,
    AssessmentKind,
    FacilityKey,
    InstitutionKind,
    PolicyKey,
    PracticeKey,
    PrimaryCareType,
)

NonNegativeInt = Annotated[int, Field(ge=0)]
NonEmptyStr = Annotated[str, Field(min_length=1)]
Extensions = dict[str, Any]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, defer_build=True)


class Window(_Strict):
    start: LocalDate
    end: LocalDate

    @model_validator(mode="after")
    def _ordered(self) -> Window:
        if self.start > self.end:
            raise PydanticCustomError(
                "window_order",
                "period.start {start} is after period.end {end}; start <= end",
                {"start": self.start.isoformat(), "end": self.end.isoformat()},
            )
        return self


class Qualifications(_Strict):
    medical_practice_license: StrictBool | None = None
    clinic_filing: StrictBool | None = None
    elderly_care_filing: StrictBool | None = None
    business_scope_includes_elderly_care: StrictBool | None = None


class Institution(_Strict):
    id: NonEmptyStr
    name: NonEmptyStr
    province: NonEmptyStr | None = None
    region_code: Annotated[str, Field(pattern=r"^\d{6}$")] | None = None
    kinds: Annotated[list[InstitutionKind], Field(min_length=1)]
    primary_care_type: PrimaryCareType | None = None
    public: StrictBool | None = None
    qualifications: Qualifications = Field(default_factory=Qualifications)
    extensions: Extensions | None = None

    @model_validator(mode="after")
    def _located(self) -> Institution:
        if self.province is None and self.region_code is None:
            raise PydanticCustomError("location_missing", "give institution.province or institution.region_code")
        return self


class Activity(_Strict):
    id: NonEmptyStr | None = None
    kind: ActivityKind
    date: LocalDate
    topic: str | None = None
    participants: NonNegativeInt | None = None
    note: str | None = None
    extensions: Extensions | None = None


class Assessment(_Strict):
    kind: AssessmentKind
    date: LocalDate


class Resident(_Strict):
    id: NonEmptyStr
    admitted: LocalDate
    discharged: LocalDate | None = None
    age: Annotated[int, Field(ge=0, le=150)] | None = None
    assessments: list[Assessment] | None = None
    service_plan: StrictBool | None = Field(
        default=None, description="whether a 针对性服务方案 (individual service plan) was drawn up; absent: unknown"
    )
    extensions: Extensions | None = None


class PressureUlcers(_Strict):
    residents: NonNegativeInt
    new_grade2_plus: NonNegativeInt

    @model_validator(mode="after")
    def _bounded(self) -> PressureUlcers:
        if self.new_grade2_plus > self.residents:
            raise PydanticCustomError(
                "count_exceeds",
                "{part} ({part_value}) exceeds {whole} ({whole_value})",
                {
                    "part": "new_grade2_plus",
                    "part_value": self.new_grade2_plus,
                    "whole": "residents",
                    "whole_value": self.residents,
                },
            )
        return self


class Training(_Strict):
    """Managers and professional staff (管理人员、专业技术人员) and how many of them are trained."""

    staff_in_scope: NonNegativeInt
    staff_trained: NonNegativeInt

    @model_validator(mode="after")
    def _bounded(self) -> Training:
        if self.staff_trained > self.staff_in_scope:
            raise PydanticCustomError(
                "count_exceeds",
                "{part} ({part_value}) exceeds {whole} ({whole_value})",
                {
                    "part": "staff_trained",
                    "part_value": self.staff_trained,
                    "whole": "staff_in_scope",
                    "whole_value": self.staff_in_scope,
                },
            )
        return self


class Quality(_Strict):
    pressure_ulcers: PressureUlcers | None = None
    training: Training | None = None


class HazardPlan(_Strict):
    responsible: NonEmptyStr | None = None
    deadline: LocalDate | None = None
    measures: str | None = None


class Hazard(_Strict):
    id: NonEmptyStr
    found: LocalDate
    rectified: LocalDate | None = None
    plan: HazardPlan | None = None
    description: str | None = None
    extensions: Extensions | None = None


class TcmTechnique(_Strict):
    name: NonEmptyStr
    category: NonEmptyStr


class Agreement(_Strict):
    id: NonEmptyStr
    partner: NonEmptyStr
    role: AgreementRole | None = Field(
        default=None,
        description="this institution's side of the agreement: medical_provider (提供医疗卫生服务的一方) or "
        "elderly_care_party (养老服务机构一方); absent: unknown",
    )
    signed: LocalDate
    reported: LocalDate | None = None
    expires: LocalDate | None = None
    renewed: LocalDate | None = Field(default=None, description="renewed in writing (书面续签) on this day")
    terminated: LocalDate | None = None
    dispute_clause: StrictBool | None = None
    confidentiality_clause: StrictBool | None = None
    extensions: Extensions | None = None

    def in_force_on(self, day: date) -> bool:
        """Signed on or before ``day``, not terminated or lapsed on it (``facts.agreement_in_force``)."""
        return agreement_in_force(self, day)


class _HasId(Protocol):
    @property
    def id(self) -> str: ...


def _unique_ids(items: Sequence[_HasId] | None) -> None:
    """Residents, hazards and agreements are counted one per entry: the same id twice would count one
    person, hazard or agreement twice, so it is an input error (activities with the same id are one
    record given twice and count once: contract section 1)."""
    first: dict[str, int] = {}
    for index, item in enumerate(items or ()):
        if item.id in first:
            raise PydanticCustomError(
                "duplicate_id",
                "id '{id}' is already used by entry [{first}]: list each one once",
                {"id": item.id, "index": index, "first": first[item.id]},
            )
        first[item.id] = index


class Snapshot(_Strict):
    schema_version: Literal["1"]
    as_of: LocalDate | None = None
    period: Window
    institution: Institution
    activities: list[Activity] | None = None
    residents: list[Resident] | None = None
    quality: Quality | None = None
    policies: dict[PolicyKey, StrictBool] | None = None
    facilities: dict[FacilityKey, StrictBool] | None = None
    practices: dict[PracticeKey, StrictBool] | None = None
    hazards: list[Hazard] | None = None
    tcm_techniques: list[TcmTechnique] | None = None
    agreements: list[Agreement] | None = None
    extensions: Extensions | None = None

    @field_validator("residents", "hazards", "agreements")
    @classmethod
    def _each_listed_once(cls, items: list[Any] | None) -> list[Any] | None:
        _unique_ids(items)
        return items
