"""engine.replies ships English (the exported names are pinned in test_public_api)."""

from __future__ import annotations

from roundwise.engine.replies import reply_languages


def test_english_is_a_shipped_reply_language() -> None:
    assert "en" in reply_languages()
