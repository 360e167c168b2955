"""``yiyang plan``: what remains from as_of on, derived from the same rules as ``check``."""

from __future__ import annotations

import json
import re
import shutil
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import icalendar
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from yiyang_rules.cli.app import app
from yiyang_rules.engine import Engine, to_snapshot
from yiyang_rules.localtime import PeriodUnit, period_containing
from yiyang_rules.plan import Plan, plan_snapshot
from yiyang_rules.render import plan_ics
from yiyang_rules.resources import rules_dir
from yiyang_rules.units import finding_units

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "examples" / "beijing-sample.json"
ENGINE = Engine.load()
runner = CliRunner()


def sample() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SAMPLE.read_text(encoding="utf-8"))
    return data


def items(plan: Plan, **match: Any) -> list[Any]:
    return [i for i in plan.items if all(getattr(i, k) == v for k, v in match.items())]


def test_the_sample_plan_lists_the_running_month_with_its_last_day() -> None:
    plan = plan_snapshot(ENGINE, sample())
    assert (plan.as_of, plan.until) == ("2026-09-10", "2026-12-10")  # three months by default
    (running,) = items(plan, rule_id="fire.inspection-monthly", kind="period_running")
    assert running.message.zh == "本月尚需防火检查1次，截止2026-09-30"
    assert (running.unit, running.due, running.required, running.done, running.remaining) == (
        "2026-09",
        "2026-09-30",
        1,
        0,
        1,
    )
    following = [i.unit for i in items(plan, rule_id="fire.inspection-monthly", kind="period_next")]
    assert following == ["2026-10", "2026-11", "2026-12"]
    (lectures,) = items(plan, rule_id="psychology.lecture-yearly")
    assert (lectures.unit, lectures.done, lectures.remaining, lectures.due) == ("2026", 1, 1, "2026-12-31")
    assert lectures.citations[0].document == "国卫办老龄发〔2025〕29号"


def test_until_bounds_the_next_periods() -> None:
    plan = plan_snapshot(ENGINE, sample(), until=date(2026, 10, 31))
    assert [i.unit for i in items(plan, rule_id="fire.inspection-monthly")] == ["2026-09", "2026-10"]


def test_a_met_running_period_is_not_listed() -> None:
    data = sample()
    data["activities"].append({"id": "fi-2026-09", "kind": "fire_inspection", "date": "2026-09-03"})
    plan = plan_snapshot(ENGINE, data)
    assert [i.unit for i in items(plan, rule_id="fire.inspection-monthly")] == ["2026-10", "2026-11", "2026-12"]


def test_overdue_hazards_pending_agreements_and_missing_data() -> None:
    data = sample()
    data["agreements"].append({"id": "A-2", "partner": "某医院", "signed": "2026-08-31"})
    data["agreements"].append({"id": "A-3", "partner": "某诊所", "signed": "2026-07-01"})
    data["hazards"].append(
        {"id": "H-08", "found": "2026-09-01", "plan": {"responsible": "院长", "deadline": "2026-09-20"}}
    )
    data["hazards"].append({"id": "H-09", "found": "2026-09-02"})
    plan = plan_snapshot(ENGINE, data)
    (a2,) = items(plan, unit="A-2")
    assert (a2.kind, a2.state, a2.due) == ("agreement_report", "due", "2026-09-30")  # clamped month end
    (a3,) = items(plan, unit="A-3")
    assert (a3.state, a3.due) == ("overdue", "2026-08-01")
    (h7,) = items(plan, unit="H-07")
    assert (h7.kind, h7.state, h7.due) == ("hazard_rectify", "overdue", "2026-08-15")
    (h8,) = items(plan, unit="H-08")
    assert (h8.state, h8.due, h8.message.zh) == ("due", "2026-09-20", "隐患 H-08 须于2026-09-20前整改到位")
    # Beijing: an open hazard without a plan needs one now, naming a responsible person and a deadline.
    h9_plan, h9 = sorted(items(plan, unit="H-09"), key=lambda i: i.kind)
    assert (h9_plan.kind, h9_plan.state, h9.kind) == ("hazard_plan", "overdue", "hazard_rectify")
    assert h9_plan.message.zh == "隐患 H-09 须立即制定整改方案，明确责任人、整改期限"
    missing = items(plan, kind="data_missing", rule_id="medication.management-system")
    assert missing[0].missing == ["policies.medication_management"]
    assert plan.items[0].state == "overdue"  # overdue first


NEW_VERSION = """  - version: 2.0.0
    in_force:
      from: 2027-01-01
      basis: a later version, for the test
    check:
      kind: period_count
      activity: fire_inspection
      period: month
      min_count: 2
"""


