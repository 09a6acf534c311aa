"""`roundwise money invoice|payment|cancel|show`: money events on a contract's ledger file.

``invoice SPEC LEDGER NUMBER AMOUNT``, ``payment SPEC LEDGER AMOUNT [--invoice N]`` and
``cancel SPEC LEDGER [--by client|freelancer]`` append one event (``InvoiceIssued``,
``PaymentReceived``, ``ProjectCancelled``) to the JSON-lines ledger, only after the ledger
folds with it; ``show SPEC LEDGER`` prints what is invoiced, paid and owed. The event is
stamped ``--now`` (default: the clock). Bad input: one line on stderr, exit code 2.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from roundwise.api.cli.inputs import fail, load_ledger, load_terms, parse_now

if TYPE_CHECKING:
    from roundwise.engine.ledger import Event, MoneySummary
    from roundwise.engine.terms import ContractTerms

Spec = Annotated[str, typer.Argument(metavar="SPEC", help="Contract spec (YAML or JSON).")]
Ledger = Annotated[
    str, typer.Argument(metavar="LEDGER", help="The contract's ledger (JSON lines).")
]
Now = Annotated[str | None, typer.Option("--now", help="Event time, ISO 8601 with offset.")]
AmountArg = Annotated[str, typer.Argument(metavar="AMOUNT", help="In the contract's currency.")]

money_app = typer.Typer(
    help="Invoices, payments and cancellation on a ledger file, and what is owed.",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    """Add the ``money`` group to the CLI."""
    app.add_typer(money_app, name="money")


@money_app.command("invoice")
def invoice_command(
    spec: Spec,
    ledger: Ledger,
    number: Annotated[str, typer.Argument(metavar="NUMBER", help="The invoice's number.")],
    amount: AmountArg,
    kind: Annotated[
        str, typer.Option("--kind", help="deposit, work, change_order, kill_fee or other.")
    ] = "work",
    due_on: Annotated[
        str | None, typer.Option("--due", help="Due date (default: the payment term).")
    ] = None,
    now: Now = None,
) -> None:
    """Append an invoice issued to the client (InvoiceIssued)."""
    command = "money invoice"
    terms = load_terms(command, spec)
    due = _date(command, due_on) if due_on else None
    fields = {"number": number, "kind": kind, "due_on": due}
    _append(command, terms, ledger, now, "invoice_issued", fields | _money(command, terms, amount))


@money_app.command("payment")
def payment_command(
    spec: Spec,
    ledger: Ledger,
    amount: AmountArg,
    invoice: Annotated[str | None, typer.Option("--invoice", help="The invoice it pays.")] = None,
    reference: Annotated[str | None, typer.Option("--reference", help="Bank reference.")] = None,
    now: Now = None,
) -> None:
    """Append money received from the client (PaymentReceived)."""
    command = "money payment"
    terms = load_terms(command, spec)
    fields = {"invoice": invoice, "reference": reference} | _money(command, terms, amount)
    _append(command, terms, ledger, now, "payment_received", fields)


@money_app.command("cancel")
def cancel_command(
    spec: Spec,
    ledger: Ledger,
    by: Annotated[str, typer.Option("--by", help="client or freelancer.")] = "client",
    reason: Annotated[str | None, typer.Option("--reason", help="Why, in a sentence.")] = None,
    now: Now = None,
) -> None:
    """Append the project's cancellation (ProjectCancelled); by the client, a kill fee."""
    command = "money cancel"
    terms = load_terms(command, spec)
    _append(command, terms, ledger, now, "project_cancelled", {"by": by, "reason": reason})


@money_app.command("show")
def show_command(
    spec: Spec,
    ledger: Ledger,
    now: Now = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Print what is invoiced, paid, the deposit, the kill fee and what is owed."""
    from roundwise.engine.errors import RoundwiseError
    from roundwise.engine.ledger import fold, money_summary

    command = "money show"
    terms = load_terms(command, spec)
    events = load_ledger(command, ledger)
    moment = parse_now(command, now)
    try:
        summary = money_summary(terms, fold(events, max(moment, _last(events, moment)), terms))
    except RoundwiseError as error:
        raise fail(command, f"{ledger}: {error.message}") from None
    typer.echo(
        json.dumps(_summary_dict(summary), sort_keys=True) if as_json else _text(terms, summary)
    )


def _append(
    command: str,
    terms: ContractTerms,
    ledger: str,
    now: str | None,
    event_type: str,
    fields: dict[str, Any],
) -> None:
    from roundwise.engine.errors import RoundwiseError
    from roundwise.engine.ledger import dump_events, fold, money_summary, parse_event

    events = load_ledger(command, ledger) if Path(ledger).exists() else ()
    moment = parse_now(command, now)
    try:
        event = parse_event({"type": event_type, "at": moment.isoformat(), **fields})
        state = fold([*events, event], moment, terms)
    except RoundwiseError as error:
        raise fail(command, f"{ledger}: {error.message}") from None
    with Path(ledger).open("a", encoding="utf-8") as out:
        out.write(dump_events([event]))
    typer.echo(_text(terms, money_summary(terms, state)))


def _money(command: str, terms: ContractTerms, amount: str) -> dict[str, Any]:
    try:
        value = Decimal(amount)
    except InvalidOperation:
        raise fail(command, f"AMOUNT {amount!r}: not a decimal number") from None
    return {"amount": {"amount": str(value), "currency": terms.currency}}


def _date(command: str, value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise fail(command, f"--due {value!r}: not an ISO 8601 date") from None


def _last(events: tuple[Event, ...], moment: datetime) -> datetime:
    return events[-1].at if events else moment


def _text(terms: ContractTerms, summary: MoneySummary) -> str:
    from roundwise.engine.terms import money

    lines = [
        f"Invoiced {money(terms, summary.invoiced)}, paid {money(terms, summary.paid)}, "
        f"outstanding {money(terms, summary.outstanding)}",
    ]
    if summary.deposit_due:
        lines.append(
            f"Deposit {money(terms, summary.deposit_due)}, "
            f"paid {money(terms, summary.deposit_paid)}"
        )
    cancellation = summary.cancellation
    if cancellation is not None and cancellation.kill_fee is not None:
        lines.append(f"Cancelled by the client: kill fee {money(terms, cancellation.kill_fee)}")
        lines += [
            f"  {x.deliverable}: {x.stage}, share {x.share}, {money(terms, x.amount)}"
            for x in cancellation.lines
        ]
    elif cancellation is not None:
        lines.append("Cancelled by the freelancer: no kill fee")
    lines += [f"Overdue: invoice {i.number}, due {i.due_on.isoformat()}" for i in summary.overdue]
    lines.append(f"Owed now: {money(terms, summary.owed)}")
    return "\n".join(lines)


def _summary_dict(summary: MoneySummary) -> dict[str, Any]:
    from dataclasses import asdict

    return {key: _jsonable(value) for key, value in asdict(summary).items()}


def _jsonable(value: object) -> object:
    """Decimals as exact strings, dates and times in ISO 8601, tuples as lists."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value
