"""The library API that vendors call: Engine.load once, check many; any input form; thread-safe."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from yiyang_rules import Engine, InputError, Report, Snapshot, Status, parse_snapshot
from yiyang_rules.jurisdiction import resolve_province

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "examples" / "beijing-sample.json"
TEXT = SAMPLE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.load()


def dump(report: Report) -> dict[str, Any]:
    data: dict[str, Any] = report.model_dump(mode="json")
    return data


def test_every_input_form_gives_the_same_report(engine: Engine) -> None:
    model = parse_snapshot(TEXT)
    forms: list[Any] = [SAMPLE, TEXT, TEXT.encode("utf-8"), json.loads(TEXT), model]
    reports = [dump(engine.check(form)) for form in forms]
    assert all(r == reports[0] for r in reports)
    assert isinstance(model, Snapshot)


def test_the_report_matches_the_contract_shape(engine: Engine) -> None:
    report = dump(engine.check(SAMPLE))
    assert set(report) >= {"report_version", "engine", "jurisdiction", "as_of", "institution", "summary", "findings"}
    assert report["engine"] == {"name": "yiyang-rules", "version": "0.1.0"}
    for finding in report["findings"]:
        assert set(finding) >= {
            "rule_id",
            "rule_version",
            "status",
            "level",
            "title",
            "message",
            "evidence",
            "citations",
        }
        assert set(finding["title"]) == {"zh", "en"} and set(finding["message"]) == {"zh", "en"}
        assert finding["citations"] and all(set(c) == {"document", "article", "quote"} for c in finding["citations"])
        assert finding["status"] in {s.value for s in Status}


def test_as_of_argument_overrides_the_snapshot(engine: Engine) -> None:
    assert engine.check(SAMPLE, as_of=date(2026, 12, 1)).as_of == "2026-12-01"


def test_checks_are_safe_to_share_between_threads(engine: Engine) -> None:
    expected = dump(engine.check(SAMPLE))
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: dump(engine.check(TEXT)), range(64)))
    assert all(r == expected for r in results)


def test_a_forced_jurisdiction_and_the_layers_applied(engine: Engine) -> None:
    hebei = json.loads(TEXT)
    hebei["institution"].update(province="河北省", region_code="130102")
    assert engine.check(hebei).jurisdiction == ["national"]
    assert Engine.load("national").check(SAMPLE).jurisdiction == ["national"]
    assert Engine.load("陕西").check(SAMPLE).jurisdiction == ["national", "shaanxi"]


@pytest.mark.parametrize(
    ("spelling", "slug"),
    [
        ("beijing", "beijing"),
        ("北京市", "beijing"),
        ("北京", "beijing"),
        ("110000", "beijing"),
        ("shaanxi", "shaanxi"),
        ("陕西省", "shaanxi"),
        ("陕西", "shaanxi"),
        ("610000", "shaanxi"),
        ("shanxi", "shanxi"),
        ("山西", "shanxi"),
        ("Hebei", "hebei"),
        ("内蒙古", "inner-mongolia"),
    ],
)
def test_province_spellings(spelling: str, slug: str) -> None:
    assert resolve_province(spelling).slug == slug


def test_region_code_alone_gives_the_province(engine: Engine) -> None:
    data = json.loads(TEXT)
    del data["institution"]["province"]
    data["institution"]["region_code"] = "610113"
    assert engine.check(data).jurisdiction == ["national", "shaanxi"]


def test_province_and_region_code_must_agree(engine: Engine) -> None:
    data = json.loads(TEXT)
    data["institution"]["region_code"] = "610113"
    with pytest.raises(InputError, match="name different provinces"):
        engine.check(data)


def test_an_unknown_province_lists_the_accepted_forms(engine: Engine) -> None:
    data = json.loads(TEXT)
    data["institution"]["province"] = "Gotham"
    del data["institution"]["region_code"]
    with pytest.raises(InputError, match="GB/T 2260"):
        engine.check(data)


def test_residents_appear_by_id_only(engine: Engine) -> None:
    data = json.loads(TEXT)
    text = json.dumps(dump(engine.check(data)), ensure_ascii=False)
    assert "R-0002" in text
    for resident in data["residents"]:
        assert f'"age": {resident["age"]}' not in text and f'"age":{resident["age"]}' not in text


def test_a_string_that_is_not_json_text_is_a_path(engine: Engine) -> None:
    assert dump(engine.check(str(SAMPLE))) == dump(engine.check(SAMPLE))
    with pytest.raises(InputError, match=r"no-such\.json"):
        engine.check("no-such.json")


def test_a_mapping_with_a_value_json_cannot_hold_is_an_input_error(engine: Engine) -> None:
    data = json.loads(TEXT)
    data["extensions"] = {"when": object()}
    with pytest.raises(InputError, match="not representable as JSON"):
        engine.check(data)
