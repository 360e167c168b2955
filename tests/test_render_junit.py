"""JUnit XML: valid against the Apache Ant JUnit schema (windyroad JUnit.xsd, tests/fixtures) and
read by junitparser: one suite per snapshot, one case per rule, failures = mandatory violations."""

from __future__ import annotations

from pathlib import Path

import xmlschema
from junitparser import Error, Failure, JUnitXml, Skipped

from render_items import FIXTURES, batch, hostile_item, sample_item
from yiyang_rules.checks.base import Status
from yiyang_rules.render import RENDERERS
from yiyang_rules.render.base import BatchItem, RenderOptions
from yiyang_rules.rulefile import Level

SCHEMA = xmlschema.XMLSchema(str(FIXTURES / "junit-windyroad.xsd"))


def junit(items: list[BatchItem] | tuple[BatchItem, ...], tmp_path: Path) -> Path:
    text = RENDERERS["junit"].render(list(items), RenderOptions())
    assert isinstance(text, str)
    path = tmp_path / "report.xml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_xml_is_valid_against_the_junit_schema(tmp_path: Path) -> None:
    for items in ([sample_item()], batch()[:30], [hostile_item()]):
        SCHEMA.validate(str(junit(items, tmp_path)))


def test_the_schema_can_say_no(tmp_path: Path) -> None:
    path = tmp_path / "bad.xml"
    path.write_text('<testsuites><testsuite name="x"/></testsuites>', encoding="utf-8")
    assert not SCHEMA.is_valid(str(path))


def test_a_junit_library_reads_one_suite_per_snapshot_and_one_case_per_rule(tmp_path: Path) -> None:
    items = batch()[:30]
    xml = JUnitXml.fromfile(str(junit(items, tmp_path)))
    suites = list(xml)
    assert len(suites) == len(items)
    for suite, item in zip(suites, items, strict=True):
        if item.report is None:
            (case,) = list(suite)
            assert isinstance(case.result[0], Error)
            continue
        report = item.report
        cases = {case.name: case for case in suite}
        assert set(cases) == {f.rule_id for f in report.findings}
        for finding in report.findings:
            result = cases[finding.rule_id].result
            if finding.status is Status.NON_COMPLIANT and finding.level is Level.MANDATORY:
                assert isinstance(result[0], Failure)
                assert finding.citations[0].quote in (result[0].text or "")
            elif finding.status is Status.COMPLIANT:
                assert result == []
            else:
                assert isinstance(result[0], Skipped)
                assert (result[0].message or "").startswith(finding.status.value)
        assert suite.failures == len(report.mandatory_violations)
        assert suite.tests == len(report.findings)


def test_hostile_text_stays_text(tmp_path: Path) -> None:
    xml = JUnitXml.fromfile(str(junit([hostile_item()], tmp_path)))
    (suite,) = list(xml)
    assert "<script>" in suite.name and "\\x1b" in suite.name


def test_failures_follow_fail_on(tmp_path: Path) -> None:
    items = [i for i in batch()[:30] if i.report]
    for fail_on, counted in (
        ("mandatory", lambda f: f.status is Status.NON_COMPLIANT and f.level is Level.MANDATORY),
        ("recommended", lambda f: f.status is Status.NON_COMPLIANT),
        ("insufficient", lambda f: f.status in (Status.NON_COMPLIANT, Status.INSUFFICIENT_DATA)),
    ):
        text = RENDERERS["junit"].render(items, RenderOptions(fail_on=fail_on))  # type: ignore[arg-type]
        assert isinstance(text, str)
        path = tmp_path / f"{fail_on}.xml"
        path.write_text(text, encoding="utf-8")
        SCHEMA.validate(str(path))
        suites = list(JUnitXml.fromfile(str(path)))
        for suite, item in zip(suites, items, strict=True):
            assert item.report is not None
            failed = {case.name for case in suite if case.result and isinstance(case.result[0], Failure)}
            assert failed == {f.rule_id for f in item.report.findings if counted(f)}
