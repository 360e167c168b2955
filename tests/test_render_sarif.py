"""SARIF: one log for any number of snapshots, valid against the official SARIF 2.1.0 schema
(tests/fixtures, from oasis-tcs/sarif-spec), loaded by a SARIF reader (sarif-tools); every result
has a physical location; fingerprints are stable; levels follow status and level."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema

from render_items import FIXTURES, batch, check, hostile_item, sample_data, sample_item
from yiyang_rules.checks.base import Status
from yiyang_rules.render import RENDERERS
from yiyang_rules.render.base import BatchItem, RenderOptions
from yiyang_rules.render.sarif import artifact_uri, fingerprint
from yiyang_rules.report import SourceRef

SCHEMA = json.loads((FIXTURES / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))


def sarif(items: list[BatchItem] | tuple[BatchItem, ...], **options: object) -> dict[str, Any]:
    text = RENDERERS["sarif"].render(list(items), RenderOptions(**options))  # type: ignore[arg-type]
    assert isinstance(text, str)
    return json.loads(text)  # type: ignore[no-any-return]


def test_one_log_validates_against_the_official_schema() -> None:
    validator = jsonschema.Draft4Validator(SCHEMA)
    for items in ([sample_item()], batch()[:40], [hostile_item()]):
        log = sarif(items)
        assert [e.message for e in validator.iter_errors(log)] == []
        assert len(log["runs"]) == 1


def test_the_schema_can_say_no() -> None:
    log = sarif([sample_item()])
    del log["runs"][0]["tool"]
    assert not jsonschema.Draft4Validator(SCHEMA).is_valid(log)


def test_every_result_has_a_physical_location_with_the_line() -> None:
    items = batch()[:40]
    log = sarif(items)
    results = log["runs"][0]["results"]
    expected = sum(
        1
        for i in items
        if i.report
        for f in i.report.findings
        if f.status in (Status.NON_COMPLIANT, Status.INSUFFICIENT_DATA)
    )
    assert len(results) == expected
    lines = set()
    for result in results:
        physical = result["locations"][0]["physicalLocation"]
        assert physical["artifactLocation"]["uri"] == "batch.jsonl"
        lines.add(physical["region"]["startLine"])
    assert 3 not in lines  # the bad line has no results ...
    notes = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert notes[0]["locations"][0]["physicalLocation"]["region"]["startLine"] == 3  # ... but a notification
    assert log["runs"][0]["invocations"][0]["executionSuccessful"] is False


def test_levels_follow_status_and_level() -> None:
    levels = {r["ruleId"]: r["level"] for r in sarif([sample_item()])["runs"][0]["results"]}
    assert levels["fire.inspection-monthly"] == "error"
    assert levels["admission.service-plan"] == "note"
    assert "naming.yiyang-title" not in levels  # compliant: not a result
    data = copy.deepcopy(sample_data())
    data.setdefault("practices", {})["nutrition_instructor"] = False  # a recommended rule, not met
    item = check(data, SourceRef(file="recommended.json"))
    recommended_nc = [
        r for r in sarif([item])["runs"][0]["results"]
        if r["properties"]["status"] == "non_compliant" and r["properties"]["level"] == "recommended"
    ]  # fmt: skip
    assert [r["ruleId"] for r in recommended_nc] == ["nutrition.instructor"]
    assert all(r["level"] == "warning" for r in recommended_nc)


def test_fingerprints_are_stable_across_runs_and_file_names() -> None:
    item = sample_item()
    assert item.report is not None
    moved = BatchItem(SourceRef(file="elsewhere/renamed.json"), item.report.model_copy(update={"source": None}))
    first = {r["ruleId"]: r["partialFingerprints"] for r in sarif([item])["runs"][0]["results"]}
    second = {r["ruleId"]: r["partialFingerprints"] for r in sarif([moved], lang="en")["runs"][0]["results"]}
    assert first == second
    assert first["fire.inspection-monthly"]["yiyang/v1"] == fingerprint(
        item.report.institution.id, "fire.inspection-monthly"
    )
    assert len({v["yiyang/v1"] for v in first.values()}) == len(first)


def test_rule_help_carries_each_cited_quote_once() -> None:
    log = sarif(batch()[:20])
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert len({r["id"] for r in rules}) == len(rules)
    fire = next(r for r in rules if r["id"] == "fire.inspection-monthly")
    assert "每月至少组织1次防火检查" in fire["help"]["text"]
    lines = fire["help"]["text"].splitlines()
    assert len(lines) == len(set(lines))
    for result in log["runs"][0]["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def test_artifact_uris() -> None:
    assert artifact_uri("batch.jsonl") == "batch.jsonl"
    assert artifact_uri("数据/机构 1.json") == "%E6%95%B0%E6%8D%AE/%E6%9C%BA%E6%9E%84%201.json"
    assert artifact_uri("/srv/data/a.json") == "file:///srv/data/a.json"


def test_a_sarif_reader_loads_the_log(tmp_path: Path) -> None:
    from sarif import loader  # noqa: PLC0415 - sarif-tools, in the test extra

    path = tmp_path / "report.sarif"
    path.write_text(RENDERERS["sarif"].render(list(batch()[:20]), RenderOptions()), encoding="utf-8")  # type: ignore[arg-type]
    log = loader.load_sarif_file(str(path))
    records = log.get_records()
    assert len(records) == log.get_result_count() > 0
    assert {r["Severity"] for r in records} <= {"error", "warning", "note"}
    assert all(r["Location"] == "batch.jsonl" and r["Line"] >= 1 for r in records)
