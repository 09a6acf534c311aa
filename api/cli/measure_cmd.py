"""`roundwise measure OLD NEW`: how much of the delivered text a revision changes.

Prints a short summary and a redline (``[-deleted-]{+inserted+}``, coloured when stdout
is a terminal and ``NO_COLOR`` is not set), or with ``--json`` the object of
``Measurement.as_dict()``. A file that is missing, a directory, not UTF-8 text or over the
input size limit gives one line on stderr naming the file and exit code 2. The engine is
imported when the command runs, not when the CLI starts.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer

from roundwise.api.cli.inputs import read_text
from roundwise.api.cli.terminal import colour_allowed, spinner

if TYPE_CHECKING:
    from roundwise.engine.measure import Measurement, Token

_MOVES_LISTED = 10


def register(app: typer.Typer) -> None:
    """Add ``measure`` to the CLI."""
    app.command("measure")(measure_command)


def measure_command(
    old_file: Annotated[str, typer.Argument(metavar="OLD_FILE", help="The delivered text.")],
    new_file: Annotated[str, typer.Argument(metavar="NEW_FILE", help="The revised text.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    ignore_case: Annotated[bool, typer.Option(help="Compare words case-insensitively.")] = False,
    ignore_punctuation: Annotated[
        bool, typer.Option(help="Ignore punctuation-only changes.")
    ] = False,
) -> None:
    """Measure the word-level change from OLD_FILE to NEW_FILE (changed_share and redline)."""
    from roundwise.engine.measure import MeasureOptions, measure

    old, new = read_text("measure", old_file), read_text("measure", new_file)
    options = MeasureOptions(ignore_case=ignore_case, ignore_punctuation=ignore_punctuation)
    with spinner("measuring"):
        result = measure(old, new, options)
    if as_json:
        typer.echo(json.dumps(result.as_dict(), ensure_ascii=False))
        return
    colour = colour_allowed(typer.get_text_stream("stdout"))
    typer.echo(_summary(result))
    typer.echo("")
    typer.echo(_redline(old, new, result, colour))


def _summary(result: Measurement) -> str:
    share = f"changed_share {result.changed_share:.4f} ({result.changed_share:.1%})"
    words = (
        f"{result.changed_words} of {result.words_old} original words changed"
        f" (plain diff without move detection: {result.diff_changed_words})"
    )
    parts = (
        f"old {result.words_old} words, new {result.words_new}: "
        f"{result.replaced} replaced, {result.removed} removed, {result.added} added, "
        f"{result.moved} moved ({len(result.moves)} move(s)), {result.unchanged} unchanged"
    )
    lines = [share, words, parts]
    if result.words_old == 0 and result.words_new:
        lines.append("note: the original is empty, so every new word counts (share = words_new)")
    for move in result.moves[:_MOVES_LISTED]:
        preview = " ".join(move.tokens[:8]) + (" …" if len(move.tokens) > 8 else "")
        lines.append(
            f"moved {len(move.tokens)} words from word {move.old_start + 1} "
            f"to word {move.new_start + 1}: {preview}"
        )
    if len(result.moves) > _MOVES_LISTED:
        lines.append(f"… and {len(result.moves) - _MOVES_LISTED} more moves")
    if not result.exact:
        lines.append("note: very large pair; minimality was not verified against exact LCS")
    return "\n".join(lines)


def _redline(old: str, new: str, result: Measurement, colour: bool) -> str:
    """The new text with each edit block shown as [-deleted-]{+inserted+} in place."""
    from roundwise.engine.measure import tokenize

    old_tokens = tokenize(old, result.options)
    new_tokens = tokenize(new, result.options)
    out: list[str] = []
    position = 0
    for block in result.blocks:
        anchor = new_tokens[block.new_start].start if block.new_start < len(new_tokens) else None
        upto = len(new) if anchor is None else anchor
        out.append(new[position:upto])
        if block.old_end > block.old_start:
            out.append(_mark(_span(old, old_tokens, block.old_start, block.old_end), "-", colour))
            if block.new_end == block.new_start and anchor is not None:
                out.append(" ")
        if block.new_end > block.new_start:
            out.append(_mark(_span(new, new_tokens, block.new_start, block.new_end), "+", colour))
            position = new_tokens[block.new_end - 1].end
        else:
            position = upto
    out.append(new[position:])
    return "".join(out).rstrip("\n")


def _span(text: str, tokens: tuple[Token, ...], start: int, end: int) -> str:
    return text[tokens[start].start : tokens[end - 1].end]


def _mark(text: str, sign: str, colour: bool) -> str:
    if not colour:
        return f"[-{text}-]" if sign == "-" else f"{{+{text}+}}"
    if sign == "-":
        return typer.style(text, fg=typer.colors.RED, strikethrough=True)
    return typer.style(text, fg=typer.colors.GREEN, underline=True)
