"""Bounded load test of the HTTP service (a script, not a test), on 127.0.0.1 only.

For each worker count it starts ``yiyang serve --workers W`` on a free local port, waits for
/readyz, warms up, then measures:

    /v1/check        --clients concurrent clients sending --requests snapshots in all (each request
                     one generated snapshot, the same generator as bench/run.py);
    /v1/check/batch  --batch-clients concurrent clients sending --batches batches of --batch-lines lines.

Every answer is checked: a 200, a report (or, for a batch, exactly one report per line and no error
record). It prints requests/s, p50/p99 latency and the number of errors, and stops the server (SIGTERM,
then SIGKILL if it does not end). Nothing is sent anywhere but 127.0.0.1.

Run:  python bench/load.py [--workers 1 2] [--clients 8] [--requests 400] [--batch-lines 2000]
      python bench/load.py --app-overhead    # the app in process against the library, no server
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import make_snapshot

HOST = "127.0.0.1"  # never anything else: this load is for the local machine only


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Result:
    name: str
    requests: int
    seconds: float
    latencies: list[float]
    errors: int
    items: int  # snapshots checked

    def row(self, workers: int) -> str:
        ordered = sorted(self.latencies) or [0.0]
        p50 = statistics.median(ordered)
        p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
        return (
            f"| {workers} | {self.name} | {self.requests} | {self.requests / self.seconds:.2f} "
            f"| {self.items / self.seconds:.0f} | {p50 * 1000:.1f} | {p99 * 1000:.1f} | {self.errors} |"
        )


async def _drive(
    url: str, bodies: Sequence[bytes], clients: int, check: Callable[[bytes], bool]
) -> tuple[float, list[float], int]:
    queue: asyncio.Queue[bytes] = asyncio.Queue()
    for body in bodies:
        queue.put_nowait(body)
    latencies: list[float] = []
    errors = 0

    async def client() -> None:
        nonlocal errors
        async with httpx.AsyncClient(timeout=600) as http:
            while True:
                try:
                    body = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                start = time.perf_counter()
                try:
                    response = await http.post(url, content=body)
                    ok = response.status_code == 200 and check(response.content)
                except httpx.HTTPError:
                    ok = False
                latencies.append(time.perf_counter() - start)
                errors += 0 if ok else 1

    start = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return time.perf_counter() - start, latencies, errors


def _is_report(body: bytes) -> bool:
    return b'"findings"' in body[:200_000] and body.startswith(b'{"report_version"')


def _batch_checker(lines: int) -> Callable[[bytes], bool]:
    def check(body: bytes) -> bool:
        out = body.splitlines()
        return len(out) == lines and all(line.startswith(b'{"report_version"') for line in out)

    return check


def measure(url: str, args: argparse.Namespace) -> list[Result]:
    count = max(args.requests, args.batch_lines)
    snapshots = [json.dumps(make_snapshot(args.seed, i), ensure_ascii=False).encode() for i in range(count)]
    singles = snapshots[: args.requests]
    batch = b"\n".join(snapshots[: args.batch_lines]) + b"\n"
    # warm-up: every worker answers a few
    asyncio.run(_drive(f"{url}/v1/check", singles[: 4 * args.clients], args.clients, _is_report))
    seconds, latencies, errors = asyncio.run(_drive(f"{url}/v1/check", singles, args.clients, _is_report))
    results = [Result("/v1/check", len(singles), seconds, latencies, errors, len(singles))]
    seconds, latencies, errors = asyncio.run(
        _drive(f"{url}/v1/check/batch", [batch] * args.batches, args.batch_clients, _batch_checker(args.batch_lines))
    )
    results.append(
        Result(
            f"/v1/check/batch ({args.batch_lines} lines)",
            args.batches,
            seconds,
            latencies,
            errors,
            args.batches * args.batch_lines,
        )
    )
    return results


def library_rate(count: int, seed: int) -> float:
    """Snapshots/s of the library alone (check + model_dump_json) on this machine right now: the
    yardstick for the service's figures when other processes share the cores."""
    from yiyang_rules.engine import Engine  # noqa: PLC0415

    engine = Engine.load()
    lines = [json.dumps(make_snapshot(seed, i), ensure_ascii=False).encode() for i in range(count)]
    start = time.perf_counter()
    for line in lines:
        engine.check(line).model_dump_json()
    return count / (time.perf_counter() - start)


