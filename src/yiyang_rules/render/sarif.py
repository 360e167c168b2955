"""SARIF 2.1.0: ONE log and ONE run for any number of snapshots (code-scanning services such as
GitHub's reject several runs of the same tool in one upload, and no reader can load concatenated
documents).

- ``tool.driver.rules``: every rule seen in the run, once; ``help`` carries the cited articles with
  their quotes (deduplicated), ``defaultConfiguration.level`` the rule's usual level.
- ``results``: one per finding that needs attention, in input order. Levels: a mandatory
  obligation ``non_compliant`` is ``error``, a recommended one ``warning``, ``insufficient_data``
  is ``note``; compliant and not-applicable findings are not results.
- every result has a physical location: ``artifactLocation.uri`` is the snapshot file as given
  (a relative path stays relative, an absolute one becomes a ``file://`` URI) and
  ``region.startLine`` is the line in a ``.jsonl`` batch (1 for a ``.json`` file); a logical
  location names the institution.
- ``partialFingerprints["yiyang/v1"]`` is a hash of the institution id and the rule id: the same
  obligation of the same institution keeps its alert from run to run, whatever the file is called.
- an input that could not be checked is a ``toolExecutionNotification`` (level ``error``) with its
  location, and ``executionSuccessful`` is false: nothing is dropped silently.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import PurePath, PurePosixPath
from typing import Any
from urllib.parse import quote

from .._version import __version__
from ..checks.base import Status
from ..levels import Level
from ..report import Finding, Report
from .base import BatchItem, RenderOptions
from .labels import LEVEL_TEXT, STATUS_TEXT, pick
from .text import report_of, unique_citations

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
FINGERPRINT_KEY = "yiyang/v1"


def level_of(finding: Finding) -> str | None:
    """The SARIF level of a finding, or None when it is not a result."""
    if finding.status is Status.NON_COMPLIANT:
        return "error" if finding.level is Level.MANDATORY else "warning"
    if finding.status is Status.INSUFFICIENT_DATA:
        return "note"
    return None


def artifact_uri(file: str) -> str:
    """A URI reference for a snapshot path: relative stays relative (resolved against the
    repository root by code-scanning services), absolute becomes ``file://``."""
    path = PurePath(file)
    if path.is_absolute():
        return "file://" + quote(path.as_posix())
    return quote(PurePosixPath(*path.parts).as_posix() if path.parts else file)


def fingerprint(institution_id: str, rule_id: str) -> str:
    return hashlib.sha256(f"{institution_id}\x00{rule_id}".encode()).hexdigest()


def _location(item: BatchItem, report: Report | None) -> dict[str, Any]:
    location: dict[str, Any] = {
        "physicalLocation": {
            "artifactLocation": {"uri": artifact_uri(item.source.file)},
            "region": {"startLine": item.source.line or 1},
        }
    }
    if report is not None:
        location["logicalLocations"] = [
            {"name": report.institution.id, "fullyQualifiedName": report.institution.id, "kind": "institution"}
        ]
    return location


class _Rules:
    """The run's rule descriptors, one per rule id, citations merged across jurisdictions."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.index: dict[str, int] = {}
        self.descriptors: list[dict[str, Any]] = []
        self.quotes: list[list[tuple[str, str, str]]] = []

    def add(self, finding: Finding) -> int:
        position = self.index.get(finding.rule_id)
        if position is None:
            position = self.index[finding.rule_id] = len(self.descriptors)
            self.descriptors.append(
                {
                    "id": finding.rule_id,
                    "name": finding.rule_id,
                    "shortDescription": {"text": pick(finding.title, self.lang)},
                    "fullDescription": {"text": f"{finding.title.zh} / {finding.title.en}"},
                    "defaultConfiguration": {"level": "error" if finding.level is Level.MANDATORY else "warning"},
                    "properties": {
                        "level": finding.level.value,
                        "version": finding.rule_version,
                        "tags": ["医养结合", finding.level.value, *finding.layers],
                    },
                }
            )
            self.quotes.append([])
        known = self.quotes[position]
        for citation in unique_citations(finding.citations):
            key = (citation.document, citation.article, citation.quote)
            if key not in known:
                known.append(key)
        return position

    def finished(self) -> list[dict[str, Any]]:
        for descriptor, quotes in zip(self.descriptors, self.quotes, strict=True):
            descriptor["help"] = {
                "text": "\n".join(f"{d} {a}：“{q}”" for d, a, q in quotes),
                "markdown": "\n".join(f"- **{d} {a}**：“{q}”" for d, a, q in quotes),
            }
        return self.descriptors


def _result(item: BatchItem, report: Report, finding: Finding, rule_index: int, lang: str) -> dict[str, Any]:
    level = level_of(finding)
    assert level is not None
    institution = f"{report.institution.name}（{report.institution.id}）"
    status = pick(STATUS_TEXT[finding.status], lang)
    obligation = pick(LEVEL_TEXT[finding.level.value], lang)
    return {
        "ruleId": finding.rule_id,
        "ruleIndex": rule_index,
        "level": level,
        "message": {"text": f"{institution} [{status} · {obligation}] {pick(finding.message, lang)}"},
        "locations": [_location(item, report)],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint(report.institution.id, finding.rule_id)},
        "properties": {
            "status": finding.status.value,
            "level": finding.level.value,
            "rule_version": finding.rule_version,
            "institution": report.institution.model_dump(),
            "jurisdiction": report.jurisdiction,
            "as_of": report.as_of,
            "evidence": finding.evidence,
        },
    }


def render(items: Sequence[BatchItem], options: RenderOptions) -> str:
    rules = _Rules(options.lang)
    results: list[dict[str, Any]] = []
    notifications: list[dict[str, Any]] = []
    artifacts: dict[str, dict[str, Any]] = {}
    for item in items:
        uri = artifact_uri(item.source.file)
        artifacts.setdefault(uri, {"location": {"uri": uri}})
        report = report_of(item)
        if report is None:
            assert item.error is not None
            for problem in item.error.problems:
                where = f"{problem.path}: " if problem.path else ""
                notifications.append(
                    {
                        "level": "error",
                        "message": {"text": where + problem.message(options.lang)},
                        "locations": [_location(item, None)],
                        "properties": {"path": problem.path, "message": {"zh": problem.zh, "en": problem.en}},
                    }
                )
            continue
        for finding in report.findings:
            index = rules.add(finding)
            if level_of(finding) is not None:
                results.append(_result(item, report, finding, index, options.lang))
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "yiyang-rules",
                "version": __version__,
                "semanticVersion": __version__,
                "rules": rules.finished(),
            }
        },
        "artifacts": list(artifacts.values()),
        "invocations": [{"executionSuccessful": not notifications, "toolExecutionNotifications": notifications}],
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    log = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, ensure_ascii=False, indent=1) + "\n"
