"""JUnit XML for CI dashboards (Jenkins, GitLab, Azure DevOps): one ``<testsuite>`` per snapshot,
one ``<testcase>`` per rule.

- what fails the exit code is a ``<failure>`` (``options.fail_on``, from ``--fail-on``: by default a
  mandatory obligation that is ``non_compliant``; with ``recommended`` also recommended ones; with
  ``insufficient`` also ``insufficient_data``), with the reason, the evidence and the cited articles
  with their quotes;
- ``compliant`` passes (an empty test case);
- every other finding (by default: a recommended obligation not met, ``insufficient_data``,
  ``not_applicable``) is ``<skipped>`` with a message that starts with the status, so a dashboard
  shows it without failing a build;
- an input that could not be checked is a suite with one ``<error>`` test case named ``input``.

The document validates against the Apache Ant JUnit schema (windyroad ``JUnit.xsd``, in
tests/fixtures): ``timestamp`` is the evaluation date at midnight (the same input gives the same
file), ``hostname`` is ``localhost``, ``time`` is 0. Control characters, which XML 1.0 cannot hold,
are shown as ``\\xNN``.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from ..checks.base import Status
from ..levels import Level
from ..report import Finding, Report
from .base import BatchItem, FailOn, RenderOptions
from .labels import LEVEL_TEXT, STATUS_TEXT, pick
from .text import printable, report_of, source_text, unique_citations


def _text(finding: Finding, lang: str) -> str:
    lines = [printable(pick(finding.message, lang)), ""]
    lines += [printable(f"{c.document} {c.article}：{c.quote}") for c in unique_citations(finding.citations)]
    lines += ["", printable(json.dumps(finding.evidence, ensure_ascii=False, sort_keys=True))]
    return "\n".join(lines)


def fails(finding: Finding, fail_on: FailOn) -> bool:
    """Whether ``--fail-on`` counts this finding (each level includes the ones before it)."""
    if finding.status is Status.NON_COMPLIANT:
        return finding.level is Level.MANDATORY or fail_on != "mandatory"
    return finding.status is Status.INSUFFICIENT_DATA and fail_on == "insufficient"


def _testcase(suite: ET.Element, report: Report, finding: Finding, lang: str, fail_on: FailOn) -> str:
    case = ET.SubElement(
        suite,
        "testcase",
        name=printable(finding.rule_id),
        classname=printable(report.institution.id),
        time="0",
    )
    if finding.status is Status.COMPLIANT:
        return "pass"
    if fails(finding, fail_on):
        kind = f"{finding.status.value}.{finding.level.value}"
        failure = ET.SubElement(case, "failure", message=printable(pick(finding.message, lang)), type=kind)
        failure.text = _text(finding, lang)
        return "failure"
    status = f"{finding.status.value} ({pick(STATUS_TEXT[finding.status], lang)})"
    level = pick(LEVEL_TEXT[finding.level.value], lang)
    ET.SubElement(case, "skipped", message=printable(f"{status}, {level}: {pick(finding.message, lang)}"))
    return "skipped"


def _properties(suite: ET.Element, values: dict[str, str]) -> None:
    properties = ET.SubElement(suite, "properties")
    for name, value in values.items():
        ET.SubElement(properties, "property", name=name, value=printable(value))


def _suite(root: ET.Element, index: int, item: BatchItem, lang: str, fail_on: FailOn) -> None:
    report = report_of(item)
    suite = ET.SubElement(root, "testsuite", id=str(index), package="yiyang-rules", hostname="localhost", time="0")
    if report is None:
        assert item.error is not None
        suite.attrib.update(name=printable(source_text(item)), timestamp="1970-01-01T00:00:00")
        suite.attrib.update(tests="1", failures="0", errors="1", skipped="0")
        _properties(suite, {"source": source_text(item)})
        case = ET.SubElement(suite, "testcase", name="input", classname=printable(source_text(item)), time="0")
        messages = [f"{p.path}: {p.message(lang)}" if p.path else p.message(lang) for p in item.error.problems]
        error = ET.SubElement(case, "error", message=printable(messages[0] if messages else ""), type="input_error")
        error.text = printable("\n".join(messages))
    else:
        suite.attrib.update(
            name=printable(f"{report.institution.name} ({report.institution.id})"),
            timestamp=f"{report.as_of}T00:00:00",
        )
        _properties(
            suite,
            {
                "institution.id": report.institution.id,
                "institution.name": report.institution.name,
                "jurisdiction": " + ".join(report.jurisdiction),
                "as_of": report.as_of,
                "period.start": report.period["start"],
                "period.end": report.period["end"],
                "source": source_text(item),
                **{f"summary.{k}": str(v) for k, v in report.summary.model_dump().items()},
            },
        )
        outcomes = [_testcase(suite, report, f, lang, fail_on) for f in report.findings]
        suite.attrib.update(
            tests=str(len(outcomes)),
            failures=str(outcomes.count("failure")),
            errors="0",
            skipped=str(outcomes.count("skipped")),
        )
    ET.SubElement(suite, "system-out").text = ""
    ET.SubElement(suite, "system-err").text = ""


def render(items: Sequence[BatchItem], options: RenderOptions) -> str:
    root = ET.Element("testsuites")
    for index, item in enumerate(items):
        _suite(root, index, item, options.lang, options.fail_on)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
