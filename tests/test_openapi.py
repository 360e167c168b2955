"""The committed OpenAPI document (schemas/openapi.json) is current, complete and consistent: every
reference resolves, every operation answers errors with ErrorResponse, and what the engine and the
service produce validates against it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from yiyang_rules.engine import Engine
from yiyang_rules.server.errors import ApiError
from yiyang_rules.server.models import REQUEST_FILE, BatchLineError, LineErrorDetail, ProblemOut
from yiyang_rules.server.openapi import build_openapi, render_openapi
from yiyang_rules.server.views import jurisdiction_list, rule_detail, rule_list

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = ROOT / "schemas" / "openapi.json"


def document() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(COMMITTED.read_text(encoding="utf-8"))
    return data


def validator(component: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator({**document(), "$ref": f"#/components/schemas/{component}"})


def test_committed_openapi_is_current() -> None:
    assert COMMITTED.read_text(encoding="utf-8") == render_openapi(), (
        "run: python -m yiyang_rules.server.openapi  (schemas/openapi.json is stale)"
    )


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [r for value in node.values() for r in _refs(value)]
    if isinstance(node, list):
        return [r for value in node for r in _refs(value)]
    return []


def test_every_reference_resolves_and_every_error_is_an_error_response() -> None:
    doc = build_openapi()
    assert doc["openapi"].startswith("3.1")
    names = set(doc["components"]["schemas"])
    refs = _refs(doc)
    assert refs
    assert {r.rsplit("/", 1)[1] for r in refs} <= names
    assert all(r.startswith("#/components/schemas/") for r in refs)
    ids = []
    for methods in doc["paths"].values():
        for op in methods.values():
            ids.append(op["operationId"])
            for status, response in op["responses"].items():
                if int(status) >= 400:
                    assert response["content"]["application/json"]["schema"] == {
                        "$ref": "#/components/schemas/ErrorResponse"
                    }
    assert len(ids) == len(set(ids))  # a generated client needs unique method names


def test_every_schema_is_valid_json_schema() -> None:
    for name in document()["components"]["schemas"]:
        jsonschema.Draft202012Validator.check_schema(validator(name).schema)


def test_the_sample_snapshot_and_its_report_validate() -> None:
    sample = json.loads((ROOT / "examples" / "beijing-sample.json").read_text(encoding="utf-8"))
    validator("Snapshot").validate(sample)
    report = Engine.load().check(sample)
    validator("Report").validate(json.loads(report.model_dump_json()))


def test_the_snapshot_schema_rejects_a_typo_like_the_engine() -> None:
    sample = json.loads((ROOT / "examples" / "beijing-sample.json").read_text(encoding="utf-8"))
    sample["activities"][0]["kind"] = "fire_inspetion"
    with pytest.raises(jsonschema.ValidationError):
        validator("Snapshot").validate(sample)


def test_the_service_bodies_validate() -> None:
    engine = Engine.load()
    for key, catalog in engine.catalogs.items():
        validator("RuleList").validate(json.loads(rule_list(catalog).model_dump_json(by_alias=True)))
        for rule in catalog.rules:
            validator("RuleDetail").validate(json.loads(rule_detail(rule).model_dump_json(by_alias=True)))
        assert key in jurisdiction_list(dict(engine.catalogs)).model_dump_json()
    validator("JurisdictionList").validate(json.loads(jurisdiction_list(dict(engine.catalogs)).model_dump_json()))
    validator("ErrorResponse").validate(json.loads(ApiError(404, "not_found", "无", "none").json()))
    line = BatchLineError.model_validate(
        {"source": {"file": REQUEST_FILE, "line": 3}, "error": LineErrorDetail(problems=[]).model_dump()}
    )
    validator("BatchLineError").validate(json.loads(line.model_dump_json()))
    with pytest.raises(jsonschema.ValidationError):
        validator("ErrorResponse").validate({"error": {"code": "no_such_code", "message": {"zh": "", "en": ""}}})
    assert ProblemOut.model_fields.keys() == {"path", "message"}
