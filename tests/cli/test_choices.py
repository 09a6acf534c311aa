"""The CLI's fixed option values are the engine's, and a bad one is refused in one line."""

from __future__ import annotations

from pathlib import Path
from typing import get_args

from roundwise.api.cli.choices import ReplyLanguage, Tone
from roundwise.engine.replies import reply_languages
from roundwise.engine.replies.inputs import Tone as EngineTone
from tests.cli.conftest import REQUEST, SPEC, invoke, write


def test_the_tones_are_the_engines() -> None:
    assert [t.value for t in Tone] == list(get_args(EngineTone))


def test_the_reply_languages_are_those_with_phrase_blocks() -> None:
    assert tuple(sorted(lang.value for lang in ReplyLanguage)) == reply_languages()


def test_an_unknown_tone_is_one_line_listing_the_choices_and_exit_2(tmp_path: Path) -> None:
    request = write(tmp_path / "request.json", REQUEST)
    result = invoke("reply", str(SPEC), request, "--tone", "loud")
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("roundwise reply: --tone: 'loud' is not one of")
    assert all(f"'{tone.value}'" in lines[0] for tone in Tone)


def test_an_unknown_reply_language_lists_the_choices(tmp_path: Path) -> None:
    request = write(tmp_path / "request.json", REQUEST)
    result = invoke("reply", str(SPEC), request, "--language", "xx")
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "roundwise reply: --language: 'xx' is not one of "
        "'el', 'en', 'ka', 'pl', 'sl', 'sr', 'sr-Cyrl'"
    )


def test_a_good_tone_still_shapes_the_reply(tmp_path: Path) -> None:
    request = write(tmp_path / "request.json", REQUEST)
    result = invoke("reply", str(SPEC), request, "--tone", "formal", "--now", "2026-03-10T10:00Z")
    assert result.exit_code == 0, result.output
    assert "Dear Marko" in result.stdout


def test_usage_errors_are_one_line_too() -> None:
    for args, expected in [
        (("reply", str(SPEC)), "roundwise reply: Missing argument 'REQUEST'."),
        (("measure", "a", "b", "--bogus"), "roundwise measure: No such option: --bogus"),
        (("frobnicate",), "roundwise: No such command 'frobnicate'."),
    ]:
        result = invoke(*args)
        assert result.exit_code == 2
        assert len(result.stderr.splitlines()) == 1
        assert result.stderr.startswith(expected)
