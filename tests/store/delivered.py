"""A signed bakery contract with its home page delivered: what judging tests start from."""

from __future__ import annotations

from pathlib import Path

from roundwise.engine.terms import parse_spec
from roundwise.store import contracts, versions
from roundwise.store.accounts import create_account
from roundwise.store.base import utcnow
from roundwise.store.db import Database
from roundwise.store.ids import new_id

SPEC = Path(__file__).resolve().parents[2] / "contracts" / "examples" / "bakery-web-copy.yaml"
TERMS = parse_spec(SPEC.read_text(encoding="utf-8"))


def delivered_contract(database: Database) -> tuple[str, str]:
    """(account id, contract id) of a new account's signed contract, home page delivered."""
    with database.writes.begin() as session:
        account, _key = create_account(session, f"acct-{new_id('t')}")
        contract = contracts.create_contract(session, account.id, TERMS, None)
        for status in ("sent", "signed"):
            contracts.transition(session, contract, status, utcnow)
        content = ("home", "Three generations of bakers. " * 50, None, None)
        versions.submit_version(session, contract, TERMS, content, None, utcnow)
        return account.id, contract.id
