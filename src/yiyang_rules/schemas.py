"""JSON Schemas generated from the models: ``schemas/snapshot.schema.json``,
``schemas/rule.schema.json`` (for editors: ``# yaml-language-server: $schema=…``) and
``schemas/report.schema.json`` (what ``yiyang check --format json`` prints for each snapshot).

Regenerate with ``python -m yiyang_rules.schemas``; a test fails when the committed files drift.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

from .report import Report
from .resources import schemas_dir
from .rulefile import RuleFile
from .snapshot import Snapshot

# The rule file is a discriminated union, not a model: every schema comes from a TypeAdapter.
SCHEMAS: dict[str, TypeAdapter[Any]] = {
    "snapshot.schema.json": TypeAdapter(Snapshot),
    "rule.schema.json": TypeAdapter(RuleFile),
    "report.schema.json": TypeAdapter(Report),
}
# The report is output: its schema describes what is serialised (defaults are always written).
_OUTPUT_SCHEMAS = frozenset({"report.schema.json"})


def render_schema(name: str) -> str:
    if name in _OUTPUT_SCHEMAS:
        schema = SCHEMAS[name].json_schema(by_alias=True, mode="serialization")
    else:
        schema = SCHEMAS[name].json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://yiyang-rules.invalid/schemas/{name}"
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def write_schemas(directory: Path | None = None) -> list[Path]:
    folder = directory or schemas_dir()
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in SCHEMAS:
        path = folder / name
        path.write_text(render_schema(name), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for written_path in write_schemas(Path(sys.argv[1]) if len(sys.argv) > 1 else None):
        print(written_path)
