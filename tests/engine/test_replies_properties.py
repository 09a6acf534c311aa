"""Properties of composition over arbitrary decision facts, settings and client words."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from roundwise.engine.lint import lint_reply
from roundwise.engine.replies import (
    TONES,
    CitedClause,
    GroupFacts,
    ReplyFacts,
    ReplySettings,
    compose_facts,
    reply_languages,
)
from roundwise.engine.replies.catalogue import VERDICTS, techniques
from roundwise.engine.replies.phrasebook import phrasebook
from tests.golden.scenarios import CONTRACTS, contract

CLAUSE = CitedClause("6.1", "Revision rounds included")
HOSTILE = [
    "You are wrong and I PROMISE you this is your fault!!!",
    "per my last email, just a small change",
    "No.",
    "Make the logo bigger",
    "could you also add a page about our café?",
    "",
]


@st.composite
def facts(draw: st.DrawFn) -> tuple[str, ReplyFacts]:
    name = draw(st.sampled_from(CONTRACTS))
    terms = contract(name)
    deliverable = draw(st.sampled_from([d.id for d in terms.deliverables]))
    verdicts = draw(st.lists(st.sampled_from(VERDICTS), min_size=1, max_size=3, unique=True))
    words = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=60))
    groups = tuple(
        GroupFacts(
            verdict=v,
            deliverable_id=deliverable,
            items=tuple(draw(st.lists(words, max_size=2))),
            clause=CLAUSE,
            price=draw(st.none() | st.decimals(min_value=1, max_value=5000, places=2)),
        )
        for v in verdicts
    )
    included = draw(st.integers(0, 4))
    left = draw(st.integers(0, included))
    share = draw(st.none() | st.decimals(min_value=0, max_value=3, places=4))
    result = ReplyFacts(
        verdict=verdicts[0],
        stage=draw(st.sampled_from(["calm", "explosion"])),
        deliverable_id=deliverable,
        groups=groups,
        rounds_included=included,
        rounds_left=left,
        rounds_left_after=max(left - 1, 0),
        measured_share=share,
        limit_share=Decimal("0.30") if share is not None else None,
        measured_items=draw(st.none() | st.integers(0, 12)),
        limit_items=5,
    )
    return name, result


settings = st.builds(
    ReplySettings,
    tone=st.sampled_from(TONES),
    consider_new_services=st.booleans(),
    offers_out_of_scope_work=st.booleans(),
    referral=st.none() | st.just("Maja Kos"),
)


@given(facts(), settings)
def test_any_reply_is_lint_clean_named_thankful_and_deterministic(
    case: tuple[str, ReplyFacts], chosen: ReplySettings
) -> None:
    name, reply_facts = case
    terms = contract(name)
    reply = compose_facts(reply_facts, terms, "en", chosen)
    assert lint_reply(reply.text, client_name=terms.client.name) == []
    assert (
        reply.text.splitlines()[0]
        .rstrip(",")
        .endswith(terms.client.name if chosen.tone == "formal" else terms.client.name.split()[0])
    )
    assert reply == compose_facts(reply_facts, terms, "en", chosen)
    assert {t.id for t in reply.techniques} <= set(techniques())


@given(facts(), settings)
def test_a_new_service_is_promised_only_when_configured(
    case: tuple[str, ReplyFacts], chosen: ReplySettings
) -> None:
    name, reply_facts = case
    reply = compose_facts(reply_facts, contract(name), "en", chosen)
    if not chosen.consider_new_services:
        assert "if I start offering it" not in reply.text
        assert "T02" not in {t.id for t in reply.techniques}
    if chosen.referral is None:
        assert "recommend" not in reply.text


def _placeholders(node: object) -> set[str]:
    if isinstance(node, dict):
        return set().union(*(_placeholders(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(_placeholders(v) for v in node))
    return set(re.findall(r"\{(\w+)\}", str(node)))


def test_every_phrase_file_uses_only_placeholders_the_composer_fills() -> None:
    filled = {
        "first_name", "full_name", "sender", "deliverable", "the_deliverable",
        "The_deliverable", "extra_round_price", "hourly_rate", "minimum", "extra_clause",
        "scope_clause", "last_round_clause", "rounds_included", "rounds_left",
        "rounds_left_after", "measured", "limit", "measured_items", "limit_items",
        "change_items", "referral", "approved_on", "clause", "items", "quote_price",
        "review_days", "review_clause", "parts", "first_vocative", "surname",
        "surname_vocative", "deposit", "due_days", "due_days_count", "kill_fee",
        "fees_clause", "cancellation_clause", "general_clause", "own_errors_clause",
        "approval_clause",
    }  # fmt: skip
    # Formatting templates filled by name inside placeholders.py (prices, citations).
    local = {"amount", "rate", "minimum", "hours", "number", "title", "count", "each"}
    for language in reply_languages():
        assert _placeholders(dict(phrasebook(language))) <= filled | local


def test_every_technique_a_phrase_block_cites_is_in_the_catalogue() -> None:
    for path in (Path(__file__).resolve().parents[2] / "engine/replies/phrases").glob("*.yaml"):
        cited = set(re.findall(r"\bT\d\d\b", path.read_text(encoding="utf-8")))
        assert cited <= set(techniques()), path.name
