"""The comparison of two runs for people (a terminal table, an HTML section) and programs (JSON)."""

from __future__ import annotations

import html

from ..compare import CHANGE_KINDS, Change, Comparison
from .labels import LEVEL_TEXT, STATUS_TEXT, pick

CHANGE_TEXT: dict[str, tuple[str, str]] = {
    "new": ("新增问题", "new"),
    "resolved": ("已整改", "resolved"),
    "still_open": ("仍未整改", "still open"),
    "changed_status": ("状态变化", "changed status"),
    "version_changed": ("规则版本变化", "version changed"),
    "unchanged": ("无变化", "unchanged"),
    "rule_added": ("新增规则", "rule added"),
    "rule_retired": ("规则停用", "rule retired"),
    "institution_added": ("新增机构", "institution added"),
    "institution_removed": ("机构缺失", "institution removed"),
}

# Most urgent first; unchanged last (and hidden unless asked for).
_ORDER = {k: i for i, k in enumerate(CHANGE_KINDS)}


def _i(lang: str) -> int:
    return 1 if lang == "en" else 0


def _status(change: Change, lang: str) -> str:
    old = pick(STATUS_TEXT[change.old_status], lang) if change.old_status else "—"
    new = pick(STATUS_TEXT[change.new_status], lang) if change.new_status else "—"
    text = f"{old} → {new}"
    if change.version_changed:
        text += f" (v{change.old_version} → v{change.new_version})"
    if change.exempted:
        text += " [豁免]" if lang != "en" else " [exempted]"
    return text


def _shown(comparison: Comparison, show_unchanged: bool) -> list[Change]:
    kept = [c for c in comparison.changes if show_unchanged or c.change != "unchanged"]
    return sorted(kept, key=lambda c: (_ORDER[c.change], c.institution, c.rule_id, c.unit or ""))


def _totals(comparison: Comparison, lang: str) -> str:
    parts = [f"{CHANGE_TEXT[k][_i(lang)]} {n}" for k, n in comparison.summary.items() if n]
    label = "新增强制性问题" if lang != "en" else "new mandatory violations"
    return " · ".join(parts) + f" | {label}: {comparison.new_mandatory_violations}"


def render_table(comparison: Comparison, lang: str = "zh", show_unchanged: bool = False) -> str:
    from io import StringIO  # noqa: PLC0415

    from rich.console import Console  # noqa: PLC0415
    from rich.table import Table  # noqa: PLC0415

    head = (
        ("change", "institution", "rule", "unit", "level", "status", "message")
        if lang == "en"
        else ("变化", "机构", "规则", "单元", "级别", "状态", "说明")
    )
    buffer = StringIO()
    console = Console(file=buffer, width=160, color_system=None)
    console.print(
        f"OLD: {', '.join(comparison.old.sources)} ({', '.join(comparison.old.as_of)})  "
        f"NEW: {', '.join(comparison.new.sources)} ({', '.join(comparison.new.as_of)})",
        highlight=False,
        markup=False,
    )
    table = Table(expand=False)
    for name in head:
        table.add_column(name, overflow="fold")
    for change in _shown(comparison, show_unchanged):
        table.add_row(
            CHANGE_TEXT[change.change][_i(lang)],
            change.institution,
            change.rule_id,
            change.unit or "—",
            pick(LEVEL_TEXT[change.level.value], lang),
            _status(change, lang),
            pick(change.message, lang),
        )
    console.print(table)
    console.print(_totals(comparison, lang), highlight=False, markup=False)
    return buffer.getvalue()


def render_section(comparison: Comparison, lang: str = "zh", show_unchanged: bool = False) -> str:
    e = html.escape
    head = (
        ("变化", "机构", "规则", "单元", "级别", "状态", "说明")
        if lang != "en"
        else ("change", "institution", "rule", "unit", "level", "status", "message")
    )
    rows = "".join(
        f'<tr class="{e(c.change)}"><td>{e(CHANGE_TEXT[c.change][_i(lang)])}</td><td>{e(c.institution)}</td>'
        f"<td><code>{e(c.rule_id)}</code><br>{e(pick(c.title, lang))}</td><td>{e(c.unit or '—')}</td>"
        f"<td>{e(pick(LEVEL_TEXT[c.level.value], lang))}</td><td>{e(_status(c, lang))}</td>"
        f"<td>{e(pick(c.message, lang))}</td></tr>"
        for c in _shown(comparison, show_unchanged)
    )
    title = "两次检查对比" if lang != "en" else "Comparison of two checks"
    return (
        f"<section><h2>{e(title)}</h2><p>{e(_totals(comparison, lang))}</p><table><thead><tr>"
        + "".join(f"<th>{e(h)}</th>" for h in head)
        + f"</tr></thead><tbody>{rows}</tbody></table></section>"
    )


_CSS = (
    "body{font-family:'Noto Sans CJK SC','Microsoft YaHei',sans-serif;margin:2em}"
    "table{border-collapse:collapse;width:100%}td,th{border:1px solid #999;padding:4px 6px;text-align:left;"
    "vertical-align:top}tr.new td{background:#fde2e2}tr.resolved td{background:#e2f5e2}"
)


def render_html(comparison: Comparison, lang: str = "zh", show_unchanged: bool = False) -> str:
    return (
        f'<!DOCTYPE html><html lang="{"en" if lang == "en" else "zh-CN"}"><head><meta charset="utf-8">'
        f"<title>compare</title><style>{_CSS}</style></head><body>"
        f"{render_section(comparison, lang, show_unchanged)}</body></html>\n"
    )


def render_json(comparison: Comparison, lang: str = "zh", show_unchanged: bool = True) -> str:
    return comparison.model_dump_json() + "\n"
