"""Exemptions in a request (``?exemptions=envelope``), against the real server in a subprocess: the
report is the same bytes as ``yiyang check --format json --exemptions FILE`` (but for the places
that name where the input came from), expiry is judged on ``as_of``, an unmatched exemption is
reported, a bad entry is 422 with its field path, and a batch carries each institution's own."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from test_server import (
    ROOT,
    SAMPLE,
    Server,
    cli_json,
    error_of,
    jsonl,
    running_server,
    sample_bytes,
    validate,
)
from yiyang_rules.report import Report

EXEMPTIONS = ROOT / "examples" / "beijing-exemptions.yaml"
ENVELOPE = {"exemptions": "envelope"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with running_server(tmp_path_factory.mktemp("server")) as running:
        yield running


@pytest.fixture(scope="module")
def client(server: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=60.0) as http:
        yield http


def file_entries() -> list[dict[str, Any]]:
    """The example file's entries as JSON values (YAML reads the dates as dates)."""
    entries: list[dict[str, Any]] = yaml.safe_load(EXEMPTIONS.read_text(encoding="utf-8"))["exemptions"]
    return [{k: v.isoformat() if isinstance(v, date) else v for k, v in e.items()} for e in entries]


def envelope(snapshot: Any, exemptions: list[dict[str, Any]]) -> dict[str, Any]:
    return {"snapshot": snapshot, "exemptions": exemptions}


def sample() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(sample_bytes())
    return data


def located(line: str | bytes, approval_sources: list[str], source: dict[str, Any] | None = None) -> str:
    """A report line with its ``source`` and each approval's ``source`` replaced: the only places
    where the service (which names the request) and the command line (which names the file) may
    differ. Everything else must be the same bytes."""
    report = Report.model_validate_json(line)
    assert report.exemptions is not None
    assert len(report.exemptions) == len(approval_sources)
    outcomes = [
        o.model_copy(update={"approval": o.approval.model_copy(update={"source": s})})
        for o, s in zip(report.exemptions, approval_sources, strict=True)
    ]
    findings = []
    for finding in report.findings:
        if finding.exemption is None:
            findings.append(finding)
            continue
        approvals = [a.model_copy(update={"source": "-"}) for a in finding.exemption.approvals]
        note = finding.exemption.model_copy(update={"approvals": approvals})
        findings.append(finding.model_copy(update={"exemption": note}))
    return (
        report.model_copy(update={"source": source, "exemptions": outcomes, "findings": findings}).model_dump_json()
        + "\n"
    )


def test_exemptions_in_the_request_give_the_same_report_as_the_cli(client: httpx.Client) -> None:
    response = client.post("/v1/check", params=ENVELOPE, json=envelope(sample(), file_entries()))
    assert response.status_code == 200, response.text
    body = response.json()
    validate(body, "Report")
    assert [o["state"] for o in body["exemptions"]] == ["applied", "applied"]
    assert [o["approval"]["source"] for o in body["exemptions"]] == [
        "<request>:exemptions[0]",
        "<request>:exemptions[1]",
    ]
    exempted = {f["rule_id"]: f["exemption"]["state"] for f in body["findings"] if f["exemption"] is not None}
    assert exempted == {"fire.inspection-monthly": "exempted", "safety.hazard-ledger": "exempted"}
    (cli_line,) = cli_json(SAMPLE, "--exemptions", EXEMPTIONS)
    sources = ["-", "-"]
    assert located(response.text, sources) == located(cli_line, sources)


def test_without_the_flag_the_body_is_the_bare_snapshot_as_before(client: httpx.Client) -> None:
    plain = client.post("/v1/check", content=sample_bytes())
    assert plain.status_code == 200
    assert plain.json()["exemptions"] is None
    # An envelope without the flag is not a snapshot: refused, never half-read.
    error_of(client.post("/v1/check", json=envelope(sample(), file_entries())), 422, "invalid_snapshot")


def test_an_exemption_expires_after_its_day_judged_on_as_of(client: httpx.Client) -> None:
    body = envelope(sample(), file_entries())
    on_the_day = client.post("/v1/check", params={**ENVELOPE, "as_of": "2026-09-30"}, json=body).json()
    day_after = client.post("/v1/check", params={**ENVELOPE, "as_of": "2026-10-01"}, json=body)
    assert day_after.status_code == 200, day_after.text
    after = day_after.json()
    assert [o["state"] for o in on_the_day["exemptions"]] == ["applied", "applied"]
    assert [o["state"] for o in after["exemptions"]] == ["applied", "expired"]
    fire = next(f for f in after["findings"] if f["rule_id"] == "fire.inspection-monthly")
    assert fire["status"] == "non_compliant"
    assert fire["exemption"] is None  # an expired approval covers nothing
    (cli_line,) = cli_json(SAMPLE, "--exemptions", EXEMPTIONS, "--as-of", "2026-10-01")
    assert located(day_after.text, ["-", "-"]) == located(cli_line, ["-", "-"])


