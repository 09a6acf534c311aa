"""Golden replies: one reviewed reply per verdict (and one mixed), compared byte for byte.

The files in tests/golden/ are how a person judges tone; they were read and judged good
enough to send. After a deliberate wording change, regenerate them with
``ROUNDWISE_REGENERATE_GOLDEN=1 pytest tests/engine/test_replies_golden.py`` and review
the diff like any other change.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from roundwise.engine.replies import Reply, ReplySettings, compose_reply
from tests.golden.scenarios import scenario

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
REFERRAL = "Maja Kos, a social media copywriter I trust (maja@kos.example)"

# file name -> (contract, scenario, tone, settings overrides)
CASES: dict[str, tuple[str, str, str, dict[str, object]]] = {
    "included": ("bakery-web-copy", "included", "warm", {}),
    "included-explosion": ("bakery-web-copy", "angry", "warm", {}),
    "free_fix": ("manual-translation", "free_fix", "neutral", {}),
    "needs_clarification": ("manual-translation", "angry", "formal", {}),
    "too_large": ("bakery-web-copy", "too_large", "warm", {}),
    "extra_round": ("fox-logo", "extra_round", "neutral", {}),
    "after_approval": ("manual-translation", "after_approval", "formal", {}),
    "out_of_scope": (
        "bakery-web-copy",
        "out_of_scope",
        "warm",
        {"offers_out_of_scope_work": False, "referral": REFERRAL},
    ),
    "mixed": ("bakery-web-copy", "mixed", "warm", {}),
}


def render_golden(reply: Reply) -> str:
    """The reviewed form: subject, the text, then the techniques for the freelancer."""
    used = "\n".join(f"- {t.id} {t.name} — {'; '.join(t.sources)}" for t in reply.techniques)
    return f"Subject: {reply.subject}\n\n{reply.text}\n---\nTechniques used:\n{used}\n"


def composed(name: str) -> str:
    contract_name, kind, tone, overrides = CASES[name]
    found = scenario(contract_name, kind)
    settings = ReplySettings.model_validate({"tone": tone, **overrides})
    reply = compose_reply(found.decision, found.contract, None, "en", settings, state=found.state)
    return render_golden(reply)


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_composed_reply_matches_its_reviewed_golden_file(name: str) -> None:
    path = GOLDEN / f"{name}.txt"
    text = composed(name)
    if os.environ.get("ROUNDWISE_REGENERATE_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == text


def test_there_is_a_golden_reply_for_every_verdict() -> None:
    verdicts = {
        scenario(contract_name, kind).decision.verdict
        for contract_name, kind, _, _ in CASES.values()
    }
    assert verdicts == {
        "included",
        "free_fix",
        "needs_clarification",
        "too_large",
        "extra_round",
        "after_approval",
        "out_of_scope",
    }
