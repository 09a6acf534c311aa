"""A long schemathesis run over the whole API, stateful links included (``make fuzz``).

Longer than the bounded conformance test (``tests/api/test_schemathesis.py``, 6 cases an
operation, one request each): here every phase runs (examples, coverage, fuzzing and
the stateful phase, whose links schemathesis infers from the response schemas and path
parameters: a contract created, then signed, delivered to, judged against, read back),
positive and negative data, against a real ``uvicorn`` serving the app on a fresh
database (SQLite in a temporary folder, or ``--database-url``). It prints the figures
that ``docs/benchmarks.md`` ("Fuzzing") records, and exits 1 on any failure.

    python -m bench.fuzz [--max-examples 100] [--seed 22] [--database-url URL]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote

import httpx
from sqlalchemy import create_engine, text

from roundwise.store.accounts import create_account
from roundwise.store.db import Database
from roundwise.store.migrate import upgrade

ROOT = Path(__file__).resolve().parents[1]
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "use_after_free",
    "ensure_resource_availability",
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _prepare(url: str) -> str:
    """Migrate the database and create the account the run authenticates as."""
    database = Database.connect(url)
    try:
        upgrade(database.engine)
        with database.writes.begin() as session:
            _account, key = create_account(session, f"fuzz-{time.time_ns()}")
        return key
    finally:
        database.dispose()


def _serve(url: str, log: IO[bytes]) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    env = os.environ | {"ROUNDWISE_DATABASE_URL": url, "ROUNDWISE_IDEMPOTENCY_PRUNE_SECONDS": "0"}
    command = [sys.executable, "-m", "uvicorn", "roundwise.api.app:create_app", "--factory"]
    command += ["--port", str(port), "--log-level", "warning", "--no-access-log"]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stderr=log)
    base = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                return server, base
        except httpx.TransportError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("the server did not start")


def _body_example(schema: dict[str, Any], path: str, method: str, *values: object) -> None:
    operation = schema["paths"][path][method]
    content = operation["requestBody"]["content"]["application/json"]
    content["examples"] = {f"e{i}": {"value": value} for i, value in enumerate(values)}


def _seeded(base: str) -> dict[str, Any]:
    """The app's OpenAPI document with working request examples (an example spec, the
    status steps, a version, a request), so the examples phase creates real contracts
    and the stateful phase has live ids to follow its links with."""
    schema: dict[str, Any] = httpx.get(f"{base}/openapi.json", timeout=30).json()
    spec_text = (ROOT / "contracts" / "examples" / "bakery-web-copy.yaml").read_text("utf-8")
    contract = "/v1/contracts/{contract_id}"
    request = {"deliverable": "home", "message": "Could you make the opening shorter?"}
    _body_example(schema, "/v1/contracts", "post", {"spec_text": spec_text})
    _body_example(schema, f"{contract}/status", "post", {"status": "sent"}, {"status": "signed"})
    _body_example(schema, f"{contract}/revision-requests", "post", request)
    _body_example(schema, f"{contract}/approvals", "post", {"deliverable": "home", "version": 1})
    _body_example(schema, "/v1/evaluate", "post", {"spec_text": spec_text, "request": request})
    _body_example(schema, "/v1/measure", "post", {"old": "a b c", "new": "a c d"})
    versions = schema["paths"][f"{contract}/deliverables/{{deliverable}}/versions"]
    _body_example(
        schema, f"{contract}/deliverables/{{deliverable}}/versions", "post", {"text": "v"}
    )
    for operation in versions.values():
        for parameter in operation.get("parameters", []):
            if parameter["name"] == "deliverable":
                parameter["example"] = "home"
    return schema


def _run(base: str, key: str, args: argparse.Namespace, report: Path) -> int:
    document = report.with_name("openapi.json")
    document.write_text(json.dumps(_seeded(base)), encoding="utf-8")
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "run",
        str(document),
        "--url",
        base,
        "--header",
        f"Authorization: Bearer {key}",
        "--phases",
        "examples,coverage,fuzzing,stateful",
        "--max-examples",
        str(args.max_examples),
        "--seed",
        str(args.seed),
        "--checks",
        ",".join(CHECKS),
        "--workers",
        "1",
        "--request-timeout",
        "60",
        "--suppress-health-check",
        "all",
        "--report",
        "junit",
        "--report-junit-path",
        str(report),
        "--no-color",
    ]
    # in the run's folder: schemathesis keeps its cache in the working directory
    return subprocess.run(command, check=False, cwd=report.parent).returncode


def _figures(report: Path) -> dict[str, int]:
    """Cases and failures from the JUnit report (one test case per operation and phase)."""
    text = report.read_text(encoding="utf-8") if report.exists() else ""
    suites = re.findall(r"<testsuite\b[^>]*>", text)
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for suite in suites:
        for name in totals:
            found = re.search(rf'\b{name}="(\d+)"', suite)
            totals[name] += int(found.group(1)) if found else 0
    return totals


@contextmanager
def _database(url: str | None, folder: str) -> Iterator[str]:
    """A fresh database: SQLite in ``folder``, or a private schema of a PostgreSQL one
    (dropped afterwards), so a run never touches anyone's tables."""
    if url is None:
        yield f"sqlite:///{folder}/fuzz.db"
        return
    schema = f"rw_fuzz_{secrets.token_hex(4)}"
    admin = create_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in url else "?"
    try:
        yield f"{url}{separator}options={quote(f'-csearch_path={schema}')}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _print_server_errors(log_path: Path) -> None:
    """The server's logged failures (redacted JSON lines: types and positions, no text)."""
    for line in log_path.read_text("utf-8", errors="replace").splitlines():
        if '"request failed"' in line:
            print(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-examples", type=int, default=100)
    parser.add_argument("--seed", type=int, default=22)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory(prefix="roundwise-fuzz-") as folder,
        _database(args.database_url, folder) as url,
    ):
        key = _prepare(url)
        log_path = Path(folder) / "server.log"
        with log_path.open("wb") as log:
            server, base = _serve(url, log)
            started = time.perf_counter()
            try:
                code = _run(base, key, args, Path(folder) / "junit.xml")
            finally:
                server.terminate()
                server.wait(timeout=30)
        _print_server_errors(log_path)
        figures: dict[str, object] = dict(_figures(Path(folder) / "junit.xml"))
    figures |= {
        "seconds": round(time.perf_counter() - started, 1),
        "max_examples": args.max_examples,
        "seed": args.seed,
        "database": "postgresql" if url.startswith("postgres") else "sqlite",
        "exit_code": code,
    }
    print(json.dumps(figures))
    raise SystemExit(0 if code == 0 else 1)


if __name__ == "__main__":
    main()
