"""View models: exactly what a template prints, already formatted, built from the terms.

Templates stay logic-free; every choice of wording, number format and ordering is made
here, in typed and tested Python. Clause numbers and texts come unchanged from
`engine.terms.clauses` -- they are the numbers decisions and replies cite.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from roundwise.contracts import formatting as fmt
from roundwise.engine.terms import ContractTerms, Deliverable, Party, clauses, terms_sha256


@dataclass(frozen=True, slots=True)
class DocumentHead:
    """What every document shows and embeds: ids, hash, language, running header."""

    kind: str
    heading: str
    title: str
    document_id: str
    terms_sha256: str
    lang: str
    author: str
    created: datetime
    created_label: str
    agreement_id: str


@dataclass(frozen=True, slots=True)
class PartyView:
    """One party's card; ``lang`` marks the name's language where the spec gives it."""

    label: str
    name: str
    business: str | None
    role: str | None
    email: str | None
    address: str | None
    lang: str | None


@dataclass(frozen=True, slots=True)
class DeliverableRow:
    """A row of the deliverables table under clause 2."""

    id: str
    title: str
    kind: str
    size: str
    due: str
    fee: str


@dataclass(frozen=True, slots=True)
class PolicyRow:
    """A row of the revision terms summary (one per deliverable)."""

    title: str
    rounds: str
    limit: str
    review: str
    extra_round: str
    out_of_scope: str


@dataclass(frozen=True, slots=True)
class ClauseView:
    """A numbered clause as the engine wrote it; ``level`` 2 for sub-clauses like 6.2."""

    number: str
    key: str
    title: str
    text: str
    level: int


@dataclass(frozen=True, slots=True)
class AgreementView:
    """The service agreement."""

    head: DocumentHead
    freelancer: PartyView
    client: PartyView
    deliverables: tuple[DeliverableRow, ...]
    total_fee: str
    policies: tuple[PolicyRow, ...]
    clauses: tuple[ClauseView, ...]
    glossary_note: str | None


def document_head(
    terms: ContractTerms, kind: str, document_id: str, created: datetime, heading: str = ""
) -> DocumentHead:
    """The shared head of a document of ``kind`` ("Service agreement", ...)."""
    return DocumentHead(
        kind=kind,
        heading=heading or terms.title,
        title=f"{kind}: {terms.title}",
        document_id=document_id,
        terms_sha256=terms_sha256(terms),
        lang=terms.language,
        author=terms.freelancer.name,
        created=created,
        created_label=fmt.local_datetime(terms, created),
        agreement_id=fmt.agreement_id(terms),
    )


def party_view(party: Party, label: str) -> PartyView:
    """A party's card."""
    return PartyView(
        label=label,
        name=party.name,
        business=party.business,
        role=party.role,
        email=party.email,
        address=party.address,
        lang=party.language,
    )


def agreement_view(terms: ContractTerms, created: datetime) -> AgreementView:
    """Everything the agreement template prints."""
    return AgreementView(
        head=document_head(terms, "Service agreement", fmt.agreement_id(terms), created),
        freelancer=party_view(terms.freelancer, "Freelancer"),
        client=party_view(terms.client, "Client"),
        deliverables=tuple(_deliverable_row(terms, d) for d in terms.deliverables),
        total_fee=fmt.amount(terms, terms.total_fee()),
        policies=tuple(_policy_row(terms, d) for d in terms.deliverables),
        clauses=tuple(
            ClauseView(
                number=c.number,
                key=str(c.key),
                title=c.title,
                text=c.text,
                level=1 + c.number.count("."),
            )
            for c in clauses(terms)
        ),
        glossary_note=terms.glossary_note,
    )


def _deliverable_row(terms: ContractTerms, deliverable: Deliverable) -> DeliverableRow:
    size = (
        f"{fmt.number(terms, deliverable.size)} {deliverable.measure_unit}"
        if deliverable.size
        else fmt.DASH
    )
    return DeliverableRow(
        id=deliverable.id,
        title=deliverable.title,
        kind=deliverable.kind,
        size=size,
        due=fmt.short_date(terms, deliverable.due),
        fee=fmt.amount(terms, deliverable.fee),
    )


def _policy_row(terms: ContractTerms, deliverable: Deliverable) -> PolicyRow:
    policy = terms.policy_for(deliverable.id)
    days = policy.review_window_days
    unit = "business days" if policy.review_days == "business" else "days"
    review = f"{days} {unit}" + (", then deemed approved" if policy.silence_means_approval else "")
    hourly = fmt.amount(terms, policy.out_of_scope.hourly_rate)
    return PolicyRow(
        title=deliverable.title,
        rounds=str(policy.rounds_included),
        limit=fmt.round_limit(policy),
        review=review,
        extra_round=fmt.extra_round_price(terms, policy),
        out_of_scope=f"{hourly} per hour",
    )


__all__ = [
    "AgreementView",
    "ClauseView",
    "DeliverableRow",
    "DocumentHead",
    "PartyView",
    "PolicyRow",
    "agreement_view",
    "document_head",
    "party_view",
]
