"""The bakery project played through the engine: the source of the ledger fixtures.

``python -m tests.engine.bakery_project`` rewrites ``tests/data/ledgers/bakery-*.jsonl``.
Regenerate them (and say why in the commit) only when a change to the engine is *meant*
to change recorded decisions; `test_replay` fails until then, which is the point.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from roundwise.engine.decide import RevisionRequest, decision_events, evaluate
from roundwise.engine.ledger import (
    ContractSigned,
    Event,
    RevisionDelivered,
    VersionSubmitted,
    dump_events,
    fold,
)
from roundwise.engine.terms import ContractTerms, parse_spec, terms_sha256

ROOT = Path(__file__).resolve().parents[2]
LEDGERS = ROOT / "tests" / "data" / "ledgers"
ZONE = ZoneInfo("Europe/Ljubljana")
HOME = (
    "Three generations of the Horvat family have baked bread in Kranj since 1962. Every "
    "morning before sunrise our ovens warm the street with the smell of sourdough, rye and "
    "butter. We bake the way grandfather taught us: slowly, by hand, with flour from local "
    "mills and seasonal fruit from nearby farms. Order online today and pick up your loaf "
    "still warm on your way to work."
)
HOME_2 = HOME.replace(
    "Three generations of the Horvat family have baked bread in Kranj since 1962.",
    "The Horvats have baked in Kranj since 1962. Try our new rye sourdough.",
)
ABOUT = (
    "Our grandfather opened the bakery in 1972 with one oven and a family recipe. Today his "
    "grandchildren knead the dough and greet you at the counter."
)
PRODUCTS = (
    "Rye sourdough: dark crust, tangy crumb. Butter croissant: flaky layers. Seasonal fruit "
    "pastry: apricots in summer."
)


def bakery() -> ContractTerms:
    """The shipped bakery contract."""
    path = ROOT / "contracts" / "examples" / "bakery-web-copy.yaml"
    return parse_spec(path.read_text(encoding="utf-8"))


def at(day: int, hour: int = 10, minute: int = 0) -> datetime:
    """A moment in March 2026, Ljubljana time."""
    return datetime(2026, 3, day, hour, minute, tzinfo=ZONE)


def play() -> list[Event]:
    """Six requests: included, out of scope, free fix, mixed after approval, flyers, late."""
    terms = bakery()
    events: list[Event] = [
        ContractSigned(at=at(2, 9), contract_id=terms.id, terms_sha256=terms_sha256(terms)),
        VersionSubmitted(at=at(13), deliverable="home", version=1, text=HOME),
        VersionSubmitted(at=at(13, 10, 5), deliverable="about", version=1, text=ABOUT),
    ]

    def ask(
        rid: str, deliverable: str, message: str, when: datetime, revised: str | None = None
    ) -> None:
        request = RevisionRequest(
            deliverable=deliverable,
            message=message,
            request_id=rid,
            revised_text=revised,
            received_at=when,
        )
        decision = evaluate(terms, fold(events, when, terms), request, when)
        events.extend(decision_events(request, decision))

    ask(
        "r1",
        "home",
        "Hi Ana, thanks for the draft! Could you make the opening paragraph a "
        "bit shorter and mention our new rye sourdough in the second section?",
        at(14, 9),
        HOME_2,
    )
    ask(
        "r2",
        "home",
        "Looks good. While you're at it, could you also write five Instagram "
        "posts for the launch week?",
        at(14, 12),
    )
    ask(
        "r3",
        "about",
        "You wrote that my grandfather opened the bakery in 1972 but the brief "
        "clearly says 1962. Please correct it.",
        at(15, 9),
    )
    events.append(
        RevisionDelivered(at=at(16), deliverable="home", version=2, request_id="r1", text=HOME_2)
    )
    events.append(
        RevisionDelivered(
            at=at(16, 11),
            deliverable="about",
            version=2,
            request_id="r3",
            text=ABOUT.replace("1972", "1962"),
        )
    )
    ask(
        "r4",
        "home",
        'Please swap "family tradition" for "three generations" in the headline, '
        "and could you also translate the whole page into German for our Austrian customers?",
        at(18, 9),
    )
    events.append(VersionSubmitted(at=at(20), deliverable="products", version=1, text=PRODUCTS))
    ask("r5", "products", "Could you also design printed flyers for the shop window?", at(22, 9))
    ask("r6", "about", "Could you make the second paragraph a bit shorter?", at(26, 9))
    return events


def tampered(text: str) -> str:
    """The ledger with r6's recorded decision changed by hand from after_approval to included."""
    out = []
    for line in text.splitlines():
        if line.startswith("{"):
            data = json.loads(line)
            if data["type"] == "decision_made" and data["request_id"] == "r6":
                data["verdict"] = data["items"][0]["verdict"] = "included"
            line = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        out.append(line)
    return "\n".join(out) + "\n"


def main() -> None:
    """Rewrite the fixtures."""
    text = "# The bakery project played through the engine (tests/engine/bakery_project.py).\n"
    text += dump_events(play())
    (LEDGERS / "bakery-project.jsonl").write_text(text, encoding="utf-8")
    (LEDGERS / "bakery-tampered.jsonl").write_text(tampered(text), encoding="utf-8")


if __name__ == "__main__":
    main()