def app_overhead(count: int, seed: int) -> tuple[float, float]:
    """ms per snapshot through the library, and through the ASGI app in process (no sockets): what
    the service itself adds to a check, apart from HTTP and the machine's other load."""
    from yiyang_rules.engine import Engine  # noqa: PLC0415
    from yiyang_rules.server.app import create_app  # noqa: PLC0415

    lines = [json.dumps(make_snapshot(seed, i), ensure_ascii=False).encode() for i in range(count)]
    engine = Engine.load()
    start = time.perf_counter()
    for line in lines:
        engine.check(line).model_dump_json()
    library = (time.perf_counter() - start) / count
    app = create_app()
    logging.getLogger("yiyang_rules.server.access").disabled = True

    async def call(body: bytes) -> int:
        """One POST /v1/check straight into the ASGI app: no client library, no socket."""
        messages = [{"type": "http.request", "body": body, "more_body": False}]
        status = 0

        async def receive() -> dict[str, object]:
            return messages.pop() if messages else {"type": "http.disconnect"}

        async def send(message: dict[str, object]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(str(message["status"]))

        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "POST",
            "scheme": "http",
            "path": "/v1/check",
            "raw_path": b"/v1/check",
            "query_string": b"",
            "root_path": "",
            "headers": [(b"content-length", str(len(body)).encode())],
            "client": ("127.0.0.1", 1),
            "server": ("127.0.0.1", 8000),
            "state": {},
        }
        await app(scope, receive, send)  # type: ignore[arg-type]
        return status

    async def through_app() -> float:
        async with app.router.lifespan_context(app):
            begin = time.perf_counter()
            for line in lines:
                if await call(line) != 200:
                    raise SystemExit("in-process check failed")
            return (time.perf_counter() - begin) / count

    return library * 1000, asyncio.run(through_app()) * 1000


def run_server(workers: int, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    cli = Path(sys.executable).parent / "yiyang"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [
                str(cli),
                "serve",
                "--host",
                HOST,
                "--port",
                str(port),
                "--workers",
                str(workers),
                "--log-level",
                "warning",
            ],
            stdout=subprocess.DEVNULL,
            stderr=sink,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
    url = f"http://{HOST}:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited with {process.returncode}; see {log}")
        try:
            if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                return process, url
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("the server did not become ready in 60 s")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="worker counts to measure (1 2)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients for /v1/check (8)")
    parser.add_argument("--requests", type=int, default=400, help="requests to /v1/check in all (400)")
    parser.add_argument("--batch-lines", type=int, default=2000, help="lines per batch (2000)")
    parser.add_argument("--batches", type=int, default=4, help="batches in all (4)")
    parser.add_argument("--batch-clients", type=int, default=2, help="concurrent batch clients (2)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--app-overhead", action="store_true", help="only compare the library with the app in process (no server)"
    )
    args = parser.parse_args(argv)
    if min(args.clients, args.requests, args.batch_lines, args.batches, args.batch_clients, *args.workers) < 1:
        parser.error("every count must be at least 1")

    if args.app_overhead:
        library, app = app_overhead(200, args.seed)
        print(f"200 snapshots: library {library:.2f} ms each; through the ASGI app in process {app:.2f} ms each")
        return 0
    print(
        f"yiyang-rules load test on {HOST}: Python {platform.python_version()}, {os.cpu_count()} cores, "
        f"{time.strftime('%Y-%m-%d')}; the clients run on the same machine as the server"
    )
    print()
    load = "/".join(f"{v:.1f}" for v in os.getloadavg())
    print(f"load average before: {load}; library alone: {library_rate(200, args.seed):.0f} snapshots/s (one process)")
    print()
    print("| workers | endpoint | requests | requests/s | snapshots/s | p50 ms | p99 ms | errors |")
    print("|---|---|---|---|---|---|---|---|")
    failed = 0
    with tempfile.TemporaryDirectory() as folder:
        for workers in args.workers:
            log = Path(folder) / f"serve-{workers}.log"
            process, url = run_server(workers, log)
            try:
                for result in measure(url, args):
                    print(result.row(workers), flush=True)
                    failed += result.errors
            finally:
                stop(process)
    load = "/".join(f"{v:.1f}" for v in os.getloadavg())
    print()
    print(f"load average after: {load}; library alone: {library_rate(200, args.seed):.0f} snapshots/s (one process)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
