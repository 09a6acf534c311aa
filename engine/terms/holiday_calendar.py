"""The public holidays of a country, from the ``holidays`` package, as plain data.

Why the engine may import ``holidays``: it is a calendar computed from rules shipped in
the package (Easter, Orthodox Easter, fixed days, substitutes), with no network, clock or
database, just as Babel's CLDR data the engine already reads. It is read once per
(country, year) into a frozenset, so folding a ledger does no more than a set lookup.
A new ``holidays`` release may correct a country's calendar, and with it a business-day
deadline not yet passed; the package is lower-bound pinned like every dependency.

The package is imported on first use (about 0.2 s), so contracts that count calendar days
— every contract before business days existed — and the CLI's start-up never pay for it.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache, partial
from types import ModuleType

from roundwise.engine.terms.business_days import SATURDAY_SUNDAY, WorkingCalendar


def _holidays() -> ModuleType:
    import holidays

    return holidays


@lru_cache(maxsize=1)
def supported_countries() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes whose public holidays the ``holidays`` package knows."""
    return frozenset(_holidays().list_supported_countries())


@lru_cache(maxsize=1024)
def public_holidays(country: str, year: int) -> frozenset[date]:
    """The public holidays (observed days included) of ``country`` in ``year``."""
    return frozenset(_holidays().country_holidays(country, years=year).keys())


@lru_cache(maxsize=256)
def working_calendar(country: str | None) -> WorkingCalendar:
    """Weekends and public holidays of ``country``; weekends only when it is unknown."""
    if country is None or country not in supported_countries():
        return WorkingCalendar()
    weekend = frozenset(_holidays().country_holidays(country).weekend) or SATURDAY_SUNDAY
    return WorkingCalendar(holidays_in=partial(public_holidays, country), weekend=weekend)
