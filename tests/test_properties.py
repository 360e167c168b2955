"""Laws the engine must obey for every valid input (hypothesis).

- adding activity records never turns a ``period_count`` finding from compliant to non_compliant,
  and never adds a short period; records dated after as_of change no judgement;
- the engine gives exactly one finding per rule of the jurisdiction's catalog;
- writing a date-time in another offset or at another time of the same Shanghai day changes nothing;
- the summary counts the findings' statuses, and the same input gives the same report;
- ``rate_limit`` at_most inclusive is compliant iff numerator*100 <= limit_percent*denominator.
"""

from __future__ import annotations

import copy
import re
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from yiyang_rules import Engine, Status
from yiyang_rules.checks import KINDS, period_count, rate_limit
from yiyang_rules.checks.base import Outcome, Schedule, ScheduledVersion, SnapshotView
from yiyang_rules.engine import judge, to_facts, to_snapshot
from yiyang_rules.localtime import PeriodUnit, add_months, period_containing, periods_overlapping
from yiyang_rules.vocabulary import (
    ActivityKind,
    FacilityKey,
    PolicyKey,
    PracticeKey,
    PrimaryCareType,
    Qualification,
)

SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)

SHANGHAI = timezone(timedelta(hours=8))
JURISDICTIONS = ("national", "beijing", "shaanxi")


class Engines(dict[str, Engine]):
    """The loaded engines, with a short repr for hypothesis' failure reports."""

    def __repr__(self) -> str:
        return f"<engines {', '.join(self)}>"


@pytest.fixture(scope="module")
def engines() -> Engines:
    return Engines({j: Engine.load(jurisdiction=j) for j in JURISDICTIONS})


# --- strategies ---------------------------------------------------------------------------------

FIRST_DAY = date(2024, 1, 1)
LAST_DAY = date(2028, 12, 31)


def days(lo: date = FIRST_DAY, hi: date = LAST_DAY) -> st.SearchStrategy[date]:
    return st.dates(min_value=lo, max_value=hi)


def iso(d: date) -> str:
    return d.isoformat()


@st.composite
def windows(draw: st.DrawFn) -> tuple[date, date, date]:
    """(start, end, as_of): a window of up to ~1.5 years and an as_of around or after it."""
    start = draw(days(date(2024, 6, 1), date(2027, 6, 30)))
    end = start + timedelta(days=draw(st.integers(0, 540)))
    as_of = start + timedelta(days=draw(st.integers(-20, 720)))
    return start, end, as_of


def near(start: date, end: date) -> st.SearchStrategy[date]:
    return days(start - timedelta(days=40), end + timedelta(days=40))


def flags(keys: list[str]) -> st.SearchStrategy[dict[str, bool]]:
    return st.dictionaries(st.sampled_from(keys), st.booleans(), max_size=6)


NAMES = ["测试颐养院", "朝阳区医养结合服务中心", "某某 医养　结合 护理院", "社区卫生服务中心"]
PROVINCES = [
    {"province": "hebei"},
    {"province": "beijing"},
    {"province": "北京市"},
    {"province": "陕西"},
    {"province": "610000"},
    {"province": "shanghai"},
    {"region_code": "110105"},
    {"region_code": "610102", "province": "shaanxi"},
]
TECHNIQUES = [
    ("艾灸", "灸类"),
    ("隔物灸", "灸类"),
    ("刮痧", "刮痧类"),
    ("拔罐", "拔罐类"),
    ("推拿", "推拿类"),
    ("耳穴压豆", "其他类"),
    ("穴位贴敷", "敷熨熏浴类"),
    ("中药熏洗", "敷熨熏浴类"),
]


@st.composite
def institutions(draw: st.DrawFn) -> dict[str, Any]:
    institution: dict[str, Any] = {
        "id": draw(st.sampled_from(["91110108MA00EXAMPLE", "T-1"])),
        "name": draw(st.sampled_from(NAMES)),
        **draw(st.sampled_from(PROVINCES)),
        "kinds": draw(st.sampled_from([["elderly_care"], ["medical"], ["elderly_care", "medical"]])),
        "qualifications": draw(flags([q.value for q in Qualification])),
    }
    if draw(st.booleans()):
        institution["primary_care_type"] = draw(st.sampled_from([p.value for p in PrimaryCareType]))
    if draw(st.booleans()):
        institution["public"] = draw(st.booleans())
    return institution


