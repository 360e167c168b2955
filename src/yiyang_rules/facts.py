"""The validated snapshot as the engine reads it: msgspec Structs, decoded in compiled code.

Each Struct mirrors a pydantic model of :mod:`yiyang_rules.snapshot` field for field, with the same
Python values once validated: dates are the Asia/Shanghai day, vocabulary values and dict keys are
the vocabulary's members, an absent field is None. The pydantic models stay the contract (schemas,
documentation, error messages); these are what a check reads, because msgspec builds them from
JSON text in C where pydantic's models cost a Python call per date (bench/README.md).

Dates are msgspec's own ``date`` (``YYYY-MM-DD``, read in C), except an activity's date, which is
a :data:`ShanghaiDate`: activities are events, the one place where snapshots give date-times, so
that field goes through the decoder's hook (facts_json.py), which reads both shapes. A date-time
anywhere else makes msgspec refuse the text, and the decoder converts it on its slower path.

``gc=False``: Facts form trees built from JSON text, never cycles, so the garbage collector need
not track them (a batch allocates hundreds of them per snapshot, and each tracked allocation counts
towards the next collection). The dicts and lists they hold are still tracked; an untracked Struct
only hides its references from cycle detection, which then counts them as references from outside
and keeps those containers alive, as it should. A cycle through a Struct (only possible by putting
a Facts inside its own ``extensions`` after decoding) would leak instead of being collected.

``omit_defaults=True`` only changes how a Facts encodes: a field left at its default (None, or the
one shared empty :class:`Qualifications`) is not written. The decoder's duplicate-key proof
(facts_json.py) relies on it: every key of an encoded Facts stands for a key of the input.

No pydantic and no pendulum here: the command line's start-up and the engine's hot path need
neither (Asia/Shanghai comes from :mod:`zoneinfo`).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal, Protocol
from zoneinfo import ZoneInfo

import msgspec

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

SHANGHAI = ZoneInfo("Asia/Shanghai")

# What a snapshot's own integer fields hold at most (decoding.MAX_INTEGER: a 64-bit signed number);
# larger ones are refused by the JSON scan, so the typed decode refuses them too.
MAX_INTEGER = 2**63 - 1

if TYPE_CHECKING:
    ShanghaiDate = date
else:

    class ShanghaiDate(date):
        """An activity's date: ``YYYY-MM-DD`` or a date-time, read as its Asia/Shanghai day.

        msgspec hands a field of this type to the decoder's ``dec_hook`` (text of two shapes, a
        cache of days seen), which must return one of these; to every reader it is a ``date``
        (msgspec's encoder refuses it without an ``enc_hook``: a subclass of ``date``)."""

        __slots__ = ()


def shanghai_date(value: date | datetime) -> date:
    """A date-time with an offset becomes its Asia/Shanghai day; one without is local time.
    OverflowError when that day falls outside the years 1 to 9999."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value.date()
        return value.astimezone(SHANGHAI).date()
    return value


NonNegativeInt = Annotated[int, msgspec.Meta(ge=0, le=MAX_INTEGER)]
NonEmptyStr = Annotated[str, msgspec.Meta(min_length=1)]
# ASCII digits and \Z: the pydantic pattern ^\d{6}$ also takes other scripts' digits, which this
# refuses (the decoder then asks pydantic, so such a code is still judged as before).
RegionCode = Annotated[str, msgspec.Meta(pattern=r"\A[0-9]{6}\Z")]
Age = Annotated[int, msgspec.Meta(ge=0, le=150)]
Extensions = dict[str, Any]
# ``date`` under a name that a field called ``date`` (Assessment's) cannot shadow
Day = date


class _Fact(msgspec.Struct, frozen=True, forbid_unknown_fields=True, omit_defaults=True, gc=False):
    pass


class Window(_Fact, frozen=True):
    start: date
    end: date


class Qualifications(_Fact, frozen=True):
    medical_practice_license: bool | None = None
    clinic_filing: bool | None = None
    elderly_care_filing: bool | None = None
    business_scope_includes_elderly_care: bool | None = None


NO_QUALIFICATIONS = Qualifications()


class Institution(_Fact, frozen=True):
    id: NonEmptyStr
    name: NonEmptyStr
    kinds: Annotated[list[InstitutionKind], msgspec.Meta(min_length=1)]
    province: NonEmptyStr | None = None
    region_code: RegionCode | None = None
    primary_care_type: PrimaryCareType | None = None
    public: bool | None = None
    # one shared instance (frozen), so that an absent field is the default by identity
    qualifications: Qualifications = NO_QUALIFICATIONS
    extensions: Extensions | None = None


class Activity(_Fact, frozen=True):
    kind: ActivityKind
    date: ShanghaiDate
    id: NonEmptyStr | None = None
    topic: str | None = None
    participants: NonNegativeInt | None = None
    note: str | None = None
    extensions: Extensions | None = None


class Assessment(_Fact, frozen=True):
    kind: AssessmentKind
    date: Day


class Resident(_Fact, frozen=True):
    id: NonEmptyStr
    admitted: date
    discharged: date | None = None
    age: Age | None = None
    assessments: list[Assessment] | None = None
    service_plan: bool | None = None
    extensions: Extensions | None = None


class PressureUlcers(_Fact, frozen=True):
    residents: NonNegativeInt
    new_grade2_plus: NonNegativeInt


class Training(_Fact, frozen=True):
    staff_in_scope: NonNegativeInt
    staff_trained: NonNegativeInt


class Quality(_Fact, frozen=True):
    pressure_ulcers: PressureUlcers | None = None
    training: Training | None = None


class HazardPlan(_Fact, frozen=True):
    responsible: NonEmptyStr | None = None
    deadline: date | None = None
    measures: str | None = None


class Hazard(_Fact, frozen=True):
    id: NonEmptyStr
    found: date
    rectified: date | None = None
    plan: HazardPlan | None = None
    description: str | None = None
    extensions: Extensions | None = None


class TcmTechnique(_Fact, frozen=True):
    name: NonEmptyStr
    category: NonEmptyStr


class Agreement(_Fact, frozen=True):
    id: NonEmptyStr
    partner: NonEmptyStr
    signed: date
    role: AgreementRole | None = None
    reported: date | None = None
    expires: date | None = None
    renewed: date | None = None
    terminated: date | None = None
    dispute_clause: bool | None = None
    confidentiality_clause: bool | None = None
    extensions: Extensions | None = None

    def in_force_on(self, day: date) -> bool:
        return agreement_in_force(self, day)


class AgreementDates(Protocol):
    """What decides whether an agreement is in force: ``Agreement`` here and in ``snapshot.py``."""

    @property
    def signed(self) -> date: ...
    @property
    def expires(self) -> date | None: ...
    @property
    def renewed(self) -> date | None: ...
    @property
    def terminated(self) -> date | None: ...


def agreement_in_force(agreement: AgreementDates, day: date) -> bool:
    """Signed on or before ``day``, not terminated on or before it, and not lapsed: expired before
    ``day`` without a written renewal dated on or before ``day`` (国卫办老龄发〔2020〕23号 六（二）:
    期满后…再书面续签协议或停止合作). The one statement of the rule, for both agreement models."""
    if agreement.signed > day:
        return False
    terminated, expires, renewed = agreement.terminated, agreement.expires, agreement.renewed
    if terminated is not None and terminated <= day:
        return False
    return expires is None or expires >= day or (renewed is not None and renewed <= day)


class Facts(_Fact, frozen=True):
    """A validated snapshot (``snapshot.Snapshot``'s fields and values)."""

    schema_version: Literal["1"]
    period: Window
    institution: Institution
    as_of: date | None = None
    activities: list[Activity] | None = None
    residents: list[Resident] | None = None
    quality: Quality | None = None
    policies: dict[PolicyKey, bool] | None = None
    facilities: dict[FacilityKey, bool] | None = None
    practices: dict[PracticeKey, bool] | None = None
    hazards: list[Hazard] | None = None
    tcm_techniques: list[TcmTechnique] | None = None
    agreements: list[Agreement] | None = None
    extensions: Extensions | None = None


# Every field a snapshot model has, by Struct: what :func:`facts_from_model` copies.
_STRUCTS: dict[str, type[_Fact]] = {
    cls.__name__: cls
    for cls in (
        Window,
        Qualifications,
        Institution,
        Activity,
        Assessment,
        Resident,
        PressureUlcers,
        Training,
        Quality,
        HazardPlan,
        Hazard,
        TcmTechnique,
        Agreement,
    )
}
_STRUCTS["Snapshot"] = Facts


def facts_from_model(model: Any) -> Facts:
    """The Facts of a validated ``snapshot.Snapshot`` (or of anything with its attributes), copied
    as they are: the model has validated them already, and one built in Python may hold what JSON
    could not (an integer past 64 bits), which the engine has always evaluated as given."""
    converted = _copy(model)
    assert isinstance(converted, Facts)
    return converted


def _copy(value: Any) -> Any:
    struct = _STRUCTS.get(type(value).__name__) if hasattr(type(value), "model_fields") else None
    if struct is not None:
        return struct(**{name: _copy(getattr(value, name)) for name in struct.__struct_fields__})
    if isinstance(value, list):
        return [_copy(item) for item in value]
    return value


def _encode_date_subclass(value: Any) -> Any:
    # msgspec encodes a plain date itself and hands anything else here: an activity's ShanghaiDate
    # (a date subclass) is written as the day it is. Any other type is not a fact.
    if isinstance(value, date):
        return value.isoformat()
    raise NotImplementedError(f"a snapshot holds no {type(value).__name__}")


_FACTS_ENCODER = msgspec.json.Encoder(enc_hook=_encode_date_subclass)


def encode_facts(facts: Facts) -> bytes:
    """The Facts as snapshot JSON (fields at their defaults left out), every date as its day."""
    return _FACTS_ENCODER.encode(facts)
