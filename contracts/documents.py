"""The three documents, from terms (and ledger) to PDF bytes.

Each function validates nothing itself: it takes already-validated `ContractTerms`
(`engine.terms.parse_spec` raises `SpecError` on a malformed spec before any rendering
starts) and an explicit ``created`` moment, so the same inputs give the same text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from roundwise.contracts.bilingual import bilingual_view
from roundwise.contracts.change_order import change_order_view
from roundwise.contracts.pdf import Paper, RenderedPdf, html_to_pdf
from roundwise.contracts.statement import statement_view
from roundwise.contracts.templating import render_html
from roundwise.contracts.views import AgreementView, agreement_view
from roundwise.engine.ledger import Event
from roundwise.engine.terms import ContractTerms

DocumentKind = Literal["agreement", "change-order", "statement"]


@dataclass(frozen=True, slots=True)
class RenderedDocument:
    """A finished document: the PDF and what callers need to serve or store it."""

    kind: DocumentKind
    document_id: str
    title: str
    filename: str
    pdf: bytes
    pages: int
    warnings: tuple[str, ...]


def agreement_html(
    terms: ContractTerms,
    created: datetime,
    language: str | None = None,
    *,
    bilingual: bool = False,
) -> tuple[AgreementView, str]:
    """The agreement's view model and HTML (exposed for tests of the markup)."""
    view = agreement_view(terms, created, language)
    if bilingual:
        pair = bilingual_view(terms, created, language)
        if pair is not None:
            html = render_html(
                "agreement_bilingual.html",
                view=view,
                pair=pair,
                head=view.head,
                doc_class="agreement",
            )
            return view, html
    return view, render_html("agreement.html", view=view, head=view.head, doc_class="agreement")


def render_agreement(
    terms: ContractTerms,
    *,
    created: datetime,
    paper: Paper = "a4",
    language: str | None = None,
    bilingual: bool = False,
) -> RenderedDocument:
    """The service agreement as a PDF; ``bilingual`` adds the client's language beside it."""
    view, html = agreement_html(terms, created, language, bilingual=bilingual)
    return _finish("agreement", view.head.document_id, view.head.title, html, paper)


def render_change_order(
    terms: ContractTerms,
    events: tuple[Event, ...],
    *,
    created: datetime,
    number: int | None = None,
    paper: Paper = "a4",
    draft: bool = False,
    language: str | None = None,
) -> RenderedDocument:
    """Change order ``number`` (the latest when None) from the ledger, as a PDF
    (``draft``: the ledger ends with a preview of one not sent yet)."""
    view = change_order_view(terms, events, number, created, language, draft=draft)
    html = render_html("change_order.html", view=view, head=view.head, doc_class="change-order")
    return _finish("change-order", view.head.document_id, view.head.heading, html, paper)


def render_statement(
    terms: ContractTerms,
    events: tuple[Event, ...],
    *,
    created: datetime,
    paper: Paper = "a4",
    language: str | None = None,
) -> RenderedDocument:
    """The revision statement as of ``created``, as a PDF."""
    view = statement_view(terms, events, created, language)
    html = render_html("statement.html", view=view, head=view.head, doc_class="statement")
    return _finish("statement", view.head.document_id, view.head.title, html, paper)


def render_document(
    terms: ContractTerms,
    events: tuple[Event, ...],
    kind: DocumentKind,
    *,
    created: datetime,
    paper: Paper = "a4",
    change_order: int | None = None,
    draft: bool = False,
    language: str | None = None,
    bilingual: bool = False,
) -> RenderedDocument:
    """Any of the three documents by name (what the CLI and the API call).

    ``language`` overrides the contract's ("sl", "sr-Cyrl", ...); ``bilingual`` applies to
    the agreement only (the client's language in a second column).
    """
    if kind == "agreement":
        return render_agreement(
            terms, created=created, paper=paper, language=language, bilingual=bilingual
        )
    if kind == "change-order":
        return render_change_order(
            terms,
            events,
            created=created,
            number=change_order,
            paper=paper,
            draft=draft,
            language=language,
        )
    return render_statement(terms, events, created=created, paper=paper, language=language)


def _finish(
    kind: DocumentKind, document_id: str, title: str, html: str, paper: Paper
) -> RenderedDocument:
    rendered: RenderedPdf = html_to_pdf(html, paper)
    return RenderedDocument(
        kind=kind,
        document_id=document_id,
        title=title,
        filename=f"{document_id}.pdf",
        pdf=rendered.pdf,
        pages=rendered.pages,
        warnings=rendered.warnings,
    )


__all__ = [
    "DocumentKind",
    "RenderedDocument",
    "agreement_html",
    "render_agreement",
    "render_change_order",
    "render_document",
    "render_statement",
]
