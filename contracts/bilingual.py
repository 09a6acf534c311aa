"""The two-column bilingual agreement: the contract's language beside the client's.

Each clause is printed twice on one row, the contract's language on the left and the
client's (``client.language`` in the spec) on the right, so either reader finds the same
clause number at the same height. The masthead, the parties and the tables stay in the
contract's language; a note in both languages says which version prevails.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from babel import Locale

from roundwise.contracts.clause_texts import LocalClause
from roundwise.contracts.i18n import DOCUMENT_LANGUAGES, DocText, doc_text, document_tag
from roundwise.contracts.views import AgreementView, agreement_view
from roundwise.engine.lint.script import split_tag
from roundwise.engine.terms import ContractTerms


@dataclass(frozen=True, slots=True)
class BilingualView:
    """The second language's agreement and the rows pairing each clause."""

    first_lang: str
    second_lang: str
    second: AgreementView
    rows: tuple[tuple[LocalClause, LocalClause], ...]
    notes: tuple[str, str]


def second_language(terms: ContractTerms, language: str | None = None) -> str | None:
    """The client's document language, when it has texts and differs from the first."""
    wanted = terms.client.language
    if wanted is None or wanted not in {split_tag(t)[0] for t in DOCUMENT_LANGUAGES}:
        return None
    second = document_tag(terms, wanted)
    return None if second == document_tag(terms, language) else second


def language_name(tx: DocText, tag: str) -> str:
    """A language's name as the document's language writes it ("slovenščina")."""
    base, _ = split_tag(tag)
    return tx.script(str(Locale.parse(base).get_display_name(tx.locale) or base))


def bilingual_view(
    terms: ContractTerms, created: datetime, language: str | None = None
) -> BilingualView | None:
    """The second column, or None when the client's language gives no second one."""
    second_tag = second_language(terms, language)
    if second_tag is None:
        return None
    first_tx, second_tx = doc_text(terms, language), doc_text(terms, second_tag)
    first = agreement_view(terms, created, language)
    second = agreement_view(terms, created, second_tag)

    def note(tx: DocText) -> str:
        return tx.t(
            "labels.bilingual_note",
            first=language_name(tx, first_tx.tag),
            second=language_name(tx, second_tx.tag),
        )

    return BilingualView(
        first_lang=first_tx.html_lang,
        second_lang=second_tx.html_lang,
        second=second,
        rows=tuple(zip(first.clauses, second.clauses, strict=True)),
        notes=(note(first_tx), note(second_tx)),
    )


__all__ = ["BilingualView", "bilingual_view", "language_name", "second_language"]