@pytest.fixture(scope="module")
def future_engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    """The bundled rules, except: fire inspections need 2 a month from 2027-01-01 (a new version),
    and the yearly psychology lectures only apply from 2027-01-01 (a rule coming into force)."""
    root = tmp_path_factory.mktemp("rules")
    shutil.copytree(rules_dir(), root, dirs_exist_ok=True)
    fire = root / "national" / "fire.inspection-monthly.yaml"
    text = fire.read_text(encoding="utf-8")
    fire.write_text(text.replace("      min_count: 1\n", "      min_count: 1\n" + NEW_VERSION, 1), encoding="utf-8")
    lectures = root / "national" / "psychology.lecture-yearly.yaml"
    text = lectures.read_text(encoding="utf-8")
    lectures.write_text(re.sub(r"from: \d{4}-\d{2}-\d{2}", "from: 2027-01-01", text, count=1), encoding="utf-8")
    return Engine.load(rules_dir=root)


def test_rules_and_versions_coming_into_force_in_the_horizon(future_engine: Engine) -> None:
    plan = plan_snapshot(future_engine, sample(), as_of=date(2026, 11, 15), until=date(2027, 2, 15))
    (version,) = items(plan, rule_id="fire.inspection-monthly", kind="in_force")
    assert (version.rule_version, version.due) == ("2.0.0", "2027-01-01")
    assert version.message.zh == "新版本 2.0.0 自2027-01-01起施行"
    fire = [(i.unit, i.required, i.rule_version) for i in items(plan, rule_id="fire.inspection-monthly", state="due")]
    assert fire == [("2026-11", 1, "1.0.0"), ("2026-12", 1, "1.0.0"), ("2027-01", 2, "2.0.0"), ("2027-02", 2, "2.0.0")]
    (coming,) = items(plan, rule_id="psychology.lecture-yearly", kind="in_force")
    assert coming.message.zh == "本规则自2027-01-01起施行"
    # 2026 was never under the rule, so only 2027 is to be done: check never judges 2026 either.
    assert [i.unit for i in items(plan, rule_id="psychology.lecture-yearly", state="due")] == ["2027"]
    assert not items(plan_snapshot(future_engine, sample(), as_of=date(2026, 9, 10)), kind="in_force")


def test_a_rule_that_does_not_bind_the_institution_is_not_planned() -> None:
    plan = plan_snapshot(ENGINE, sample())
    assert not items(plan, rule_id="tcm.appropriate-techniques")


# --- the law: doing what the plan lists makes the next check compliant for it ----------------------

ACTIVITY_KINDS = [
    "fire_inspection",
    "fire_drill",
    "health_education",
    "psychology_lecture",
    "infection_drill",
    "onsite_health_checkup",
]
YEAR_START = date(2026, 1, 1)


@st.composite
def situations(draw: st.DrawFn) -> tuple[dict[str, Any], date, date]:
    as_of = draw(st.dates(YEAR_START, date(2026, 12, 31)))
    until = as_of + timedelta(days=draw(st.integers(0, 200)))
    activities = [
        {
            **({"id": draw(st.sampled_from(["a", "b", "c", "d"]))} if draw(st.booleans()) else {}),
            "kind": draw(st.sampled_from(ACTIVITY_KINDS)),
            "date": draw(st.dates(YEAR_START, until)).isoformat(),
        }
        for _ in range(draw(st.integers(0, 25)))
    ]
    agreements = []
    for n in range(draw(st.integers(0, 3))):
        signed = draw(st.dates(date(2025, 12, 1), as_of))
        record: dict[str, Any] = {"id": f"A-{n}", "partner": "某医院", "signed": signed.isoformat()}
        if draw(st.booleans()):
            record["reported"] = (signed + timedelta(days=draw(st.integers(0, 80)))).isoformat()
        if draw(st.integers(0, 3)) == 0:  # a cooperation already ended: its duties no longer bind
            record["terminated"] = draw(st.dates(signed, as_of)).isoformat()
        agreements.append(record)
    hazards = []
    for n in range(draw(st.integers(0, 3))):
        found = draw(st.dates(date(2025, 11, 1), as_of))  # some before the rules took effect
        hazard: dict[str, Any] = {"id": f"H-{n}", "found": found.isoformat()}
        if draw(st.booleans()):
            hazard["rectified"] = (found + timedelta(days=draw(st.integers(0, 90)))).isoformat()
        if draw(st.booleans()):
            plan: dict[str, Any] = {"deadline": (found + timedelta(days=draw(st.integers(0, 120)))).isoformat()}
            if draw(st.booleans()):
                plan["responsible"] = "后勤部"
            hazard["plan"] = plan
        hazards.append(hazard)
    data = sample()
    data["institution"]["province"] = draw(st.sampled_from(["北京市", "hebei", "shaanxi"]))
    data["institution"].pop("region_code")
    data.update(
        as_of=as_of.isoformat(),
        period={"start": YEAR_START.isoformat(), "end": as_of.isoformat()},
        activities=activities,
        agreements=agreements,
        hazards=hazards,
    )
    return data, as_of, until


