"""Helpers every renderer shares: the report of an item (with its source), safe text, citations
without repeats, and the labels of missing facts.

Ids, names and messages are data. Control characters (ESC and the rest of C0/C1, and the Unicode
bidirectional overrides) are shown as visible escapes, so a resident id can never move the cursor,
recolour a terminal, reorder a line or make an XML or Excel file unreadable.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from ..checks.base import Status
from ..errors import InputError
from ..vocabulary import fact_label
from .base import BatchItem, Lang

if TYPE_CHECKING:  # only named: printable() and friends serve the JSON path, which has no report models
    from ..report import CitationOut, Finding, Report

# C0 and C1 control characters (tab and newline included: a cell or a line must stay one line),
# DEL, the bidirectional embedding/override/isolate controls, and U+FFFE/U+FFFF (not allowed in XML).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufffe\uffff]")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


_UNSAFE_BUT_NEWLINE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufffe\uffff]")


def printable(text: object, keep_newlines: bool = False) -> str:
    """``text`` with every control character shown as ``\\xNN`` (or ``\\uNNNN``); newlines kept
    when asked (a multi-line spreadsheet cell or XML text)."""
    return (_UNSAFE_BUT_NEWLINE if keep_newlines else _UNSAFE).sub(_visible, str(text))


def report_of(item: BatchItem) -> Report | None:
    """The item's report, carrying the item's source when the report does not name one."""
    report = item.report
    if report is not None and report.source is None:
        return report.model_copy(update={"source": item.source})
    return report


def source_text(item: BatchItem) -> str:
    src = item.source
    return f"{src.file}:{src.line}" if src.line is not None else src.file


def unique_citations(citations: Iterable[CitationOut]) -> list[CitationOut]:
    """Citations in order, each (document, article, quote) once: a restated rule cites the same
    article through two layers."""
    seen: set[tuple[str, str, str]] = set()
    kept: list[CitationOut] = []
    for citation in citations:
        key = (citation.document, citation.article, citation.quote)
        if key not in seen:
            seen.add(key)
            kept.append(citation)
    return kept


def citation_line(citation: CitationOut) -> str:
    return f"{citation.document} {citation.article}"


# The snapshot sections a check can miss as a whole (fact paths such as ``policies.x`` have their
# label in the vocabulary).
_SECTION_LABELS: dict[str, tuple[str, str]] = {
    "activities": ("活动记录", "activity records"),
    "agreements": ("合作协议清单", "the list of agreements"),
    "residents": ("入住老年人名单", "the list of residents"),
    "hazards": ("隐患台账明细", "the hazards in the ledger"),
    "tcm_techniques": ("中医药适宜技术清单", "the list of TCM techniques"),
    "quality.pressure_ulcers": ("压疮数据", "pressure-ulcer data"),
}

_REQUIREMENT_LABELS: dict[str, tuple[str, str]] = {
    "service_plan": ("针对性服务方案", "an individual service plan"),
    "admission_assessment": ("入住评估", "an admission assessment"),
    "confidentiality_clause": ("保密条款", "a confidentiality clause"),
    "dispute_clause": ("争议解决条款", "a dispute clause"),
    "renewed_or_terminated": ("续签或终止情况", "renewal or termination"),
}


# The group of periodic obligations whose periods are still running: nothing is missing from the
# snapshot, the calendar has not got there yet.
PERIOD_OPEN = "@period_open"


def missing_label(path: str, lang: Lang) -> str:
    """The label of a missing fact path, in the user's language, with the path."""
    if path in _SECTION_LABELS:
        zh, en = _SECTION_LABELS[path]
    else:
        label = fact_label(path)
        zh, en = label.zh, label.en
    return f"{zh if lang == 'zh' else en}（{path}）" if lang == "zh" else f"{en} ({path})"


def missing_facts(finding: Finding) -> list[str]:
    """What the snapshot would have to say for this insufficient-data finding to be judged: the
    fact paths in ``evidence.missing``, or for records of unknown state ``records[].requirement``."""
    evidence = finding.evidence
    paths = evidence.get("missing")
    if isinstance(paths, list) and paths:
        return [str(p) for p in paths]
    periods = evidence.get("periods")
    if isinstance(periods, list) and periods:
        return [PERIOD_OPEN]
    requirement = evidence.get("requirement")
    records = evidence.get("records")
    if evidence.get("unknown") and isinstance(requirement, str) and isinstance(records, str):
        return [f"{records}[].{requirement}"]
    return []


def missing_text(path: str, lang: Lang) -> str:
    """Like :func:`missing_label`, for paths from :func:`missing_facts` too (``residents[].x``)."""
    if path == PERIOD_OPEN:
        return (
            "周期尚未结束，评估日时无法判定（到期后重新检查）"
            if lang == "zh"
            else "period still running at the evaluation date (check again when it ends)"
        )
    if "[]." in path:
        records, requirement = path.split("[].", 1)
        rec = _SECTION_LABELS.get(records, (records, records))
        req = _REQUIREMENT_LABELS.get(requirement, (requirement, requirement))
        return f"{rec[0]}中每条的{req[0]}（{path}）" if lang == "zh" else f"{req[1]} for each of {rec[1]} ({path})"
    return missing_label(path, lang)


def group_by_missing(reports: Sequence[Report]) -> dict[str, list[tuple[Report, Finding]]]:
    """Insufficient-data findings grouped by the fact they miss (a finding missing two facts is in
    both groups); findings that name no fact go under ``""``. Keys in first-seen order."""
    groups: dict[str, list[tuple[Report, Finding]]] = {}
    for report in reports:
        for finding in report.findings:
            if finding.status is not Status.INSUFFICIENT_DATA:
                continue
            for path in missing_facts(finding) or [""]:
                groups.setdefault(path, []).append((report, finding))
    return groups


def error_problems(error: InputError) -> list[dict[str, object]]:
    return [problem.as_dict() for problem in error.problems]
