"""Contract terms: who, what, what not, when, for how much, and the revision policy.

These are the values a freelancer writes once in a contract spec (YAML or JSON). Every
later judgement cites them, so they are validated strictly (unknown fields are errors,
money is exact) and frozen: a signed contract changes only through change orders.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from roundwise.engine.terms.bounds import (
    ConfidentialityYears,
    Fraction,
    LiabilityMultiple,
    Size,
    SpecAmount,
)
from roundwise.engine.terms.kill_fee import KillFeeByStage
from roundwise.engine.terms.money import CurrencyCode
from roundwise.engine.terms.policy import PolicyOverride, RevisionPolicy, effective_policy

Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")]
Text = Annotated[str, Field(min_length=1, max_length=20_000)]
ShortText = Annotated[str, Field(min_length=1, max_length=300)]
LanguageCode = Annotated[str, Field(pattern=r"^[a-z]{2,3}$", description="ISO 639 code")]
LocaleCode = Annotated[str, Field(pattern=r"^[a-z]{2,3}(_[A-Z]{2})?$")]
CountryCode = Annotated[str, Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2")]
DeliverableKind = Literal["text", "translation", "design", "illustration", "code", "other"]
Unit = Literal["words", "items"]

_WORD_KINDS = frozenset({"text", "translation", "code"})


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Party(_Frozen):
    """One side of the contract; `name` is how replies address them."""

    name: ShortText
    business: ShortText | None = None
    role: ShortText | None = None
    email: Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+$", max_length=254)] | None = None
    address: Annotated[str, Field(max_length=500)] | None = None
    language: LanguageCode | None = None


class Deliverable(_Frozen):
    """A piece of work the contract promises, with the brief it is judged against."""

    id: Slug
    title: ShortText
    kind: DeliverableKind
    brief: Text
    unit: Unit | None = None
    size: Size | None = None
    fee: SpecAmount | None = None
    due: date | None = None
    revision_policy: PolicyOverride | None = None

    @property
    def measure_unit(self) -> Unit:
        """Words for written work, change items for visual work, unless the spec says."""
        if self.unit is not None:
            return self.unit
        return "words" if self.kind in _WORD_KINDS else "items"


class PaymentTerms(_Frozen):
    """When money moves, and what a cancellation costs."""

    deposit_share: Fraction = Decimal(0)
    due_days: Annotated[int, Field(ge=0, le=365)] = 14
    kill_fee_share: Fraction = Decimal("0.5")
    kill_fee_by_stage: KillFeeByStage | None = None


class ContractTerms(_Frozen):
    """Everything the revision rules, replies and documents need to know about a contract."""

    id: Slug
    title: ShortText
    language: LanguageCode = "en"
    locale: LocaleCode | None = None
    timezone: ShortText = "UTC"
    currency: CurrencyCode
    freelancer: Party
    client: Party
    start_date: date | None = None
    deliverables: Annotated[tuple[Deliverable, ...], Field(min_length=1, max_length=200)]
    exclusions: tuple[ShortText, ...] = ()
    revision_policy: RevisionPolicy
    payment: PaymentTerms = PaymentTerms()
    glossary_note: Annotated[str, Field(max_length=2000)] | None = None
    country: CountryCode | None = None
    # Optional since issue 17.5; left out of the terms hash while unset (see digest.py).
    legal: LegalTerms | None = None
    script: DocumentScript | None = None

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown IANA time zone {value!r}") from exc
        return value

    @field_validator("language", "locale")
    @classmethod
    def _known_locale(cls, value: str | None) -> str | None:
        # Money and dates are formatted in this locale: one Babel does not know would
        # make every reply and document fail later.
        # Parsed as Babel parses it (likely subtags included: ``sr_RS`` is ``sr_Cyrl_RS``).
        if value is None:
            return value
        try:
            Locale.parse(value, sep="-" if "-" in value else "_")
        except (UnknownLocaleError, ValueError, TypeError) as exc:
            raise ValueError(f"no locale data for {value!r}") from exc
        return value

    @model_validator(mode="after")
    def _unique_deliverable_ids(self) -> ContractTerms:
        seen: set[str] = set()
        for deliverable in self.deliverables:
            if deliverable.id in seen:
                raise ValueError(f"deliverable id {deliverable.id!r} appears twice")
            seen.add(deliverable.id)
        return self

    @property
    def effective_locale(self) -> str:
        """The Babel locale for money and dates: explicit, or the contract's language."""
        return self.locale or self.language

    @property
    def holiday_country(self) -> str | None:
        """The country whose public holidays business days skip: ``country``, else the
        territory of the locale (``sl_SI`` is SI), else None (weekends only)."""
        if self.country is not None:
            return self.country
        if self.locale is not None and "_" in self.locale:
            return self.locale.rsplit("_", 1)[1]
        return None

    @property
    def zone(self) -> ZoneInfo:
        """The contract's time zone, in which review windows end at midnight."""
        return ZoneInfo(self.timezone)

    def deliverable(self, deliverable_id: str) -> Deliverable | None:
        """The deliverable with this id, or None."""
        return next((d for d in self.deliverables if d.id == deliverable_id), None)

    def policy_for(self, deliverable_id: str) -> RevisionPolicy:
        """The complete policy for one deliverable (contract policy plus its override)."""
        found = self.deliverable(deliverable_id)
        override = found.revision_policy if found is not None else None
        return effective_policy(self.revision_policy, override)

    def total_fee(self) -> Decimal | None:
        """Sum of the deliverables' fees, or None when any fee is left unpriced."""
        fees = [d.fee for d in self.deliverables]
        if any(fee is None for fee in fees):
            return None
        return sum((fee for fee in fees if fee is not None), Decimal(0))


# --- The agreement's legal clauses and the documents' script (issue 17.5) -------------------
# Optional, so every earlier spec stays valid and keeps its terms hash (an unset field is
# left out of the canonical JSON, `engine.terms.digest`).

TaxId = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9 ./-]*$")]
DocumentScript = Literal["Latn", "Cyrl"]
IpTransfer = Literal["on_full_payment", "on_signing"]


class LegalTerms(_Frozen):
    """What a freelance contract needs beyond the work: identities, law, liability, secrecy.

    Every field has a default a document can state (`engine.terms.clauses`): the law of
    the freelancer's country (the contract locale's territory), its courts, liability
    capped at the agreement's fees, two years of confidentiality, rights passing on full
    payment.
    """

    freelancer_tax_id: TaxId | None = None
    client_tax_id: TaxId | None = None
    governing_law: CountryCode | None = None
    jurisdiction: ShortText | None = None
    liability_cap_multiple: LiabilityMultiple = Decimal(1)
    confidentiality_years: ConfidentialityYears = 2
    ip_transfer: IpTransfer = "on_full_payment"
    portfolio_use: bool = True


def legal_terms(terms: ContractTerms) -> LegalTerms:
    """The contract's legal terms, defaults filled in when the spec gives none."""
    return terms.legal or LegalTerms()


def governing_country(terms: ContractTerms) -> str | None:
    """ISO country whose law governs: the spec's governing law, else the contract's
    country, else the contract locale's territory."""
    chosen = legal_terms(terms).governing_law
    if chosen is not None:
        return chosen
    if terms.country is not None:
        return terms.country
    territory = Locale.parse(terms.effective_locale).territory
    return str(territory) if territory else None


ContractTerms.model_rebuild()