def carry_out(data: dict[str, Any], plan: Plan) -> dict[str, Any]:
    """Do exactly what the plan lists: the activities on their due days, the reports, the
    rectification plans, the rectifications (on the deadline when it is still ahead, at once when it
    has passed or none is set)."""
    done = json.loads(json.dumps(data))
    as_of = plan.as_of
    agreements = {a["id"]: a for a in done["agreements"]}
    hazards = {h["id"]: h for h in done["hazards"]}
    for number, item in enumerate(plan.items):
        if item.kind in ("period_running", "period_next"):
            done["activities"].extend(
                {"id": f"plan-{number}-{k}", "kind": item.activity, "date": item.due} for k in range(item.remaining)
            )
        elif item.kind == "agreement_report":
            agreements[item.unit]["reported"] = item.due if item.state == "due" else as_of
        elif item.kind == "hazard_plan":  # draw up the plan: a responsible person and a deadline
            plan_of = hazards[item.unit].setdefault("plan", {})
            plan_of.setdefault("deadline", as_of)
            plan_of["responsible"] = plan_of.get("responsible") or "后勤部"
        elif item.kind == "hazard_rectify":
            hazards[item.unit]["rectified"] = item.due if item.state == "due" else as_of
    done["period"]["end"] = plan.until
    done["as_of"] = plan.until
    return done


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(situations())
def test_doing_what_the_plan_lists_makes_the_next_check_compliant_for_it(
    situation: tuple[dict[str, Any], date, date],
) -> None:
    data, as_of, until = situation
    before = {f.rule_id: f for f in ENGINE.check(data, as_of=as_of).findings}
    plan = plan_snapshot(ENGINE, data, as_of=as_of, until=until)
    after = ENGINE.check(carry_out(data, plan), as_of=until)
    planned = {(i.rule_id, i.unit) for i in plan.items if i.state == "due"}
    # The plan binds whom check binds: a rule check finds not applicable on as_of is planned only
    # when it comes into force later.
    catalog = ENGINE.catalog_for(to_snapshot(data))
    for item in plan.items:
        rule = catalog.get(item.rule_id)
        assert rule is not None
        if before[item.rule_id].status == "not_applicable" and "in_force_from" not in before[item.rule_id].evidence:
            raise AssertionError(f"{item.rule_id} is not applicable on {as_of} but planned: {item.message.en}")
    # A plan is asked for exactly where check finds a hazard still open without one.
    ledger = before.get("safety.hazard-ledger")
    if ledger is not None:
        violations = set(ledger.evidence.get("violations", []))
        unplanned = {
            e["id"]
            for e in ledger.evidence.get("hazards", [])
            # check requires a plan only of hazards found while the rule was in force
            if e.get("plan_missing") and not e["state"].startswith("rectified") and not e.get("found_before_in_force")
        }
        asked = {i.unit for i in plan.items if i.kind == "hazard_plan"}
        assert asked == violations & unplanned
    for finding in after.findings:
        units = set(finding_units(finding.status, finding.evidence)) if finding.status == "non_compliant" else set()
        # Nothing the plan listed as due is in violation after doing it …
        assert not {(finding.rule_id, u) for u in units} & planned, (finding.rule_id, units)
        # … and no violation is new: whatever remains was already a violation on as_of (the past
        # cannot be redone), so the plan missed nothing that was still ahead.
        if finding.rule_id in before and finding.evidence.get("short_periods") is not None:
            old = before[finding.rule_id]
            old_units = set(finding_units(old.status, old.evidence)) if old.status == "non_compliant" else set()
            assert units <= old_units, (finding.rule_id, units, old_units)
        if finding.rule_id in ("agreement.report-within-month", "safety.hazard-ledger") and units:
            old = before[finding.rule_id]
            assert old.status == "non_compliant" and units <= set(finding_units(old.status, old.evidence))
    # Every period obligation the plan covers is met from the running period on.
    for item in plan.items:
        if item.kind == "period_running":
            running = period_containing(PeriodUnit(_unit_of(item.unit)), as_of)
            assert item.due == running.end.isoformat()


def _unit_of(label: str | None) -> str:
    assert label is not None
    if "-Q" in label:
        return "quarter"
    if "-H" in label:
        return "half_year"
    return "month" if "-" in label else "year"


# --- iCalendar -------------------------------------------------------------------------------------


