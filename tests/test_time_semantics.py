"""Time, for every kind of check (docs/semantics.md, "Time").

- periods are judged under the version in force for the whole period;
- a window measure only if one version was in force for the whole window;
- an event under the version in force on its day, and only if it happened on or before as_of;
- a rule about a live record looks only at records in force on as_of;
- per-record evidence must belong to the record (an admission assessment from an earlier stay is not
  the assessment at admission);
- snapshot-level facts under the version in force on as_of.

The laws are hypothesis properties over rules compiled here (so that the rule's ``from`` date and
versions can be chosen); the regressions use the bundled rules through the public engine.
"""

from __future__ import annotations

import copy
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yiyang_rules import Engine, Status
from yiyang_rules.catalog import CompiledRule
from yiyang_rules.checks import (
    KINDS,
    deadline_after_event,
    distinct_count,
    hazard_ledger,
    name_restriction,
    period_count,
    rate_limit,
    record_coverage,
)
from yiyang_rules.checks.base import CheckParams, Outcome, Schedule, ScheduledVersion, SnapshotView
from yiyang_rules.checks.required_facts import FactRequirement
from yiyang_rules.checks.required_facts import Params as FactsParams
from yiyang_rules.conditions import Predicate
from yiyang_rules.engine import evaluate_rule, to_facts
from yiyang_rules.localtime import PeriodUnit, period_containing
from yiyang_rules.rulefile import Level, Localized
from yiyang_rules.vocabulary import ActivityKind, InstitutionKind, Qualification

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)

FROM = date(2025, 12, 25)  # the day 国卫办老龄发〔2025〕29号 is enforced from
WINDOW = (date(2025, 7, 1), date(2026, 6, 30))
AS_OF = date(2026, 7, 15)

BASE: dict[str, Any] = {
    "schema_version": "1",
    "period": {"start": WINDOW[0].isoformat(), "end": WINDOW[1].isoformat()},
    "institution": {
        "id": "TIME-0001",
        "name": "测试颐养院",
        "province": "hebei",
        "kinds": ["elderly_care"],
        "qualifications": {"medical_practice_license": False, "clinic_filing": True, "elderly_care_filing": True},
    },
}


def compiled(params: CheckParams | Schedule[Any], start: date = FROM) -> CompiledRule:
    schedule = params if isinstance(params, Schedule) else Schedule((ScheduledVersion("1.0.0", start, None, params),))
    kind_name = schedule.versions[0].params.kind
    return CompiledRule(
        id=f"test.{kind_name}",
        title=Localized(zh="测试", en="test"),
        level=Level.MANDATORY,
        applies_to=Predicate.ANY_INSTITUTION,
        citations=(),
        kind=KINDS[kind_name],
        schedule=schedule,
        layers=("national",),
        operation=None,
        history=(),
        examples=(),
        sources=(),
    )


def run(rule: CompiledRule, as_of: date = AS_OF, window: tuple[date, date] = WINDOW, **sections: Any) -> Outcome:
    data = copy.deepcopy(BASE)
    data["period"] = {"start": window[0].isoformat(), "end": window[1].isoformat()}
    data.update(copy.deepcopy(sections))
    return evaluate_rule(rule, SnapshotView.of(to_facts(data), as_of))


def days(first: date, last: date) -> st.SearchStrategy[date]:
    return st.dates(min_value=first, max_value=last)


BEFORE_FROM = days(date(2019, 1, 1), FROM - timedelta(days=1))
ANY_DAY = days(date(2025, 1, 1), date(2026, 12, 31))
AFTER_AS_OF = days(AS_OF + timedelta(days=1), date(2027, 12, 31))
AT_OR_BEFORE_AS_OF = days(date(2025, 1, 1), AS_OF)


def finding(engine: Engine, data: dict[str, Any], rule_id: str) -> dict[str, Any]:
    report = engine.check(data).model_dump(mode="json")
    return next(f for f in report["findings"] if f["rule_id"] == rule_id)


NATIONAL = Engine.load("national")
BEIJING = Engine.load("beijing")


