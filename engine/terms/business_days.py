"""Review windows counted in calendar or business days.

A review window of *n* days starts the day after delivery (local date *d* in the
contract's time zone). Counted in calendar days its last day is *d + n*; counted in
business days it is the *n*-th day after *d* that is neither a weekend day nor a public
holiday of the contract's country, so a business-day window never ends on a weekend or
a holiday and the days *d+1 … last* hold exactly *n* business days. A window of 0 days
ends on the day of delivery either way.

The arithmetic takes the calendar as data (`WorkingCalendar`), so it is tested against
any set of holidays; `engine.terms.holiday_calendar` builds the real one for a country.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

ReviewDays = Literal["calendar", "business"]
SATURDAY_SUNDAY = frozenset({5, 6})


def _no_holidays(year: int) -> frozenset[date]:
    return frozenset()


@dataclass(frozen=True, slots=True)
class WorkingCalendar:
    """Which days are business days: not a weekend day (``date.weekday()`` numbers) and
    not one of the public holidays of that year."""

    holidays_in: Callable[[int], frozenset[date]] = _no_holidays
    weekend: frozenset[int] = SATURDAY_SUNDAY

    def is_business_day(self, day: date) -> bool:
        """Whether work (and the counting of a review window) goes on that day."""
        return day.weekday() not in self.weekend and day not in self.holidays_in(day.year)


def add_business_days(start: date, days: int, calendar: WorkingCalendar) -> date:
    """The ``days``-th business day after ``start`` (``start`` itself for 0 days)."""
    if days < 0:
        raise ValueError("a window cannot have a negative number of days")
    if len(calendar.weekend) >= 7:
        raise ValueError("a calendar whose every day is a weekend has no business days")
    day, left = start, days
    while left:
        day += timedelta(days=1)
        left -= calendar.is_business_day(day)
    return day


def window_last_day(start: date, days: int, kind: ReviewDays, calendar: WorkingCalendar) -> date:
    """The last day of a review window of ``days`` days opened on ``start``."""
    if kind == "calendar":
        return start + timedelta(days=days)
    return add_business_days(start, days, calendar)
