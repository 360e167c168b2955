"""The terminal table: the real width (stacked below 100 columns), colour only when asked and never
under NO_COLOR, the status filter, the need-more-information section, citations once, and ids and
names that are data: markup-like text and escape sequences cannot crash or alter the output."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from render_items import HOSTILE_ID, batch, hostile_item, sample_item
from yiyang_rules.checks.base import Status
from yiyang_rules.render import RENDERERS, table
from yiyang_rules.render.base import RenderOptions
from yiyang_rules.render.rollup import rollup
from yiyang_rules.render.table import cell_width, wrap

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def render(**options: object) -> str:
    text = RENDERERS["table"].render([sample_item()], RenderOptions(**options))  # type: ignore[arg-type]
    assert isinstance(text, str)
    return text


@pytest.mark.parametrize("width", [60, 80, 99, 100, 120, 200])
def test_no_line_is_wider_than_the_terminal(width: int) -> None:
    for line in render(width=width).splitlines():
        assert cell_width(line) <= width, line


def test_a_narrow_terminal_gets_the_stacked_layout() -> None:
    narrow, wide = render(width=80), render(width=160)
    assert "✗ 不合规 · 强制 · fire.inspection-monthly" in narrow
    assert "──" not in narrow and "──" in wide
    assert re.search(r"✗ 不合规\s+fire\.inspection-monthly\s+强制", wide)


def test_colour_only_when_asked_and_never_under_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert not ANSI.search(render(width=160))
    coloured = render(width=160, color=True)
    assert "\x1b[1;31m✗ 不合规" in coloured
    assert ANSI.sub("", coloured) == render(width=160)
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b" not in render(width=160, color=True)


def test_the_status_filter_shows_only_those_findings() -> None:
    text = render(width=160, statuses=frozenset({Status.NON_COMPLIANT}))
    assert "fire.inspection-monthly" in text and "safety.hazard-ledger" in text
    assert "admission.service-plan" not in text and "naming.yiyang-title" not in text
    assert "需补充信息" not in text
    total = len(sample_item().report.findings)  # type: ignore[union-attr]
    assert f"({total - 3} 条结论未按 --status 显示)" in text


def test_need_more_information_groups_by_the_missing_fact() -> None:
    text = render(width=160)
    section = text[text.index("需补充信息") :]
    # A fact's Chinese label and its path, then the rules that need it.
    assert "安全生产责任制" in section or "policies.safety_production_responsibility" in section
    block = section[section.index("policies.safety_production_responsibility") :].splitlines()
    assert "safety.production-systems" in block[1]
    english = render(width=160, lang="en")
    assert "Need more information" in english


def test_citations_are_listed_once() -> None:
    text = render(width=400)
    (row,) = [line for line in text.splitlines() if "safety.hazard-ledger" in line and "✗" in line]
    assert row.count("京卫老龄〔2025〕3号 六（二十）") == 1  # cited by two quotes of the same article


def test_markup_like_ids_are_printed_as_they_are_and_escapes_are_neutralised() -> None:
    item = hostile_item()
    for width in (80, 160):
        text = RENDERERS["table"].render([item], RenderOptions(width=width, color=False))
        assert isinstance(text, str)
        assert "\x1b" not in text and "\u202e" not in text and "\x07" not in text
        assert "[/]\\x1b[31m<b>x</b>|[bold]y[/bold]\\u202e" in text.replace("\n", "")
        assert "\\x1b[2J" in text  # the resident id in a message
    coloured = RENDERERS["table"].render([item], RenderOptions(width=160, color=True))
    assert isinstance(coloured, str)
    # Only our own colour codes: every ESC starts an SGR sequence we wrote.
    assert all(m.group(0) for m in ANSI.finditer(coloured))
    assert coloured.count("\x1b") == len(ANSI.findall(coloured))
    assert HOSTILE_ID not in coloured


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab 中文（）〔〕、。,.x")), max_size=80), st.integers(2, 30))
def test_wrap_law_width_and_characters(text: str, width: int) -> None:
    lines = wrap(text, width)
    assert all(cell_width(line) <= width for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")


def test_a_line_never_starts_with_closing_punctuation() -> None:
    lines = wrap("国卫办老龄发〔2025〕29号 六（十九）; 国卫老龄发〔2024〕40号 四（十一）", 13)
    assert not any(line[:1] in "〕）；;" for line in lines), lines


def test_wrap_keeps_every_character_and_the_width() -> None:
    text = "快照未提供：practices.services_and_fees_published and some English words 以及中文"
    for width in (5, 9, 17, 40):
        lines = wrap(text, width)
        assert all(cell_width(line) <= width for line in lines)
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")


def test_the_summary_table_has_a_row_per_institution_and_per_rule() -> None:
    items = batch()[:10]
    text = RENDERERS["table"].render(items, RenderOptions(width=160, summary=True))
    assert isinstance(text, str)
    for item in items:
        if item.report:
            assert item.report.institution.id in text
    assert "输入有误" in text
    assert "fire.inspection-monthly" in text
    for width in (70, 160):
        narrow = table.render_summary(rollup(items), RenderOptions(width=width))
        assert all(cell_width(line) <= width for line in narrow.splitlines())
