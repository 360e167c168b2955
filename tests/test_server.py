"""The HTTP service, tested as a vendor meets it: the real server (``yiyang serve``, uvicorn) in a
subprocess on a free port of 127.0.0.1, called over HTTP. Every endpoint, every error status, and the
same report bytes as ``yiyang check --format json``."""

from __future__ import annotations

import copy
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest

from yiyang_rules.engine import Engine
from yiyang_rules.errors import InputError
from yiyang_rules.report import Report, SourceRef

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "examples" / "beijing-sample.json"
OPENAPI = json.loads((ROOT / "schemas" / "openapi.json").read_text(encoding="utf-8"))
MAX_BODY = 256 * 1024
MAX_BATCH = 16 * 1024 * 1024
SECRET = "张三丰-RESIDENT-SECRET"


# --- the real server in a subprocess -----------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Server:
    url: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    def log_lines(self) -> list[str]:
        return self.log.read_text(encoding="utf-8", errors="replace").splitlines()

    def access_records(self) -> list[dict[str, Any]]:
        records = []
        lines = self.log_lines()
        for number, line in enumerate(lines, start=1):
            if line.startswith("{"):
                try:
                    records.append(json.loads(line))
                except json.JSONDecodeError:
                    if number < len(lines):  # only the last line may be half written
                        raise
        return records


def _wait_until_healthy(process: subprocess.Popen[bytes], url: str, log: Path, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}:\n{log.read_text(errors='replace')}")
        try:
            if httpx.get(f"{url}/healthz", timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"the server did not answer /healthz in {timeout} s:\n{log.read_text(errors='replace')}")


def stop(process: subprocess.Popen[bytes], timeout: float = 30.0) -> int:
    """SIGTERM (a graceful stop), then SIGKILL if it does not end in time: never leaves one running."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return process.returncode


@contextmanager
def running_server(
    log_dir: Path, args: Sequence[str] = (), env: dict[str, str] | None = None, command: Sequence[str] | None = None
) -> Iterator[Server]:
    port = free_port()
    cmd = [*(command or [sys.executable, "-m", "yiyang_rules", "serve"]), "--port", str(port), *args]
    log = log_dir / f"server-{port}.log"
    full_env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
    with log.open("wb") as sink:
        process = subprocess.Popen(cmd, stdout=sink, stderr=subprocess.STDOUT, env=full_env, cwd=ROOT)
    try:
        url = f"http://127.0.0.1:{port}"
        _wait_until_healthy(process, url, log)
        yield Server(url, port, process, log)
    finally:
        stop(process)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    env = {"YIYANG_MAX_BODY_BYTES": str(MAX_BODY), "YIYANG_MAX_BATCH_BYTES": str(MAX_BATCH)}
    with running_server(tmp_path_factory.mktemp("server"), env=env) as running:
        yield running


@pytest.fixture(scope="module")
def client(server: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=60.0) as http:
        yield http


def eventually(condition: Callable[[], bool], timeout: float = 20.0) -> bool:
    """The log is written after the answer is sent: poll for it rather than sleep a guessed time."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if condition():
                return True
        except (IndexError, KeyError):
            pass
        time.sleep(0.05)
    return False


# --- inputs ------------------------------------------------------------------------------------


def sample_bytes() -> bytes:
    return SAMPLE.read_bytes()


def generated_batch(count: int = 24) -> list[dict[str, Any]]:
    """Variants of the bundled sample across provinces (each spelling the contract allows), dates
    and missing data, so that reports differ in jurisdiction, statuses and evidence."""
    base = json.loads(sample_bytes())
    provinces = ["北京市", "beijing", "shaanxi", "陕西省", "hebei", "130000", "guangdong"]
    snapshots = []
    for index in range(count):
        snap = copy.deepcopy(base)
        snap["institution"]["id"] = f"GEN-{index:04d}"
        snap["institution"].pop("region_code", None)
        snap["institution"]["province"] = provinces[index % len(provinces)]
        snap["activities"] = snap["activities"][: len(snap["activities"]) - index % 5]
        if index % 3 == 1:
            snap.pop("policies", None)
        if index % 4 == 2:
            snap["as_of"] = "2026-03-15"
            snap["period"] = {"start": "2025-10-01", "end": "2026-03-15"}
        snapshots.append(snap)
    return snapshots


