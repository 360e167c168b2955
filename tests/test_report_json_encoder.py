"""report_json renders a finding's message and evidence with msgspec's encoder: its bytes must be
pydantic-core's (the serializer of ``model_dump_json``) for every value a report can hold."""

from __future__ import annotations

import sys
from enum import StrEnum

import pytest
from pydantic_core import to_json

from yiyang_rules.catalog import FrozenDict, FrozenList
from yiyang_rules.checks.base import Outcome, Status
from yiyang_rules.report_json import _text, rendered_body
from yiyang_rules.vocabulary import Label


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
    assert _text(value) == to_json(value).decode()


def test_the_body_is_the_message_and_evidence_of_a_finding() -> None:
    result = Outcome(Status.COMPLIANT, Label("符合", "met"), {"facts": [{"fact": "policies.x", "actual": None}]})
    assert rendered_body(result) == (
        to_json({"zh": "符合", "en": "met"}).decode() + ',"evidence":' + to_json(result.evidence).decode()
    )
