"""The `roundwise` command line: one Typer app, one module per area of commands.

Each command module exposes ``register(app)``. Start-up is kept short (``--help`` in about
0.1 s): the modules import only Typer at load time and the engine, the web stack and the
PDF stack inside their commands; help is plain Click formatting (``rich_markup_mode=None``,
so Rich is never imported).

Errors: every bad input ends in one line on stderr, ``roundwise COMMAND: problem``, and
exit code 2, whether Click refused an option (an unknown ``--tone``, a missing argument)
or a command met a file it cannot use. Input errors that escape a command (the engine's
own ``RoundwiseError``, an ``OSError``, undecodable text, input nested too deeply for the
parser, a number out of range) are turned into that line here, not into a traceback.
"""

from __future__ import annotations

import errno
import importlib
import sys
from collections.abc import Sequence
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from roundwise.api.cli import (
    change_order_cmd,
    correct_cmd,
    evidence_cmd,
    measure_cmd,
    money_cmd,
    policy_cmd,
    render_cmd,
    replies_cmd,
    server_cmd,
    worker_cmd,
)
from roundwise.api.cli.inputs import EXIT_BAD_INPUT, one_line

# Recent Typer carries its own copy of Click (``typer._click``), older Typer uses the
# ``click`` package: the exceptions raised are those of the copy ``typer.BadParameter``
# comes from, whichever it is.
click: Any = sys.modules[typer.BadParameter.__module__]
_CLICK_UTILS: Any = importlib.import_module(click.__name__.rpartition(".")[0] + ".utils")
_NO_ARGS_IS_HELP: type[Exception] = getattr(
    click, "NoArgsIsHelpError", type("_Never", (Exception,), {})
)


PROGRAM = "roundwise"


def _command_name(ctx: Any) -> str:
    """``roundwise`` plus the sub-command path of ``ctx`` (whatever the program was called)."""
    if ctx is None:
        return PROGRAM
    return " ".join([PROGRAM, *ctx.command_path.split()[1:]])


def _usage_line(error: Any) -> str:
    """One line for an error Click raised while reading the command line."""
    ctx = getattr(error, "ctx", None)
    command = _command_name(ctx)
    param = getattr(error, "param", None)
    if (
        isinstance(error, click.BadParameter)
        and not isinstance(error, click.MissingParameter)
        and param is not None
    ):
        option = param.param_type_name == "option" and param.opts
        hint = param.opts[0] if option else param.human_readable_name
        text = f"{hint}: {error.message.removeprefix('Value error, ')}"
    else:
        text = error.format_message()
    line = f"{command}: {one_line(text)}"
    if isinstance(error, click.UsageError):
        line += f" (see '{command} --help')"
    return line


def _input_errors() -> tuple[type[BaseException], ...]:
    from roundwise.engine.errors import RoundwiseError

    return (RoundwiseError, OSError, UnicodeDecodeError, RecursionError, ArithmeticError)


def _error_text(error: BaseException) -> str:
    from roundwise.engine.errors import RoundwiseError

    if isinstance(error, RoundwiseError):
        return error.message
    if isinstance(error, RecursionError):
        return "input nested too deeply to read"
    if isinstance(error, ArithmeticError):
        return f"a number in the input is out of range ({type(error).__name__})"
    if isinstance(error, OSError):
        where = f"{error.filename}: " if error.filename else ""
        return f"{where}{error.strerror or error}"
    return str(error)


class RoundwiseGroup(TyperGroup):
    """The app's command group: every error becomes one line (see the module docstring)."""

    def invoke(self, ctx: Any) -> Any:
        """Run the sub-command; input errors it lets escape become one line and exit 2."""
        try:
            return super().invoke(ctx)
        except (click.ClickException, typer.Exit, typer.Abort):
            raise
        except _input_errors() as error:
            if isinstance(error, OSError) and error.errno == errno.EPIPE:
                raise
            name = ctx.invoked_subcommand or ""
            typer.echo(f"{PROGRAM} {name}: {one_line(_error_text(error))}", err=True)
            raise typer.Exit(EXIT_BAD_INPUT) from None

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        """Click's ``main``, with usage errors printed as one line."""
        try:
            result = super().main(
                args=args,
                prog_name=prog_name,
                complete_var=complete_var,
                standalone_mode=False,
                **extra,
            )
        except _NO_ARGS_IS_HELP as error:
            error.show()  # type: ignore[attr-defined]
            code = error.exit_code  # type: ignore[attr-defined]
        except click.ClickException as error:
            typer.echo(_usage_line(error), err=True)
            code = error.exit_code
        except typer.Abort:
            typer.echo("Aborted!", err=True)
            code = 1
        except OSError as error:
            if error.errno != errno.EPIPE:
                raise
            sys.stdout = _CLICK_UTILS.PacifyFlushWrapper(sys.stdout)
            sys.stderr = _CLICK_UTILS.PacifyFlushWrapper(sys.stderr)
            code = 1
        else:
            if not standalone_mode:
                return result
            code = result if isinstance(result, int) else 0
        if not standalone_mode:
            return code
        sys.exit(code)


app = typer.Typer(
    name=PROGRAM,
    cls=RoundwiseGroup,
    help="Roundwise: measure, judge and answer client revision requests against the contract.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _print_version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            number = version(PROGRAM)
        except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
            number = "unknown"
        typer.echo(f"{PROGRAM} {number}")
        raise typer.Exit()


@app.callback()
def root(
    show_version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_print_version,
            is_eager=True,
            help="Print the version and exit.",
        ),
    ] = False,
) -> None:
    """Roundwise: measure, judge and answer client revision requests against the contract."""


for module in (
    measure_cmd,
    policy_cmd,
    replies_cmd,
    render_cmd,
    evidence_cmd,
    money_cmd,
    server_cmd,
    change_order_cmd,
    worker_cmd,
    correct_cmd,
):
    module.register(app)


def main() -> None:
    """Console-script entry point."""
    app(prog_name=PROGRAM)
