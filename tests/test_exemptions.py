"""Exemptions (豁免/整改期): strict file, per-unit matching, expiry on as_of, the exit code."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from yiyang_rules.cli.app import app
from yiyang_rules.engine import Engine
from yiyang_rules.exemptions import (
    ExemptionFileError,
    apply_exemptions,
    exemptions_from_records,
    exemptions_from_text,
    load_exemptions,
)
from yiyang_rules.report import Report

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "examples" / "beijing-sample.json"
INSTITUTION = "91110108MA00EXAMPLE"
runner = CliRunner()
ENGINE = Engine.load()
KNOWN = {r.id for c in ENGINE.catalogs.values() for r in c.rules}


def entry(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "rule": "fire.inspection-monthly",
        "institution": INSTITUTION,
        "unit": "2026-04",
        "reason": "整改期内",
        "approved_by": "海淀区卫生健康委员会",
        "document": "海卫老龄函〔2026〕12号",
        "granted": "2026-04-01",
        "expires": "2026-09-30",
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def yaml_text(*entries: dict[str, Any]) -> str:
    lines = ["exemptions:"]
    for item in entries:
        first = True
        for key, value in item.items():
            lines.append(f"  {'- ' if first else '  '}{key}: {value}")
            first = False
    return "\n".join(lines) + "\n"


def sample(drop_ids: tuple[str, ...] = ()) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SAMPLE.read_text(encoding="utf-8"))
    data["activities"] = [a for a in data["activities"] if a.get("id") not in drop_ids]
    return data


def check(data: dict[str, Any], as_of: str, *entries: dict[str, Any]) -> Report:
    report = ENGINE.check(data, as_of=date.fromisoformat(as_of))
    return apply_exemptions(report, exemptions_from_text(yaml_text(*entries), "ex.yaml", KNOWN))


def finding(report: Report, rule_id: str) -> Any:
    return next(f for f in report.findings if f.rule_id == rule_id)


# --- the expiry day -------------------------------------------------------------------------------


@pytest.mark.parametrize(("as_of", "state"), [("2026-09-10", "applied"), ("2026-09-11", "expired")])
def test_an_exemption_applies_on_its_expiry_day_and_not_the_day_after(as_of: str, state: str) -> None:
    report = check(sample(), as_of, entry(rule="admission.assessment", unit=None, expires="2026-09-10"))
    outcome = report.exemptions[0]  # type: ignore[index]
    assert outcome.state == state
    admission = finding(report, "admission.assessment")
    assert admission.status == "non_compliant"  # the real status is kept either way
    if state == "applied":
        assert admission.exemption is not None and admission.exemption.state == "exempted"
        assert admission not in report.mandatory_violations
        assert "已豁免" in admission.message.zh
    else:
        assert admission.exemption is None
        assert admission in report.mandatory_violations
        assert "到期" in admission.message.zh and "expired" in outcome.message.en


def test_an_exemption_not_yet_granted_does_not_apply() -> None:
    report = check(sample(), "2026-09-10", entry(rule="admission.assessment", unit=None, granted="2026-09-11"))
    assert report.exemptions[0].state == "not_yet_granted"  # type: ignore[index]
    assert finding(report, "admission.assessment") in report.mandatory_violations


@given(
    granted=st.dates(date(2025, 1, 1), date(2027, 12, 31)),
    length=st.integers(0, 300),
    as_of=st.dates(date(2024, 6, 1), date(2028, 12, 31)),
)
def test_granted_le_as_of_le_expires_is_exactly_when_it_applies(granted: date, length: int, as_of: date) -> None:
    expires = granted + timedelta(days=length)
    text = yaml_text(entry(granted=granted.isoformat(), expires=expires.isoformat()))
    (exemption,) = exemptions_from_text(text, "ex.yaml", KNOWN)
    expected = "applies" if granted <= as_of <= expires else ("expired" if as_of > expires else "not_yet_granted")
    assert exemption.state_on(as_of) == expected


def test_expiry_is_the_end_of_the_day_in_shanghai() -> None:
    (exemption,) = exemptions_from_text(yaml_text(entry(expires="2026-09-10")), "ex.yaml", KNOWN)
    shanghai = timezone(timedelta(hours=8))
    assert exemption.state_on(datetime(2026, 9, 10, 23, 59, 59, tzinfo=shanghai)) == "applies"
    # 16:00 UTC on the 10th is midnight of the 11th in Shanghai: expired.
    assert exemption.state_on(datetime(2026, 9, 10, 16, 0, tzinfo=UTC)) == "expired"
    assert exemption.state_on(datetime(2026, 9, 10, 15, 59, tzinfo=UTC)) == "applies"


# --- units ----------------------------------------------------------------------------------------


def test_an_exemption_for_one_period_never_covers_another() -> None:
    data = sample(drop_ids=("fi-2026-05",))  # April and May both fall short now
    report = check(data, "2026-09-10", entry(unit="2026-04"))
    fire = finding(report, "fire.inspection-monthly")
    assert fire.evidence["short_periods"] == ["2026-04", "2026-05"]
    assert fire.exemption is not None
    assert fire.exemption.state == "partly_exempted"
    assert fire.exemption.units == ["2026-04"] and fire.exemption.remaining == ["2026-05"]
    assert fire in report.mandatory_violations  # May still counts

    both = check(data, "2026-09-10", entry(unit="2026-04"), entry(unit="2026-05", document="海卫老龄函〔2026〕13号"))
    fire = finding(both, "fire.inspection-monthly")
    assert fire.exemption is not None and fire.exemption.state == "exempted"
    assert fire not in both.mandatory_violations
    assert len(fire.exemption.approvals) == 2


def test_an_exemption_without_unit_covers_every_unit_of_the_finding() -> None:
    data = sample(drop_ids=("fi-2026-05",))
    report = check(data, "2026-09-10", entry(unit=None))
    fire = finding(report, "fire.inspection-monthly")
    assert fire.exemption is not None and fire.exemption.state == "exempted"
    assert fire.exemption.units == ["2026-04", "2026-05"]


def test_an_exemption_that_matches_nothing_is_reported() -> None:
    report = check(sample(), "2026-09-10", entry(unit="2026-05"), entry(rule="naming.yiyang-title", unit=None))
    states = [(o.approval.rule, o.state) for o in report.exemptions or []]
    assert states == [("fire.inspection-monthly", "unmatched"), ("naming.yiyang-title", "unmatched")]
    assert finding(report, "fire.inspection-monthly") in report.mandatory_violations


def test_exemptions_for_another_institution_are_left_out_of_the_report() -> None:
    report = check(sample(), "2026-09-10", entry(institution="SOMEONE-ELSE"))
    assert report.exemptions == []
    assert finding(report, "fire.inspection-monthly").exemption is None


# --- the command line ------------------------------------------------------------------------------


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


ALL_THREE = (
    entry(unit="2026-04"),
    entry(rule="safety.hazard-ledger", unit="H-07"),
    entry(rule="admission.assessment", unit="R-0002"),
)


def test_check_with_exemptions_covering_every_violation_exits_0_and_keeps_statuses(tmp_path: Path) -> None:
    path = write(tmp_path, "ex.yaml", yaml_text(*ALL_THREE))
    plain = runner.invoke(app, ["check", str(SAMPLE), "--format", "json"])
    assert plain.exit_code == 1
    result = runner.invoke(app, ["check", str(SAMPLE), "--format", "json", "--exemptions", str(path)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    by_rule = {f["rule_id"]: f for f in report["findings"]}
    for rule in ("fire.inspection-monthly", "safety.hazard-ledger", "admission.assessment"):
        assert by_rule[rule]["status"] == "non_compliant"
        assert by_rule[rule]["exemption"]["state"] == "exempted"
        assert by_rule[rule]["exemption"]["approvals"][0]["document"] == "海卫老龄函〔2026〕12号"
    assert [o["state"] for o in report["exemptions"]] == ["applied"] * 3
    assert report["exemptions"][0]["approval"]["source"] == f"{path}:2"


def test_the_table_shows_exemptions_separately(tmp_path: Path) -> None:
    path = write(tmp_path, "ex.yaml", yaml_text(*ALL_THREE[:2], entry(unit="2026-05")))
    result = runner.invoke(app, ["check", str(SAMPLE), "--exemptions", str(path)])
    assert result.exit_code == 1  # admission.assessment is not exempted
    section = result.stdout.split("豁免（整改期）:")[1]
    assert "[已适用] fire.inspection-monthly / 2026-04" in section
    assert "[未匹配] fire.inspection-monthly / 2026-05" in section


def test_a_batch_applies_exemptions_per_institution_like_the_library(tmp_path: Path) -> None:
    first = sample()
    second = sample(drop_ids=("fi-2026-05",))
    second["institution"]["id"] = "SECOND-INSTITUTION"
    batch = write(tmp_path, "batch.jsonl", "\n".join(json.dumps(d, ensure_ascii=False) for d in (first, second)))
    entries = (*ALL_THREE, entry(institution="SECOND-INSTITUTION"), entry(institution="NOWHERE"))
    path = write(tmp_path, "ex.yaml", yaml_text(*entries))
    result = runner.invoke(app, ["check", str(batch), "--format", "json", "--exemptions", str(path)])
    assert result.exit_code == 1  # the second institution's May and its other violations remain
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    loaded = load_exemptions(path, KNOWN)
    for line, data in zip(lines, (first, second), strict=True):
        expected = apply_exemptions(ENGINE.check(data), loaded)
        assert line["exemptions"] == json.loads(expected.model_dump_json())["exemptions"]
    assert lines[1]["exemptions"][0]["units"] == ["2026-04"]
    assert "NOWHERE" in result.stderr and "matches nothing" in result.stderr


# --- strict validation ----------------------------------------------------------------------------

BAD_FILES = [
    ("unknown key", entry(aproved_by="x"), 10, "exemptions[0].aproved_by: unknown key"),
    ("impossible date", entry(expires="2026-13-01"), 9, "'2026-13-01' cannot be read: month must be in 1..12"),
    ("not a date", entry(expires="next-month"), 9, "exemptions[0].expires: Input should be a date"),
    ("unknown rule", entry(rule="fire.inspection-monthy"), 2, "no rule 'fire.inspection-monthy'"),
    ("granted after expires", entry(granted="2026-10-01"), 9, "is before granted"),
    ("too long", entry(expires="2027-06-30"), 9, "more than 12 months"),
    ("missing key", entry(document=None), 2, "exemptions[0].document: required key is missing"),
    ("empty reason", entry(reason="''"), 5, "exemptions[0].reason"),
]


@pytest.mark.parametrize(("label", "bad", "line", "expected"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_a_bad_entry_exits_2_naming_file_and_line(
    tmp_path: Path, label: str, bad: dict[str, Any], line: int, expected: str
) -> None:
    path = write(tmp_path, "ex.yaml", yaml_text(bad))
    result = runner.invoke(app, ["check", str(SAMPLE), "--exemptions", str(path)])
    assert result.exit_code == 2
    assert f"{path}:{line}: " in result.stderr, result.stderr
    assert expected in result.stderr
    assert "Traceback" not in result.output


def test_every_problem_of_a_file_is_reported_at_once(tmp_path: Path) -> None:
    path = write(tmp_path, "ex.yaml", yaml_text(entry(color="red"), entry(rule="no.such-rule")) + "extra: 1\n")
    with pytest.raises(ExemptionFileError) as caught:
        load_exemptions(path, KNOWN)
    lines = sorted(p.line or 0 for p in caught.value.problems)
    assert lines == [10, 11, 19]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("exemptions: {}\n", ":1: exemptions: must be a list"),
        ("- rule: x\n", ":1: an exemptions file is a mapping"),
        ("exemptions:\n  - rule: [unclosed\n", ":3: not valid YAML"),
        ("exemptions:\n  - just text\n", ":2: exemptions[0]: an entry is a mapping"),
    ],
)
def test_a_malformed_file_exits_2_with_its_line(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path, "ex.yaml", text)
    result = runner.invoke(app, ["check", str(SAMPLE), "--exemptions", str(path)])
    assert result.exit_code == 2
    assert f"{path}{expected}" in result.stderr, result.stderr


def test_the_maximum_horizon_is_configurable(tmp_path: Path) -> None:
    path = write(tmp_path, "ex.yaml", yaml_text(entry(expires="2027-06-30")))
    assert runner.invoke(app, ["check", str(SAMPLE), "--exemptions", str(path)]).exit_code == 2
    result = runner.invoke(app, ["check", str(SAMPLE), "--exemptions", str(path), "--exemption-max-months", "18"])
    assert result.exit_code == 1  # loads now; the other violations remain
    with pytest.raises(ExemptionFileError):
        load_exemptions(path, KNOWN, max_months=6)


def test_a_year_unit_may_be_written_as_a_number() -> None:
    (exemption,) = exemptions_from_text(yaml_text(entry(unit=2026)), "ex.yaml", KNOWN)
    assert exemption.entry.unit == "2026"


def test_an_impossible_yaml_date_is_a_problem_with_its_line_not_a_traceback() -> None:
    with pytest.raises(ExemptionFileError) as caught:
        exemptions_from_text(yaml_text(entry(granted="2026-02-30")), "ex.yaml", KNOWN)
    (problem,) = caught.value.problems
    assert (problem.file, problem.line) == ("ex.yaml", 8)


def test_the_bundled_example_exemptions_leave_only_the_unexempted_violation() -> None:
    path = ROOT / "examples" / "beijing-exemptions.yaml"
    result = runner.invoke(app, ["check", str(SAMPLE), "--format", "json", "--exemptions", str(path)])
    assert result.exit_code == 1
    report = Report.model_validate_json(result.stdout)
    assert [f.rule_id for f in report.mandatory_violations] == ["admission.assessment"]
    assert [o.state for o in report.exemptions or []] == ["applied", "applied"]


def test_applying_twice_is_refused_rather_than_doubling_the_notes() -> None:
    once = check(sample(), "2026-09-10", entry())
    with pytest.raises(ValueError, match="already applied"):
        apply_exemptions(once, exemptions_from_text(yaml_text(entry()), "ex.yaml", KNOWN))


def test_rows_from_another_source_are_checked_the_same_and_name_their_cells() -> None:
    good = entry()
    wrong = entry(rule="no.such-rule", granted="2026-10-01")
    typo = entry(color="red")
    cells = {key: f"豁免!{chr(65 + n)}{{row}}" for n, key in enumerate(typo)}
    rows = [
        ("台账.xlsx!豁免!2", good, {}),
        ("台账.xlsx!豁免!3", wrong, {k: v.format(row=3) for k, v in cells.items()}),
        ("台账.xlsx!豁免!4", typo, {k: v.format(row=4) for k, v in cells.items()}),
    ]
    with pytest.raises(ExemptionFileError) as caught:
        exemptions_from_records(rows, KNOWN)
    assert sorted(str(p) for p in caught.value.problems) == [
        "豁免!A3: rule: no rule 'no.such-rule'; `yiyang rules list` shows the ids",
        "豁免!H3: expires: 2026-09-30 is before granted 2026-10-01",
        "豁免!I4: color: unknown key; the keys are rule, institution, unit, reason, approved_by, document, "
        "granted, expires",
    ]
    (loaded,) = exemptions_from_records([("台账.xlsx!豁免!2", good, {})], KNOWN)
    assert loaded.source == "台账.xlsx!豁免!2" and loaded.entry == exemptions_from_text(yaml_text(good))[0].entry


MONTH_IDS = {f"2026-{m:02d}": f"fi-2026-{m:02d}" for m in (1, 2, 3, 5, 6, 7, 8)}


@settings(max_examples=40, deadline=None)
@given(st.sets(st.sampled_from(sorted(MONTH_IDS))), st.sets(st.sampled_from([*MONTH_IDS, "2026-04"])))
def test_an_exemption_covers_exactly_its_own_unit(dropped: set[str], exempted: set[str]) -> None:
    data = sample(drop_ids=tuple(MONTH_IDS[m] for m in dropped))
    entries = [entry(unit=unit, document=f"函〔2026〕{n}号") for n, unit in enumerate(sorted(exempted))]
    report = check(data, "2026-09-10", *entries)
    fire = finding(report, "fire.inspection-monthly")
    short = set(fire.evidence["short_periods"])
    assert short == dropped | {"2026-04"}
    covered = set(fire.exemption.units) if fire.exemption else set()
    assert covered == short & exempted
    assert (fire in report.mandatory_violations) == bool(short - exempted)
    assert {o.approval.unit for o in report.exemptions or [] if o.state == "unmatched"} == exempted - short
