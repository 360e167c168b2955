"""Markdown: data is escaped (markup, pipes, HTML, control characters), citations once, need-info."""

from __future__ import annotations

from render_items import hostile_item, sample_item
from yiyang_rules.render import RENDERERS
from yiyang_rules.render.base import RenderOptions
from yiyang_rules.render.markdown import md


def test_markdown_escapes_what_would_change_the_table_or_the_page() -> None:
    text = RENDERERS["markdown"].render([hostile_item()], RenderOptions())
    assert isinstance(text, str)
    assert "\x1b" not in text and "\u202e" not in text and "\x07" not in text
    assert "<script>" not in text and "<b>" not in text
    assert "&lt;script&gt;" in text
    # Every table row keeps its six cells: a '|' in an id is escaped.
    rows = [line for line in text.splitlines() if line.startswith("| ") and "---" not in line]
    assert rows and all(line.count("|") - line.count("\\|") == 7 for line in rows)


def test_md_escapes_markdown_punctuation() -> None:
    assert md("[x](y) *b* _i_ `c` |") == "\\[x\\](y) \\*b\\* \\_i\\_ \\`c\\` \\|"
    assert md("a\x1bb") == "a\\\\x1bb"


def test_markdown_lists_need_more_information_and_citations_once() -> None:
    text = RENDERERS["markdown"].render([sample_item()], RenderOptions())
    assert isinstance(text, str)
    assert "## 需补充信息" in text
    (row,) = [line for line in text.splitlines() if "safety.hazard-ledger" in line and "✗" in line]
    assert row.count("京卫老龄〔2025〕3号 六（二十）") == 1
