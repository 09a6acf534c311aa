"""`roundwise lint FILE` and `roundwise reply SPEC REQUEST`: replies to clients.

``lint`` checks a reply the freelancer wrote against the reply rules and explains each
finding (technique, where, why it hurts, a better phrasing); it exits 1 when there are
findings so it can gate a script. ``reply`` judges a request against a contract and
prints the reply Roundwise drafts for the decision. Unreadable input gives one line on
stderr naming the file and exit code 2.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import TYPE_CHECKING, Annotated

import typer

from roundwise.api.cli.choices import ReplyLanguage, Tone
from roundwise.api.cli.inputs import (
    fail,
    load_ledger,
    load_request,
    load_terms,
    parse_now,
    read_text,
)
from roundwise.api.cli.terminal import spinner

if TYPE_CHECKING:
    from roundwise.engine.lint import Finding
    from roundwise.engine.replies import Reply, ReplySettings

_EXIT_FINDINGS = 1


def register(app: typer.Typer) -> None:
    """Add ``reply`` and ``lint`` to the CLI."""
    app.command("reply")(reply_command)
    app.command("lint")(lint_command)


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def _describe(name: str, text: str, finding: Finding) -> str:
    from roundwise.engine.replies import technique

    line, column = _position(text, finding.start)
    used = technique(finding.technique)
    excerpt = " ".join(finding.excerpt.split())
    shown = excerpt if len(excerpt) <= 80 else excerpt[:77] + "..."
    return "\n".join(
        [
            f"{name}:{line}:{column}: {finding.rule} — {used.id} {used.name}",
            f'  "{shown}"',
            f"  why: {finding.why}",
            f"  better: {finding.better}",
            f"  source: {'; '.join(s.cite() for s in used.sources)}",
        ]
    )


def _as_json(name: str, text: str, findings: list[Finding]) -> str:
    from roundwise.engine.replies import technique

    rows = []
    for finding in findings:
        line, column = _position(text, finding.start)
        used = technique(finding.technique)
        rows.append(
            {
                **finding.as_dict(),
                "line": line,
                "column": column,
                "technique_name": used.name,
                "sources": [s.cite() for s in used.sources],
            }
        )
    return json.dumps({"file": name, "findings": rows}, ensure_ascii=False)


def lint_command(
    file: Annotated[str, typer.Argument(metavar="FILE", help="A reply draft (UTF-8 text).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    language: Annotated[str, typer.Option(help="Language of the draft.")] = "en",
    client_name: Annotated[
        str | None, typer.Option(help="The client's name; it must appear in the reply.")
    ] = None,
) -> None:
    """Lint a reply draft: each finding names the technique, why it hurts and what's better."""
    from roundwise.engine.lint import UnsupportedLanguageError, lint_reply

    text = read_text("lint", file)
    try:
        findings = lint_reply(text, language=language, client_name=client_name)
    except UnsupportedLanguageError as error:
        raise fail("lint", str(error)) from None
    if as_json:
        typer.echo(_as_json(file, text, findings))
    elif findings:
        typer.echo("\n\n".join(_describe(file, text, f) for f in findings))
        typer.echo(f"\n{len(findings)} finding{'s' if len(findings) != 1 else ''}.")
    else:
        typer.echo(f"{file}: no findings.")
    if findings:
        raise typer.Exit(code=_EXIT_FINDINGS)


def _settings(command: str, values: dict[str, object]) -> ReplySettings:
    from pydantic import ValidationError

    from roundwise.engine.replies import ReplySettings

    try:
        return ReplySettings.model_validate(values)
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        raise fail(command, f"--{str(first['loc'][0]).replace('_', '-')}: {first['msg']}") from None


def _reply_text(reply: Reply) -> str:
    """What the client should read, and nothing else: ``roundwise reply > mail.txt``."""
    return f"Subject: {reply.subject}\n\n{reply.text}"


def _for_the_freelancer(reply: Reply) -> str:
    """The notes for the freelancer only (stderr): the language rule and the techniques."""
    used = "\n".join(f"- {t.id} {t.name} — {'; '.join(t.sources)}" for t in reply.techniques)
    return (
        f"--- for you, not for the client ---\n"
        f"language: {reply.language} (chosen by: {reply.language_rule})\n"
        f"techniques used:\n{used}"
    )


def reply_command(
    spec: Annotated[str, typer.Argument(metavar="SPEC", help="Contract spec (YAML or JSON).")],
    request_file: Annotated[
        str, typer.Argument(metavar="REQUEST", help="Request JSON: deliverable, message, ...")
    ],
    ledger: Annotated[
        str | None, typer.Option("--ledger", help="The contract's ledger (JSON lines).")
    ] = None,
    now: Annotated[
        str | None, typer.Option("--now", help="Evaluation time, ISO 8601 with offset.")
    ] = None,
    tone: Annotated[Tone, typer.Option(help="How the reply sounds.")] = Tone.warm,
    sign_off: Annotated[str | None, typer.Option(help='Closing line, e.g. "Cheers,".')] = None,
    sign_off_name: Annotated[
        str | None, typer.Option(help="Name under the reply (default: the freelancer's).")
    ] = None,
    referral: Annotated[
        str | None, typer.Option(help="Who to recommend for work you don't do.")
    ] = None,
    consider_new_services: Annotated[
        bool, typer.Option(help="Say you'd consider offering an out-of-scope service later.")
    ] = False,
    out_of_scope_work: Annotated[
        bool, typer.Option(help="Offer out-of-scope work via a change order.")
    ] = True,
    language: Annotated[
        ReplyLanguage | None,
        typer.Option(help="Language of the reply (default: the client's, if phrased; else en)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Judge a request and print the reply to send: polite, with the clause and options."""
    from roundwise.api.cli.cache import understanding
    from roundwise.engine.decide import decision_json, evaluate
    from roundwise.engine.errors import RoundwiseError, UnsupportedReplyLanguageError
    from roundwise.engine.ledger import fold
    from roundwise.engine.replies import choose_language, compose_reply

    command = "reply"
    settings = _settings(
        command,
        {
            "tone": tone.value,
            "sign_off": sign_off,
            "sign_off_name": sign_off_name,
            "referral": referral,
            "consider_new_services": consider_new_services,
            "offers_out_of_scope_work": out_of_scope_work,
        },
    )
    terms = load_terms(command, spec)
    request = load_request(command, request_file)
    events = load_ledger(command, ledger) if ledger else ()
    moment = parse_now(command, now)
    try:
        with spinner("judging the request and drafting the reply"), understanding():
            state = fold(events, moment, terms)
            decision = evaluate(terms, state, request, moment)
            chosen = choose_language(decision, terms, language.value if language else None)
            reply = compose_reply(decision, terms, None, chosen.language, settings, state=state)
            reply = replace(reply, language_rule=chosen.rule)
    except UnsupportedReplyLanguageError as error:
        raise fail(command, str(error)) from None
    except RoundwiseError as error:
        raise fail(command, f"{ledger or request_file}: {error.message}") from None
    if as_json:
        body = {"reply": reply.as_dict(), "decision": json.loads(decision_json(decision))}
        typer.echo(json.dumps(body, ensure_ascii=False, sort_keys=True))
    else:
        typer.echo(_reply_text(reply))
        typer.echo(_for_the_freelancer(reply), err=True)
    if reply.needs_review:
        reasons = "; ".join(decision.review_reasons)
        typer.echo(f"roundwise reply: a draft to check before sending ({reasons})", err=True)
