"""JSON Lines: one line per input, in input order.

A checked snapshot gives the report JSON (``schemas/report.schema.json``) with its ``source``; an
input that could not be checked gives an error record in its place, so line N of the output always
belongs to input N::

    {"source": {"file": "batch.jsonl", "line": 7},
     "error": {"problems": [{"path": "activities[0].kind", "message": {"zh": "…", "en": "…"}}]}}

The report keeps every finding (one per rule, as the contract says), whatever ``--status`` says:
the filter is for the formats people read. ``--summary`` gives one JSON object instead: the
roll-up (see :mod:`.rollup`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from .base import BatchItem, RenderOptions
from .rollup import Rollup, rollup
from .text import error_problems, report_of

# NEL, LINE SEPARATOR and PARAGRAPH SEPARATOR end a line for some readers (Python's str.splitlines,
# older JavaScript): written as escapes, one record stays one line. They can only occur inside JSON
# strings here, where the escape means the same character.
_LINE_BREAKS = str.maketrans({"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def one_line(json_text: str) -> str:
    """A JSON text that no reader can split: the report line of the CLI and of the HTTP service."""
    # str.translate visits every character in Python-level steps (about 2 ms for a 60 KiB report,
    # more than checking it); `in` scans in C, and these characters are rare.
    if "\x85" in json_text or "\u2028" in json_text or "\u2029" in json_text:
        return json_text.translate(_LINE_BREAKS)
    return json_text


def error_record(item: BatchItem) -> dict[str, Any]:
    assert item.error is not None
    return {"source": item.source.as_dict(), "error": {"problems": error_problems(item.error)}}


def render_one(item: BatchItem, options: RenderOptions) -> str:
    report = report_of(item)
    if report is None:
        return one_line(json.dumps(error_record(item), ensure_ascii=False)) + "\n"
    return one_line(report.model_dump_json()) + "\n"


def render_summary(summary: Rollup, options: RenderOptions) -> str:
    return one_line(json.dumps(summary.as_dict(), ensure_ascii=False)) + "\n"


def render(items: Sequence[BatchItem], options: RenderOptions) -> str:
    if options.summary:
        return render_summary(rollup(items), options)
    return "".join(render_one(item, options) for item in items)