def sample(province: str = "hebei", **sections: Any) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    data["institution"]["province"] = province
    data["as_of"] = AS_OF.isoformat()
    data["period"] = {"start": "2026-01-01", "end": "2026-06-30"}
    data.update(copy.deepcopy(sections))
    return data


# --- events: admissions -------------------------------------------------------------------------

ADMISSION = record_coverage.ResidentCoverage(
    records="residents",
    scope=record_coverage.Scope.ADMITTED_IN_WINDOW,
    requirement=record_coverage.Requirement.ADMISSION_ASSESSMENT,
)


@st.composite
def residents(draw: st.DrawFn, admitted: st.SearchStrategy[date], prefix: str) -> list[dict[str, Any]]:
    out = []
    for i in range(draw(st.integers(0, 4))):
        day = draw(admitted)
        assessments = [
            {
                "kind": draw(st.sampled_from(["admission", "dynamic"])),
                "date": (day + timedelta(days=offset)).isoformat(),
            }
            for offset in draw(st.lists(st.integers(-400, 400), max_size=2))
        ]
        out.append({"id": f"{prefix}{i}", "admitted": day.isoformat(), "assessments": assessments})
    return out


@SETTINGS
@given(data=st.data())
def test_admissions_before_the_rule_change_nothing(data: st.DataObject) -> None:
    rule = compiled(ADMISSION)
    base = data.draw(residents(days(WINDOW[0], AS_OF), "R"))
    early = data.draw(residents(days(WINDOW[0], FROM - timedelta(days=1)), "E"))
    before = run(rule, residents=base)
    after = run(rule, residents=base + early)
    assert after.status is before.status
    assert after.evidence.get("lacking") == before.evidence.get("lacking")


@SETTINGS
@given(data=st.data())
def test_admission_assessments_dated_after_as_of_are_not_done(data: st.DataObject) -> None:
    rule = compiled(ADMISSION)
    people = data.draw(residents(days(FROM, AS_OF), "R"))
    later = copy.deepcopy(people)
    for person in later:
        person["assessments"].append({"kind": "admission", "date": data.draw(AFTER_AS_OF).isoformat()})
    assert run(rule, residents=later).status is run(rule, residents=people).status


def test_an_admission_before_the_rule_existed_is_out_of_scope() -> None:
    window = (date(2024, 10, 1), date(2025, 3, 31))
    data = sample(
        residents=[{"id": "R-OLD", "admitted": "2024-11-01", "assessments": []}],
        period={"start": window[0].isoformat(), "end": window[1].isoformat()},
        as_of="2025-04-15",
    )
    result = finding(NATIONAL, data, "admission.assessment")
    assert result["status"] == "not_applicable"
    assert result["evidence"]["before_in_force"] == ["R-OLD"]


def test_an_assessment_from_an_earlier_stay_is_not_the_admission_assessment() -> None:
    earlier = sample(
        residents=[
            {"id": "R-1", "admitted": "2026-03-02", "assessments": [{"kind": "admission", "date": "2024-05-01"}]}
        ]
    )
    result = finding(NATIONAL, earlier, "admission.assessment")
    assert result["status"] == "non_compliant" and result["evidence"]["lacking"] == ["R-1"]
    much_later = sample(
        residents=[
            {"id": "R-1", "admitted": "2026-01-05", "assessments": [{"kind": "admission", "date": "2026-06-20"}]}
        ]
    )
    assert finding(NATIONAL, much_later, "admission.assessment")["status"] == "non_compliant"
    around = sample(
        residents=[
            {"id": "R-1", "admitted": "2026-03-02", "assessments": [{"kind": "admission", "date": "2026-02-20"}]},
            {"id": "R-2", "admitted": "2026-03-02", "assessments": [{"kind": "admission", "date": "2026-03-20"}]},
        ]
    )
    assert finding(NATIONAL, around, "admission.assessment")["status"] == "compliant"


def test_an_admission_still_within_the_tolerance_is_pending_not_failed() -> None:
    data = sample(
        residents=[{"id": "R-1", "admitted": "2026-07-10", "assessments": []}],
        period={"start": "2026-07-01", "end": "2026-07-31"},
    )
    result = finding(NATIONAL, data, "admission.assessment")
    assert result["status"] == "insufficient_data"
    assert result["evidence"]["pending"] == ["R-1"]


