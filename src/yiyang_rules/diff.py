"""What a layer does to the rules of the layer below it: restate, tighten, add or retire.

This is what a rule maintainer reviews in a pull request (``yiyang rules diff national beijing``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter

from .catalog import CompiledRule, LoadedRules, compile_catalog
from .conditions import Condition, describe
from .declared import to_json_data
from .rulefile import Localized, Restate, Retire, Rule, Tighten

_CONDITION: TypeAdapter[Any] = TypeAdapter(Condition)


@dataclass(frozen=True)
class FieldChange:
    """One field an overlay changes against the national rule: what it was and what it is."""

    field: str  # applies_to | title | notes
    before: Any
    after: Any

    def as_dict(self) -> dict[str, Any]:
        return {"field": self.field, "from": self.before, "to": self.after}


def _condition_json(condition: Condition) -> dict[str, Any]:
    label = describe(condition)
    return {"condition": _CONDITION.dump_python(condition, mode="json", by_alias=True), "zh": label.zh, "en": label.en}


def _title_json(title: Localized | None) -> dict[str, str] | None:
    return None if title is None else {"zh": title.zh, "en": title.en}


def field_changes(base: CompiledRule, overlay: Restate | Tighten | Retire) -> tuple[FieldChange, ...]:
    """What a reviewer must see besides the check: a changed ``applies_to``, title or notes."""
    changes: list[FieldChange] = []
    if isinstance(overlay, Tighten) and overlay.applies_to is not None and overlay.applies_to != base.applies_to:
        changes.append(FieldChange("applies_to", _condition_json(base.applies_to), _condition_json(overlay.applies_to)))
    if overlay.title is not None and overlay.title != base.title:
        changes.append(FieldChange("title", _title_json(base.title), _title_json(overlay.title)))
    if overlay.notes is not None and overlay.notes != base.notes:
        changes.append(FieldChange("notes", base.notes, overlay.notes))
    return tuple(changes)


@dataclass(frozen=True)
class LayerChange:
    rule_id: str
    operation: str  # restate | tighten | retire | add
    title_zh: str
    title_en: str
    citations: tuple[str, ...]
    base_version: str | None
    base_check: dict[str, Any] | None
    new_check: dict[str, Any] | None
    in_force_from: str | None
    note: str | None
    changes: tuple[FieldChange, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule_id": self.rule_id,
            "operation": self.operation,
            "title": {"zh": self.title_zh, "en": self.title_en},
            "citations": list(self.citations),
            "base_version": self.base_version,
            "base_check": self.base_check,
            "check": self.new_check,
            "in_force_from": self.in_force_from,
            "note": self.note,
            "changes": [c.as_dict() for c in self.changes],
        }


def layer_diff(loaded: LoadedRules, base_layer: str, layer: str) -> list[LayerChange]:
    """What ``layer`` does to the rules of the layer below it, ``base_layer`` (its parent)."""
    parent = loaded.parent(layer)
    if parent is None:
        raise ValueError(f"{layer} is the lowest layer: it overlays nothing")
    if base_layer != parent:
        raise ValueError(f"{layer} is written against {parent}: use `{parent}` as the base")
    below = compile_catalog(loaded, loaded.chain(parent))
    changes: list[LayerChange] = []
    for rule_id, source in sorted(loaded.layer(layer).items()):
        rule = source.rule
        base = below.get(rule_id)
        cites = tuple(f"{c.document} {c.article}：{c.quote}" for c in rule.citations)
        if isinstance(rule, Rule):
            changes.append(
                LayerChange(
                    rule_id=rule_id,
                    operation="add",
                    title_zh=rule.title.zh,
                    title_en=rule.title.en,
                    citations=cites,
                    base_version=None,
                    base_check=None,
                    new_check=to_json_data(rule.versions[-1].check),
                    in_force_from=rule.versions[0].in_force.from_.isoformat(),
                    note=rule.notes,
                )
            )
            continue
        title = rule.title or (base.title if base else None)
        changes.append(
            LayerChange(
                rule_id=rule_id,
                operation=rule.overlay.operation.value,
                title_zh=title.zh if title else rule_id,
                title_en=title.en if title else rule_id,
                citations=cites,
                base_version=rule.overlay.base_version,
                base_check=to_json_data(base.schedule.versions[-1].params) if base else None,
                new_check=to_json_data(rule.versions[-1].check) if isinstance(rule, Tighten) else None,
                in_force_from=rule.versions[0].in_force.from_.isoformat() if isinstance(rule, Tighten) else None,
                note=rule.overlay.note,
                changes=field_changes(base, rule) if base is not None else (),
            )
        )
    order = {"tighten": 0, "add": 1, "retire": 2, "restate": 3}
    return sorted(changes, key=lambda c: (order[c.operation], c.rule_id))
