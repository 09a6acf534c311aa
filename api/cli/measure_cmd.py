"""Commands of this area are registered here (owned by the area's module)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this area's commands to the CLI (none yet)."""
