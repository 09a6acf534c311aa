# ruff: noqa: E501  (the example messages and texts are prose, kept on one line each)
"""Regenerate ``contracts/examples/*.ledger.jsonl``: every request is judged by engine.decide.

    .venv/bin/python -m tests.contracts.make_example_ledgers

Only the timeline (versions, requests, deliveries, change orders) is written here; each
``DecisionMade`` is whatever `engine.decide.evaluate` says at that moment, so the example
statements and change orders show the engine's real verdicts, figures and quotes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from roundwise.engine.decide import Decision, RevisionRequest, decision_events, evaluate
from roundwise.engine.ledger import (
    ChangeOrderAccepted,
    ChangeOrderIssued,
    ContractSigned,
    Event,
    RevisionDelivered,
    VersionSubmitted,
    dump_events,
    fold,
)
from roundwise.engine.terms import parse_spec, terms_sha256

EX = Path(__file__).resolve().parents[2] / "contracts" / "examples"


class Builder:
    """One example contract's ledger, built event by event in time order."""

    def __init__(self, name: str) -> None:
        self.terms = parse_spec((EX / f"{name}.yaml").read_text(encoding="utf-8"))
        self.name = name
        self.events: list[Event] = []
        self.decisions: dict[str, Decision] = {}
        self.tz = ZoneInfo(self.terms.timezone)

    def t(self, local: str) -> datetime:
        return datetime.fromisoformat(local).replace(tzinfo=self.tz)

    def add(self, event: Event) -> None:
        self.events.append(event)

    def sign(self, when: str) -> None:
        self.add(
            ContractSigned(
                at=self.t(when), contract_id=self.terms.id, terms_sha256=terms_sha256(self.terms)
            )
        )

    def version(
        self,
        when: str,
        deliverable: str,
        n: int,
        text: str | None = None,
        sha: str | None = None,
        request_id: str | None = None,
    ) -> None:
        at = self.t(when)
        if request_id is None:
            self.add(
                VersionSubmitted(
                    at=at, deliverable=deliverable, version=n, text=text, file_sha256=sha
                )
            )
            return
        self.add(
            RevisionDelivered(
                at=at,
                deliverable=deliverable,
                version=n,
                text=text,
                file_sha256=sha,
                request_id=request_id,
            )
        )

    def request(
        self,
        received: str,
        decided: str,
        rid: str,
        deliverable: str,
        message: str,
        revised_text: str | None = None,
        items: Sequence[str] = (),
        channel: str = "email",
    ) -> Decision:
        now = self.t(decided)
        state = fold(self.events, now, self.terms)
        req = RevisionRequest(
            deliverable=deliverable,
            message=message,
            revised_text=revised_text,
            items=tuple(items),
            received_at=self.t(received),
            request_id=rid,
            channel=channel,
        )
        decision = evaluate(self.terms, state, req, now)
        self.events.extend(decision_events(req, decision))
        self.decisions[rid] = decision
        q = decision.quote.total.amount if decision.quote else None
        print(
            f"  {rid}: {decision.verdict} share={decision.changed_share} items={len(decision.items)} quote={q} left={decision.rounds_left}"
        )
        return decision

    def change_order(
        self,
        when: str,
        number: int,
        rid: str,
        description: str,
        deliverable: str | None = None,
        extra_rounds: int = 0,
        accepted: str | None = None,
        hours: int | None = None,
    ) -> None:
        quote = self.decisions[rid].quote
        assert quote is not None, f"{rid} has no quote"
        price = quote.total
        if hours is not None:  # the freelancer prices new work on their own estimate
            rate = self.terms.revision_policy.out_of_scope.hourly_rate
            price = price.model_copy(update={"amount": rate * hours})
        self.add(
            ChangeOrderIssued(
                at=self.t(when),
                number=number,
                description=description,
                price=price,
                deliverable=deliverable,
                request_id=rid,
                extra_rounds=extra_rounds,
            )
        )
        if accepted:
            self.add(ChangeOrderAccepted(at=self.t(accepted), number=number))

    def write(self) -> None:
        fold(self.events, self.events[-1].at, self.terms)
        header = (
            f"# Example ledger for {self.name}.yaml; decisions by engine.decide "
            "(regenerate: python -m tests.contracts.make_example_ledgers).\n"
        )
        target = EX / f"{self.name}.ledger.jsonl"
        target.write_text(header + dump_events(self.events), encoding="utf-8")
        print(self.name, len(self.events), "events")


