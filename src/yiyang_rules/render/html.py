"""A self-contained, printable HTML report (自查报告): one file, inline CSS and SVG, no network.

For one snapshot: the institution header, a summary (counts and a bar), a calendar strip for every
periodic obligation (one cell per month / quarter / half-year / year, coloured by what was judged),
then 需整改 (non-compliant: the reason, the evidence, what would fix it, the cited articles with
their quotes), 需补充信息 (insufficient data, grouped by the fact the snapshot lacks, with its
Chinese label), then the rest, and a signature block. A batch gets a cover (the roll-up) and one page
per institution; ``--summary`` gives the cover alone.

Everything from a snapshot or a report is escaped (``html.escape`` after control characters are made
visible): an id or a name is never markup.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Sequence
from typing import Any

from .._version import __version__
from ..checks.base import Status
from ..levels import Level
from ..report import Finding, Report
from ..vocabulary import ACTIVITY_LABELS, ActivityKind, fact_label
from .base import BatchItem, Lang, RenderOptions
from .labels import LEVEL_TEXT, STATUS_MARK, STATUS_ORDER, STATUS_TEXT, pick
from .rollup import STATUSES, Rollup, rollup
from .text import group_by_missing, missing_text, printable, report_of, source_text, unique_citations


def e(text: object) -> str:
    """Escape data for HTML text and attribute values."""
    return html.escape(printable(text), quote=True)


W: dict[str, dict[str, str]] = {
    "zh": {
        "title": "医养结合机构自查报告",
        "batch_title": "医养结合机构合规检查汇总",
        "institution": "机构",
        "id": "统一社会信用代码/标识",
        "jurisdiction": "适用层级",
        "as_of": "评估日",
        "window": "评估窗口",
        "source": "数据来源",
        "engine": "检查工具",
        "summary": "结论概览",
        "rules_total": "条规则",
        "mandatory_violations": "强制性条款不合规",
        "calendar": "周期性义务日历",
        "calendar_note": "每格一个周期：绿色达标，红色未达标，黄色进行中（尚未判定），灰色未判定，斜纹未施行。",
        "fix_now": "需整改",
        "need_info": "需补充信息",
        "need_info_note": "以下事项快照未提供，无法判定；补充后重新检查。",
        "rest": "其他结论",
        "reason": "原因",
        "evidence": "证据",
        "fix": "整改方向",
        "citation": "依据",
        "rule": "规则",
        "level": "级别",
        "status": "状态",
        "obligation": "义务",
        "rules": "涉及规则",
        "other": "其他（未指明缺少的信息）",
        "none": "无",
        "signature": "签字确认",
        "sig_self": "自查负责人（签字）",
        "sig_head": "机构负责人（签字）",
        "sig_seal": "机构盖章",
        "sig_date": "日期：　　　年　　月　　日",
        "cover_institutions": "机构一览",
        "cover_rules": "规则一览（按不合规机构数排序）",
        "failing": "不合规机构数",
        "inputs": "输入",
        "checked": "已检查",
        "input_errors": "输入错误",
        "with_mandatory_violations": "有强制性违规的机构",
        "bad_input": "输入有误",
        "hidden": "条结论未按 --status 显示",
        "involves": "涉及",
        "do": "需要做到",
        "periods_short": "未达标周期",
        "count": "次数",
        "required": "要求",
    },
    "en": {
        "title": "Self-inspection report: integrated medical and elderly care",
        "batch_title": "Compliance check: summary of institutions",
        "institution": "Institution",
        "id": "Id",
        "jurisdiction": "Jurisdiction",
        "as_of": "As of",
        "window": "Window",
        "source": "Source",
        "engine": "Checked by",
        "summary": "Summary",
        "rules_total": "rules",
        "mandatory_violations": "mandatory obligations not met",
        "calendar": "Periodic obligations",
        "calendar_note": "One cell per period: green met, red short, amber still open (not judged yet), "
        "grey not judged, hatched not in force.",
        "fix_now": "To rectify",
        "need_info": "Need more information",
        "need_info_note": "The snapshot does not say these things, so these rules cannot be judged; "
        "add them and check again.",
        "rest": "Other findings",
        "reason": "Reason",
        "evidence": "Evidence",
        "fix": "What would fix it",
        "citation": "Citation",
        "rule": "Rule",
        "level": "Level",
        "status": "Status",
        "obligation": "Obligation",
        "rules": "Rules",
        "other": "Other (no missing fact named)",
        "none": "None",
        "signature": "Sign-off",
        "sig_self": "Prepared by (signature)",
        "sig_head": "Head of institution (signature)",
        "sig_seal": "Institution seal",
        "sig_date": "Date:",
        "cover_institutions": "Institutions",
        "cover_rules": "Rules (most failed first)",
        "failing": "institutions failing",
        "inputs": "inputs",
        "checked": "checked",
        "input_errors": "input errors",
        "with_mandatory_violations": "with mandatory violations",
        "bad_input": "Bad input",
        "hidden": "finding(s) hidden by --status",
        "involves": "Concerns",
        "do": "Required",
        "periods_short": "Periods short",
        "count": "count",
        "required": "required",
    },
}

STATUS_CLASS = {
    Status.NON_COMPLIANT: "nc",
    Status.INSUFFICIENT_DATA: "id",
    Status.COMPLIANT: "ok",
    Status.NOT_APPLICABLE: "na",
}
STATUS_COLOR = {
    Status.NON_COMPLIANT: "#c62828",
    Status.INSUFFICIENT_DATA: "#f9a825",
    Status.COMPLIANT: "#2e7d32",
    Status.NOT_APPLICABLE: "#9e9e9e",
}
# Calendar cell colours by period state (evidence ``periods[].state``); anything else is "not judged".
PERIOD_STATES: dict[str, tuple[str, str, str]] = {
    "met": ("#2e7d32", "达标", "met"),
    "short": ("#c62828", "未达标", "short"),
    "open": ("#f9a825", "进行中", "open"),
    "not_judged": ("#bdbdbd", "未判定", "not judged"),
    "not_in_force": ("url(#hatch)", "未施行", "not in force"),
}

CSS = """
:root { --nc:#c62828; --id:#f9a825; --ok:#2e7d32; --na:#9e9e9e; --ink:#212121; --muted:#616161; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC",
  sans-serif; color: var(--ink); margin: 0; background: #f5f5f5; font-size: 14px; line-height: 1.55; }
.page { background: #fff; max-width: 210mm; margin: 12px auto; padding: 14mm 14mm 12mm; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 22px 0 8px; border-bottom: 2px solid #e0e0e0;
  padding-bottom: 3px; } h3 { font-size: 15px; margin: 0 0 4px; }
.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 8px 0 0; color: var(--muted); }
.meta dt { font-weight: 600; } .meta dd { margin: 0; color: var(--ink); word-break: break-all; }
.cards { display: flex; gap: 8px; flex-wrap: wrap; margin: 8px 0; }
.card { flex: 1 1 0; min-width: 90px; border-radius: 6px; padding: 6px 10px; color: #fff; }
.card b { display: block; font-size: 22px; } .card.nc { background: var(--nc); } .card.id { background: var(--id);
  color: #212121; } .card.ok { background: var(--ok); } .card.na { background: var(--na); }
.lead { font-size: 15px; } .lead strong.nc { color: var(--nc); }
.finding { border: 1px solid #e0e0e0; border-left: 6px solid var(--na); border-radius: 4px; padding: 8px 12px;
  margin: 8px 0; break-inside: avoid; page-break-inside: avoid; }
.finding.nc { border-left-color: var(--nc); } .finding.id { border-left-color: var(--id); }
.finding.ok { border-left-color: var(--ok); }
.rid { font-family: "DejaVu Sans Mono", monospace; font-size: 12px; color: var(--muted); overflow-wrap: break-word; }
.tag { display: inline-block; white-space: nowrap; font-size: 12px; border-radius: 3px; padding: 0 6px;
  margin-right: 4px; color: #fff; }
.tag.nc { background: var(--nc); } .tag.id { background: var(--id); color: #212121; } .tag.ok { background: var(--ok); }
.tag.na { background: var(--na); } .tag.lv { background: #455a64; }
.row { margin: 3px 0; } .row > .k { font-weight: 600; margin-right: 6px; }
blockquote { margin: 4px 0; padding: 4px 10px; border-left: 3px solid #90a4ae; background: #eceff1; }
blockquote p { margin: 2px 0; }
blockquote cite { display: block; font-style: normal; font-weight: 600; font-size: 12px; color: #455a64; }
table { border-collapse: collapse; width: 100%; margin: 6px 0; font-size: 13px; }
th, td { border: 1px solid #e0e0e0; padding: 3px 6px; text-align: left; vertical-align: top; }
th { background: #eceff1; } th.n { word-break: keep-all; } td.nw { white-space: nowrap; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
td.nc { color: var(--nc); font-weight: 600; }
.ev { font-size: 12px; color: var(--muted); } .ev code { font-size: 12px; word-break: break-all; }
.strip { margin: 6px 0 10px; } .strip .name { font-weight: 600; } .legend { font-size: 12px; color: var(--muted); }
.sign { margin-top: 26px; display: grid; grid-template-columns: 1fr 1fr 1fr; gap: 18px; break-inside: avoid; }
.sign div { border-top: 1px solid #424242; padding-top: 4px; min-height: 60px; }
.errors li { color: var(--nc); }
footer { margin-top: 18px; font-size: 11px; color: var(--muted); }
a { color: inherit; }
@page { size: A4; margin: 12mm; }
@media print {
  body { background: #fff; font-size: 12px; }
  .page { margin: 0; padding: 0; max-width: none; break-after: page; page-break-after: always; }
  .page:last-child { break-after: auto; page-break-after: auto; }
  h2 { break-after: avoid; page-break-after: avoid; }
  a { text-decoration: none; }
}
"""


def _status_tag(status: Status, lang: Lang) -> str:
    return f'<span class="tag {STATUS_CLASS[status]}">{e(pick(STATUS_TEXT[status], lang))}</span>'


def _level_tag(level: Level, lang: Lang) -> str:
    return f'<span class="tag lv">{e(pick(LEVEL_TEXT[level.value], lang))}</span>'


def _bar(counts: dict[Status, int], width: int = 640, height: int = 18) -> str:
    """A stacked bar of the status counts."""
    total = sum(counts.values()) or 1
    x = 0.0
    parts = []
    for status in STATUSES:
        part = counts.get(status, 0) * width / total
        if part:
            parts.append(
                f'<rect x="{x:.1f}" y="0" width="{part:.1f}" height="{height}" fill="{STATUS_COLOR[status]}">'
                f"<title>{e(status.value)}: {counts.get(status, 0)}</title></rect>"
            )
        x += part
    return (
        f'<svg class="bar" role="img" width="100%" height="{height}" viewBox="0 0 {width} {height}" '
        f'preserveAspectRatio="none" xmlns="http://www.w3.org/2000/svg">{"".join(parts)}</svg>'
    )


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _cell_label(label: str, unit: str, lang: Lang) -> str:
    """Short text inside a calendar cell: 1月 / Jan, Q2, 上半年 / H1, 2026."""
    if unit == "month" and "-" in label:
        month = int(label.split("-")[1])
        return f"{month}月" if lang == "zh" else _MONTHS[month - 1]
    if unit == "half_year" and label.endswith(("H1", "H2")):
        half = label[-2:]
        return ("上半年" if half == "H1" else "下半年") if lang == "zh" else half
    if unit == "quarter" and "Q" in label:
        return label.rsplit("-", 1)[-1]
    return label


_PERIOD_LABEL = re.compile(r"^(\d{4})(?:-(?:(\d{2})|Q([1-4])|H([12])))?$")
HATCH = (
    '<svg width="0" height="0" style="position:absolute" aria-hidden="true"><defs><pattern id="hatch" width="6" '
    'height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" '
    'fill="#eeeeee"/><line x1="0" y1="0" x2="0" y2="6" stroke="#9e9e9e" stroke-width="2"/></pattern></defs></svg>'
)


def _place(label: str, index: int) -> tuple[str | None, int]:
    """(year of the row, column) of a period: months, quarters and half-years sit in their year's
    row at their own column (a window that starts in April starts in the April column); years and
    anything else in one row, in order."""
    match = _PERIOD_LABEL.match(label)
    if match is None or not any(match.group(i) for i in (2, 3, 4)):
        return None, index
    part = next(int(match.group(i)) for i in (2, 3, 4) if match.group(i))
    return match.group(1), part - 1


def calendar_strip(finding: Finding, lang: Lang) -> str:
    """One cell per period of a periodic obligation, coloured by its state, one row per year;
    empty if the finding is not periodic."""
    periods = [p for p in finding.evidence.get("periods") or [] if isinstance(p, dict)]
    if not periods:
        return ""
    unit = str(finding.evidence.get("period", ""))
    size, gap, height = 46, 4, 38
    places = [_place(str(p.get("period", "")), i) for i, p in enumerate(periods)]
    years = list(dict.fromkeys(year for year, _ in places))
    margin = 40 if years != [None] else 0
    cells = []
    for period, (year, column) in zip(periods, places, strict=True):
        state = str(period.get("state", "not_judged"))
        fill, zh, en = PERIOD_STATES.get(state, PERIOD_STATES["not_judged"])
        count, required = period.get("count"), period.get("required")
        tally = f"{count}/{required}" if required is not None else str(count if count is not None else "")
        x = margin + column * (size + gap)
        y = years.index(year) * (height + gap)
        label = _cell_label(str(period.get("period", "")), unit, lang)
        dark = state in ("open", "not_judged", "not_in_force")
        color = "#212121" if dark else "#fff"
        cells.append(
            f'<g class="cell" data-period="{e(period.get("period", ""))}" data-state="{e(state)}">'
            f"<title>{e(period.get('period', ''))}: {e(zh if lang == 'zh' else en)} ({e(tally)})</title>"
            f'<rect x="{x}" y="{y}" width="{size}" height="{height}" rx="4" fill="{fill}" stroke="#9e9e9e" '
            'stroke-width="0.5"/>'
            f'<text x="{x + size / 2}" y="{y + 16}" text-anchor="middle" font-size="12" fill="{color}">'
            f"{e(label)}</text>"
            f'<text x="{x + size / 2}" y="{y + 31}" text-anchor="middle" font-size="11" fill="{color}">'
            f"{e(tally)}</text>"
            "</g>"
        )
    labels = "".join(
        f'<text class="year" x="0" y="{row * (height + gap) + 24}" font-size="12" fill="#616161">{e(year)}</text>'
        for row, year in enumerate(years)
        if year is not None
    )
    columns = max(column for _, column in places) + 1
    width = margin + columns * (size + gap) - gap
    total = len(years) * (height + gap) - gap
    return (
        f'<svg class="calendar" role="img" width="{width}" height="{total}" viewBox="0 0 {width} {total}" '
        f'xmlns="http://www.w3.org/2000/svg">{labels}{"".join(cells)}</svg>'
    )


def _is_periodic(finding: Finding) -> bool:
    periods = finding.evidence.get("periods")
    return isinstance(periods, list) and bool(periods)


# Evidence keys the card already says in words (the obligation, the calendar strip).
_RESTATED = frozenset(
    {"periods", "records_kind", "scope", "requirement", "activity", "period", "min_count", "measure", "bound",
     "inclusive"}
)  # fmt: skip

_EVIDENCE_KEYS: dict[str, tuple[str, str]] = {
    "lacking": ("缺少的记录", "records lacking it"),
    "unknown": ("无法判断的记录", "records of unknown state"),
    "violations": ("违规项", "violations"),
    "short_periods": ("未达标周期", "periods short"),
    "missing": ("快照缺少", "missing from the snapshot"),
    "in_scope": ("范围内数量", "in scope"),
    "numerator": ("分子", "numerator"),
    "denominator": ("分母", "denominator"),
    "rate": ("比率", "rate"),
    "limit": ("限值", "limit"),
    "records_outside_window": ("窗口外的记录", "records outside the window"),
    "records_after_as_of": ("评估日之后的记录", "records after the evaluation date"),
    "ids_with_different_dates": ("同一编号日期不一致", "ids with different dates"),
}


def _value(value: Any, lang: Lang) -> str:
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        entries = []
        for entry in value:
            rest = ", ".join(f"{k} {v}" for k, v in entry.items() if k != "id")
            entries.append(f"{entry['id']}（{rest}）" if "id" in entry else rest)
        return e(("；" if lang == "zh" else "; ").join(entries))
    if isinstance(value, list) and all(not isinstance(v, dict | list) for v in value):
        return e(("、" if lang == "zh" else ", ").join(str(v) for v in value))
    if isinstance(value, str | int | float | bool) or value is None:
        return e(value)
    return f"<code>{e(json.dumps(value, ensure_ascii=False))}</code>"


def _evidence(finding: Finding, lang: Lang) -> str:
    rows = []
    for key, value in finding.evidence.items():
        if key == "records" and isinstance(value, str):
            continue
        if key in _RESTATED or value in ([], None, ""):
            continue
        if key == "facts" and isinstance(value, list):
            facts = [f for f in value if isinstance(f, dict)]
            text = ("；" if lang == "zh" else "; ").join(
                f"{pick_label(str(f.get('fact')), lang)} = {json.dumps(f.get('actual'), ensure_ascii=False)}"
                for f in facts
            )
            rows.append(f'<span class="k">{e("事实" if lang == "zh" else "facts")}</span>{e(text)}')
            continue
        name = _EVIDENCE_KEYS.get(key)
        label = (name[0] if lang == "zh" else name[1]) if name else key
        rows.append(f'<span class="k">{e(label)}</span>{_value(value, lang)}')
    if not rows:
        return ""
    sep = "；" if lang == "zh" else "; "
    return f'<div class="row ev"><span class="k">{e(W[lang]["evidence"])}</span>' + sep.join(rows) + "</div>"


def pick_label(path: str, lang: Lang) -> str:
    label = fact_label(path)
    return label.zh if lang == "zh" else label.en


def units_to_fix(finding: Finding, lang: Lang) -> list[str]:
    """The records, periods or facts a non-compliant finding names, in the user's language."""
    evidence = finding.evidence
    units: list[str] = []
    for key in ("short_periods", "lacking", "violations"):
        value = evidence.get(key)
        if isinstance(value, list):
            units.extend(str(v) for v in value)
    records = evidence.get("records")
    if isinstance(records, list):
        units.extend(
            str(r.get("id"))
            for r in records
            if isinstance(r, dict) and r.get("state") in ("late", "overdue", "short", "violation")
        )
    facts = evidence.get("facts")
    if isinstance(facts, list):
        units.extend(
            pick_label(str(f.get("fact")), lang)
            for f in facts
            if isinstance(f, dict) and f.get("actual") is not None and f.get("actual") != f.get("expected")
        )
    return list(dict.fromkeys(units))


def _fix(finding: Finding, lang: Lang) -> str:
    words = W[lang]
    text = f"{words['do']}：{pick(finding.title, lang)}" if lang == "zh" else f"{words['do']}: {finding.title.en}"
    activity = finding.evidence.get("activity")
    if isinstance(activity, str) and activity in set(ActivityKind):
        label = ACTIVITY_LABELS[ActivityKind(activity)]
        count = finding.evidence.get("min_count")
        text += (
            f"（每个周期至少{count}次{label.zh}，并如实记录）"
            if lang == "zh"
            else f" (at least {count} {label.en} per period, recorded)"
        )
    units = units_to_fix(finding, lang)
    if units:
        sep = "、" if lang == "zh" else ", "
        text += (
            f"。{words['involves']}：{sep.join(units)}" if lang == "zh" else f". {words['involves']}: {sep.join(units)}"
        )
    return f'<div class="row fix"><span class="k">{e(words["fix"])}</span>{e(text)}</div>'


def _citations(finding: Finding, lang: Lang) -> str:
    """One quotation block per cited article, holding each of its quotes once."""
    articles: dict[tuple[str, str], list[str]] = {}
    for citation in unique_citations(finding.citations):
        articles.setdefault((citation.document, citation.article), []).append(citation.quote)
    blocks = [
        f"<blockquote><cite>{e(document)} {e(article)}</cite>"
        + "".join(f"<p>{e(quote)}</p>" for quote in quotes)
        + "</blockquote>"
        for (document, article), quotes in articles.items()
    ]
    return f'<div class="row cites"><span class="k">{e(W[lang]["citation"])}</span>{"".join(blocks)}</div>'


def _finding_card(finding: Finding, lang: Lang, detail: bool) -> str:
    words = W[lang]
    parts = [
        f'<article class="finding {STATUS_CLASS[finding.status]}" data-rule="{e(finding.rule_id)}" '
        f'data-status="{e(finding.status.value)}">',
        f"<h3>{_status_tag(finding.status, lang)}{_level_tag(finding.level, lang)}{e(pick(finding.title, lang))}</h3>",
        f'<div class="rid">{e(finding.rule_id)} · v{e(finding.rule_version)} · {e(" + ".join(finding.layers))}</div>',
        f'<div class="row"><span class="k">{e(words["reason"])}</span>{e(pick(finding.message, lang))}</div>',
    ]
    strip = calendar_strip(finding, lang)
    if strip:
        parts.append(f'<div class="strip">{strip}</div>')
    if detail:
        parts.append(_evidence(finding, lang))
        parts.append(_fix(finding, lang))
    parts.append(_citations(finding, lang))
    parts.append("</article>")
    return "".join(parts)


def _header(report: Report, item: BatchItem, lang: Lang, anchor: str) -> str:
    words = W[lang]
    meta = [
        (words["id"], report.institution.id),
        (words["jurisdiction"], " + ".join(report.jurisdiction)),
        (words["as_of"], report.as_of),
        (words["window"], f"{report.period['start']} – {report.period['end']}"),
        (words["source"], source_text(item)),
        (words["engine"], f"yiyang-rules {report.engine.version}"),
    ]
    rows = "".join(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in meta)
    return (
        f'<header class="institution" id="{e(anchor)}"><div class="rid">{e(words["title"])}</div>'
        f'<h1>{e(report.institution.name)}</h1><dl class="meta">{rows}</dl></header>'
    )


def _summary(report: Report, lang: Lang) -> str:
    words = W[lang]
    counts = {s: getattr(report.summary, s.value) for s in STATUSES}
    cards = "".join(
        f'<div class="card {STATUS_CLASS[s]}" data-status="{s.value}"><b>{counts[s]}</b>'
        f"{e(pick(STATUS_TEXT[s], lang))}</div>"
        for s in STATUSES
    )
    mandatory = len(report.mandatory_violations)
    total = sum(counts.values())
    if lang == "zh":
        lead = (
            f'共 {total} {words["rules_total"]}；<strong class="nc">{mandatory}</strong> 条'
            f"{words['mandatory_violations']}。"
        )
    else:
        lead = (
            f'{total} {words["rules_total"]}; <strong class="nc">{mandatory}</strong> {words["mandatory_violations"]}.'
        )
    return (
        f'<section class="summary"><h2>{e(words["summary"])}</h2><p class="lead">{lead}</p>'
        f'<div class="cards">{cards}</div>{_bar(counts)}</section>'
    )


def _calendar(report: Report, lang: Lang) -> str:
    periodic = [f for f in report.findings if _is_periodic(f)]
    if not periodic:
        return ""
    words = W[lang]
    rows = "".join(
        f'<div class="strip" data-rule="{e(f.rule_id)}"><div class="name">{_status_tag(f.status, lang)}'
        f'{e(pick(f.title, lang))} <span class="rid">{e(f.rule_id)}</span></div>{calendar_strip(f, lang)}</div>'
        for f in sorted(periodic, key=lambda f: (STATUS_ORDER[f.status], f.rule_id))
    )
    return (
        f'<section class="calendars"><h2>{e(words["calendar"])}</h2>'
        f'<p class="legend">{e(words["calendar_note"])}</p>{rows}</section>'
    )


def _need_info(report: Report, lang: Lang) -> str:
    words = W[lang]
    groups = group_by_missing([report])
    items = []
    for path, entries in groups.items():
        label = missing_text(path, lang) if path else words["other"]
        rules = "".join(
            f'<li><span class="rid">{e(f.rule_id)}</span> {_level_tag(f.level, lang)}{e(pick(f.title, lang))}</li>'
            for f in {f.rule_id: f for _, f in entries}.values()
        )
        items.append(f'<li data-missing="{e(path)}"><strong>{e(label)}</strong><ul>{rules}</ul></li>')
    findings = len({f.rule_id for entries in groups.values() for _, f in entries})
    return (
        f'<section class="need-info"><h2>{e(words["need_info"])}{_count(findings, lang)}</h2>'
        f'<p class="legend">{e(words["need_info_note"])}</p><ul>{"".join(items)}</ul></section>'
    )


def _rest_table(findings: list[Finding], lang: Lang) -> str:
    words = W[lang]
    rows = "".join(
        f'<tr data-rule="{e(f.rule_id)}" data-status="{e(f.status.value)}"><td>{_status_tag(f.status, lang)}</td>'
        f'<td class="rid">{e(f.rule_id)}</td><td class="nw">{e(pick(LEVEL_TEXT[f.level.value], lang))}</td>'
        f"<td>{e(pick(f.title, lang))}</td><td>{e(pick(f.message, lang))}</td></tr>"
        for f in findings
    )
    head = "".join(f"<th>{e(words[k])}</th>" for k in ("status", "rule", "level", "obligation", "reason"))
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def _count(number: int, lang: Lang) -> str:
    return f"（{number}）" if lang == "zh" else f" ({number})"


def _signature(lang: Lang) -> str:
    words = W[lang]
    return (
        f'<section class="signature"><h2>{e(words["signature"])}</h2><div class="sign">'
        f"<div>{e(words['sig_self'])}</div><div>{e(words['sig_head'])}</div><div>{e(words['sig_seal'])}</div>"
        f"</div><p>{e(words['sig_date'])}</p></section>"
    )


def report_page(item: BatchItem, options: RenderOptions, anchor: str = "report") -> str:
    """One institution's page."""
    lang = options.lang
    words = W[lang]
    report = report_of(item)
    if report is None:
        assert item.error is not None
        problems = "".join(
            f"<li>{e(p.path + ': ' if p.path else '')}{e(p.message(lang))}</li>" for p in item.error.problems
        )
        return (
            f'<section class="page error" id="{e(anchor)}"><h1>{e(words["bad_input"])}: {e(source_text(item))}</h1>'
            f'<ul class="errors">{problems}</ul></section>'
        )
    shown = [f for f in report.findings if options.statuses is None or f.status in options.statuses]
    ordered = sorted(shown, key=lambda f: (STATUS_ORDER[f.status], f.level is not Level.MANDATORY, f.rule_id))
    non_compliant = [f for f in ordered if f.status is Status.NON_COMPLIANT]
    insufficient = [f for f in ordered if f.status is Status.INSUFFICIENT_DATA]
    rest = [f for f in ordered if f.status in (Status.COMPLIANT, Status.NOT_APPLICABLE)]
    parts = [f'<section class="page report" data-institution="{e(report.institution.id)}">']
    parts.append(_header(report, item, lang, anchor))
    parts.append(_summary(report, lang))
    parts.append(_calendar(report, lang))
    if options.statuses is None or Status.NON_COMPLIANT in options.statuses:
        cards = "".join(_finding_card(f, lang, detail=True) for f in non_compliant)
        parts.append(
            f'<section class="fix-now"><h2>{e(words["fix_now"])}{_count(len(non_compliant), lang)}</h2>'
            f"{cards or '<p>' + e(words['none']) + '</p>'}</section>"
        )
    if insufficient:
        parts.append(_need_info(report, lang))
    if rest:
        parts.append(
            f'<section class="rest"><h2>{e(words["rest"])}{_count(len(rest), lang)}</h2>'
            f"{_rest_table(rest, lang)}</section>"
        )
    hidden = len(report.findings) - len(shown)
    if hidden:
        parts.append(f'<p class="legend">{hidden} {e(words["hidden"])}</p>')
    parts.append(_signature(lang))
    parts.append(
        f"<footer>yiyang-rules {e(__version__)} · {e(words['as_of'])} {e(report.as_of)} · "
        f"{e(report.institution.id)}</footer></section>"
    )
    return "".join(parts)


def cover(summary: Rollup, options: RenderOptions, anchors: list[str] | None = None) -> str:
    """The roll-up page: totals, one row per institution, one row per rule."""
    lang = options.lang
    words = W[lang]
    totals = summary.totals()
    cards = "".join(
        f'<div class="card {cls}"><b>{totals[key]}</b>{e(words[key])}</div>'
        for key, cls in (
            ("inputs", "na"),
            ("checked", "ok"),
            ("with_mandatory_violations", "nc"),
            ("input_errors", "id"),
        )
    )
    # Marks in the header keep the counts narrow in both languages; the legend names them.
    head = "".join(f'<th class="n" title="{e(pick(STATUS_TEXT[s], lang))}">{e(STATUS_MARK[s])}</th>' for s in STATUSES)
    legend = "　".join(f"{STATUS_MARK[s]} {pick(STATUS_TEXT[s], lang)}" for s in STATUSES)
    rows = []
    for index, row in enumerate(summary.institutions):
        link = anchors[index] if anchors else None
        if row.error is not None:
            message = "; ".join(str(p["message"][lang]) for p in row.error)  # type: ignore[index]
            rows.append(
                f'<tr class="error"><td>{e(row.source)}</td><td colspan="{len(STATUSES) + 2}" class="nc">'
                f"{e(words['bad_input'])}: {e(message)}</td></tr>"
            )
            continue
        name = e(f"{row.name}（{row.institution_id}）")
        if link:
            name = f'<a href="#{e(link)}">{name}</a>'
        counts = "".join(
            f'<td class="n{" nc" if s is Status.NON_COMPLIANT and row.counts.get(s) else ""}">'
            f"{row.counts.get(s, 0)}</td>"
            for s in STATUSES
        )
        rows.append(
            f'<tr data-institution="{e(row.institution_id)}"><td>{e(row.source)}</td><td>{name}</td>{counts}'
            f'<td class="rid">{e(", ".join(row.mandatory_violations))}</td></tr>'
        )
    institutions = (
        f"<table><thead><tr><th>{e(words['source'])}</th><th>{e(words['institution'])}</th>{head}"
        f"<th>{e(words['mandatory_violations'])}</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )
    checked = max(1, totals["checked"])
    rule_rows = "".join(
        f'<tr data-rule="{e(r.rule_id)}"><td class="rid">{e(r.rule_id)}</td>'
        f'<td class="nw">{e(pick(LEVEL_TEXT[r.level.value], lang))}</td><td>{e(pick(r.title, lang))}</td>'
        f'<td class="n{" nc" if r.failing else ""}">{r.failing}</td>'
        f'<td style="width:120px">{_bar(r.counts, 120, 12)}</td></tr>'
        for r in summary.rule_rows()
    )
    rules = (
        f"<table><thead><tr><th>{e(words['rule'])}</th><th>{e(words['level'])}</th><th>{e(words['obligation'])}</th>"
        f'<th class="n">{e(words["failing"])} / {checked}</th><th></th></tr></thead><tbody>{rule_rows}</tbody></table>'
    )
    return (
        f'<section class="page cover"><h1>{e(words["batch_title"])}</h1>'
        f'<div class="cards">{cards}</div>'
        f'<h2>{e(words["cover_institutions"])}</h2><p class="legend">{e(legend)}</p>{institutions}'
        f"<h2>{e(words['cover_rules'])}</h2>{rules}</section>"
    )


def document(title: str, body: str, lang: Lang) -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="generator" content="yiyang-rules {e(__version__)}"><title>{e(title)}</title>'
        f"<style>{CSS}</style></head><body>{HATCH}{body}</body></html>\n"
    )


def render_summary(summary: Rollup, options: RenderOptions) -> str:
    return document(W[options.lang]["batch_title"], cover(summary, options), options.lang)


def render(items: Sequence[BatchItem], options: RenderOptions) -> str:
    words = W[options.lang]
    if options.summary:
        return render_summary(rollup(items), options)
    if len(items) == 1:
        report = items[0].report
        title = f"{words['title']} · {report.institution.name}" if report else words["bad_input"]
        return document(title, report_page(items[0], options), options.lang)
    anchors = [f"institution-{index + 1}" for index in range(len(items))]
    pages = "".join(report_page(item, options, anchor) for item, anchor in zip(items, anchors, strict=True))
    return document(words["batch_title"], cover(rollup(items), options, anchors) + pages, options.lang)
