"""View models: exactly what a template prints, already formatted, built from the terms.

Templates stay logic-free; every choice of wording, number format and ordering is made
here, in typed and tested Python, in the document's language (`contracts.i18n`). Clause
numbers come unchanged from `engine.terms.clauses` -- they are the numbers decisions and
replies cite -- and their texts from `contracts.clause_texts` in the document's language.
Internal keys (a deliverable's id such as "home") are never shown to the client.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from roundwise.contracts import formatting as fmt
from roundwise.contracts.clause_texts import LocalClause, extra_round_text, local_clauses
from roundwise.contracts.i18n import DocText, doc_text
from roundwise.engine.terms import ContractTerms, Deliverable, Party, terms_sha256
from roundwise.engine.terms.contract import legal_terms

ClauseView = LocalClause


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
    labels: dict[str, str]
    page_css: str


@dataclass(frozen=True, slots=True)
class PartyView:
    """One party's card; ``lang`` marks the name's language where the spec gives it."""

    label: str
    name: str
    business: str | None
    role: str | None
    email: str | None
    address: str | None
    tax_id: str | None
    lang: str | None


@dataclass(frozen=True, slots=True)
class DeliverableRow:
    """A row of the deliverables table under clause 2 (no internal id: the client reads it)."""

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
    labels: dict[str, str]


_HEAD_LABELS = (
    "document",
    "agreement",
    "prepared",
    "terms_hash",
    "freelancer",
    "client",
    "signature",
    "date",
)
_AGREEMENT_LABELS = (
    "at_a_glance",
    "col_deliverable",
    "col_rounds",
    "col_per_round",
    "col_review",
    "col_extra_round",
    "col_other_work",
    "col_kind",
    "col_size",
    "col_due",
    "col_fee",
    "total",
    "signatures",
    "signatures_note",
    "sign_for_freelancer",
    "sign_for_client",
)


def labels(tx: DocText, section: str, names: tuple[str, ...]) -> dict[str, str]:
    """Fixed labels of one section of the language data, in the document's script."""
    return {name: tx.t(f"{section}.{name}") for name in names}


Segments = tuple[tuple[str, bool], ...]


def marked(text: str, *tokens: str) -> Segments:
    """``text`` cut into (part, is_id) segments: ids and hashes print unbroken in monospace."""
    segments: list[tuple[str, bool]] = [(text, False)]
    for token in tokens:
        out: list[tuple[str, bool]] = []
        for part, is_id in segments:
            if is_id or token not in part:
                out.append((part, is_id))
                continue
            pieces = part.split(token)
            for index, piece in enumerate(pieces):
                if index:
                    out.append((token, True))
                if piece:
                    out.append((piece, False))
        segments = out
    return tuple(segments)


def _css_string(text: str) -> str:
    """Our own label as a CSS string literal (never user text: see documents.css)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3C ")
    return f'"{escaped}"'


def page_css(tx: DocText) -> str:
    """The running footer's words in the document's language (the stylesheet holds layout)."""
    page, of = (
        _css_string(tx.t("labels.page") + " "),
        _css_string(" " + tx.t("labels.page_of") + " "),
    )
    document = _css_string(tx.t("labels.document") + " ")
    hash_label = _css_string(tx.t("labels.terms_hash") + " ")
    return (
        "@page { @bottom-right { content: "
        f"{page} counter(page) {of} counter(pages); }}\n"
        f'  @bottom-left {{ content: {document} string(run-id) "\\A" {hash_label} '
        "string(run-hash); } }"
    )


def document_head(
    terms: ContractTerms,
    kind: str,
    document_id: str,
    created: datetime,
    tx: DocText,
    heading: str = "",
) -> DocumentHead:
    """The shared head of a document of ``kind`` ("agreement", "change-order", ...)."""
    kind_label = tx.t(f"kinds.{kind}")
    return DocumentHead(
        kind=kind_label,
        heading=heading or terms.title,
        title=f"{kind_label}: {terms.title}",
        document_id=document_id,
        terms_sha256=terms_sha256(terms),
        lang=tx.html_lang,
        author=terms.freelancer.name,
        created=created,
        created_label=tx.moment(created, terms.zone),
        agreement_id=fmt.agreement_id(terms),
        labels=labels(tx, "labels", _HEAD_LABELS),
        page_css=page_css(tx),
    )


def party_view(party: Party, label: str, tax_id: str | None = None) -> PartyView:
    """A party's card."""
    return PartyView(
        label=label,
        name=party.name,
        business=party.business,
        role=party.role,
        email=party.email,
        address=party.address,
        tax_id=tax_id,
        lang=party.language,
    )


