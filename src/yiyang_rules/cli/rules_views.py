"""What ``yiyang rules list/show/diff`` print, as data and as text: the commands only choose.

Each view is a pure function of a compiled catalog (or a layer diff), so that the same listing
serves the terminal, JSON and the generated docs alike.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from ..catalog import Catalog, CompiledRule
from ..conditions import describe
from ..declared import to_json_data

if TYPE_CHECKING:  # the diff and workbook modules load only for the commands that use them
    from ..diff import LayerChange
    from ..workbook.needs import Need


class Lang(StrEnum):
    ZH = "zh"
    EN = "en"


class ListFormat(StrEnum):
    TABLE = "table"
    JSON = "json"


class ShowFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


class FactsFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    MARKDOWN = "markdown"


def _pick(label: Any, lang: Lang) -> str:
    return str(label.en if lang is Lang.EN else label.zh)


def rule_row(rule: CompiledRule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "version": rule.schedule.versions[-1].version,
        "level": rule.level.value,
        "kind": rule.kind.name,
        "layers": list(rule.layers),
        "overlay": rule.operation.value if rule.operation else None,
        "title": {"zh": rule.title.zh, "en": rule.title.en},
    }


def list_json(catalog: Catalog) -> str:
    return json.dumps([rule_row(r) for r in catalog.rules], ensure_ascii=False, indent=2)


def list_table(catalog: Catalog, lang: Lang) -> str:
    lines = []
    for rule in catalog.rules:
        layers = "+".join(rule.layers) + (f" ({rule.operation.value})" if rule.operation else "")
        title = rule.title.en if lang is Lang.EN else rule.title.zh
        lines.append(f"{rule.id:<44} {rule.level.value:<12} {layers:<26} {title}")
    lines.append(f"{len(catalog.rules)} rules in {' + '.join(catalog.layers)}")
    return "\n".join(lines)


def rule_data(rule: CompiledRule) -> dict[str, Any]:
    """Everything ``rules show`` says about a compiled rule."""
    applies = describe(rule.applies_to)
    return {
        "id": rule.id,
        "title": {"zh": rule.title.zh, "en": rule.title.en},
        "level": rule.level.value,
        "layers": list(rule.layers),
        "overlay": rule.operation.value if rule.operation else None,
        "applies_to": {"zh": applies.zh, "en": applies.en},
        "check_kind": rule.kind.name,
        "citations": [c.model_dump() for c in rule.citations],
        "versions": [
            {
                "version": h.version,
                "from": h.start.isoformat(),
                "until": h.until.isoformat() if h.until else None,
                "layer": h.layer,
                "basis": h.basis,
                "changes": h.changes,
                "check": to_json_data(v.params),
            }
            for h, v in zip(rule.history, rule.schedule.versions, strict=True)
        ],
        "examples": [
            {"layer": layer_name, "name": e.name, "expect": e.expect.value} for layer_name, e in rule.examples
        ],
    }


def show_json(rule: CompiledRule) -> str:
    return json.dumps(rule_data(rule), ensure_ascii=False, indent=2)


def show_text(rule: CompiledRule) -> str:
    data = rule_data(rule)
    below = rule.layers[-2] if len(rule.layers) > 1 else "national"
    lines = [
        f"{rule.id}  [{rule.level.value}]  layers: {' + '.join(rule.layers)}"
        + (f" ({data['overlay']} of {below} {rule.overlay_base})" if data["overlay"] else ""),
        f"  {rule.title.zh}",
        f"  {rule.title.en}",
        f"applies to: {data['applies_to']['zh']}",
        f"            {data['applies_to']['en']}",
        "citations:",
        *[f"  {c.document} {c.article}：“{c.quote}”" for c in rule.citations],
        "versions:",
    ]
    for version in data["versions"]:
        until = version["until"] or "—"
        lines.append(f"  {version['version']:<16} {version['from']} → {until}  ({version['layer']})")
        lines.append(f"      basis: {version['basis']}")
        if version["changes"]:
            lines.append(f"      changes: {version['changes']}")
        lines.append(f"      check: {json.dumps(version['check'], ensure_ascii=False)}")
    lines.append("examples:")
    lines.extend(f"  [{e['layer']}] {e['name']} → {e['expect']}" for e in data["examples"])
    return "\n".join(lines)


def diff_json(changes: list[LayerChange]) -> str:
    return json.dumps([c.as_dict() for c in changes], ensure_ascii=False, indent=2)


DIFF_MARKS = {"tighten": "~", "add": "+", "retire": "-", "restate": "="}


def diff_text(changes: list[LayerChange], base: str, layer: str) -> str:
    if not changes:
        return f"{layer}: no overlay; the {base} rules apply unchanged"
    lines = []
    for change in changes:
        lines.append(f"{DIFF_MARKS[change.operation]} {change.operation:<8} {change.rule_id}  {change.title_zh}")
        lines.extend(f"      {cite}" for cite in change.citations)
        if change.operation == "tighten":
            lines.append(f"      {base} {change.base_version}: {json.dumps(change.base_check, ensure_ascii=False)}")
            lines.append(
                f"      {layer} from {change.in_force_from}: {json.dumps(change.new_check, ensure_ascii=False)}"
            )
        elif change.operation == "add":
            lines.append(f"      from {change.in_force_from}: {json.dumps(change.new_check, ensure_ascii=False)}")
        for field_change in change.changes:  # applies_to, title, notes changed by an overlay
            before, after = field_change.before, field_change.after
            if field_change.field in ("applies_to", "title"):
                before = before["zh"] if before else "—"
                after = after["zh"]
            lines.append(f"      {field_change.field}: {base}: {before}")
            lines.append(f"      {field_change.field}: {layer}: {after}")
    counts = {op: sum(1 for c in changes if c.operation == op) for op in DIFF_MARKS}
    lines.append(", ".join(f"{n} {op}" for op, n in counts.items()))
    return "\n".join(lines)


def facts_json(found: Sequence[Need]) -> str:
    rows = [
        {
            "path": n.path,
            "label": {"zh": n.label.zh, "en": n.label.en},
            "sheet": {"zh": n.sheet.zh, "en": n.sheet.en},
            "rules": [
                {
                    "id": r.id,
                    "title": {"zh": r.title.zh, "en": r.title.en},
                    "level": r.level.value,
                    "citations": [{"document": c.document, "article": c.article} for c in r.citations],
                }
                for r in n.rules
            ],
        }
        for n in found
    ]
    return json.dumps(rows, ensure_ascii=False, indent=2)


def facts_markdown(found: Sequence[Need], lang: Lang) -> str:
    head = ("事项", "填写位置", "规则", "依据") if lang is Lang.ZH else ("fact", "filled in", "rules", "citations")
    lines = [f"| {' | '.join(head)} |", "|---|---|---|---|"]
    for n in found:
        rules = "<br>".join(f"`{r.id}` {_pick(r.title, lang)}" for r in n.rules)
        cites = "<br>".join(dict.fromkeys(f"{c.document} {c.article}" for r in n.rules for c in r.citations))
        lines.append(f"| {_pick(n.label, lang)} | {_pick(n.sheet, lang)} | {rules} | {cites} |")
    return "\n".join(lines)


def facts_table(found: Sequence[Need], lang: Lang, catalog: Catalog) -> str:
    lines = []
    for n in found:
        lines.append(f"{_pick(n.place, lang)}    [{n.path}]")
        for r in n.rules:
            cites = "；".join(f"{c.document} {c.article}" for c in r.citations)
            lines.append(f"    {r.id}  {_pick(r.title, lang)}  ({cites})")
    lines.append(f"{len(found)} items needed by the rules of {' + '.join(catalog.layers)}")
    return "\n".join(lines)
