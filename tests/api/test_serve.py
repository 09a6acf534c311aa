"""`roundwise serve` as a real process: migrates, creates the local key, answers over HTTP."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_serve_migrates_prints_the_local_key_and_answers_authenticated_requests(
    tmp_path: Path,
) -> None:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ROUNDWISE_")}
    command = [str(Path(sys.executable).parent / "roundwise"), "serve", "--port", str(port)]
    server = subprocess.Popen(
        command, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        key_file = tmp_path / ".roundwise" / "local-api-key"
        deadline = time.monotonic() + 60
        health = None
        while time.monotonic() < deadline:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/health", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.3)
        assert health is not None
        assert health.status_code == 200
        assert (tmp_path / "roundwise.db").exists()
        key = key_file.read_text(encoding="utf-8").strip()
        assert oct(key_file.stat().st_mode & 0o777) == "0o600"
        headers = {"Authorization": f"Bearer {key}"}
        created = httpx.post(
            f"http://127.0.0.1:{port}/v1/clients", json={"name": "Marko"}, headers=headers
        )
        assert created.status_code == 201
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    assert key in output.decode()
    assert ".roundwise/local-api-key" in output.decode()
