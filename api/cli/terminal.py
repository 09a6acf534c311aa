"""What the CLI does differently on a terminal: colour (unless ``NO_COLOR``) and a spinner.

``NO_COLOR`` (https://no-color.org): when it is set to anything but the empty string, no
output is coloured, terminal or not. The spinner appears on stderr only when stderr is a
terminal, and only once the work has taken more than a second (``SPINNER_DELAY_S``): fast
commands never draw it, and pipes and files never see it.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

SPINNER_DELAY_S = 1.0
SPINNER_INTERVAL_S = 0.1
_FRAMES = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
_ASCII_FRAMES = "|/-\\"


def colour_allowed(stream: TextIO) -> bool:
    """Colour ``stream``'s output: it is a terminal and ``NO_COLOR`` is not set."""
    if os.environ.get("NO_COLOR", ""):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _interactive(stream: TextIO) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and os.environ.get("TERM", "") != "dumb"


def _frames(stream: TextIO) -> str:
    encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
    return _FRAMES if encoding == "utf8" else _ASCII_FRAMES


@contextmanager
def spinner(
    label: str,
    stream: TextIO | None = None,
    delay: float = SPINNER_DELAY_S,
    interval: float = SPINNER_INTERVAL_S,
) -> Iterator[None]:
    """Show ``label`` with a spinner on ``stream`` (stderr) while the block runs > ``delay``.

    The line is erased when the block ends, so the command's own output is unchanged.
    """
    out = sys.stderr if stream is None else stream
    if not _interactive(out):
        yield
        return
    done = threading.Event()
    drawn = threading.Event()
    frames = _frames(out)

    def run() -> None:
        if done.wait(delay):
            return
        index = 0
        while not done.is_set():
            out.write(f"\r{frames[index % len(frames)]} {label}…")
            out.flush()
            drawn.set()
            index += 1
            done.wait(interval)

    thread = threading.Thread(target=run, name="roundwise-spinner", daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()
        if drawn.is_set():
            out.write("\r" + " " * (len(label) + 3) + "\r")
            out.flush()


__all__ = ["SPINNER_DELAY_S", "colour_allowed", "spinner"]
