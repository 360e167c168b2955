"""The committed JSON Schemas are current, and what they describe validates against them."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from yiyang_rules.schemas import SCHEMAS, render_schema
from yiyang_rules.yamlfile import load_yaml_file

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_committed_schema_is_current(name: str) -> None:
    committed = (ROOT / "schemas" / name).read_text(encoding="utf-8")
    assert committed == render_schema(name), f"run: python -m yiyang_rules.schemas  (schemas/{name} is stale)"


def test_the_example_snapshots_validate_against_the_snapshot_schema() -> None:
    schema = json.loads((ROOT / "schemas" / "snapshot.schema.json").read_text(encoding="utf-8"))
    for path in sorted((ROOT / "examples").glob("*.json")):
        jsonschema.validate(json.loads(path.read_text(encoding="utf-8")), schema)


def test_the_schema_rejects_a_typo_like_the_engine() -> None:
    schema = json.loads((ROOT / "schemas" / "snapshot.schema.json").read_text(encoding="utf-8"))
    data = json.loads((ROOT / "examples" / "beijing-sample.json").read_text(encoding="utf-8"))
    data["activities"][0]["kind"] = "fire_inspetion"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema)


def test_every_rule_file_validates_against_the_rule_schema() -> None:
    schema = json.loads((ROOT / "schemas" / "rule.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    for path in sorted((ROOT / "rules").glob("*/*.yaml")):
        data = json.loads(json.dumps(load_yaml_file(path).data, default=str))
        errors = [e.message for e in validator.iter_errors(data)]
        assert errors == [], f"{path}: {errors[:3]}"


def test_the_rule_schema_tells_the_shapes_apart_like_the_loader() -> None:
    schema = json.loads((ROOT / "schemas" / "rule.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    for path in sorted((ROOT / "tests" / "fixtures" / "packs" / "chain").glob("*/*.yaml")):
        if path.name == "pack.yaml":
            continue
        data = json.loads(json.dumps(load_yaml_file(path).data, default=str))
        assert list(validator.iter_errors(data)) == [], path
    restate = json.loads(
        json.dumps(load_yaml_file(ROOT / "rules/beijing/fire.inspection-monthly.yaml").data, default=str)
    )
    national = json.loads(
        json.dumps(load_yaml_file(ROOT / "rules/national/fire.inspection-monthly.yaml").data, default=str)
    )
    assert validator.is_valid(restate)
    assert not validator.is_valid({**restate, "versions": national["versions"]})  # a restate changes nothing
    assert not validator.is_valid({**restate, "overlay": {**restate["overlay"], "operation": "tighten"}})  # no versions
    assert validator.is_valid(
        {**restate, "overlay": {**restate["overlay"], "operation": "tighten"}, "versions": national["versions"]}
    )
