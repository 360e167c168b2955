"""SARIF 2.1.0: each rule a reportingDescriptor, each non-compliant or insufficient finding a result.

Levels: a mandatory violation is ``error``, a recommended one ``warning``, insufficient data
``note``. The snapshot is the artifact; the rule id is ``ruleId``.
"""

from __future__ import annotations

import json
from typing import Any

from .._version import __version__
from ..checks.base import Status
from ..report import Finding, Report
from .labels import pick

_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _level(finding: Finding) -> str:
    if finding.status is Status.INSUFFICIENT_DATA:
        return "note"
    return "error" if finding.level.value == "mandatory" else "warning"


def render(report: Report, lang: str = "zh") -> str:
    rules: list[dict[str, Any]] = []
    results: list[dict[str, Any]] = []
    for finding in report.findings:
        rules.append(
            {
                "id": finding.rule_id,
                "name": finding.rule_id,
                "shortDescription": {"text": pick(finding.title, lang)},
                "fullDescription": {
                    "text": " ".join(f"{c.document} {c.article}：{c.quote}" for c in finding.citations)
                },
                "properties": {"level": finding.level.value, "version": finding.rule_version},
            }
        )
        if finding.status in (Status.NON_COMPLIANT, Status.INSUFFICIENT_DATA):
            results.append(
                {
                    "ruleId": finding.rule_id,
                    "level": _level(finding),
                    "message": {"text": pick(finding.message, lang)},
                    "locations": [{"logicalLocations": [{"name": report.institution.id, "kind": "institution"}]}],
                    "properties": {"status": finding.status.value, "evidence": finding.evidence},
                }
            )
    document = {
        "$schema": _SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "yiyang-rules",
                        "version": __version__,
                        "rules": rules,
                    }
                },
                "properties": {
                    "institution": report.institution.model_dump(),
                    "jurisdiction": report.jurisdiction,
                    "as_of": report.as_of,
                },
                "results": results,
            }
        ],
    }
    return json.dumps(document, ensure_ascii=False) + "\n"
