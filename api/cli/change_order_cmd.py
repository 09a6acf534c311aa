"""`roundwise change-order issue|accept|decline`: change orders on a ledger file.

``issue SPEC LEDGER --request ID … --item "TEXT[=PRICE]" …`` prices judged requests (by
their ids in the ledger) and free items, and appends the change order as sent
(``change_order_issued`` and ``change_order_sent``, valid for ``--valid-days``);
``accept`` / ``decline SPEC LEDGER NUMBER [--note TEXT]`` append the client's answer.
Every new event is checked by folding the whole ledger first: nothing is written when the
ledger would not fold (an unknown number, an answered or expired change order). Bad
input: one line on stderr, exit code 2. The engine is imported inside the commands.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from roundwise.api.cli.inputs import fail, load_ledger, load_terms, parse_now

if TYPE_CHECKING:
    from datetime import datetime

    from roundwise.engine.changeorders import ChangeOrderDraft, FreeItem
    from roundwise.engine.ledger import Event
    from roundwise.engine.terms import ContractTerms

Spec = Annotated[str, typer.Argument(metavar="SPEC", help="Contract spec (YAML or JSON).")]
Ledger = Annotated[str, typer.Argument(metavar="LEDGER", help="The ledger (JSON lines).")]
Number = Annotated[int, typer.Argument(metavar="NUMBER", min=1, help="The change order.")]
Now = Annotated[str | None, typer.Option("--now", help="The time, ISO 8601 with offset.")]
Note = Annotated[
    str | None, typer.Option("--note", help="How the client answered (recorded with it).")
]
DEFAULT_VALID_DAYS = 14

change_order_app = typer.Typer(
    name="change-order",
    help="Issue a change order on a ledger file, and record the client's answer.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


def register(app: typer.Typer) -> None:
    """Add the ``change-order`` group to the CLI."""
    app.add_typer(change_order_app, name="change-order")


@change_order_app.command("issue")
def issue_command(
    spec: Spec,
    ledger: Ledger,
    request: Annotated[
        list[str] | None,
        typer.Option("--request", help="A judged request's id (repeat for several)."),
    ] = None,
    item: Annotated[
        list[str] | None,
        typer.Option("--item", help='Free work: "TEXT" (priced from its size) or "TEXT=PRICE".'),
    ] = None,
    valid_days: Annotated[
        int, typer.Option("--valid-days", min=0, max=365, help="Days it may be accepted.")
    ] = DEFAULT_VALID_DAYS,
    now: Now = None,
) -> None:
    """Price judged requests and free items, and append the change order as sent."""
    from datetime import timedelta

    from roundwise.engine.changeorders import draft_of, line_for_item, lines_for_requests
    from roundwise.engine.errors import RoundwiseError
    from roundwise.engine.ledger import fold

    command = "change-order issue"
    terms = load_terms(command, spec)
    events = load_ledger(command, ledger)
    moment = parse_now(command, now)
    items = [_free_item(command, text) for text in item or ()]
    try:
        state = fold(events, moment, terms)
        lines = list(lines_for_requests(terms, state, request or ()))
        lines += [line_for_item(terms, free, i) for i, free in enumerate(items)]
        today = moment.astimezone(terms.zone).date()
        draft = draft_of(terms, lines, today + timedelta(days=valid_days))
        number = max((co.issued.number for co in state.change_orders), default=0) + 1
    except RoundwiseError as error:
        raise fail(command, error.message) from None
    _append_checked(command, terms, ledger, events, _issued(draft, number, moment), moment)
    typer.echo(_summary(terms, draft, number))


@change_order_app.command("accept")
def accept_command(
    spec: Spec, ledger: Ledger, number: Number, note: Note = None, now: Now = None
) -> None:
    """Append the client's acceptance of change order NUMBER (its rounds become available)."""
    from roundwise.engine.ledger import ChangeOrderAccepted

    command = "change-order accept"
    terms = load_terms(command, spec)
    events = load_ledger(command, ledger)
    moment = parse_now(command, now)
    by = "freelancer" if note else None
    event = ChangeOrderAccepted(at=moment, number=number, by=by, note=note)
    _append_checked(command, terms, ledger, events, [event], moment)
    typer.echo(f"Change order {number} accepted.")


@change_order_app.command("decline")
def decline_command(
    spec: Spec, ledger: Ledger, number: Number, note: Note = None, now: Now = None
) -> None:
    """Append the client's decline of change order NUMBER (nothing in the contract changes)."""
    from roundwise.engine.ledger import ChangeOrderDeclined

    command = "change-order decline"
    terms = load_terms(command, spec)
    events = load_ledger(command, ledger)
    moment = parse_now(command, now)
    by = "freelancer" if note else "client"
    event = ChangeOrderDeclined(at=moment, number=number, by=by, note=note)
    _append_checked(command, terms, ledger, events, [event], moment)
    typer.echo(f"Change order {number} declined.")


def _free_item(command: str, text: str) -> FreeItem:
    """``TEXT`` or ``TEXT=PRICE`` as a free item."""
    from decimal import Decimal, InvalidOperation

    from roundwise.engine.changeorders import FreeItem

    description, sep, price = text.rpartition("=") if "=" in text else (text, "", "")
    if not description.strip():
        raise fail(command, f"--item {text!r}: give a description")
    if not sep:
        return FreeItem(description.strip())
    try:
        amount = Decimal(price.strip())
    except InvalidOperation:
        raise fail(command, f"--item {text!r}: {price!r} is not a price") from None
    if not amount.is_finite() or amount < 0 or amount > Decimal("1e9"):
        raise fail(command, f"--item {text!r}: the price must be between 0 and 1,000,000,000")
    return FreeItem(description.strip(), price=amount)


def _issued(draft: ChangeOrderDraft, number: int, moment: datetime) -> list[Event]:
    from roundwise.engine.changeorders import issue_events

    return list(issue_events(draft, number, moment))


def _append_checked(
    command: str,
    terms: ContractTerms,
    ledger: str,
    events: tuple[Event, ...],
    new: list[Event],
    moment: datetime,
) -> None:
    """Append ``new`` to the file only if the whole ledger still folds with them."""
    from roundwise.engine.errors import RoundwiseError
    from roundwise.engine.ledger import dump_events, fold

    try:
        fold([*events, *new], moment, terms)
    except RoundwiseError as error:
        raise fail(command, f"{ledger}: {error.message}") from None
    with open(ledger, "a", encoding="utf-8") as out:
        out.write(dump_events(new))


def _summary(terms: ContractTerms, draft: ChangeOrderDraft, number: int) -> str:
    from roundwise.engine.terms import money

    lines = [
        f"Change order {number}: {money(terms, draft.total.amount)}, "
        f"valid until {draft.valid_until.isoformat()} ({draft.amends})"
    ]
    for line in draft.lines:
        lines.append(f"  {money(terms, line.price.amount)}  {line.description}")
        lines.append(f"      {line.computation}")
    return "\n".join(lines)
