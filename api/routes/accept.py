"""The client's change-order link: ``GET /accept/{token}`` shows it, ``POST`` answers it.

A small server-rendered page (Jinja2, autoescaped, no external assets, no scripts) in the
contract's language, formal address, money and dates formatted by Babel in the contract's
locale. The UI strings are data (``api/templates/accept/strings.yaml``), one block per
language; the non-English ones are machine-written and unreviewed.

The token is the only credential: random, stored as its SHA-256, answering one change
order once and only until the end of its validity date. An unknown token is 404; a used
one (the change order is answered) or an expired one is 410. The answer is a plain HTML
form POST to the same URL (``answer=accept`` or ``answer=decline``).

Mounted at the root, not under ``/v1``: the link is for people, not API clients, so it is
left out of the OpenAPI schema and answers HTML, never problem+json.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import yaml
from babel.dates import format_date
from babel.numbers import format_currency
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from roundwise.api.deps import database_of
from roundwise.engine.terms import ContractTerms
from roundwise.store import change_orders, contracts
from roundwise.store.base import utcnow
from roundwise.store.db import Database
from roundwise.store.models import ChangeOrderRecord

router = APIRouter(tags=["change orders"], include_in_schema=False)

TEMPLATES = Path(__file__).resolve().parents[1] / "templates" / "accept"
FALLBACK_LANGUAGE = "en"
# Serbian replies are written in Latin script; Babel's plain "sr" is Cyrillic.
_LOCALE_FOR_LANGUAGE = {"sr": "sr_Latn"}
FORM_LIMIT = 4096
_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
}


@cache
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


@cache
def ui_strings() -> dict[str, dict[str, str]]:
    """Every language's UI strings (the data file, read once)."""
    data = yaml.safe_load((TEMPLATES / "strings.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


@dataclass(frozen=True, slots=True)
class _Page:
    """A page to answer with: its status and HTML."""

    status: int
    html: str

    def response(self) -> HTMLResponse:
        return HTMLResponse(self.html, self.status, headers=_HEADERS)


@router.get("/accept/{token}", name="change_order_link", response_class=HTMLResponse)
async def show_change_order(token: str, request: Request) -> HTMLResponse:
    """The change order, with Accept and Decline buttons (404 unknown, 410 used/expired)."""
    page = await run_in_threadpool(_show, database_of(request), token)
    return page.response()


@router.post("/accept/{token}", response_class=HTMLResponse)
async def answer_change_order(token: str, request: Request) -> HTMLResponse:
    """The client's answer from the page's form: ``answer=accept`` or ``answer=decline``."""
    body = await request.body()
    answer = _form_answer(body)
    page = await run_in_threadpool(_answer, database_of(request), token, answer)
    return page.response()


def _form_answer(body: bytes) -> str | None:
    if len(body) > FORM_LIMIT:
        return None
    try:
        fields = parse_qs(body.decode("utf-8"), max_num_fields=10)
    except (UnicodeDecodeError, ValueError):
        return None
    values = fields.get("answer", [])
    return values[0] if len(values) == 1 and values[0] in {"accept", "decline"} else None


def _show(db: Database, token: str) -> _Page:
    with db.reads() as session:
        record = change_orders.by_token(session, token)
        if record is None:
            return _unknown()
        terms = _terms(session, record)
        refused = _refusal(terms, record, utcnow())
        return refused or _Page(200, accept_page_html(terms, record))


def _answer(db: Database, token: str, answer: str | None) -> _Page:
    with db.writes() as session:
        record = change_orders.by_token(session, token)
        if record is None:
            return _unknown()
        contract = contracts.lock_contract(session, record.account_id, record.contract_id)
        session.refresh(record)  # its status as of the lock, not as first read
        terms = contracts.terms_of(contract)
        refused = _refusal(terms, record, utcnow())
        if refused is not None:
            return refused
        if answer is None:
            return _message(terms, 400, "page_title", "bad_answer", record)
        accept = answer == "accept"
        change_orders.answer(session, contract, terms, record, accept, "client", None, utcnow)
        session.commit()
        return _message(terms, 200, "page_title", "accepted" if accept else "declined", record)


def _terms(session: Session, record: ChangeOrderRecord) -> ContractTerms:
    contract = contracts.get_contract(session, record.account_id, record.contract_id)
    return contracts.terms_of(contract)


def _refusal(terms: ContractTerms, record: ChangeOrderRecord, now: datetime) -> _Page | None:
    """410 for an answered (the token was used) or expired change order, else None."""
    if record.status in {"accepted", "declined"}:
        return _message(terms, 410, "gone_title", "gone_answered", record)
    if record.status != "sent":
        return _unknown()
    if change_orders.expired(terms, record, now):
        return _message(terms, 410, "gone_title", "gone_expired", record)
    return None


def _strings(terms: ContractTerms) -> tuple[str, dict[str, str]]:
    table = ui_strings()
    language = terms.language if terms.language in table else FALLBACK_LANGUAGE
    return language, table[language]


def _locale(terms: ContractTerms) -> str:
    if terms.locale is not None:
        return terms.locale
    return _LOCALE_FOR_LANGUAGE.get(terms.language, terms.language)


def _values(terms: ContractTerms, record: ChangeOrderRecord) -> dict[str, Any]:
    return {
        "number": record.number,
        "title": terms.title,
        "client": terms.client.name,
        "freelancer": terms.freelancer.name,
        "date": format_date(record.valid_until, format="long", locale=_locale(terms)),
    }


def _filled(strings: dict[str, str], values: dict[str, Any]) -> dict[str, str]:
    return {key: text.format(**values) for key, text in strings.items()}


def accept_page_html(terms: ContractTerms, record: ChangeOrderRecord) -> str:
    """The page showing a sent change order, in the contract's language and locale."""
    language, strings = _strings(terms)
    text = _filled(strings, _values(terms, record))
    draft = change_orders.draft_of_record(record)
    locale = _locale(terms)

    def price(amount: Any, currency: str) -> str:
        return format_currency(amount, currency, locale=locale)

    lines = [
        {
            "description": line.description,
            "computation": line.computation,
            "price": price(line.price.amount, line.price.currency),
        }
        for line in draft.lines
    ]
    total = draft.total
    return (
        _environment()
        .get_template("change_order.html")
        .render(
            lang=language,
            heading=text["page_title"],
            t=text,
            lines=lines,
            total=price(total.amount, total.currency),
            amends=draft.amends,
        )
    )


def _message(
    terms: ContractTerms, status: int, title: str, message: str, record: ChangeOrderRecord
) -> _Page:
    language, strings = _strings(terms)
    text = _filled(strings, _values(terms, record))
    html = (
        _environment()
        .get_template("message.html")
        .render(lang=language, heading=text[title], message=text[message])
    )
    return _Page(status, html)


def _unknown() -> _Page:
    text = ui_strings()[FALLBACK_LANGUAGE]
    html = (
        _environment()
        .get_template("message.html")
        .render(lang=FALLBACK_LANGUAGE, heading=text["unknown_title"], message=text["unknown"])
    )
    return _Page(404, html)


__all__ = ["accept_page_html", "router", "ui_strings"]
