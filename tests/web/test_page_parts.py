"""The pages' pure parts: the spec form's field mapping, the redline, the chart."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from roundwise.api.web.chart import Point, scope_chart
from roundwise.api.web.redline import redline
from roundwise.api.web.spec_form import field_of, read_form, slug
from tests.web.conftest import CONTRACT_FORM


def test_a_valid_form_makes_the_terms() -> None:
    result = read_form(CONTRACT_FORM)
    assert result.errors == {}
    assert result.terms is not None
    assert result.terms.currency == "EUR"
    assert result.terms.revision_policy.max_change_share == Decimal("0.3")
    assert [d.id for d in result.terms.deliverables] == ["home-page-copy"]
    assert result.terms.exclusions == ("photography", "social media posts")


def test_problems_land_on_the_form_fields() -> None:
    where = {0: 2}  # the spec's first deliverable is the form's third row
    assert field_of("deliverables[0].fee", where) == "deliverables[2].fee"
    assert field_of("revision_policy.max_change_share", where) == "max_change_percent"
    assert field_of("exclusions[3]", where) == "exclusions"
    assert field_of("client.email", where) == "client.email"
    result = read_form({**CONTRACT_FORM, "max_change_percent": "250"})
    assert list(result.errors) == ["max_change_percent"]


def test_slug() -> None:
    assert slug("Čevlji & Co. — spletna stran") == "cevlji-co-spletna-stran"
    assert slug("   ") == "contract"


@given(
    st.lists(st.sampled_from(["bread", "rye", "oven", "warm", "the", "loaf", "."]), max_size=30),
    st.lists(st.sampled_from(["bread", "rye", "oven", "cold", "a", "loaf", "."]), max_size=30),
)
def test_the_redline_keeps_the_new_text_and_the_deleted_words(
    old_words: list[str], new_words: list[str]
) -> None:
    old, new = " ".join(old_words), " ".join(new_words)
    measured, runs = redline(old, new)
    kept = "".join(r.text for r in runs if r.kind != "deleted")
    assert kept.split() == new.split()  # the new text, give or take a space after a deletion
    deleted = " ".join(r.text for r in runs if r.kind == "deleted").split()
    assert len(deleted) == sum(b.old_end - b.old_start for b in measured.blocks)


def test_the_chart_draws_a_bar_per_request_and_escapes_its_text() -> None:
    data = [
        Point(1, "home", "included", Decimal("0.25"), 0),
        Point(2, "home", "out_of_scope", None, 2),
    ]
    svg = scope_chart(data, Decimal("0.3"), "Share <&> asks", ("a", "b"))
    assert svg.count('class="share"') == 1
    assert svg.count('class="asks"') == 2
    assert "Share &lt;&amp;&gt; asks" in svg
    assert 'class="limit"' in svg


def test_the_creep_chart_is_described_and_names_its_bands() -> None:
    from datetime import UTC, datetime

    from roundwise.api.web.creep_chart import CreepPoint, creep_chart

    at = datetime(2026, 12, 7, tzinfo=UTC)
    data = [
        CreepPoint(1, at, "version", "home", "1", 0, "low"),
        CreepPoint(2, at, "decision", "home", "out_of_scope", 20, "low"),
        CreepPoint(3, at, "decision", "home", "out_of_scope", 40, "elevated"),
    ]
    svg = creep_chart(data, "Score <over> time", "Desc & more", ("low", "elevated", "high"))
    assert '<title id="creep-title">Score &lt;over&gt; time</title>' in svg
    assert '<desc id="creep-desc">Desc &amp; more</desc>' in svg
    assert 'aria-labelledby="creep-title creep-desc"' in svg
    assert svg.count('class="marker"') == 3  # a marker per point, not only a coloured line
    assert svg.count('class="band"') == 2
    for name in ("low", "elevated", "high"):
        assert f'class="band-name">{name}</text>' in svg
    assert ">40</text>" in svg  # each score written on the chart


def test_a_long_ledger_is_sampled_with_its_first_and_last_points() -> None:
    from roundwise.api.web.creep_chart import MOST_POINTS, _sampled

    assert _sampled(list(range(5))) == [0, 1, 2, 3, 4]
    many = _sampled(list(range(0, 1000, 2)))
    assert len(many) == MOST_POINTS
    assert many[0] == 0
    assert many[-1] == 998
