"""The catalog as the service shows it: built once per worker from the compiled catalogs."""

from __future__ import annotations

from typing import Any

from ..catalog import NATIONAL, Catalog, CompiledRule
from ..conditions import describe
from ..declared import to_json_data
from ..jurisdiction import PROVINCES
from ..report import CitationOut, Text
from .models import (
    ExampleRef,
    Jurisdiction,
    JurisdictionList,
    RuleDetail,
    RuleList,
    RuleSummary,
    VersionDetail,
    VersionSpan,
)

_NAMES: dict[str, Text] = {
    NATIONAL: Text(zh="全国", en="National"),
    **{p.slug: Text(zh=p.name, en=p.slug.replace("-", " ").title()) for p in PROVINCES},
}


def _citations(rule: CompiledRule) -> list[CitationOut]:
    return [CitationOut(document=c.document, article=c.article, quote=c.quote) for c in rule.citations]


def rule_summary(rule: CompiledRule) -> RuleSummary:
    return RuleSummary(
        id=rule.id,
        version=rule.schedule.versions[-1].version,
        level=rule.level,
        kind=rule.kind.name,
        layers=list(rule.layers),
        overlay=rule.operation.value if rule.operation else None,
        title=Text(zh=rule.title.zh, en=rule.title.en),
        citations=_citations(rule),
        versions=[
            VersionSpan(
                version=h.version,
                from_=h.start.isoformat(),
                until=h.until.isoformat() if h.until else None,
                layer=h.layer,
            )
            for h in rule.history
        ],
    )


def rule_list(catalog: Catalog) -> RuleList:
    return RuleList(jurisdiction=list(catalog.layers), rules=[rule_summary(r) for r in catalog.rules])


def rule_detail(rule: CompiledRule) -> RuleDetail:
    """Field for field what ``yiyang rules show ID --format json`` prints."""
    applies = describe(rule.applies_to)
    versions: list[VersionDetail] = []
    for h, v in zip(rule.history, rule.schedule.versions, strict=True):
        check: dict[str, Any] = to_json_data(v.params)
        versions.append(
            VersionDetail(
                version=h.version,
                from_=h.start.isoformat(),
                until=h.until.isoformat() if h.until else None,
                layer=h.layer,
                basis=h.basis,
                changes=h.changes,
                check=check,
            )
        )
    return RuleDetail(
        id=rule.id,
        title=Text(zh=rule.title.zh, en=rule.title.en),
        level=rule.level,
        layers=list(rule.layers),
        overlay=rule.operation.value if rule.operation else None,
        applies_to=Text(zh=applies.zh, en=applies.en),
        check_kind=rule.kind.name,
        citations=_citations(rule),
        versions=versions,
        examples=[ExampleRef(layer=layer, name=e.name, expect=e.expect) for layer, e in rule.examples],
    )


def jurisdiction_list(catalogs: dict[str, Catalog]) -> JurisdictionList:
    return JurisdictionList(
        jurisdictions=[
            Jurisdiction(id=key, name=_NAMES.get(key, Text(zh=key, en=key)), layers=list(c.layers), rules=len(c.rules))
            for key, c in catalogs.items()
        ],
        other_provinces=(
            "national: a snapshot from a province without rules of its own is checked against the national rules"
        ),
    )