@st.composite
def snapshots(draw: st.DrawFn) -> dict[str, Any]:
    """A valid snapshot over the contract's fields; every optional section may be absent."""
    start, end, as_of = draw(windows())
    around = near(start, end)
    snap: dict[str, Any] = {
        "schema_version": "1",
        "as_of": iso(as_of),
        "period": {"start": iso(start), "end": iso(end)},
        "institution": draw(institutions()),
    }

    def maybe(key: str, strategy: st.SearchStrategy[Any]) -> None:
        if draw(st.booleans()):
            snap[key] = draw(strategy)

    maybe(
        "activities",
        st.lists(
            st.fixed_dictionaries(
                {"kind": st.sampled_from([k.value for k in ActivityKind]), "date": around.map(iso)},
                optional={"id": st.sampled_from(["a1", "a2", "a3", "a4", "a5", "a6"])},
            ),
            max_size=25,
        ),
    )
    maybe(
        "residents",
        st.lists(
            st.fixed_dictionaries(
                {"id": st.sampled_from(["R1", "R2", "R3", "R4"]), "admitted": around.map(iso)},
                optional={
                    "age": st.integers(50, 105),
                    "assessments": st.lists(
                        st.fixed_dictionaries(
                            {"kind": st.sampled_from(["admission", "dynamic"]), "date": around.map(iso)}
                        ),
                        max_size=2,
                    ),
                    "service_plan": st.booleans(),
                },
            ),
            max_size=4,
            unique_by=lambda resident: resident["id"],  # one entry per resident (a repeated id is an input error)
        ),
    )
    if draw(st.booleans()):
        quality: dict[str, Any] = {}
        if draw(st.booleans()):
            residents = draw(st.integers(0, 300))
            quality["pressure_ulcers"] = {"residents": residents, "new_grade2_plus": draw(st.integers(0, residents))}
        if draw(st.booleans()):
            staff = draw(st.integers(0, 50))
            quality["training"] = {"staff_in_scope": staff, "staff_trained": draw(st.integers(0, staff))}
        snap["quality"] = quality
    maybe("policies", flags([k.value for k in PolicyKey]))
    maybe("facilities", flags([k.value for k in FacilityKey]))
    maybe("practices", flags([k.value for k in PracticeKey]))
    maybe(
        "hazards",
        st.lists(
            st.fixed_dictionaries(
                {"id": st.sampled_from(["H1", "H2", "H3"]), "found": around.map(iso)},
                optional={
                    "rectified": around.map(iso),
                    "plan": st.fixed_dictionaries(
                        {},
                        optional={"responsible": st.sampled_from(["后勤部", "张工"]), "deadline": around.map(iso)},
                    ),
                },
            ),
            max_size=3,
            unique_by=lambda hazard: hazard["id"],
        ),
    )
    maybe(
        "tcm_techniques",
        st.lists(st.sampled_from(TECHNIQUES).map(lambda t: {"name": t[0], "category": t[1]}), max_size=8),
    )
    maybe(
        "agreements",
        st.lists(
            st.fixed_dictionaries(
                {
                    "id": st.sampled_from(["A1", "A2", "A3"]),
                    "partner": st.just("某社区卫生服务中心"),
                    "signed": days(date(2019, 1, 1), end).map(iso),
                },
                optional={
                    "reported": around.map(iso),
                    "expires": around.map(iso),
                    "renewed": around.map(iso),
                    "dispute_clause": st.booleans(),
                    "confidentiality_clause": st.booleans(),
                },
            ),
            max_size=3,
            unique_by=lambda agreement: agreement["id"],
        ),
    )
    maybe("extensions", st.dictionaries(st.text(max_size=5), st.integers() | st.text(max_size=5), max_size=3))
    return snap


DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def reoffset(value: Any, draw: st.DrawFn) -> Any:
    """Rewrite every date in a snapshot as a date-time at a random time of the same Shanghai day,
    in a random offset (or with no offset, i.e. local time)."""
    if isinstance(value, dict):
        return {k: reoffset(v, draw) for k, v in value.items()}
    if isinstance(value, list):
        return [reoffset(v, draw) for v in value]
    if isinstance(value, str) and DATE_ONLY.match(value):
        day = date.fromisoformat(value)
        local = datetime(day.year, day.month, day.day, tzinfo=SHANGHAI) + timedelta(seconds=draw(st.integers(0, 86399)))
        offset_minutes = draw(st.none() | st.sampled_from([-720, -300, 0, 60, 330, 480, 545, 600, 840]))
        if offset_minutes is None:
            return local.replace(tzinfo=None).isoformat()
        moved = local.astimezone(timezone(timedelta(minutes=offset_minutes)))
        return moved.isoformat().replace("+00:00", "Z") if offset_minutes == 0 else moved.isoformat()
    return value


# --- the engine ---------------------------------------------------------------------------------


@SETTINGS
@given(snap=snapshots(), jurisdiction=st.sampled_from(JURISDICTIONS))
def test_exactly_one_finding_per_rule(engines: Engines, snap: dict[str, Any], jurisdiction: str) -> None:
    engine = engines[jurisdiction]
    report = engine.check(snap)
    catalog = engine.catalog_for(to_snapshot(snap))
    assert [f.rule_id for f in report.findings] == [r.id for r in catalog.rules]
    assert len({f.rule_id for f in report.findings}) == len(report.findings)
    assert report.jurisdiction == list(catalog.layers)
    assert report.as_of == snap["as_of"]


@SETTINGS
@given(snap=snapshots(), jurisdiction=st.sampled_from(JURISDICTIONS))
def test_summary_counts_the_statuses_and_evaluation_is_deterministic(
    engines: Engines, snap: dict[str, Any], jurisdiction: str
) -> None:
    engine = engines[jurisdiction]
    first = engine.check(copy.deepcopy(snap))
    second = engine.check(copy.deepcopy(snap))
    assert first == second
    assert first.model_dump_json() == second.model_dump_json()
    summary = first.summary.model_dump()
    event(f"some non_compliant: {summary['non_compliant'] > 0}; some compliant: {summary['compliant'] > 0}")
    assert sum(summary.values()) == len(first.findings)
    for status in Status:
        assert summary[status.value] == sum(1 for f in first.findings if f.status is status)


@SETTINGS
@given(snap=snapshots(), data=st.data())
def test_offset_date_times_on_the_same_shanghai_day_change_nothing(
    engines: Engines, snap: dict[str, Any], data: st.DataObject
) -> None:
    engine = engines["national"]
    shifted = reoffset(snap, data.draw)
    assert engine.check(shifted) == engine.check(snap)


@SETTINGS
@given(snap=snapshots(), extra=st.dictionaries(st.text(max_size=8), st.integers() | st.text(), max_size=4))
def test_extensions_are_ignored(engines: Engines, snap: dict[str, Any], extra: dict[str, Any]) -> None:
    engine = engines["national"]
    with_extensions = {**copy.deepcopy(snap), "extensions": extra}
    with_extensions["institution"]["extensions"] = extra
    without = {k: v for k, v in snap.items() if k != "extensions"}
    assert engine.check(with_extensions) == engine.check(without)


@SETTINGS
@given(snap=snapshots(), override=days(date(2024, 1, 1), date(2029, 12, 31)))
def test_the_as_of_argument_overrides_the_snapshot(engines: Engines, snap: dict[str, Any], override: date) -> None:
    engine = engines["national"]
    report = engine.check(snap, as_of=override)
    assert report.as_of == override.isoformat()
    assert report == engine.check({**snap, "as_of": override.isoformat()})


# --- period_count: more records never hurt ------------------------------------------------------

UNITS = list(PeriodUnit)


@st.composite
def period_schedules(draw: st.DrawFn, start: date, end: date) -> Schedule[period_count.Params]:
    unit = draw(st.sampled_from(UNITS))

    def params() -> period_count.Params:
        return period_count.Params(
            activity=ActivityKind.FIRE_INSPECTION, period=unit, min_count=draw(st.integers(1, 3))
        )

    first = draw(days(start - timedelta(days=400), start + timedelta(days=120)))
    if draw(st.booleans()):
        return Schedule((ScheduledVersion("1.0.0", first, None, params()),))
    change = first + timedelta(days=draw(st.integers(1, 400)))
    return Schedule(
        (
            ScheduledVersion("1.0.0", first, change - timedelta(days=1), params()),
            ScheduledVersion("2.0.0", change, None, params()),
        )
    )


