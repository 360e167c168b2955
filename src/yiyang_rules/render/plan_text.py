"""The plan for people: a terminal table, and a self-contained HTML page (print it or mail it)."""

from __future__ import annotations

import html
from collections.abc import Iterable

from ..plan import Plan, PlanItem
from .labels import LEVEL_TEXT, pick

STATE_TEXT: dict[str, tuple[str, str]] = {
    "overdue": ("已逾期", "overdue"),
    "due": ("待办", "due"),
    "info": ("提示", "note"),
}

_HEAD = {
    "zh": ("状态", "截止", "规则", "级别", "事项", "依据"),
    "en": ("state", "due", "rule", "level", "to do", "citation"),
}


def _i(lang: str) -> int:
    return 1 if lang == "en" else 0


def _cite(item: PlanItem) -> str:
    return "; ".join(f"{c.document} {c.article}" for c in item.citations)


def _heading(plan: Plan, lang: str) -> str:
    if lang == "en":
        return (
            f"Plan for {plan.institution.name} ({plan.institution.id}), {' + '.join(plan.jurisdiction)}: "
            f"from {plan.as_of} to {plan.until}"
        )
    return (
        f"{plan.institution.name}（{plan.institution.id}）合规计划，{' + '.join(plan.jurisdiction)}："
        f"{plan.as_of} 至 {plan.until}"
    )


def render_table(plans: Iterable[Plan], lang: str = "zh", width: int | None = None) -> str:
    from io import StringIO  # noqa: PLC0415

    from rich.console import Console  # noqa: PLC0415
    from rich.table import Table  # noqa: PLC0415

    buffer = StringIO()
    console = Console(file=buffer, width=width or 160, color_system=None)
    head = _HEAD["en" if lang == "en" else "zh"]
    for plan in plans:
        console.print(_heading(plan, lang), highlight=False, markup=False)
        table = Table(expand=False)
        for name in head[:5]:
            table.add_column(name, overflow="fold")
        for item in plan.items:
            table.add_row(
                STATE_TEXT[item.state][_i(lang)],
                item.due or "—",
                item.rule_id,
                pick(LEVEL_TEXT[item.level.value], lang),
                pick(item.message, lang),
            )
        console.print(table)
        counts = {s: sum(1 for i in plan.items if i.state == s) for s in STATE_TEXT}
        console.print(
            " · ".join(f"{STATE_TEXT[s][_i(lang)]} {n}" for s, n in counts.items()), highlight=False, markup=False
        )
        for note in plan.notes:
            console.print(f"* {pick(note, lang)}", highlight=False, markup=False)
        console.print("")
    return buffer.getvalue()


_CSS = (
    "body{font-family:'Noto Sans CJK SC','Microsoft YaHei',sans-serif;margin:2em}"
    "table{border-collapse:collapse;width:100%}td,th{border:1px solid #999;padding:4px 6px;text-align:left;"
    "vertical-align:top}tr.overdue td{background:#fde2e2}tr.info td{color:#555}"
)


def render_section(plan: Plan, lang: str = "zh") -> str:
    """One plan as an HTML ``<section>`` (for embedding in a larger page)."""
    e = html.escape
    head = _HEAD["en" if lang == "en" else "zh"]
    rows = "".join(
        f'<tr class="{e(item.state)}"><td>{e(STATE_TEXT[item.state][_i(lang)])}</td><td>{e(item.due or "—")}</td>'
        f"<td><code>{e(item.rule_id)}</code><br>{e(pick(item.title, lang))}</td>"
        f"<td>{e(pick(LEVEL_TEXT[item.level.value], lang))}</td><td>{e(pick(item.message, lang))}</td>"
        f"<td>{e(_cite(item))}</td></tr>"
        for item in plan.items
    )
    notes = "".join(f"<li>{e(pick(n, lang))}</li>" for n in plan.notes)
    return (
        f"<section><h2>{e(_heading(plan, lang))}</h2><table><thead><tr>"
        + "".join(f"<th>{e(h)}</th>" for h in head)
        + f"</tr></thead><tbody>{rows}</tbody></table>"
        + (f"<ul>{notes}</ul>" if notes else "")
        + "</section>"
    )


def render_html(plans: Iterable[Plan], lang: str = "zh") -> str:
    title = "合规计划" if lang != "en" else "Compliance plan"
    body = "".join(render_section(p, lang) for p in plans)
    return (
        f'<!DOCTYPE html><html lang="{"en" if lang == "en" else "zh-CN"}"><head><meta charset="utf-8">'
        f"<title>{title}</title><style>{_CSS}</style></head><body><h1>{title}</h1>{body}</body></html>\n"
    )


def render_json(plans: Iterable[Plan], lang: str = "zh") -> str:
    """One plan object per line (JSON Lines), like ``check --format json``."""
    return "".join(p.model_dump_json() + "\n" for p in plans)
