"""`render -o`: written through symbolic links, FIFOs and devices, never replacing them."""

from __future__ import annotations

import os
import stat
import threading
import time
from pathlib import Path

from tests.cli.conftest import SPEC, invoke


def test_a_symlink_is_written_through_and_stays_a_link(tmp_path: Path) -> None:
    target = tmp_path / "target.pdf"
    target.write_bytes(b"old contents")
    link = tmp_path / "link.pdf"
    link.symlink_to(target.name)
    result = invoke("render", str(SPEC), "-o", str(link))
    assert result.exit_code == 0, result.output
    assert link.is_symlink()
    assert os.readlink(link) == target.name
    assert target.read_bytes().startswith(b"%PDF-")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.pdf", "target.pdf"]


def test_a_dangling_symlink_creates_its_target(tmp_path: Path) -> None:
    link = tmp_path / "link.pdf"
    link.symlink_to("made.pdf")
    result = invoke("render", str(SPEC), "-o", str(link))
    assert result.exit_code == 0, result.output
    assert link.is_symlink()
    assert (tmp_path / "made.pdf").read_bytes().startswith(b"%PDF-")


def test_a_fifo_is_written_into_not_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    # The read end is open before the render starts (a reader thread that had not yet
    # reached its open() made the render see "nobody is reading" now and then).
    read_end = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    received: list[bytes] = []
    rendered = threading.Event()

    def read() -> None:
        while True:
            try:
                data = os.read(read_end, 1 << 16)
            except BlockingIOError:  # a writer is there, nothing written yet
                data = None
            if data:
                received.append(data)
            elif data == b"" and rendered.is_set():  # drained, and the writer is gone
                return
            else:
                time.sleep(0.005)

    reader = threading.Thread(target=read)
    reader.start()
    try:
        result = invoke("render", str(SPEC), "-o", str(fifo))
    finally:
        rendered.set()
        reader.join(timeout=30)
        os.close(read_end)
    assert result.exit_code == 0, result.output
    assert b"".join(received).startswith(b"%PDF-")
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert "RW-AGR-" in result.stderr  # what was written is said on stderr, not into the PDF


def test_a_fifo_nobody_reads_is_refused_in_one_line(tmp_path: Path) -> None:
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    result = invoke("render", str(SPEC), "-o", str(fifo))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"roundwise render: {fifo}: cannot write (a FIFO nobody is reading from)"
    ]
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def test_a_character_device_is_written_into_not_replaced() -> None:
    before = os.stat(os.devnull)
    result = invoke("render", str(SPEC), "-o", os.devnull)
    assert result.exit_code == 0, result.output
    after = os.stat(os.devnull)
    assert stat.S_ISCHR(after.st_mode)
    assert (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)


def test_a_regular_file_is_replaced_whole(tmp_path: Path) -> None:
    out = tmp_path / "out.pdf"
    out.write_bytes(b"x" * 1_000_000)
    result = invoke("render", str(SPEC), "-o", str(out))
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    assert data.startswith(b"%PDF-")
    assert data.rstrip().endswith(b"%%EOF")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.pdf"]