def jsonl(snapshots: Sequence[Any]) -> bytes:
    return b"".join(
        (s if isinstance(s, bytes) else json.dumps(s, ensure_ascii=False).encode()) + b"\n" for s in snapshots
    )


def cli_json(*args: str | Path) -> list[str]:
    """The lines of ``yiyang check --format json`` (exit 0 or 1: a report was written)."""
    done = subprocess.run(
        [sys.executable, "-m", "yiyang_rules", "check", "--format", "json", *map(str, args)],
        capture_output=True,
        check=False,
        cwd=ROOT,
    )
    assert done.returncode in (0, 1), done.stderr.decode()
    return done.stdout.decode().splitlines(keepends=True)


def with_source(line: str | bytes, source: dict[str, Any] | None) -> str:
    """A report line with its ``source`` set: the one field in which the service and the command line
    may differ (the CLI names the file; the service names the request). Everything else must be the
    same bytes."""
    report = Report.model_validate_json(line)
    located = SourceRef(**source) if source is not None else None
    return report.model_copy(update={"source": located}).model_dump_json() + "\n"


def validate(instance: Any, component: str) -> None:
    """Against the committed OpenAPI document: what the server sends is what the document says."""
    schema = {**OPENAPI, "$ref": f"#/components/schemas/{component}"}
    jsonschema.Draft202012Validator(schema).validate(instance)


def error_of(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    validate(body, "ErrorResponse")
    assert body["error"]["code"] == code
    assert body["error"]["message"]["zh"] and body["error"]["message"]["en"]
    assert "Traceback" not in response.text
    return body


# --- health ------------------------------------------------------------------------------------


def test_healthz_and_readyz_report_the_compiled_catalogs_and_the_configured_limits(client: httpx.Client) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    body = ready.json()
    validate(body, "Ready")
    engine = Engine.load()
    assert body["catalogs"] == {key: len(c.rules) for key, c in engine.catalogs.items()}
    assert body["limits"] == {"max_body_bytes": MAX_BODY, "max_batch_bytes": MAX_BATCH}


# --- /v1/check ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "cli_args"),
    [
        ({}, []),
        ({"as_of": "2026-07-15"}, ["--as-of", "2026-07-15"]),
        ({"jurisdiction": "national"}, ["--jurisdiction", "national"]),
        ({"jurisdiction": "陕西省", "as_of": "2026-12-31", "lang": "en"}, ["-j", "陕西省", "--as-of", "2026-12-31"]),
    ],
)
def test_check_gives_the_same_bytes_as_the_cli(
    client: httpx.Client, query: dict[str, str], cli_args: list[str]
) -> None:
    response = client.post("/v1/check", params=query, content=sample_bytes())
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    (cli_line,) = cli_json(SAMPLE, *cli_args)
    assert response.text == with_source(cli_line, None)
    assert response.json()["source"] is None
    validate(response.json(), "Report")


def test_check_and_batch_agree_with_the_cli_on_a_generated_batch(client: httpx.Client, tmp_path: Path) -> None:
    snapshots = generated_batch()
    path = tmp_path / "batch.jsonl"
    path.write_bytes(jsonl(snapshots))
    cli_lines = cli_json(path, "--as-of", "2026-09-10")
    assert len(cli_lines) == len(snapshots)

    batch = client.post("/v1/check/batch", params={"as_of": "2026-09-10"}, content=path.read_bytes())
    assert batch.status_code == 200
    assert batch.headers["content-type"] == "application/x-ndjson"
    served = batch.text.splitlines(keepends=True)
    assert len(served) == len(snapshots)
    statuses = set()
    for number, (mine, theirs) in enumerate(zip(served, cli_lines, strict=True), start=1):
        source = {"file": "<request>", "line": number}
        assert json.loads(mine)["source"] == source
        assert mine == with_source(theirs, source)
        statuses.update(f["status"] for f in json.loads(mine)["findings"])
    assert {"compliant", "non_compliant", "insufficient_data"} <= statuses  # the variants differ

    for snapshot, theirs in list(zip(snapshots, cli_lines, strict=True))[:6]:
        one = client.post("/v1/check", params={"as_of": "2026-09-10"}, content=json.dumps(snapshot).encode())
        assert one.text == with_source(theirs, None)