def test_the_ics_calendar_parses_with_a_real_icalendar_library() -> None:
    plan = plan_snapshot(ENGINE, sample())
    text = plan_ics.render([plan], "zh")
    assert all(len(line.encode("utf-8")) <= 75 for line in text.split("\r\n"))  # RFC 5545 folding
    calendar = icalendar.Calendar.from_ical(text)
    events = calendar.walk("VEVENT")
    due = [i for i in plan.items if i.due is not None and i.state in ("due", "overdue")]
    assert len(events) == len(due) > 5
    assert len({str(e["UID"]) for e in events}) == len(events)
    by_summary = {str(e["SUMMARY"]): e for e in events}
    fire = by_summary["本月尚需防火检查1次，截止2026-09-30"]
    assert fire.decoded("DTSTART") == date(2026, 9, 30)
    assert "国卫办老龄发〔2025〕29号 七（二十四）" in str(fire["DESCRIPTION"])
    assert "每月至少组织1次防火检查" in str(fire["DESCRIPTION"])
    (alarm,) = fire.walk("VALARM")
    assert alarm.decoded("TRIGGER") == timedelta(days=-3)
    overdue = by_summary["逾期：隐患 H-07 已超过整改期限（2026-08-15），尚未整改"]
    assert overdue.decoded("DTSTART") == date(2026, 9, 10)  # placed on as_of


def test_ics_uids_are_stable_across_runs() -> None:
    early = plan_snapshot(ENGINE, sample(), as_of=date(2026, 9, 10))
    later = plan_snapshot(ENGINE, sample(), as_of=date(2026, 9, 20))

    def uids(plan: Plan) -> dict[str, str]:
        events = icalendar.Calendar.from_ical(plan_ics.render([plan])).walk("VEVENT")
        return {str(e["SUMMARY"]): str(e["UID"]) for e in events}

    assert plan_ics.render([early]) == plan_ics.render([early])
    october = "2026-10须开展防火检查1次（2026-10-01至2026-10-31）"
    assert uids(early)[october] == uids(later)[october]


# --- the command line ------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["table", "json", "ics", "html"])
def test_plan_command_formats(fmt: str) -> None:
    result = runner.invoke(app, ["plan", str(SAMPLE), "--format", fmt, "--until", "2026-10-31"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    if fmt == "json":
        plan = json.loads(out)
        assert plan["until"] == "2026-10-31" and plan["items"][0]["state"] == "overdue"
    elif fmt == "ics":
        assert len(icalendar.Calendar.from_ical(out).walk("VEVENT")) >= 5
    elif fmt == "html":
        assert out.startswith("<!DOCTYPE html>") and "本月尚需防火检查1次，截止2026-09-30" in out
    else:
        assert "本月尚需防火检查1次，截止2026-09-30" in out


def test_plan_command_on_a_batch(tmp_path: Path) -> None:
    second = sample()
    second["institution"]["id"] = "SECOND"
    batch = tmp_path / "batch.jsonl"
    batch.write_text("\n".join(json.dumps(d, ensure_ascii=False) for d in (sample(), second)), encoding="utf-8")
    result = runner.invoke(app, ["plan", str(batch), "--format", "json"])
    assert result.exit_code == 0
    assert [json.loads(line)["institution"]["id"] for line in result.stdout.splitlines()] == [
        "91110108MA00EXAMPLE",
        "SECOND",
    ]
    ics = runner.invoke(app, ["plan", str(batch), "--format", "ics"]).stdout
    events = icalendar.Calendar.from_ical(ics).walk("VEVENT")
    assert len({str(e["UID"]) for e in events}) == len(events)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--until", "2026-09-01"], "before as_of"),
        (["--until", "soon"], "--until 'soon' is not a date"),
        (["--format", "pdf"], "--format 'pdf' is unknown"),
    ],
)
def test_plan_command_bad_options_exit_2(args: list[str], expected: str) -> None:
    result = runner.invoke(app, ["plan", str(SAMPLE), *args])
    assert result.exit_code == 2
    assert expected in result.stderr


def test_plan_command_bad_snapshot_exits_2_with_file_and_line(tmp_path: Path) -> None:
    batch = tmp_path / "batch.jsonl"
    batch.write_text(json.dumps(sample(), ensure_ascii=False) + '\n{"schema_version": "1"}\n', encoding="utf-8")
    result = runner.invoke(app, ["plan", str(batch), "--format", "json"])
    assert result.exit_code == 2
    assert f"{batch}:2: period: required field is missing" in result.stderr
    assert len(result.stdout.splitlines()) == 1  # the good line is still planned


def test_plan_in_english() -> None:
    result = runner.invoke(app, ["plan", str(SAMPLE), "--lang", "en", "--until", "2026-09-30"])
    assert result.exit_code == 0
    assert "this month (2026-09) still needs 1 fire inspection(s), by 2026-09-30" in result.stdout
    assert "hazard H-07 is past its rectification deadline (2026-08-15) and still open" in result.stdout