# --- events: agreements signed, expired ---------------------------------------------------------

REPORT = deadline_after_event.Params(within_months=1)
RENEWAL = record_coverage.AgreementCoverage(
    records="agreements",
    scope=record_coverage.Scope.EXPIRED_BY_AS_OF,
    requirement=record_coverage.Requirement.RENEWED_OR_TERMINATED,
)
DISPUTE = record_coverage.AgreementCoverage(
    records="agreements", scope=record_coverage.Scope.ALL, requirement=record_coverage.Requirement.DISPUTE_CLAUSE
)


@st.composite
def agreements(draw: st.DrawFn, signed: st.SearchStrategy[date], prefix: str) -> list[dict[str, Any]]:
    out = []
    for i in range(draw(st.integers(0, 4))):
        day = draw(signed)
        record: dict[str, Any] = {"id": f"{prefix}{i}", "partner": "某社区卫生服务中心", "signed": day.isoformat()}
        for key in ("reported", "expires", "renewed", "terminated"):
            if draw(st.booleans()):
                record[key] = (day + timedelta(days=draw(st.integers(0, 500)))).isoformat()
        record["dispute_clause"] = draw(st.booleans())
        out.append(record)
    return out


@SETTINGS
@given(data=st.data())
def test_agreements_signed_before_the_rule_change_no_reporting_verdict(data: st.DataObject) -> None:
    rule = compiled(REPORT)
    base = data.draw(agreements(AT_OR_BEFORE_AS_OF, "A"))
    early = data.draw(agreements(BEFORE_FROM, "E"))
    assert run(rule, agreements=base + early).status is run(rule, agreements=base).status


@SETTINGS
@given(data=st.data())
def test_agreements_signed_after_as_of_have_not_happened(data: st.DataObject) -> None:
    for params in (REPORT, RENEWAL, DISPUTE):
        rule = compiled(params, start=date(2020, 12, 11))
        base = data.draw(agreements(AT_OR_BEFORE_AS_OF, "A"))
        later = data.draw(agreements(AFTER_AS_OF, "L"))
        assert run(rule, agreements=base + later).status is run(rule, agreements=base).status


@SETTINGS
@given(data=st.data())
def test_reports_and_renewals_dated_after_as_of_are_not_done(data: st.DataObject) -> None:
    for params, key in ((REPORT, "reported"), (RENEWAL, "renewed"), (RENEWAL, "terminated")):
        rule = compiled(params, start=date(2020, 12, 11))
        base = data.draw(agreements(AT_OR_BEFORE_AS_OF, "A"))
        for record in base:
            record.pop(key, None)
        later = copy.deepcopy(base)
        for record in later:
            record[key] = data.draw(AFTER_AS_OF).isoformat()
        assert run(rule, agreements=later).status is run(rule, agreements=base).status


@SETTINGS
@given(data=st.data())
def test_agreements_that_expired_before_the_rule_change_no_renewal_verdict(data: st.DataObject) -> None:
    rule = compiled(RENEWAL)
    base = data.draw(agreements(AT_OR_BEFORE_AS_OF, "A"))
    early = data.draw(agreements(days(date(2019, 1, 1), date(2024, 1, 1)), "E"))
    for record in early:
        record["expires"] = min(date.fromisoformat(record["signed"]) + timedelta(days=300), FROM - timedelta(days=1))
        record["expires"] = record["expires"].isoformat()
        record.pop("renewed", None)
        record.pop("terminated", None)
    assert run(rule, agreements=base + early).status is run(rule, agreements=base).status


@SETTINGS
@given(data=st.data())
def test_ended_agreements_are_not_judged_by_a_rule_about_live_agreements(data: st.DataObject) -> None:
    rule = compiled(DISPUTE, start=date(2020, 12, 11))
    base = data.draw(agreements(AT_OR_BEFORE_AS_OF, "A"))
    ended = data.draw(agreements(days(date(2021, 1, 1), date(2025, 1, 1)), "X"))
    for record in ended:
        signed = date.fromisoformat(record["signed"])
        record.pop("renewed", None)
        record["terminated" if data.draw(st.booleans()) else "expires"] = (signed + timedelta(days=30)).isoformat()
    assert run(rule, agreements=base + ended).status is run(rule, agreements=base).status