def test_a_bad_snapshot_is_422_with_the_problems_the_cli_reports(client: httpx.Client) -> None:
    data = json.loads(sample_bytes())
    data["activities"][0]["kind"] = "fire_inspetion"
    del data["period"]
    body = json.dumps(data, ensure_ascii=False).encode()
    response = client.post("/v1/check", content=body)
    error = error_of(response, 422, "invalid_snapshot")
    with pytest.raises(InputError) as raised:
        Engine.load().check(body, source="<request>")
    assert error["error"]["problems"] == [p.as_dict() for p in raised.value.problems]
    assert len(error["error"]["problems"]) >= 2
    text = json.dumps(error["error"]["problems"])
    assert "period" in text
    assert "activities" in text


@pytest.mark.parametrize(
    "body",
    [b"", b"not json", b"[1, 2]", b'{"schema_version": "1", "schema_version": "1"}', b'{"a": "\\ud800"}'],
)
def test_bodies_that_are_not_a_snapshot_are_422_never_500(client: httpx.Client, body: bytes) -> None:
    error = error_of(client.post("/v1/check", content=body), 422, "invalid_snapshot")
    assert error["error"]["problems"]


def test_a_body_is_never_read_as_a_file_path(client: httpx.Client) -> None:
    # The library reads a str that is not JSON as a path; the service must hand it bytes.
    error = error_of(client.post("/v1/check", content=str(SAMPLE).encode()), 422, "invalid_snapshot")
    assert "JSON" in json.dumps(error)


# --- /v1/check/batch ---------------------------------------------------------------------------


def test_batch_gives_one_result_per_line_in_order_with_errors_in_place(client: httpx.Client) -> None:
    good = generated_batch(3)
    bad_field = copy.deepcopy(good[0])
    bad_field["institution"]["kinds"] = ["nursing_hom"]
    lines = [good[0], b'{"schema_version": "1", broken', good[1], b"", bad_field, b"   ", good[2]]
    response = client.post("/v1/check/batch", content=jsonl(lines))
    assert response.status_code == 200
    records = [json.loads(line) for line in response.text.splitlines()]
    assert [r["source"] for r in records] == [{"file": "<request>", "line": n} for n in (1, 2, 3, 5, 7)]
    assert [("error" in r) for r in records] == [False, True, False, True, False]
    assert [r["institution"]["id"] for r in records if "error" not in r] == ["GEN-0000", "GEN-0001", "GEN-0002"]
    engine = Engine.load()
    for record, raw in ((records[1], lines[1]), (records[3], bad_field)):
        validate(record, "BatchLineError")
        assert set(record) == {"source", "error"}
        data = raw if isinstance(raw, bytes) else json.dumps(raw).encode()
        with pytest.raises(InputError) as raised:
            engine.check(data)
        assert record["error"] == {"problems": [p.as_dict() for p in raised.value.problems]}
    for record in (records[0], records[2], records[4]):
        validate(record, "Report")


def test_a_batch_without_a_final_newline_and_an_empty_batch(client: httpx.Client) -> None:
    body = jsonl(generated_batch(2)).rstrip(b"\n")
    records = [json.loads(line) for line in client.post("/v1/check/batch", content=body).text.splitlines()]
    assert [r["source"]["line"] for r in records] == [1, 2]
    empty = client.post("/v1/check/batch", content=b"")
    assert empty.status_code == 200
    assert empty.text == ""


def test_a_client_that_sends_the_whole_batch_before_reading_gets_every_line(client: httpx.Client) -> None:
    """httpx (like most clients) reads nothing until it has sent the body. A batch whose answer is
    larger than the sockets' buffers must not deadlock: the server keeps reading while it waits."""
    base = json.loads(sample_bytes())
    base["extensions"] = {"pad": "x" * 60_000}
    lines = []
    for index in range(200):
        base["institution"]["id"] = f"BIG-{index:04d}"
        lines.append(json.dumps(base).encode())
    body = b"\n".join(lines) + b"\n"
    assert len(body) < MAX_BATCH
    response = client.post("/v1/check/batch", content=body, timeout=120)
    records = response.text.splitlines()
    assert len(records) == 200
    assert len(response.content) > 10 * 1024 * 1024
    assert json.loads(records[-1])["institution"]["id"] == "BIG-0199"