def _record(d: date, rid: str | None) -> dict[str, Any]:
    record: dict[str, Any] = {"kind": "fire_inspection", "date": d.isoformat()}
    if rid is not None:
        record["id"] = rid
    return record


def _period_view(start: date, end: date, as_of: date, records: list[dict[str, Any]]) -> SnapshotView:
    snap = {
        "schema_version": "1",
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "institution": {"id": "T", "name": "测试颐养院", "province": "hebei", "kinds": ["elderly_care"]},
        "activities": records,
    }
    return SnapshotView.of(to_facts(snap), as_of)


@st.composite
def period_windows(draw: st.DrawFn) -> tuple[date, date, date]:
    """A window of up to ~14 months, often starting on a month's first day, and an as_of mostly
    after its end, so that many periods are whole and ended."""
    start = draw(days(date(2024, 6, 1), date(2027, 6, 30)))
    if draw(st.booleans()):
        start = start.replace(month=draw(st.sampled_from([1, 4, 7, 10, start.month])), day=1)
    end = start + timedelta(days=draw(st.integers(0, 120) | st.integers(170, 430)))
    as_of = end + timedelta(days=draw(st.integers(-120, 90)))
    return start, end, as_of


@SETTINGS
@given(data=st.data())
def test_adding_activity_records_never_hurts(data: st.DataObject) -> None:
    start, end, as_of = data.draw(period_windows())
    sched = data.draw(period_schedules(start, end))
    around = near(start, end)
    base = [
        _record(d, data.draw(st.sampled_from([None, f"b{i}"])))
        for i, d in enumerate(data.draw(st.lists(around, max_size=40)))
    ]
    step = data.draw(st.sampled_from([None, 9, 20, 28]))
    if step is not None:  # a regular rhythm, so that whole periods are often met
        base += [_record(start + timedelta(days=k), f"r{k}") for k in range(0, (end - start).days + 1, step)]
    fresh = [
        _record(d, data.draw(st.sampled_from([None, f"n{i}"])))
        for i, d in enumerate(data.draw(st.lists(around, min_size=1, max_size=10)))
    ]
    repeats = data.draw(st.lists(st.sampled_from(base), max_size=3)) if base else []  # exact duplicates
    extended = base + fresh + repeats
    data.draw(st.randoms()).shuffle(extended)

    before: Outcome = judge(KINDS[period_count.KIND], sched, _period_view(start, end, as_of, base))
    after: Outcome = judge(KINDS[period_count.KIND], sched, _period_view(start, end, as_of, extended))

    event(f"{before.status.value} -> {after.status.value}")
    if before.status is Status.COMPLIANT:
        assert after.status is Status.COMPLIANT
    assert after.status is not Status.INSUFFICIENT_DATA or before.status is Status.INSUFFICIENT_DATA
    short_before = set(before.evidence.get("short_periods", []))
    short_after = set(after.evidence.get("short_periods", []))
    assert short_after <= short_before
    assert len(short_after) <= len(short_before)
    counts_before = {p["period"]: p["count"] for p in before.evidence["periods"]}
    counts_after = {p["period"]: p["count"] for p in after.evidence["periods"]}
    assert counts_before.keys() == counts_after.keys()
    assert all(counts_after[k] >= counts_before[k] for k in counts_before)


@SETTINGS
@given(data=st.data())
def test_records_dated_after_as_of_change_no_judgement(data: st.DataObject) -> None:
    start, end, as_of = data.draw(period_windows())
    sched = data.draw(period_schedules(start, end))
    base = [_record(d, f"b{i}") for i, d in enumerate(data.draw(st.lists(near(start, end), max_size=30)))]
    later = data.draw(st.lists(days(as_of + timedelta(days=1), as_of + timedelta(days=400)), min_size=1))
    before = judge(KINDS[period_count.KIND], sched, _period_view(start, end, as_of, base))
    after = judge(
        KINDS[period_count.KIND],
        sched,
        _period_view(start, end, as_of, base + [_record(d, f"l{i}") for i, d in enumerate(later)]),
    )
    assert after.status is before.status
    assert after.evidence["periods"] == before.evidence["periods"]


