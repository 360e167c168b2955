"""What every check kind shares: the outcome it returns, the snapshot view it reads, the schedule
of rule versions it is judged under, the time class it declares, and small helpers for bilingual
messages.

Time is the engine's (docs/semantics.md, "Time"): a kind never looks up a rule version. It declares
its time class; a *whole* kind is handed the parameters of the one version that judges it (the one
in force on ``as_of``, or for the whole window), a *per-unit* kind lists the units it judges (periods,
events, live records), each with the span of days one version must cover, and is handed back, for
each unit, the parameters of that version or ``None`` (not judged): in runs of consecutive units
under the same version, so that the many records of one snapshot judged under one version are
handed over as one list, not one object each.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import lru_cache
from typing import Any, ClassVar, Generic, Literal, Protocol, TypeVar

from ..conditions import Predicate, Truth
from ..declared import FORBID_EXTRA
from ..facts import Activity, Facts
from ..vocabulary import ActivityKind, Label, where_to_fill, where_to_fill_all


class Status(StrEnum):
    COMPLIANT = "compliant"
    NON_COMPLIANT = "non_compliant"
    INSUFFICIENT_DATA = "insufficient_data"
    NOT_APPLICABLE = "not_applicable"


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckParams:
    """Base of every kind's typed parameters: unknown keys are errors. A plain dataclass, validated
    by pydantic when a rule file is read (yiyang_rules.declared); evaluating imports no pydantic."""

    __pydantic_config__: ClassVar[dict[str, Any]] = FORBID_EXTRA


P = TypeVar("P", bound=CheckParams)


class TimeClass(StrEnum):
    """Which version of a rule judges what (docs/semantics.md, "Time")."""

    SNAPSHOT = "snapshot"  # facts as they stand on as_of: the version in force on as_of
    WINDOW = "window"  # one measure over the window: only if one version covers the whole window
    PERIODS = "periods"  # each calendar period under the version in force for the whole of it
    EVENTS = "events"  # each event under the version in force on its day, if on or before as_of


class Unit(Protocol):
    """Something judged on its own: one version of the rule must be in force from ``first`` to
    ``last`` (both the same day for an event). A unit whose ``first`` is after ``as_of`` has not
    happened yet."""

    @property
    def first(self) -> date: ...

    @property
    def last(self) -> date: ...


U = TypeVar("U", bound=Unit)


# Ruled and Event are not frozen: they are made for every rule of every snapshot (Event for every
# record), live for one evaluation and are never shared, and a frozen dataclass's __init__ (one
# object.__setattr__ call per field) cost three times a plain one's. Nothing assigns to them.
@dataclass(slots=True)
class Ruled(Generic[U, P]):
    """Consecutive units (in the order the kind listed them) and the parameters of the version the
    engine chose for every one of them; ``None``: for none of them was one version in force for the
    whole unit, so they are not judged. The engine hands a kind its units as a sequence of these,
    in order: a kind that reads them unit by unit sees them as listed."""

    units: Sequence[U]
    params: P | None
    version: str | None


@dataclass(slots=True)
class Event:
    """A dated event of one record (an admission, a signing, a lapse, a hazard's deadline).
    ``opening`` marks the event that began a record judged at a later event (an agreement's signing,
    when its lapse is judged): the record is in scope only if the rule was in force on that day."""

    record_id: str
    day: date
    record: Any = field(compare=False)
    opening: bool = False

    @property
    def first(self) -> date:
        return self.day

    @property
    def last(self) -> date:
        return self.day


@dataclass(frozen=True, slots=True)
class Outcome:
    status: Status
    message: Label
    evidence: dict[str, Any]
    # The message and evidence as report JSON (UTF-8), when the outcome is shared between snapshots (the
    # engine memoises outcomes that depend only on a few facts): rendered once, not per report.
    rendered: bytes | None = field(default=None, compare=False, repr=False)


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

    snapshot: Facts
    as_of: date
    activities_by_kind: Mapping[ActivityKind, tuple[Activity, ...]]
    # Per-snapshot answers of the named applicability predicates; a view serves one evaluation.
    predicate_memo: dict[Predicate, Truth] = field(default_factory=dict, compare=False, repr=False)
    # Per-snapshot distinct activity dates by kind (and ids given with different dates).
    dates_memo: dict[ActivityKind, tuple[list[date], list[str]]] = field(
        default_factory=dict, compare=False, repr=False
    )
    # Per-snapshot readings a kind shares between its rules (the events of the records in one
    # scope, say), keyed by the kind's name first; a view serves one evaluation.
    memo: dict[Hashable, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def window(self) -> tuple[date, date]:
        return self.snapshot.period.start, self.snapshot.period.end

    @classmethod
    def of(cls, snapshot: Facts, as_of: date) -> SnapshotView:
        grouped: dict[ActivityKind, list[Activity]] = {}
        for activity in snapshot.activities or ():
            grouped.setdefault(activity.kind, []).append(activity)
        return cls(snapshot, as_of, {k: tuple(v) for k, v in grouped.items()})


@lru_cache(maxsize=4096)
def _places(paths: tuple[str, ...]) -> Label:
    return where_to_fill_all(paths)


def places_to_fill(paths: Sequence[str]) -> Label:
    """``where_to_fill_all``, remembered: it depends only on the paths and the fixed vocabulary, and
    the same few sets of missing facts recur in every snapshot (a quarter of the evaluation time
    before it was remembered, bench/README.md)."""
    return _places(tuple(paths))


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


@dataclass(frozen=True, slots=True)
class WholeCheck:
    """A kind judged once, under the parameters of one version: the one in force on ``as_of``
    (``SNAPSHOT``) or the one in force for the whole evaluation window (``WINDOW``)."""

    time: Literal[TimeClass.SNAPSHOT, TimeClass.WINDOW]
    judge: Callable[[Any, SnapshotView], Outcome]
    # A kind whose outcome depends only on a few readings of the snapshot may split ``judge`` in
    # two: ``reads(params, view)`` returns those readings (hashable, small), and
    # ``verdict(params, readings)`` the outcome from them alone, so ``judge`` is
    # ``verdict(params, reads(params, view))``. ``verdict`` never sees the snapshot: the readings
    # are by construction everything the outcome depends on, and the engine may memoise it by them.
    reads: Callable[[Any, SnapshotView], Hashable] | None = None
    verdict: Callable[[Any, Any], Outcome] | None = None
    # ``reads`` for one version's parameters, prepared once (``compile_reads(params)(view)`` is
    # ``reads(params, view)``): what the engine calls on every snapshot.
    compile_reads: Callable[[Any], Callable[[SnapshotView], Hashable]] | None = None


@dataclass(frozen=True, slots=True)
class UnitCheck:
    """A kind judged unit by unit (periods, events). ``units(latest, view)`` lists the units, read
    with the latest version's parameters (which records, which period length: the shape of the
    check); ``judge(latest, ruled, later, view)`` gets each unit on or before ``as_of`` with the
    parameters of the version in force for it (runs of :class:`Ruled`, in the units' order), and
    the units that have not happened yet."""

    time: Literal[TimeClass.PERIODS, TimeClass.EVENTS]
    units: Callable[[Any, SnapshotView], Sequence[Unit]]
    judge: Callable[[Any, Sequence[Ruled[Any, Any]], Sequence[Any], SnapshotView], Outcome]
    # As for WholeCheck: ``judge`` split in two, ``reads(latest, ruled, later, view)`` the readings
    # the outcome depends on (hashable) and ``verdict(latest, readings)`` the outcome from them
    # alone, so the engine may memoise the outcome by them.
    reads: Callable[[Any, Sequence[Ruled[Any, Any]], Sequence[Any], SnapshotView], Hashable] | None = None
    verdict: Callable[[Any, Any], Outcome] | None = None


Timing = WholeCheck | UnitCheck
