"""`roundwise serve` as a real process: migrates, creates the local key, answers over HTTP."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _serve(port: int, *options: str) -> tuple[list[str], dict[str, str]]:
    """The `roundwise serve` command line and an environment free of ROUNDWISE_ settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ROUNDWISE_")}
    command = [str(Path(sys.executable).parent / "roundwise"), "serve", "--port", str(port)]
    return [*command, *options], env


def test_serve_migrates_prints_the_local_key_and_answers_authenticated_requests(
    tmp_path: Path,
) -> None:
    port = _free_port()
    command, env = _serve(port)
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


def _listening_inodes(port: int) -> set[str]:
    """Socket inodes in LISTEN state on ``port`` (IPv4), from /proc/net/tcp."""
    inodes = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local_port = int(fields[1].rsplit(":", 1)[1], 16)
        if local_port == port and fields[3] == "0A":  # 0A = LISTEN
            inodes.add(fields[9])
    return inodes


def _pids_holding(inodes: set[str]) -> set[int]:
    holders = set()
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            links = [os.readlink(fd) for fd in (proc / "fd").iterdir()]
        except OSError:
            continue
        if any(link.startswith("socket:[") and link[8:-1] in inodes for link in links):
            holders.add(int(proc.name))
    return holders


def _wait_for(condition: Callable[[], bool], patience: float = 60) -> None:
    deadline = time.monotonic() + patience
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="SO_REUSEPORT balancing is Linux")
def test_serve_workers_each_listen_on_their_own_socket_and_are_replaced_when_they_die(
    tmp_path: Path,
) -> None:
    port = _free_port()
    command, env = _serve(port, "--workers", "2")
    server = subprocess.Popen(
        command, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        _wait_for(lambda: len(_listening_inodes(port)) == 2)
        # A worker that has just forked may not yet have closed what it inherited, and one
        # still starting may hide its descriptors for a moment: wait for two holders.
        _wait_for(lambda: len(_pids_holding(_listening_inodes(port))) == 2)
        workers = _pids_holding(_listening_inodes(port))
        assert len(workers) == 2
        assert server.pid not in workers  # the parent only holds the port, it does not serve
        _wait_for(lambda: _healthy(port))

        os.kill(min(workers), signal.SIGKILL)
        _wait_for(lambda: len(_pids_holding(_listening_inodes(port)) - {min(workers)}) == 2)
        _wait_for(lambda: _healthy(port))
    finally:
        server.send_signal(signal.SIGTERM)
        output, _ = server.communicate(timeout=60)
    assert server.returncode == 0, output.decode()
    assert "died; starting another" in output.decode()
    assert not _listening_inodes(port)


def test_serve_refuses_a_port_in_use(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        command, env = _serve(int(taken.getsockname()[1]), "--workers", "2")
        result = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, timeout=60)
    assert result.returncode != 0
    assert "in use" in (result.stdout + result.stderr).decode().lower()


def _healthy(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200
    except httpx.TransportError:
        return False