def _http_chunk(data: bytes) -> bytes:
    return b"%x\r\n%s\r\n" % (len(data), data)


def _post_chunked_headers(path: str) -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
        "Content-Type: application/x-ndjson\r\nConnection: close\r\n\r\n"
    ).encode()


def _recv_until(sock: socket.socket, marker: bytes, seen: bytes = b"", timeout: float = 20.0) -> bytes:
    deadline = time.monotonic() + timeout
    data = seen
    while marker not in data:
        sock.settimeout(max(0.1, deadline - time.monotonic()))
        part = sock.recv(65536)
        if not part:
            break
        data += part
    return data


def test_batch_answers_each_line_before_the_next_one_is_sent(server: Server) -> None:
    """Streaming both ways: the first report arrives while the client still holds the second line."""
    first, second = generated_batch(2)
    with socket.create_connection(("127.0.0.1", server.port), timeout=20) as sock:
        sock.sendall(_post_chunked_headers("/v1/check/batch"))
        sock.sendall(_http_chunk(json.dumps(first).encode() + b"\n"))
        received = _recv_until(sock, b'"GEN-0000"')
        assert b"HTTP/1.1 200" in received
        assert b'"GEN-0000"' in received
        assert b'"GEN-0001"' not in received
        sock.sendall(_http_chunk(json.dumps(second).encode() + b"\n") + b"0\r\n\r\n")
        received = _recv_until(sock, b"\r\n0\r\n\r\n", received)
    assert b'"GEN-0001"' in received


def test_a_batch_stops_when_its_client_goes_away(server: Server) -> None:
    """Nobody reads the rest: the worker stops checking instead of burning the rest of the batch."""
    lines = []
    for index in range(300):
        snapshot = json.loads(sample_bytes())
        snapshot["institution"]["id"] = f"GONE-{index:04d}"
        lines.append(json.dumps(snapshot).encode())
    body = b"\n".join(lines) + b"\n"
    before = len([r for r in server.access_records() if r.get("path") == "/v1/check/batch"])
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
        sock.sendall(
            b"POST /v1/check/batch HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: %d\r\n\r\n" % len(body) + body
        )
        assert b'"GONE-0000"' in _recv_until(sock, b'"GONE-0000"')
    deadline = time.monotonic() + 30
    records: list[dict[str, Any]] = []
    while not records and time.monotonic() < deadline:
        time.sleep(0.2)
        records = [r for r in server.access_records() if r.get("path") == "/v1/check/batch"][before:]
    assert records, "the batch never ended"
    assert records[0]["status"] == 200
    assert records[0]["response_bytes"] < 30 * 58_000  # a few reports were written, not the 60 or more read


# --- limits: 413 -------------------------------------------------------------------------------


def test_an_oversize_body_is_413_by_its_declared_length(client: httpx.Client) -> None:
    body = b"{" + b" " * MAX_BODY + b"}"
    error = error_of(client.post("/v1/check", content=body), 413, "payload_too_large")
    assert str(MAX_BODY) in error["error"]["message"]["en"]


