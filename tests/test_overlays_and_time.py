"""Layering and time: restate, tighten, add, retire; versions switch at their effective date."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from yiyang_rules import Engine
from yiyang_rules.catalog import NATIONAL, compile_catalog, load_rules

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = json.loads((ROOT / "examples" / "beijing-sample.json").read_text(encoding="utf-8"))
FIRE = (ROOT / "rules/national/fire.inspection-monthly.yaml").read_text(encoding="utf-8")
CITE = """citations:
  - document: 京卫老龄〔2025〕3号
    article: 六（二十）
    quote: 每月至少组织1次防火检查
"""


def pack(tmp_path: Path, files: dict[str, str]) -> Path:
    for relative, text in files.items():
        path = tmp_path / "rules" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path / "rules"


def fire_finding(rules: Path, data: dict[str, Any], as_of: date | None = None) -> dict[str, Any] | None:
    report = Engine.load(rules_dir=rules).check(data, as_of=as_of).model_dump(mode="json")
    return next((f for f in report["findings"] if f["rule_id"] == "fire.inspection-monthly"), None)


def test_restate_keeps_the_rule_and_cites_both_documents(tmp_path: Path) -> None:
    restate = "id: fire.inspection-monthly\noverlay: {operation: restate, base_version: 1.0.0}\n" + CITE
    rules = pack(
        tmp_path, {"national/fire.inspection-monthly.yaml": FIRE, "beijing/fire.inspection-monthly.yaml": restate}
    )
    finding = fire_finding(rules, SAMPLE)
    assert finding is not None and finding["overlay"] == "restate" and finding["layers"] == ["national", "beijing"]
    assert {c["document"] for c in finding["citations"]} == {"国卫办老龄发〔2025〕29号", "京卫老龄〔2025〕3号"}
    national = fire_finding(
        rules, {**SAMPLE, "institution": {**SAMPLE["institution"], "province": "hebei", "region_code": "130102"}}
    )
    assert national is not None and national["status"] == finding["status"]
    assert [c["document"] for c in national["citations"]] == ["国卫办老龄发〔2025〕29号"] * 2


def test_retire_removes_the_rule_in_that_province_only(tmp_path: Path) -> None:
    retire = "id: fire.inspection-monthly\noverlay: {operation: retire, base_version: 1.0.0}\n" + CITE
    rules = pack(
        tmp_path, {"national/fire.inspection-monthly.yaml": FIRE, "beijing/fire.inspection-monthly.yaml": retire}
    )
    assert fire_finding(rules, SAMPLE) is None
    loaded = load_rules(rules)
    assert compile_catalog(loaded, (NATIONAL, "beijing")).retired == ("fire.inspection-monthly",)
    assert compile_catalog(loaded, (NATIONAL,)).get("fire.inspection-monthly") is not None


def test_tighten_applies_from_its_date_and_earlier_periods_keep_the_national_version(tmp_path: Path) -> None:
    tighten = (
        "id: fire.inspection-monthly\noverlay: {operation: tighten, base_version: 1.0.0}\n"
        + CITE
        + "versions:\n  - version: 1.1.0+beijing\n    in_force: {from: 2026-03-01, basis: test}\n"
        + "    check: {kind: period_count, activity: fire_inspection, period: month, min_count: 2}\n"
    )
    rules = pack(
        tmp_path, {"national/fire.inspection-monthly.yaml": FIRE, "beijing/fire.inspection-monthly.yaml": tighten}
    )
    finding = fire_finding(rules, SAMPLE)
    assert finding is not None
    periods = {p["period"]: p for p in finding["evidence"]["periods"]}
    assert periods["2026-02"]["required"] == 1 and periods["2026-02"]["version"] == "1.0.0"
    assert periods["2026-03"]["required"] == 2 and periods["2026-03"]["version"] == "1.1.0+beijing"
    assert periods["2026-03"]["state"] == "short" and periods["2026-01"]["state"] == "met"


def test_a_new_version_switches_at_its_effective_date(tmp_path: Path) -> None:
    two_versions = FIRE.replace(
        "examples:",
        "  - version: 2.0.0\n    in_force: {from: 2026-05-01, basis: test}\n"
        "    check: {kind: period_count, activity: fire_inspection, period: month, min_count: 2}\n"
        "    changes: twice a month\nexamples:",
    )
    rules = pack(tmp_path, {"national/fire.inspection-monthly.yaml": two_versions})
    data = {**SAMPLE, "institution": {**SAMPLE["institution"], "province": "hebei", "region_code": "130102"}}
    finding = fire_finding(rules, data)
    assert finding is not None
    states = {p["period"]: (p["state"], p["version"]) for p in finding["evidence"]["periods"]}
    assert states["2026-03"] == ("met", "1.0.0")
    assert states["2026-04"] == ("short", "1.0.0")  # the sample's missing month
    assert states["2026-05"] == ("short", "2.0.0")  # one inspection, two required from May
    assert finding["rule_version"] == "2.0.0"
    early = fire_finding(rules, data, as_of=date(2026, 4, 10))
    assert early is not None and early["rule_version"] == "1.0.0"


def test_no_retroactive_enforcement_before_the_rule_took_effect() -> None:
    engine = Engine.load("national")
    data = {**SAMPLE, "as_of": "2026-01-20", "period": {"start": "2025-10-01", "end": "2025-12-31"}}
    report = engine.check(data).model_dump(mode="json")
    fire = next(f for f in report["findings"] if f["rule_id"] == "fire.inspection-monthly")
    states = {p["period"]: p["state"] for p in fire["evidence"]["periods"]}
    assert states == {"2025-10": "not_in_force", "2025-11": "not_in_force", "2025-12": "not_in_force"}
    assert fire["status"] == "insufficient_data"


def test_a_rule_not_yet_in_force_is_not_applicable() -> None:
    # Shaanxi's 10-technique rule (到2025年) is in force from 2026-01-01.
    data = {
        **SAMPLE,
        "as_of": "2025-10-15",
        "period": {"start": "2025-04-01", "end": "2025-09-30"},
        "institution": {**SAMPLE["institution"], "province": "shaanxi", "region_code": "610113"},
    }
    report = Engine.load("shaanxi").check(data).model_dump(mode="json")
    future = [f for f in report["findings"] if f["evidence"].get("in_force_from", "") > data["as_of"]]
    assert future, "expected at least one Shaanxi rule in force only from 2026 (tcm.health-center-ten-techniques)"
    assert all(f["status"] == "not_applicable" for f in future)


def test_the_three_jurisdictions_of_the_done_criteria() -> None:
    engine = Engine.load()
    beijing = engine.check(SAMPLE).model_dump(mode="json")
    shaanxi_data = {
        **SAMPLE,
        "institution": {
            **SAMPLE["institution"],
            "province": "陕西省",
            "region_code": "610113",
            "kinds": ["medical", "elderly_care"],
        },
        "facilities": {
            "zoned_management": True,
            "elderly_area_physically_separated": False,
            "flammable_color_steel_plate_occupied": True,
        },
    }
    shaanxi = engine.check(shaanxi_data).model_dump(mode="json")
    hebei = engine.check(
        {**SAMPLE, "institution": {**SAMPLE["institution"], "province": "130000", "region_code": "130102"}}
    ).model_dump(mode="json")
    assert beijing["jurisdiction"] == ["national", "beijing"]
    assert shaanxi["jurisdiction"] == ["national", "shaanxi"] and hebei["jurisdiction"] == ["national"]
    by = {name: {f["rule_id"]: f for f in r["findings"]} for name, r in (("b", beijing), ("s", shaanxi), ("h", hebei))}
    assert by["s"]["zoning.separate-areas"]["status"] == "non_compliant"  # zoned but not physically separated
    assert by["h"]["zoning.separate-areas"]["status"] == "compliant"
    assert by["s"]["facility.color-steel-plate-ban"]["status"] == "non_compliant"
    assert "facility.color-steel-plate-ban" not in by["b"] and "facility.color-steel-plate-ban" not in by["h"]
    assert by["b"]["safety.hazard-ledger"]["status"] == "non_compliant"
    assert by["h"]["safety.hazard-ledger"]["status"] == "compliant"
    assert any(c["document"] == "陕卫老龄发〔2024〕6号" for c in by["s"]["zoning.separate-areas"]["citations"])


HAZARDS_NATIONAL = (ROOT / "rules/national/safety.hazard-ledger.yaml").read_text(encoding="utf-8")
HAZARDS_BEIJING = (ROOT / "rules/beijing/safety.hazard-ledger.yaml").read_text(encoding="utf-8")


def test_a_tighten_judges_each_hazard_deadline_under_the_version_in_force_when_it_passed(tmp_path: Path) -> None:
    # The national rule in force from mid-2025 (a test pack), Beijing's stricter one from 2025-12-25:
    # a deadline missed in 2025 falls under the national version, which does not fail it.
    earlier = HAZARDS_NATIONAL.replace("from: 2025-12-25", "from: 2025-06-01")
    rules = pack(
        tmp_path,
        {"national/safety.hazard-ledger.yaml": earlier, "beijing/safety.hazard-ledger.yaml": HAZARDS_BEIJING},
    )
    missed_2025 = {
        "id": "H-1",
        "found": "2025-08-01",
        "rectified": "2025-10-01",
        "plan": {"responsible": "张三", "deadline": "2025-09-01"},
    }
    missed_2026 = {
        "id": "H-2",
        "found": "2026-01-05",
        "rectified": "2026-02-01",
        "plan": {"responsible": "李四", "deadline": "2026-01-10"},
    }
    data = {**SAMPLE, "policies": {**SAMPLE.get("policies", {}), "hazard_ledger": True}}
    engine = Engine.load(rules_dir=rules)

    def ledger(hazards: list[dict[str, Any]]) -> dict[str, Any]:
        report = engine.check({**data, "hazards": hazards}).model_dump(mode="json")
        return next(f for f in report["findings"] if f["rule_id"] == "safety.hazard-ledger")

    assert ledger([missed_2025])["status"] == "compliant"
    both = ledger([missed_2025, missed_2026])
    assert both["status"] == "non_compliant" and both["evidence"]["violations"] == ["H-2"]
    versions = {h["id"]: h["version"] for h in both["evidence"]["hazards"]}
    assert versions == {"H-1": "1.0.0", "H-2": "1.1.0+beijing"}
