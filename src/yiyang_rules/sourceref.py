"""Where a report's snapshot came from. A stdlib dataclass, not a pydantic model, so that the
command line's JSON path (which carries one per input and writes it into the report bytes)
imports no pydantic; the report model (:class:`.report.Report`) still validates, serialises and
describes it in its schema as before (schemas/report.schema.json does not change)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar


@dataclass(frozen=True)
class SourceRef:
    """Where a report's snapshot came from: the file, and the line for a ``.jsonl`` batch."""

    # Read by pydantic where a model holds a SourceRef (a plain dict: ConfigDict is a TypedDict):
    # the report models' output config, so that its schema lists ``line`` as required, as before.
    __pydantic_config__: ClassVar[dict[str, Any]] = {"json_schema_serialization_defaults_required": True}

    file: str
    line: int | None = None

    def as_dict(self) -> dict[str, Any]:
        """The fields as the report JSON writes them (what ``model_dump()`` gave)."""
        return {"file": self.file, "line": self.line}
