"""report_json renders a finding's message and evidence with msgspec's encoder: its bytes must be
pydantic-core's (the serializer of ``model_dump_json``) for every value a report can hold."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path

import pytest
from pydantic_core import to_json

from yiyang_rules.catalog import FrozenDict, FrozenList
from yiyang_rules.checks.base import Outcome, Status
from yiyang_rules.engine import Engine
from yiyang_rules.render.json_lines import one_line
from yiyang_rules.report_json import _has_line_break, _json, _text, one_line_piece, rendered_body
from yiyang_rules.sourceref import SourceRef
from yiyang_rules.vocabulary import Label

ROOT = Path(__file__).resolve().parents[1]


class Colour(StrEnum):
    RED = "red"


def test_every_character_is_written_as_pydantic_writes_it() -> None:
    # every code point but the surrogates (not encodable in UTF-8 by either), in chunks
    points = [cp for cp in range(sys.maxunicode + 1) if not 0xD800 <= cp <= 0xDFFF]
    for start in range(0, len(points), 4096):
        text = "".join(chr(cp) for cp in points[start : start + 4096]) + '"\\/'
        assert _text(text) == to_json(text).decode()


@pytest.mark.parametrize(
    "value",
    [
        None,
        True,
        False,
        0,
        -7,
        2**63,
        10**30,
        "",
        "医养结合 “quoted” \n\t\x00\x1f\x7f\u2028",
        [],
        {},
        [1, "a", None, [True, {"k": "v"}]],
        {"a": {"b": [1, 2]}, "空": "值"},
        (1, "x"),
        Colour.RED,
        FrozenList([1, FrozenDict({"a": FrozenList(["b"])})]),
    ],
)
def test_values_a_report_holds(value: object) -> None:
    assert _json(value) == to_json(value)
    assert _text(value) == to_json(value).decode()


def test_the_body_is_the_message_and_evidence_of_a_finding() -> None:
    result = Outcome(Status.COMPLIANT, Label("符合", "met"), {"facts": [{"fact": "policies.x", "actual": None}]})
    assert rendered_body(result) == (to_json({"zh": "符合", "en": "met"}) + b',"evidence":' + to_json(result.evidence))


def test_one_line_pieces_escape_as_one_line_escapes_the_text() -> None:
    for text in [
        "",
        "plain",
        "医养“结合”—…",
        "a\x85b",
        "\u2028",
        "x\u2029y\u2028",
        "\xb7\u2027\u202a",
        "\u2030\x84\xc2",
    ]:
        piece = text.encode()
        assert one_line_piece(piece) == one_line(text).encode(), text
        assert _has_line_break(piece) == (one_line(text) != text), text


def test_a_one_line_report_is_one_line_of_the_report() -> None:
    engine = Engine.load()
    snapshot = json.loads((ROOT / "examples" / "beijing-sample.json").read_text(encoding="utf-8"))
    snapshot["institution"]["name"] += "\u2028院\x85"
    for activity in snapshot.get("activities", []):  # text that evidence may quote
        for key in ("topic", "note"):
            if key in activity:
                activity[key] += "\u2029"
    data = json.dumps(snapshot, ensure_ascii=False).encode()
    where = SourceRef("批次\u2029.jsonl", 3)
    plain = engine.check_assembled(data, located=where)
    line = engine.check_assembled(data, located=where, end=b"\n", one_line=True)
    assert "\u2028" in plain.text and "\u2029" in plain.text
    assert line.data == one_line(plain.text).encode() + b"\n"
    assert (line.institution, line.verdicts) == (plain.institution, plain.verdicts)