def test_a_renewal_dated_after_as_of_has_not_happened_yet() -> None:
    data = sample(
        agreements=[
            {
                "id": "A-1",
                "partner": "某社区卫生服务中心",
                "signed": "2025-04-01",
                "expires": "2026-03-31",
                "renewed": "2026-08-01",
            }
        ]
    )
    result = finding(NATIONAL, data, "agreement.renewal-or-termination")
    assert result["status"] == "non_compliant" and result["evidence"]["lacking"] == ["A-1"]


def test_an_ended_agreement_is_not_judged_for_its_clauses() -> None:
    ended = [
        {"id": "A-X", "partner": "甲", "signed": "2024-01-01", "expires": "2025-12-31", "dispute_clause": False},
        {"id": "A-T", "partner": "乙", "signed": "2024-01-01", "terminated": "2026-02-01", "dispute_clause": False},
        {"id": "A-F", "partner": "丙", "signed": "2026-09-01", "dispute_clause": False},
        {"id": "A-1", "partner": "丁", "signed": "2025-06-01", "dispute_clause": True},
    ]
    result = finding(NATIONAL, sample(agreements=ended), "agreement.dispute-clause")
    assert result["status"] == "compliant" and result["evidence"]["in_scope"] == 1


def test_an_agreement_signed_before_the_guide_is_not_judged_against_it() -> None:
    old = [
        {"id": "A-0", "partner": "甲", "signed": "2019-05-01", "dispute_clause": False, "confidentiality_clause": False}
    ]
    for rule_id in ("agreement.dispute-clause", "agreement.confidentiality-clause"):
        result = finding(NATIONAL, sample(agreements=old), rule_id)
        assert result["status"] == "not_applicable", rule_id
        assert result["evidence"]["before_in_force"] == ["A-0"]


def test_an_agreement_signed_after_as_of_is_not_yet_due_for_reporting() -> None:
    data = sample(agreements=[{"id": "A-9", "partner": "甲", "signed": "2026-09-01"}])
    result = finding(NATIONAL, data, "agreement.report-within-month")
    assert result["status"] == "not_applicable"
    assert result["evidence"]["signed_after_as_of"] == ["A-9"]
    assert result["evidence"]["records"] == []


# --- events: hazards ----------------------------------------------------------------------------

BEIJING_HAZARDS = hazard_ledger.Params(require_plan_for_open=True, overdue_is_violation=True)
NATIONAL_HAZARDS = hazard_ledger.Params()


@st.composite
def hazards(
    draw: st.DrawFn, found: st.SearchStrategy[date], prefix: str, deadline_before: date | None = None
) -> list[dict[str, Any]]:
    out = []
    for i in range(draw(st.integers(0, 4))):
        day = draw(found)
        record: dict[str, Any] = {"id": f"{prefix}{i}", "found": day.isoformat()}
        if draw(st.booleans()):
            deadline = day + timedelta(days=draw(st.integers(0, 90)))
            if deadline_before is not None:
                deadline = min(deadline, deadline_before)
            record["plan"] = {"responsible": "张三", "deadline": deadline.isoformat()}
        if draw(st.booleans()):
            rectified = day + timedelta(days=draw(st.integers(0, 200)))
            if deadline_before is not None:
                rectified = min(rectified, deadline_before)
            record["rectified"] = rectified.isoformat()
        out.append(record)
    return out


@SETTINGS
@given(data=st.data())
def test_hazards_settled_before_the_rule_change_nothing(data: st.DataObject) -> None:
    rule = compiled(BEIJING_HAZARDS)
    base = data.draw(hazards(days(FROM, AS_OF), "H"))
    last = FROM - timedelta(days=1)
    early = data.draw(hazards(days(date(2025, 1, 1), last - timedelta(days=1)), "E", deadline_before=last))
    for record in early:  # settled before the rule: rectified, or found before it with no plan yet due
        record.setdefault("rectified", record["found"])
    policies = {"hazard_ledger": True}
    before = run(rule, policies=policies, hazards=base)
    after = run(rule, policies=policies, hazards=base + early)
    assert after.status is before.status
    assert after.evidence.get("violations") == before.evidence.get("violations")


