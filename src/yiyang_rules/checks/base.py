"""What every check kind shares: the outcome it returns, the snapshot view it reads, the schedule
of rule versions it is judged under, and small helpers for bilingual messages."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict

from ..conditions import Predicate, Truth
from ..snapshot import Activity, Snapshot
from ..vocabulary import ActivityKind, Label, where_to_fill


class Status(StrEnum):
    COMPLIANT = "compliant"
    NON_COMPLIANT = "non_compliant"
    INSUFFICIENT_DATA = "insufficient_data"
    NOT_APPLICABLE = "not_applicable"


class CheckParams(BaseModel):
    """Base of every kind's typed parameters: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True)


P = TypeVar("P", bound=CheckParams)


@dataclass(frozen=True, slots=True)
class Outcome:
    status: Status
    message: Label
    evidence: dict[str, Any]


@dataclass(frozen=True, slots=True)
class ScheduledVersion(Generic[P]):
    """One version of a rule and the days it is in force, ``until`` inclusive (None: open-ended)."""

    version: str
    start: date
    until: date | None
    params: P

    def covers(self, first: date, last: date) -> bool:
        return self.start <= first and (self.until is None or last <= self.until)


@dataclass(frozen=True, slots=True)
class Schedule(Generic[P]):
    """A rule's versions in time order. No two overlap (the catalog checks this)."""

    versions: tuple[ScheduledVersion[P], ...]

    def at(self, day: date) -> ScheduledVersion[P] | None:
        return self.covering(day, day)

    def covering(self, first: date, last: date) -> ScheduledVersion[P] | None:
        """The version in force for the whole of ``[first, last]``, if one is."""
        # A plain loop: this runs for every rule of every snapshot, and most rules have one version.
        for version in self.versions:
            if version.start <= first and (version.until is None or last <= version.until):
                return version
        return None

    @property
    def first_day(self) -> date:
        return self.versions[0].start


@dataclass(frozen=True)
class SnapshotView:
    """A validated snapshot with what every check needs precomputed once per snapshot."""

    snapshot: Snapshot
    as_of: date
    activities_by_kind: Mapping[ActivityKind, tuple[Activity, ...]]
    # Per-snapshot answers of the named applicability predicates; a view serves one evaluation.
    predicate_memo: dict[Predicate, Truth] = field(default_factory=dict, compare=False, repr=False)

    @property
    def window(self) -> tuple[date, date]:
        return self.snapshot.period.start, self.snapshot.period.end

    @classmethod
    def of(cls, snapshot: Snapshot, as_of: date) -> SnapshotView:
        grouped: dict[ActivityKind, list[Activity]] = {}
        for activity in snapshot.activities or ():
            grouped.setdefault(activity.kind, []).append(activity)
        return cls(snapshot, as_of, {k: tuple(v) for k, v in grouped.items()})


def outcome(status: Status, zh: str, en: str, **evidence: Any) -> Outcome:
    return Outcome(status, Label(zh, en), evidence)


def missing(field_path: str, zh_what: str, en_what: str) -> Outcome:
    """The snapshot does not say what the rule needs: never a silent pass or fail. The message names
    where a person fills it in; the field path stays in the evidence."""
    place = where_to_fill(field_path)
    return outcome(
        Status.INSUFFICIENT_DATA,
        f"快照未提供{zh_what}（填写于{place.zh}）",
        f"the snapshot does not give {en_what} (filled in on {place.en})",
        missing=[field_path],
    )


def not_in_force(first_day: date) -> Outcome:
    return outcome(
        Status.NOT_APPLICABLE,
        f"该规则自{first_day.isoformat()}起施行，评估日尚未生效",
        f"the rule is in force from {first_day.isoformat()}, after the evaluation date",
        in_force_from=first_day.isoformat(),
    )


def current(schedule: Schedule[P], view: SnapshotView) -> ScheduledVersion[P] | Outcome:
    """The version that judges snapshot-level facts: the one in force on ``as_of``."""
    version = schedule.at(view.as_of)
    if version is not None:
        return version
    if view.as_of < schedule.first_day:
        return not_in_force(schedule.first_day)
    return outcome(
        Status.NOT_APPLICABLE,
        "该规则在评估日已不再施行",
        "the rule is no longer in force on the evaluation date",
    )