def test_an_oversize_body_without_a_length_is_refused_while_it_is_read(server: Server) -> None:
    """A chunked body that never ends: the 413 can only come from counting while reading."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=20) as sock:
        sock.sendall(_post_chunked_headers("/v1/check"))
        received = b""
        sent = 0
        deadline = time.monotonic() + 20
        sock.setblocking(False)
        while b"\r\n\r\n" not in received and time.monotonic() < deadline:
            try:
                sock.sendall(_http_chunk(b" " * 16384))
                sent += 16384
            except (BlockingIOError, BrokenPipeError, ConnectionResetError):
                time.sleep(0.01)
            with suppress(BlockingIOError):
                received += sock.recv(65536)
        sock.setblocking(True)
        sock.settimeout(5)
        received = _recv_until(sock, b"payload_too_large", received, timeout=5)
    assert received.startswith(b"HTTP/1.1 413"), received[:200]
    assert b"payload_too_large" in received
    # Answered soon after the limit, not at the end of the stream (it has none); socket buffers and a
    # loaded machine let a few MB more through before the answer is read.
    assert sent <= MAX_BODY + 32 * 1024 * 1024


def test_an_oversize_batch_is_413_and_an_oversize_line_is_an_error_in_its_place(client: httpx.Client) -> None:
    error_of(client.post("/v1/check/batch", content=b"\n" * (MAX_BATCH + 1)), 413, "payload_too_large")
    good = json.dumps(generated_batch(1)[0]).encode()
    long_line = b'{"pad": "' + b"x" * MAX_BODY + b'"}'
    response = client.post("/v1/check/batch", content=b"\n".join([good, long_line, good]) + b"\n")
    records = [json.loads(line) for line in response.text.splitlines()]
    assert [r["source"]["line"] for r in records] == [1, 2, 3]
    assert "error" in records[1]
    assert str(MAX_BODY) in records[1]["error"]["problems"][0]["message"]["en"]
    assert records[0]["institution"] == records[2]["institution"]


# --- the catalog -------------------------------------------------------------------------------


def _cli(*args: str) -> Any:
    done = subprocess.run([sys.executable, "-m", "yiyang_rules", *args], capture_output=True, check=True, cwd=ROOT)
    return json.loads(done.stdout)


def test_rules_list_is_the_catalog_with_citations_and_versions(client: httpx.Client) -> None:
    engine = Engine.load()
    for query, key in (
        ({}, "national"),
        ({"jurisdiction": "北京"}, "beijing"),
        ({"jurisdiction": "610000"}, "shaanxi"),
    ):
        response = client.get("/v1/rules", params=query)
        assert response.status_code == 200
        body = response.json()
        validate(body, "RuleList")
        catalog = engine.catalogs[key]
        assert body["jurisdiction"] == list(catalog.layers)
        assert [r["id"] for r in body["rules"]] == [r.id for r in catalog.rules]
        assert all(r["citations"] and r["versions"] for r in body["rules"])
    # A province without rules of its own: the national catalog, as in the CLI.
    assert client.get("/v1/rules", params={"jurisdiction": "hebei"}).json()["jurisdiction"] == ["national"]
    rows = {r["id"]: r for r in _cli("rules", "list", "--format", "json", "-j", "beijing")}
    for rule in client.get("/v1/rules", params={"jurisdiction": "beijing"}).json()["rules"]:
        listed = rows[rule["id"]]
        assert {k: rule[k] for k in listed} == listed


def test_a_rule_is_the_same_object_as_rules_show(client: httpx.Client) -> None:
    engine = Engine.load()
    overlaid = next(r for r in engine.catalogs["beijing"].rules if r.operation is not None)
    for rule_id, jurisdiction in (("fire.inspection-monthly", "national"), (overlaid.id, "beijing")):
        response = client.get(f"/v1/rules/{rule_id}", params={"jurisdiction": jurisdiction})
        assert response.status_code == 200, response.text
        validate(response.json(), "RuleDetail")
        assert response.json() == _cli("rules", "show", rule_id, "-j", jurisdiction, "--format", "json")


def test_jurisdictions(client: httpx.Client) -> None:
    body = client.get("/v1/jurisdictions").json()
    validate(body, "JurisdictionList")
    engine = Engine.load()
    assert {j["id"]: j["rules"] for j in body["jurisdictions"]} == {k: len(c.rules) for k, c in engine.catalogs.items()}
    assert next(j for j in body["jurisdictions"] if j["id"] == "beijing")["name"]["zh"] == "北京市"


# --- errors: 400, 404, 405 ---------------------------------------------------------------------


def test_unknown_jurisdiction_rule_and_path_are_404(client: httpx.Client) -> None:
    error_of(
        client.post("/v1/check", params={"jurisdiction": "atlantis"}, content=sample_bytes()),
        404,
        "unknown_jurisdiction",
    )
    error_of(
        client.post("/v1/check/batch", params={"jurisdiction": "atlantis"}, content=b""), 404, "unknown_jurisdiction"
    )
    error_of(client.get("/v1/rules", params={"jurisdiction": "atlantis"}), 404, "unknown_jurisdiction")
    error_of(client.get("/v1/rules/no.such-rule"), 404, "unknown_rule")
    error_of(client.get("/v2/check"), 404, "not_found")
    engine = Engine.load()
    beijing_only = next(r.id for r in engine.catalogs["beijing"].rules if engine.catalogs["national"].get(r.id) is None)
    error = error_of(client.get(f"/v1/rules/{beijing_only}"), 404, "unknown_rule")
    assert "beijing" in error["error"]["message"]["en"]


def test_wrong_method_is_405(client: httpx.Client) -> None:
    error_of(client.get("/v1/check"), 405, "method_not_allowed")
    error_of(client.get("/v1/check/batch"), 405, "method_not_allowed")
    error_of(client.delete("/v1/rules"), 405, "method_not_allowed")
    error_of(client.put("/healthz"), 405, "method_not_allowed")


@pytest.mark.parametrize(
    "query",
    [
        "as_of=2026-13-40",
        "as_of=yesterday",
        "lang=fr",
        "jurisdicton=beijing",
        "exemptions=x.yaml",
        "as_of=2026-01-01&as_of=2026-02-01",
    ],
)
def test_bad_query_parameters_are_400(client: httpx.Client, query: str) -> None:
    for path in ("/v1/check", "/v1/check/batch"):
        error = error_of(client.post(f"{path}?{query}", content=sample_bytes()), 400, "bad_request")
        name = query.split("=", maxsplit=1)[0]
        assert name in error["error"]["message"]["en"]


# --- the contract documents ----------------------------------------------------------------------


def test_openapi_is_served_as_committed_and_docs_work_offline(client: httpx.Client) -> None:
    assert client.get("/openapi.json").json() == OPENAPI
    page = client.get("/docs")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    for path in OPENAPI["paths"]:
        assert f"<code>{path}</code>" in page.text
    for component in ("Snapshot", "Report", "ErrorResponse"):
        assert f'id="schema-{component}"' in page.text
    # Nothing from another host: no script, stylesheet link, image or frame.
    for tag in ("<script", "<link", "<img", "<iframe", "src="):
        assert tag not in page.text
    redirect = client.get("/", follow_redirects=False)
    assert redirect.status_code in (302, 307)
    assert redirect.headers["location"] == "/docs"


# --- the access log ----------------------------------------------------------------------------


def test_the_access_log_is_json_lines_without_bodies_or_queries(server: Server, client: httpx.Client) -> None:
    before = len(server.access_records())
    data = json.loads(sample_bytes())
    data["institution"]["name"] = SECRET
    client.post("/v1/check", params={"as_of": "2026-07-15"}, content=json.dumps(data).encode())
    data["institution"]["kinds"] = [SECRET]
    client.post("/v1/check", content=json.dumps(data).encode())

    def checks() -> list[dict[str, Any]]:
        return [r for r in server.access_records()[before:] if r.get("path") == "/v1/check"]

    assert eventually(lambda: len(checks()) == 2)
    records = checks()
    assert records
    for record in records:
        assert set(record) == {"ts", "method", "path", "status", "duration_ms", "request_bytes", "response_bytes"}
        assert record["duration_ms"] >= 0
    assert {r["status"] for r in records} >= {200, 422}
    text = server.log.read_text(encoding="utf-8")
    assert SECRET not in text
    assert "as_of=" not in text
    assert data["institution"]["id"] not in text


# --- internal errors: a generic 500, never a trace ----------------------------------------------


class _FaultyEngine(Engine):
    def check(self, *args: Any, **kwargs: Any) -> Report:
        raise RuntimeError(f"resident {SECRET} broke the engine")

    def check_assembled(self, *args: Any, **kwargs: Any) -> Any:  # the service's byte path
        raise RuntimeError(f"resident {SECRET} broke the engine")


def faulty_app() -> Any:
    """An app whose engine fails on every check (started by uvicorn's --factory in a test)."""
    from yiyang_rules.server.app import create_app  # noqa: PLC0415

    return create_app(engine_loader=lambda: _FaultyEngine(Engine.load().catalogs))


def test_an_internal_error_is_a_generic_500_without_a_trace(tmp_path: Path) -> None:
    command = [
        sys.executable, "-m", "uvicorn", "--factory", "--app-dir", str(ROOT / "tests"), "test_server:faulty_app",
        "--no-access-log", "--host", "127.0.0.1",
    ]  # fmt: skip
    with running_server(tmp_path, command=command) as faulty, httpx.Client(base_url=faulty.url) as http:
        response = http.post("/v1/check", content=sample_bytes())
        error = error_of(response, 500, "internal_error")
        assert error["error"]["problems"] == []
        for leak in (SECRET, "RuntimeError", "Traceback", 'File "', "engine.py"):
            assert leak not in response.text
        batch = http.post("/v1/check/batch", content=jsonl(generated_batch(2)))
        assert batch.status_code == 200
        records = [json.loads(line) for line in batch.text.splitlines()]
        assert [r["source"]["line"] for r in records] == [1, 2]
        assert all(r["error"]["problems"][0]["message"]["en"].startswith("internal error") for r in records)
        assert SECRET not in batch.text
        assert http.get("/healthz").status_code == 200  # the worker survives
        assert eventually(lambda: any(r.get("event") == "internal_error" for r in faulty.access_records()))
        logged = [r for r in faulty.access_records() if r.get("event") == "internal_error"]
        assert logged[0]["exception"] == "RuntimeError"
        assert "test_server.py" in logged[0]["where"]
        assert SECRET not in faulty.log.read_text(encoding="utf-8")


# --- processes: workers, graceful shutdown, the missing extra -----------------------------------


def _events(server: Server, name: str) -> int:
    return sum(1 for r in server.access_records() if r.get("event") == name)


def test_two_workers_serve_and_a_sigterm_lets_a_running_batch_finish(tmp_path: Path) -> None:
    snapshots = generated_batch(150)
    args = ["--workers", "2", "--graceful-timeout", "60", "--max-body-bytes", "500000"]
    env = {"YIYANG_MAX_BODY_BYTES": "1000", "YIYANG_MAX_BATCH_BYTES": "9000000"}
    with running_server(tmp_path, args=args, env=env) as running:
        deadline = time.monotonic() + 60
        while _events(running, "ready") < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _events(running, "ready") == 2  # the catalogs compiled once in each worker
        with httpx.Client(base_url=running.url, timeout=60) as http:
            # an option wins over the environment; the environment over the default
            assert http.get("/readyz").json()["limits"] == {"max_body_bytes": 500000, "max_batch_bytes": 9000000}
            lines: list[str] = []
            started = threading.Event()

            def post_batch() -> None:
                with http.stream("POST", "/v1/check/batch", content=jsonl(snapshots)) as response:
                    for line in response.iter_lines():
                        lines.append(line)
                        started.set()

            worker = threading.Thread(target=post_batch)
            worker.start()
            assert started.wait(60), "the batch did not start"
            received_before_stop = len(lines)
            code = stop(running.process, timeout=60)  # SIGTERM while the batch is running
            worker.join(60)
        assert code == 0
        assert received_before_stop < len(snapshots)  # the stop did come in the middle of the batch
        assert len(lines) == len(snapshots)
        assert all("error" not in json.loads(line) for line in lines)
        assert _events(running, "stopped") == 2


def test_serve_without_the_server_extra_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner  # noqa: PLC0415

    from yiyang_rules.cli.app import app  # noqa: PLC0415

    monkeypatch.setitem(sys.modules, "uvicorn", None)
    result = CliRunner().invoke(app, ["serve", "--port", "9"])
    assert result.exit_code == 2
    assert "pip install 'yiyang-rules[server]'" in result.output


def test_yiyang_check_does_not_import_the_server() -> None:
    code = (
        "import sys; from yiyang_rules.cli import app;"
        "print(sorted(m for m in sys.modules if m.startswith(('starlette', 'uvicorn', 'yiyang_rules.server.app'))))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