@SETTINGS
@given(data=st.data())
def test_rectifications_dated_after_as_of_are_not_done(data: st.DataObject) -> None:
    rule = compiled(BEIJING_HAZARDS)
    base = data.draw(hazards(days(FROM, AS_OF), "H"))
    for record in base:
        record.pop("rectified", None)
    later = copy.deepcopy(base)
    for record in later:
        record["rectified"] = data.draw(AFTER_AS_OF).isoformat()
    policies = {"hazard_ledger": True}
    assert run(rule, policies=policies, hazards=later).status is run(rule, policies=policies, hazards=base).status


def test_beijing_does_not_fail_a_hazard_fixed_late_in_2025_before_its_rule_existed() -> None:
    data = sample(
        "beijing",
        policies={"hazard_ledger": True},
        hazards=[
            {
                "id": "H-2025",
                "found": "2025-10-10",
                "rectified": "2025-12-01",
                "plan": {"responsible": "张三", "deadline": "2025-11-10"},
            }
        ],
    )
    result = finding(BEIJING, data, "safety.hazard-ledger")
    assert result["status"] == "compliant"
    assert "violations" not in result["evidence"]


def test_a_deadline_passed_before_the_province_rule_is_judged_under_the_national_version() -> None:
    national = ScheduledVersion("1.0.0", date(2025, 6, 1), FROM - timedelta(days=1), NATIONAL_HAZARDS)
    beijing = ScheduledVersion("1.1.0+beijing", FROM, None, BEIJING_HAZARDS)
    rule = compiled(Schedule((national, beijing)))
    early = {
        "id": "H-1",
        "found": "2025-08-01",
        "rectified": "2025-10-01",
        "plan": {"responsible": "张三", "deadline": "2025-09-01"},
    }
    late = {
        "id": "H-2",
        "found": "2026-01-05",
        "rectified": "2026-02-01",
        "plan": {"responsible": "李四", "deadline": "2026-01-10"},
    }
    policies = {"hazard_ledger": True}
    assert run(rule, policies=policies, hazards=[early]).status is Status.COMPLIANT
    result = run(rule, policies=policies, hazards=[early, late])
    assert result.status is Status.NON_COMPLIANT and result.evidence["violations"] == ["H-2"]
    states = {h["id"]: h for h in result.evidence["hazards"]}
    assert states["H-1"]["version"] == "1.0.0" and states["H-2"]["version"] == "1.1.0+beijing"


# --- window measures ----------------------------------------------------------------------------

ULCERS = rate_limit.Params(measure=rate_limit.Measure.PRESSURE_ULCER_GRADE2_PLUS_INCIDENCE, limit=Decimal("0.05"))


@SETTINGS
@given(
    start=days(date(2025, 1, 1), FROM - timedelta(days=1)),
    length=st.integers(0, 400),
    pair=st.integers(1, 200).flatmap(lambda d: st.tuples(st.integers(0, d), st.just(d))),
)
def test_a_window_that_starts_before_the_rule_is_never_judged(start: date, length: int, pair: tuple[int, int]) -> None:
    rule = compiled(ULCERS)
    numerator, denominator = pair
    end = start + timedelta(days=length)
    result = run(
        rule,
        window=(start, end),
        as_of=max(end, FROM),
        quality={"pressure_ulcers": {"residents": denominator, "new_grade2_plus": numerator}},
    )
    assert result.status in (Status.INSUFFICIENT_DATA, Status.NOT_APPLICABLE)


