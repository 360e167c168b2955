"""Law: whatever text an institution's id and name hold, every format keeps it data. HTML parses to
the same elements with the text in its place, the table and Markdown carry no control character,
JUnit stays well-formed XML, the xlsx cell is that text."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from io import BytesIO

from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from render_items import sample_item
from test_render_html import parse
from yiyang_rules.render import RENDERERS
from yiyang_rules.render.base import BatchItem, RenderOptions
from yiyang_rules.render.text import printable
from yiyang_rules.report import InstitutionRef

BASE = sample_item()
TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("<>&\"'[]/|*_`=\\#\n\t\x1b\x07\x00\u202e\u2066\ufffe\uffff ")),
        st.characters(codec="utf-8"),
    ),
    min_size=1,
    max_size=40,
)


def item_named(identifier: str, name: str) -> BatchItem:
    assert BASE.report is not None
    report = BASE.report.model_copy(update={"institution": InstitutionRef(id=identifier, name=name)})
    return BatchItem(BASE.source, report)


@settings(max_examples=60, deadline=None)
@given(TEXT, TEXT)
def test_any_id_and_name_stay_data_in_every_format(identifier: str, name: str) -> None:
    item = item_named(identifier, name)
    options = RenderOptions(width=120)

    page = parse(RENDERERS["html"].render([item], options))
    assert page.all("h1")[0].content() == printable(name)
    assert page.all("section", class_="report")[0].attrs["data-institution"] == printable(identifier)
    assert not page.all("script")

    for fmt in ("table", "markdown"):
        text = RENDERERS[fmt].render([item], options)
        assert isinstance(text, str)
        assert not any(ord(c) < 32 and c != "\n" for c in text)
        assert "\u202e" not in text and "\x7f" not in text

    junit = RENDERERS["junit"].render([item], options)
    assert isinstance(junit, str)
    suite = ET.fromstring(junit.encode())[0]
    assert suite.get("name") == printable(f"{name} ({identifier})")

    sarif = json.loads(str(RENDERERS["sarif"].render([item], options)))
    assert sarif["runs"][0]["results"][0]["locations"][0]["logicalLocations"][0]["name"] == identifier

    data = RENDERERS["xlsx"].render([item], options)
    assert isinstance(data, bytes)
    cell = load_workbook(BytesIO(data))["汇总"].cell(row=2, column=2)
    assert cell.value == printable(name, keep_newlines=True) and cell.data_type == "s"