def parties(terms: ContractTerms, tx: DocText) -> tuple[PartyView, PartyView]:
    """Both parties' cards, with their tax ids when the spec gives them."""
    legal = legal_terms(terms)

    def tax(value: str | None) -> str | None:
        return tx.t("labels.tax_id", tax_id=value) if value else None

    return (
        party_view(terms.freelancer, tx.t("labels.freelancer"), tax(legal.freelancer_tax_id)),
        party_view(terms.client, tx.t("labels.client"), tax(legal.client_tax_id)),
    )


def agreement_view(
    terms: ContractTerms, created: datetime, language: str | None = None
) -> AgreementView:
    """Everything the agreement template prints, in ``language`` (default: the contract's)."""
    tx = doc_text(terms, language)
    freelancer, client = parties(terms, tx)
    return AgreementView(
        head=document_head(terms, "agreement", fmt.agreement_id(terms), created, tx),
        freelancer=freelancer,
        client=client,
        deliverables=tuple(_deliverable_row(tx, d) for d in terms.deliverables),
        total_fee=tx.money(terms.total_fee()),
        policies=tuple(_policy_row(terms, tx, d) for d in terms.deliverables),
        clauses=local_clauses(terms, tx),
        glossary_note=terms.glossary_note,
        labels=labels(tx, "labels", _AGREEMENT_LABELS),
    )


def _deliverable_row(tx: DocText, deliverable: Deliverable) -> DeliverableRow:
    size = (
        tx.plural(f"labels.{deliverable.measure_unit}", deliverable.size)
        if deliverable.size
        else fmt.DASH
    )
    return DeliverableRow(
        title=deliverable.title,
        kind=tx.t(f"kinds_of_work.{deliverable.kind}"),
        size=size,
        due=tx.date(deliverable.due),
        fee=tx.money(deliverable.fee),
    )


def round_limit(tx: DocText, terms: ContractTerms, deliverable_id: str | None) -> str:
    """How large one revision round may be, in a table cell."""
    policy = terms.policy_for(deliverable_id) if deliverable_id else terms.revision_policy
    limits = []
    if policy.max_change_share is not None:
        limits.append(tx.t("labels.share_limit", share=tx.percent(policy.max_change_share)))
    if policy.max_change_items is not None:
        limits.append(tx.plural("labels.limit_items", policy.max_change_items))
    return tx.script(tx.raw("labels.list_separator")).join(limits) or tx.t("labels.within_brief")


def _policy_row(terms: ContractTerms, tx: DocText, deliverable: Deliverable) -> PolicyRow:
    policy = terms.policy_for(deliverable.id)
    unit = "labels.business_days" if policy.review_days == "business" else "labels.days"
    review = tx.plural(unit, policy.review_window_days)
    if policy.silence_means_approval:
        review += ", " + tx.t("labels.deemed_approved")
    return PolicyRow(
        title=deliverable.title,
        rounds=tx.number(policy.rounds_included),
        limit=round_limit(tx, terms, deliverable.id),
        review=review,
        extra_round=extra_round_text(terms, tx, policy),
        out_of_scope=tx.t("labels.per_hour", rate=tx.money(policy.out_of_scope.hourly_rate)),
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
    "labels",
    "marked",
    "page_css",
    "parties",
    "party_view",
    "round_limit",
]