def test_a_window_straddling_the_in_force_date_says_which_part_predates_it() -> None:
    data = sample(
        quality={"pressure_ulcers": {"residents": 20, "new_grade2_plus": 4}},
        period={"start": "2025-10-01", "end": "2026-03-31"},
    )
    result = finding(NATIONAL, data, "quality.pressure-ulcer-rate")
    assert result["status"] == "insufficient_data"
    assert result["evidence"]["window_before_in_force"] == {"start": "2025-10-01", "end": "2025-12-24"}
    assert result["evidence"]["in_force_from"] == "2025-12-25"
    inside = sample(
        quality={"pressure_ulcers": {"residents": 20, "new_grade2_plus": 4}},
        period={"start": "2026-01-01", "end": "2026-03-31"},
    )
    assert finding(NATIONAL, inside, "quality.pressure-ulcer-rate")["status"] == "non_compliant"


# --- snapshot-level facts -----------------------------------------------------------------------


@SETTINGS
@given(old=st.booleans(), new=st.booleans(), value=st.booleans(), change=days(date(2026, 1, 1), AS_OF))
def test_snapshot_facts_are_judged_under_the_version_in_force_on_as_of(
    old: bool, new: bool, value: bool, change: date
) -> None:
    def params(expected: bool) -> FactsParams:
        return FactsParams(facts=[FactRequirement(fact="policies.emergency_plan", expected=expected)])

    two = compiled(
        Schedule(
            (
                ScheduledVersion("1.0.0", FROM, change - timedelta(days=1), params(old)),
                ScheduledVersion("2.0.0", change, None, params(new)),
            )
        )
    )
    one = compiled(params(new), start=change)
    policies = {"emergency_plan": value}
    assert run(two, policies=policies).status is run(one, policies=policies).status
    expected = Status.COMPLIANT if value == new else Status.NON_COMPLIANT
    assert run(two, policies=policies).status is expected


# --- periodic counts ----------------------------------------------------------------------------


@SETTINGS
@given(data=st.data())
def test_records_in_periods_before_the_rule_change_nothing(data: st.DataObject) -> None:
    unit = data.draw(st.sampled_from(list(PeriodUnit)))
    rule = compiled(period_count.Params(activity=ActivityKind.FIRE_INSPECTION, period=unit, min_count=1))
    first_period = period_containing(unit, FROM)
    base = [
        {"id": f"b{i}", "kind": "fire_inspection", "date": d.isoformat()}
        for i, d in enumerate(data.draw(st.lists(days(WINDOW[0], date(2026, 12, 31)), max_size=20)))
    ]
    early = (
        [
            {"id": f"e{i}", "kind": "fire_inspection", "date": d.isoformat()}
            for i, d in enumerate(
                data.draw(st.lists(days(WINDOW[0], first_period.start - timedelta(days=1)), min_size=1, max_size=10))
            )
        ]
        if first_period.start > WINDOW[0]
        else []
    )
    before = run(rule, activities=base)
    after = run(rule, activities=base + early)
    assert after.status is before.status
    assert after.evidence.get("short_periods") == before.evidence.get("short_periods")


TECHNIQUES = [{"name": f"技术{i}", "category": f"类{i % 4}"} for i in range(6)]


@SETTINGS
@given(old_items=st.integers(1, 12), new_items=st.integers(1, 12), change=days(date(2026, 1, 1), AS_OF))
def test_every_snapshot_kind_uses_only_the_version_in_force_on_as_of(
    old_items: int, new_items: int, change: date
) -> None:
    def counted(n: int) -> distinct_count.Params:
        return distinct_count.Params(min_items=n)

    def naming(qualification: str) -> name_restriction.Params:
        return name_restriction.Params(
            term="医养结合", requires_any={InstitutionKind.ELDERLY_CARE: [Qualification(qualification)]}
        )

    cases = (
        (counted(old_items), counted(new_items), {"tcm_techniques": TECHNIQUES}),
        (
            naming("medical_practice_license" if old_items % 2 else "clinic_filing"),
            naming("clinic_filing" if old_items % 2 else "medical_practice_license"),
            {"institution": {**BASE["institution"], "name": "某医养结合养老院"}},
        ),
    )
    for old, new, sections in cases:
        two = compiled(
            Schedule(
                (
                    ScheduledVersion("1.0.0", FROM, change - timedelta(days=1), old),
                    ScheduledVersion("2.0.0", change, None, new),
                )
            )
        )
        assert run(two, **sections).status is run(compiled(new, start=change), **sections).status
