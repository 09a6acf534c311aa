"""The fixed sets of values CLI options take, as enums Typer turns into checked choices.

They are spelled out here rather than read from the engine so that ``--help`` and option
parsing need no engine import; ``tests/cli/test_choices.py`` checks they equal the
engine's own lists (a new phrase book or tone fails that test until it is added here).
"""

from __future__ import annotations

from enum import StrEnum


class Tone(StrEnum):
    """``reply --tone`` (``engine.replies.inputs.Tone``)."""

    warm = "warm"
    neutral = "neutral"
    formal = "formal"


class ReplyLanguage(StrEnum):
    """``reply --language``: languages with phrase blocks (``engine.replies.reply_languages``)."""

    el = "el"
    en = "en"
    ka = "ka"
    pl = "pl"
    sl = "sl"
    sr = "sr"
    sr_cyrl = "sr-Cyrl"