@SETTINGS
@given(data=st.data())
def test_period_count_judges_only_whole_ended_in_force_periods(data: st.DataObject) -> None:
    start, end, as_of = data.draw(period_windows())
    sched = data.draw(period_schedules(start, end))
    records = [_record(d, None) for d in data.draw(st.lists(near(start, end), max_size=30))]
    result = judge(KINDS[period_count.KIND], sched, _period_view(start, end, as_of, records))
    event(result.status.value)
    unit = sched.versions[0].params.period
    by_label = {p.label: p for p in periods_overlapping(unit, start, end)}
    for entry in result.evidence["periods"]:
        if entry["state"] != "short":
            continue
        period = by_label[entry["period"]]
        assert start <= period.start and period.end <= end and period.end <= as_of
        covering = sched.covering(period.start, period.end)
        assert covering is not None and entry["count"] < covering.params.min_count
        assert period_containing(unit, period.start) == period
    expected = (
        Status.NON_COMPLIANT
        if result.evidence.get("short_periods")
        else Status.COMPLIANT
        if any(p["state"] == "met" for p in result.evidence["periods"])
        else Status.INSUFFICIENT_DATA
    )
    assert result.status is expected


# --- rate_limit ---------------------------------------------------------------------------------


@st.composite
def fractions(draw: st.DrawFn) -> tuple[int, int]:
    denominator = draw(st.integers(1, 5000))
    return draw(st.integers(0, denominator)), denominator


def _ulcer_view(numerator: int, denominator: int) -> SnapshotView:
    snap = {
        "schema_version": "1",
        "period": {"start": "2026-01-01", "end": "2026-06-30"},
        "institution": {"id": "T", "name": "测试颐养院", "province": "hebei", "kinds": ["elderly_care"]},
        "quality": {"pressure_ulcers": {"residents": denominator, "new_grade2_plus": numerator}},
    }
    return SnapshotView.of(to_facts(snap), date(2026, 7, 15))


def _rate(limit_percent: int, **kw: Any) -> Schedule[rate_limit.Params]:
    params = rate_limit.Params(
        measure=rate_limit.Measure.PRESSURE_ULCER_GRADE2_PLUS_INCIDENCE, limit=Decimal(limit_percent) / 100, **kw
    )
    return Schedule((ScheduledVersion("1.0.0", date(2020, 1, 1), None, params),))


@settings(max_examples=100, deadline=None)
@given(pair=fractions(), limit_percent=st.integers(0, 100))
def test_rate_limit_at_most_inclusive_is_exact(pair: tuple[int, int], limit_percent: int) -> None:
    numerator, denominator = pair
    view = _ulcer_view(numerator, denominator)
    inclusive = judge(KINDS[rate_limit.KIND], _rate(limit_percent), view).status
    exclusive = judge(KINDS[rate_limit.KIND], _rate(limit_percent, inclusive=False), view).status
    at_least = judge(KINDS[rate_limit.KIND], _rate(limit_percent, bound=rate_limit.Bound.AT_LEAST), view).status
    compliant, non_compliant = Status.COMPLIANT, Status.NON_COMPLIANT
    assert inclusive is (compliant if numerator * 100 <= limit_percent * denominator else non_compliant)
    assert exclusive is (compliant if numerator * 100 < limit_percent * denominator else non_compliant)
    assert at_least is (compliant if numerator * 100 >= limit_percent * denominator else non_compliant)


@settings(max_examples=50, deadline=None)
@given(pair=fractions(), factor=st.integers(2, 20))
def test_rate_limit_depends_only_on_the_ratio(pair: tuple[int, int], factor: int) -> None:
    numerator, denominator = pair
    sched = _rate(5)
    small = judge(KINDS[rate_limit.KIND], sched, _ulcer_view(numerator, denominator))
    large = judge(KINDS[rate_limit.KIND], sched, _ulcer_view(numerator * factor, denominator * factor))
    assert small.status is large.status


# --- calendar arithmetic ------------------------------------------------------------------------


@settings(max_examples=100, deadline=None)
@given(start=days(date(1990, 1, 1), date(2090, 12, 31)), months=st.integers(-36, 36))
def test_add_months_lands_in_the_right_month_clamped(start: date, months: int) -> None:
    result = add_months(start, months)
    total = start.year * 12 + start.month - 1 + months
    assert (result.year, result.month) == (total // 12, total % 12 + 1)
    if result.day != start.day:
        assert result.day < start.day
        assert (result + timedelta(days=1)).day == 1  # clamped to the month's last day
