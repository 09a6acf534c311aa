"""The `roundwise` command line: one Typer app, one module per area of commands.

Each command module exposes ``register(app)``; keeping them apart lets the CLI import
only what a command needs (the PDF and web stacks load lazily inside their commands).
"""

from __future__ import annotations

import typer

from api.cli import measure_cmd, policy_cmd, render_cmd, replies_cmd, server_cmd

app = typer.Typer(
    name="roundwise",
    help="Roundwise: measure, judge and answer client revision requests against the contract.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

for module in (measure_cmd, policy_cmd, replies_cmd, render_cmd, server_cmd):
    module.register(app)


def main() -> None:
    """Console-script entry point."""
    app()
