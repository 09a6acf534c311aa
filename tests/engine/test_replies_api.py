"""The public surfaces of engine.replies and engine.lint are pinned: additions are deliberate."""

from __future__ import annotations

from roundwise import engine


def test_the_replies_package_exports_exactly_its_public_names() -> None:
    assert sorted(engine.replies.__all__) == [
        "CitedClause",
        "GroupFacts",
        "Reply",
        "ReplyFacts",
        "ReplySettings",
        "STAGES",
        "Source",
        "TONES",
        "Technique",
        "TechniqueUse",
        "Tone",
        "UnsupportedReplyLanguageError",
        "VERDICTS",
        "compose_facts",
        "compose_reply",
        "reply_document",
        "reply_facts_of",
        "reply_language",
        "reply_languages",
        "technique",
        "techniques",
    ]
    assert all(hasattr(engine.replies, name) for name in engine.replies.__all__)


def test_the_lint_package_exports_exactly_its_public_names() -> None:
    assert sorted(engine.lint.__all__) == [
        "Finding",
        "LintRule",
        "UnsupportedLanguageError",
        "lint_reply",
        "supported_languages",
    ]
    assert all(hasattr(engine.lint, name) for name in engine.lint.__all__)


def test_english_is_a_shipped_reply_language() -> None:
    assert "en" in engine.replies.reply_languages()