HOME1 = (
    "Three generations of bakers have been getting up before dawn so that you can start your day "
    "with real bread. Our sourdough rests overnight, our pastries follow the seasons, and every "
    "loaf is shaped by hand in the same kitchen where grandfather Janez began. Order online today "
    "and pick up your bread still warm from the oven."
)
HOME2 = HOME1.replace(
    "Three generations of bakers have",
    "Three generations of bakers, and grandmother Ivana's poppy-seed roll, have",
)
ABOUT1 = (
    "In 1926 grandfather Janez opened a small bakery on the corner of Trubarjeva street. Today his "
    "grandchildren bake with the same sourdough starter, the same patience and the same respect for "
    "good flour, water and time."
)
ABOUT_CAFE = (
    "This spring we open our new café next to the bakery: a place for coffee, a slice of cake and a "
    "conversation. Come and taste the seasonal menu, meet the bakers, and stay as long as you like."
)
PRODUCTS1 = (
    "Our rye sourdough rises for a full day before it meets the oven. The crust is dark and crackling, "
    "the crumb moist and gently sour. Order online and pick it up on your way home."
)


def main() -> None:
    b = Builder("bakery-web-copy")
    b.sign("2026-03-02T09:00")
    b.version("2026-03-10T16:00", "home", 1, text=HOME1)
    b.version("2026-03-11T10:00", "about", 1, text=ABOUT1)
    b.request(
        "2026-03-12T08:30",
        "2026-03-12T08:41",
        "r-home-1",
        "home",
        "Could you make the opening warmer and mention grandmother Ivana's poppy-seed roll?",
        revised_text=HOME2,
    )
    b.request(
        "2026-03-12T09:00",
        "2026-03-12T09:06",
        "r-about-1",
        "about",
        "Please rewrite the whole page around our new café opening instead of the founding story.",
        revised_text=ABOUT_CAFE,
    )
    b.version("2026-03-13T11:00", "home", 2, text=HOME2, request_id="r-home-1")
    b.request(
        "2026-03-14T10:00",
        "2026-03-14T10:06",
        "r-about-2",
        "about",
        "There is a typo in the founding year: it says 1926, it should be 1962 as in the brief.",
        channel="trello",
    )
    b.version(
        "2026-03-15T09:00", "about", 2, text=ABOUT1.replace("1926", "1962"), request_id="r-about-2"
    )
    b.version("2026-03-18T15:00", "products", 1, text=PRODUCTS1)
    b.request(
        "2026-03-19T12:00",
        "2026-03-19T12:06",
        "r-products-1",
        "products",
        "Love them! Could you also write five Instagram posts for the launch week?",
    )
    b.change_order(
        "2026-03-19T16:00",
        1,
        "r-products-1",
        "Five Instagram posts for the launch week",
        accepted="2026-03-20T09:30",
        hours=3,
    )
    b.request(
        "2026-03-21T18:00",
        "2026-03-21T18:06",
        "r-home-2",
        "home",
        "One more change on the home page: please add a sentence about our gluten-free range.",
        revised_text=HOME2 + " We also bake a gluten-free loaf every Friday.",
    )
    b.change_order(
        "2026-03-22T10:00",
        2,
        "r-home-2",
        "One extra revision round for the home page copy (gluten-free sentence)",
        deliverable="home",
        extra_rounds=1,
    )
    b.write()

    f = Builder("fox-logo")
    file_a, file_b, file_c = ("a" * 64, "b" * 64, "c" * 64)
    f.sign("2026-04-06T10:00")
    f.version("2026-04-20T17:00", "concepts", 1, sha=file_a)
    r1 = ("Make the fox face left", "Use a warmer orange", "Make the wordmark thicker")
    f.request(
        "2026-04-22T09:00",
        "2026-04-22T09:11",
        "r-c-1",
        "concepts",
        "Μας αρέσει πολύ η δεύτερη πρόταση! Three changes please.",
        items=r1,
    )
    f.version("2026-04-24T16:00", "concepts", 2, sha=file_b, request_id="r-c-1")
    r2 = (
        "Make the tail smaller",
        "Make the outline darker",
        "Put the fox in a round badge",
        "Move the ears closer",
        "Use a rounder font",
        "Make the orange a bit lighter",
        "Give the fox a friendlier eye",
    )
    f.request(
        "2026-04-27T08:00",
        "2026-04-27T08:11",
        "r-c-2",
        "concepts",
        "Seven more changes for the second concept.",
        items=r2,
        channel="jira",
    )
    r3 = r2[:4]
    f.request(
        "2026-04-28T08:00",
        "2026-04-28T08:11",
        "r-c-3",
        "concepts",
        "OK, the four that matter most.",
        items=r3,
        channel="jira",
    )
    f.version("2026-04-30T15:00", "concepts", 3, sha=file_c, request_id="r-c-3")
    f.request(
        "2026-05-02T11:00",
        "2026-05-02T11:11",
        "r-c-4",
        "concepts",
        "Could you also design our business cards and stationery with the new logo?",
    )
    f.change_order(
        "2026-05-02T15:00",
        1,
        "r-c-4",
        "Business card and letterhead design",
        accepted="2026-05-04T09:00",
        hours=4,
    )
    f.write()

    man1 = (
        "Pred prvo uporabo pumpe AP-200 natančno preberite ta navodila. Pumpo postavite na ravno in suho "
        "podlago. Pred vklopom preverite, ali je cev pravilno priključena in ali je v rezervoarju dovolj vode. "
        "Pumpa se samodejno izklopi, ko zazna suhi tek."
    )
    man2 = man1.replace("pumpe", "črpalke").replace("Pumpo", "Črpalko").replace("Pumpa", "Črpalka")
    man3 = man2.replace("natančno preberite ta navodila", "je treba natančno prebrati ta navodila")
    m = Builder("manual-translation")
    m.sign("2026-05-04T09:00")
    m.version("2026-05-20T18:00", "manual", 1, text=man1)
    m.request(
        "2026-05-22T10:00",
        "2026-05-22T10:06",
        "r-m-1",
        "manual",
        "The translation uses 'pumpa' but our glossary says 'črpalka'. Please fix the terminology to follow the glossary.",
        revised_text=man2,
        channel="api",
    )
    m.version("2026-05-23T12:00", "manual", 2, text=man2, request_id="r-m-1")
    m.request(
        "2026-05-26T09:00",
        "2026-05-26T09:06",
        "r-m-2",
        "manual",
        "Our product team prefers a more formal register in the first sentence.",
        revised_text=man3,
        channel="api",
    )
    m.version("2026-05-28T16:00", "manual", 3, text=man3, request_id="r-m-2")
    m.request(
        "2026-06-01T08:00",
        "2026-06-01T08:06",
        "r-m-3",
        "manual",
        "Marketing would like one more stylistic change in the last sentence, see the revised text.",
        revised_text=man3.replace("suhi tek", "delovanje brez vode"),
        channel="api",
    )
    m.change_order(
        "2026-06-01T14:00",
        1,
        "r-m-3",
        "Extra stylistic revision round",
        deliverable="manual",
        extra_rounds=1,
    )
    m.write()


if __name__ == "__main__":
    main()