def test_an_exemption_that_matches_nothing_is_reported(client: httpx.Client) -> None:
    entry = {**file_entries()[1], "unit": "2026-05"}  # fire inspections of May were done
    response = client.post("/v1/check", params=ENVELOPE, json=envelope(sample(), [entry]))
    assert response.status_code == 200, response.text
    (outcome,) = response.json()["exemptions"]
    assert outcome["state"] == "unmatched"
    assert outcome["units"] == []
    fire = next(f for f in response.json()["findings"] if f["rule_id"] == "fire.inspection-monthly")
    assert fire["exemption"] is None


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"expires": "2026-02-30"}, "exemptions[0].expires"),
        ({"expires": "2026-03-01"}, "exemptions[0].expires"),  # before granted
        ({"expires": "2027-09-30"}, "exemptions[0].expires"),  # beyond the 12-month horizon
        ({"rule": "fire.inspection-montly"}, "exemptions[0].rule"),
        ({"aproved_by": "x"}, "exemptions[0].aproved_by"),
        ({"institution": "SOMEONE-ELSE"}, "exemptions[0].institution"),
    ],
)
def test_a_bad_entry_is_422_naming_its_field(client: httpx.Client, change: dict[str, str], path: str) -> None:
    entry = {**file_entries()[1], **change}
    error = error_of(
        client.post("/v1/check", params=ENVELOPE, json=envelope(sample(), [entry])), 422, "invalid_exemptions"
    )
    problems = error["error"]["problems"]
    assert [p["path"] for p in problems] == [path]
    assert problems[0]["message"]["zh"] and problems[0]["message"]["en"]


@pytest.mark.parametrize(
    ("body", "code", "path"),
    [
        (b"", "invalid_exemptions", ""),
        (b"[]", "invalid_exemptions", ""),
        (b'{"snapshot": {}, "exemptions": [], "extra": 1}', "invalid_exemptions", "extra"),
        (b'{"exemptions": []}', "invalid_exemptions", "snapshot"),
        (b'{"snapshot": "examples/beijing-sample.json", "exemptions": []}', "invalid_exemptions", "snapshot"),
        (b'{"snapshot": {}, "exemptions": {}}', "invalid_exemptions", "exemptions"),
        (b'{"snapshot": {}, "exemptions": [], "exemptions": []}', "invalid_exemptions", ""),
        (b'{"snapshot": {"schema_version": "1"}, "exemptions": []}', "invalid_snapshot", "snapshot."),
        (b'{"snapshot": {}, "exemptions": [NaN]}', "invalid_exemptions", ""),
        (b'{"snapshot": {}, "exemptions": ["x"]}', "invalid_exemptions", "exemptions[0]"),
        (b"\xff\xfe", "invalid_exemptions", ""),
    ],
)
def test_a_bad_envelope_is_422_never_500(client: httpx.Client, body: bytes, code: str, path: str) -> None:
    error = error_of(client.post("/v1/check", params=ENVELOPE, content=body), 422, code)
    assert any(p["path"].startswith(path) if path else p["path"] == "" for p in error["error"]["problems"])


def test_a_batch_carries_each_institutions_own_exemptions(client: httpx.Client, tmp_path: Path) -> None:
    entries = file_entries()
    other = copy.deepcopy(sample())
    other["institution"]["id"] = "OTHER-0001"
    other_entries = [{**e, "institution": "OTHER-0001"} for e in entries[1:]]
    bad_entry = [{**entries[0], "granted": "someday"}]
    lines = [
        envelope(sample(), entries),
        envelope(other, other_entries),
        envelope(sample(), []),
        envelope(sample(), bad_entry),
    ]
    response = client.post("/v1/check/batch", params={**ENVELOPE, "as_of": "2026-09-10"}, content=jsonl(lines))
    assert response.status_code == 200
    results = [json.loads(line) for line in response.text.splitlines()]
    assert len(results) == 4
    first, second, third, fourth = results
    assert [o["state"] for o in first["exemptions"]] == ["applied", "applied"]
    assert [o["approval"]["source"] for o in second["exemptions"]] == ["<request>:2:exemptions[0]"]
    assert second["institution"]["id"] == "OTHER-0001"
    assert [o["approval"]["institution"] for o in second["exemptions"]] == ["OTHER-0001"]
    assert third["exemptions"] == []
    assert fourth["source"] == {"file": "<request>", "line": 4}
    assert [p["path"] for p in fourth["error"]["problems"]] == ["exemptions[0].granted"]
    validate(fourth, "BatchLineError")
    # Line 1 is the same report as the command line's for the same file and day.
    (cli_line,) = cli_json(SAMPLE, "--exemptions", EXEMPTIONS, "--as-of", "2026-09-10")
    assert located(response.text.splitlines()[0], ["-", "-"], None) == located(cli_line, ["-", "-"], None)


def test_any_other_value_of_the_exemptions_parameter_is_400(client: httpx.Client) -> None:
    for path in ("/v1/check", "/v1/check/batch"):
        error = error_of(client.post(path, params={"exemptions": "x.yaml"}, content=sample_bytes()), 400, "bad_request")
        assert "exemptions=envelope" in error["error"]["message"]["en"]


def test_the_longest_exemption_is_configurable_like_the_cli(client: httpx.Client, tmp_path: Path) -> None:
    entry = {**file_entries()[1], "expires": "2027-09-30"}  # 18 months after granted
    body = envelope(sample(), [entry])
    refused = error_of(client.post("/v1/check", params=ENVELOPE, json=body), 422, "invalid_exemptions")
    assert "12 months" in refused["error"]["problems"][0]["message"]["en"]
    with (
        running_server(tmp_path, ["--max-exemption-months", "18"]) as longer,
        httpx.Client(base_url=longer.url, timeout=60.0) as http,
    ):
        response = http.post("/v1/check", params=ENVELOPE, json=body)
    assert response.status_code == 200, response.text
    assert [o["state"] for o in response.json()["exemptions"]] == ["applied"]
