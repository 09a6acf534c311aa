"""Review windows in business days: weekends and the country's public holidays skipped.

Checked against the ``holidays`` package's own calendars (looked up afresh, not through
the engine's cache) around Western and Orthodox Easter and New Year in Slovenia, Poland,
Serbia, Greece and Georgia.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roundwise.engine.errors import SpecError
from roundwise.engine.ledger import fold, review_deadline
from roundwise.engine.terms import ContractTerms, clauses, parse_spec, reload_spec, terms_sha256
from roundwise.engine.terms.business_days import WorkingCalendar, add_business_days
from roundwise.engine.terms.holiday_calendar import working_calendar
from tests.engine.ledger_support import EXAMPLES, example, signed, version

COUNTRIES = ("SI", "PL", "RS", "GR", "GE")
WESTERN_EASTER = (
    date(2024, 3, 31),
    date(2025, 4, 20),
    date(2026, 4, 5),
    date(2027, 3, 28),
    date(2028, 4, 16),
    date(2029, 4, 1),
    date(2030, 4, 21),
)
ORTHODOX_EASTER = (
    date(2024, 5, 5),
    date(2025, 4, 20),
    date(2026, 4, 12),
    date(2027, 5, 2),
    date(2028, 4, 16),
    date(2029, 4, 8),
    date(2030, 4, 28),
)
NEW_YEAR = tuple(date(year, 1, 1) for year in range(2025, 2031))
ANCHORS = WESTERN_EASTER + ORTHODOX_EASTER + NEW_YEAR


def is_business_day(country: str, day: date) -> bool:
    """The oracle: a fresh ``holidays`` calendar, Saturday and Sunday off."""
    return day.weekday() < 5 and day not in holidays.country_holidays(country, years=day.year)


@settings(max_examples=300, deadline=None)
@given(
    country=st.sampled_from(COUNTRIES),
    anchor=st.sampled_from(ANCHORS),
    offset=st.integers(-12, 5),
    days=st.integers(0, 25),
)
def test_a_business_day_window_holds_exactly_its_days_and_ends_on_a_business_day(
    country: str, anchor: date, offset: int, days: int
) -> None:
    start = anchor + timedelta(days=offset)
    last = add_business_days(start, days, working_calendar(country))
    counted = sum(
        is_business_day(country, start + timedelta(days=i))
        for i in range(1, (last - start).days + 1)
    )
    assert counted == days
    if days:
        assert is_business_day(country, last)
    else:
        assert last == start


@pytest.mark.parametrize(
    ("country", "delivered", "days", "last"),
    [
        # Western Easter 2027 (28 March): Easter Monday is a holiday in SI and PL.
        ("SI", date(2027, 3, 25), 3, date(2027, 3, 31)),
        ("PL", date(2027, 3, 25), 3, date(2027, 3, 31)),
        # Orthodox Easter 2027 (2 May): Good Friday to Easter Monday, and 1 May.
        ("RS", date(2027, 4, 29), 2, date(2027, 5, 6)),
        ("GR", date(2027, 4, 29), 2, date(2027, 5, 6)),
        ("GE", date(2027, 4, 29), 2, date(2027, 5, 5)),
        # New Year: 1-2 January, Epiphany in PL, Orthodox Christmas (7 January) in GE.
        ("SI", date(2026, 12, 30), 2, date(2027, 1, 4)),
        ("PL", date(2026, 12, 30), 4, date(2027, 1, 7)),
        ("GE", date(2026, 12, 30), 5, date(2027, 1, 8)),
        ("RS", date(2026, 12, 30), 5, date(2027, 1, 8)),
        ("GR", date(2026, 12, 30), 4, date(2027, 1, 7)),
    ],
)
def test_known_windows_across_easter_and_new_year(
    country: str, delivered: date, days: int, last: date
) -> None:
    assert add_business_days(delivered, days, working_calendar(country)) == last


def test_the_arithmetic_takes_any_calendar_as_data() -> None:
    calendar = WorkingCalendar(holidays_in=lambda year: frozenset({date(year, 6, 25)}))
    # Wednesday 24 June 2026; Thursday 25 is the holiday, then Friday, then Monday.
    assert add_business_days(date(2026, 6, 24), 2, calendar) == date(2026, 6, 29)
    assert add_business_days(date(2026, 6, 24), 0, calendar) == date(2026, 6, 24)
    with pytest.raises(ValueError, match="negative"):
        add_business_days(date(2026, 6, 24), -1, calendar)


def business_terms(country: str | None = "SI", days: int = 3) -> ContractTerms:
    """The bakery contract with its review window counted in business days."""
    spec = (EXAMPLES / "bakery-web-copy.yaml").read_text(encoding="utf-8")
    spec = spec.replace("  review_window_days: 7\n", f"  review_window_days: {days}\n")
    spec = spec.replace("  silence_means_approval: true\n", "  review_days: business\n", 1)
    spec += f"country: {country}\n" if country else ""
    return parse_spec(spec)


def test_deemed_approval_waits_for_the_business_days_over_easter() -> None:
    terms = business_terms("SI", days=3)
    zone = terms.zone
    delivered = datetime(2027, 3, 25, 16, 0, tzinfo=zone)  # Thursday before Easter
    deadline = datetime.combine(date(2027, 4, 1), time(0), tzinfo=zone)
    assert review_deadline(terms, "home", delivered) == deadline
    events = [signed(terms, delivered - timedelta(days=1)), version("home", 1, delivered)]
    before = fold(events, deadline - timedelta(seconds=1), terms).deliverable("home")
    after = fold(events, deadline, terms).deliverable("home")
    assert before.approval is None
    assert after.approval is not None
    assert (after.approval.kind, after.approval.at) == ("deemed", deadline)


def test_calendar_days_stay_the_default_and_the_signed_hash_is_unchanged() -> None:
    terms = example("bakery-web-copy")
    assert terms.revision_policy.review_days == "calendar"
    assert terms.payment.kill_fee_by_stage is None
    pinned = (EXAMPLES.parents[1] / "tests/data/ledgers/bakery-project.jsonl").read_text()
    assert terms_sha256(terms) in pinned
    zone = terms.zone
    delivered = datetime(2027, 3, 25, 16, 0, tzinfo=zone)
    assert review_deadline(terms, "home", delivered) == datetime(2027, 4, 2, tzinfo=zone)


def test_the_country_comes_from_the_locale_territory_and_is_checked() -> None:
    assert business_terms(None).holiday_country == "IE"  # the bakery's locale is en_IE
    assert business_terms("GE").holiday_country == "GE"
    spec = (EXAMPLES / "bakery-web-copy.yaml").read_text(encoding="utf-8")
    spec = spec.replace("locale: en_IE\n", "").replace(
        "  silence_means_approval: true\n", "  review_days: business\n", 1
    )
    with pytest.raises(SpecError) as no_country:
        parse_spec(spec)
    assert "country" in [p.path for p in no_country.value.problems]
    with pytest.raises(SpecError) as unknown:
        parse_spec(spec + "country: QQ\n")
    assert "country" in [p.path for p in unknown.value.problems]


def test_the_review_clause_says_business_days_and_the_hash_covers_them() -> None:
    terms = business_terms("PL")
    review = next(c for c in clauses(terms) if c.key == "revisions.review")
    assert "3 business days" in review.text
    assert "public holidays in PL" in review.text
    assert terms_sha256(terms) != terms_sha256(business_terms("SI"))
    assert terms_sha256(reload_spec(terms.model_dump(mode="json"))) == terms_sha256(terms)


def test_a_reply_never_states_a_business_day_window_as_calendar_days() -> None:
    from roundwise.engine.replies import compose_facts
    from tests.engine.test_replies_compose import _facts

    facts = _facts("included", rounds_included=2, rounds_left=1, rounds_left_after=1)
    assert "days to review" in compose_facts(facts, example("bakery-web-copy")).text
    assert "to review" not in compose_facts(facts, business_terms("SI", days=7)).text


def test_a_locale_territory_without_a_calendar_matters_only_for_business_days() -> None:
    spec = (EXAMPLES / "bakery-web-copy.yaml").read_text(encoding="utf-8")
    spec = spec.replace("locale: en_IE\n", "locale: es_IC\n")  # Canary Islands: no calendar
    assert parse_spec(spec).holiday_country == "IC"
    business = spec.replace("  silence_means_approval: true\n", "  review_days: business\n", 1)
    with pytest.raises(SpecError) as refused:
        parse_spec(business)
    assert [p.path for p in refused.value.problems] == ["country"]
    assert parse_spec(business + "country: ES\n").holiday_country == "ES"


def test_calendar_day_contracts_never_load_the_holiday_package() -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from roundwise.engine.ledger import fold\n"
        "from tests.engine.ledger_support import at, example, signed, version\n"
        "t = example('bakery-web-copy')\n"
        "fold([signed(t, at(2)), version('home', 1, at(9))], at(30), t)\n"
        "print('holidays' in sys.modules)\n"
    )
    root = EXAMPLES.parents[1]
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=root, timeout=120
    )
    assert result.stdout.strip() == "False", result.stderr
