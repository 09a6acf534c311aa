"""The CLI's cue-book cache: built once, read back, rebuilt when damaged, keyed by content."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from roundwise.api.cli import cache
from roundwise.engine.understand import RequestContext, analyse_request
from roundwise.engine.understand import cuebook as cuebook_module
from roundwise.engine.understand.cuebook import book_from_state, packaged_state

MESSAGES = (
    "Hi Ana, could you make the opening paragraph shorter and also write five Instagram posts?",
    "Živjo, bi lahko v drugem odstavku omenili še našo pekarno?",
    "This is UNACCEPTABLE. Fix the headline NOW or I won't pay.",
)


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(cache.CACHE_DIR_VARIABLE, str(tmp_path / "cache"))
    monkeypatch.delenv(cache.NO_CACHE_VARIABLE, raising=False)
    return tmp_path / "cache"


def load_cuebook() -> str:
    return cache.cached_cuebook()[1]


def readings(book: cuebook_module.CueBook) -> list[object]:
    with cuebook_module.using_cuebook(book):
        context = RequestContext(deliverable_id="home", deliverable_kind="text")
        return [analyse_request(message, context) for message in MESSAGES]


def test_the_state_survives_json_and_reads_messages_the_same() -> None:
    state = packaged_state()
    again = json.loads(json.dumps(state))
    assert readings(book_from_state(again)) == readings(cuebook_module.cuebook())


def test_first_run_builds_and_stores_then_reads_the_cache(cache_dir: Path) -> None:
    assert load_cuebook() == "built"
    files = list(cache_dir.glob("cuebook-*.json"))
    assert files == [cache.cuebook_path(cache.cuebook_key())]
    assert load_cuebook() == "cache"


@pytest.mark.parametrize(
    "damage",
    [b"", b"{not json", b"[1, 2]", b'{"key": "other", "state": {}}', b"\xff\xfe\x00"],
)
def test_a_corrupt_cache_file_is_rebuilt_not_fatal(cache_dir: Path, damage: bytes) -> None:
    assert load_cuebook() in ("built", "cache")
    path = cache.cuebook_path(cache.cuebook_key())
    path.write_bytes(damage)
    assert load_cuebook() == "built"
    assert json.loads(path.read_bytes())["key"] == cache.cuebook_key()
    assert load_cuebook() == "cache"


def test_a_state_the_engine_refuses_is_rebuilt(cache_dir: Path) -> None:
    load_cuebook()
    path = cache.cuebook_path(cache.cuebook_key())
    stored = json.loads(path.read_bytes())
    stored["state"]["patterns"] = {"change": "not a list of patterns"}
    path.write_text(json.dumps(stored), encoding="utf-8")
    assert load_cuebook() == "built"


def test_the_key_follows_the_cue_data_and_old_files_are_removed(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_cuebook()
    first = cache.cuebook_key()
    os.utime(cache.cuebook_path(first), (1e9 - 1, 1e9 - 1))  # written before the edits
    original = cache._sources
    keys = [first]
    for edit in range(cache.KEEP + 1):

        def edited(edit: int = edit) -> Iterator[tuple[str, bytes]]:
            for name, data in original():
                extra = f"\n# edit {edit}\n".encode() if name == "cues/en.yaml" else b""
                yield name, data + extra

        monkeypatch.setattr(cache, "_sources", edited)
        keys.append(cache.cuebook_key())
        assert load_cuebook() == "built"
        os.utime(cache.cuebook_path(keys[-1]), (1e9 + edit, 1e9 + edit))
    assert len(set(keys)) == len(keys)
    kept = sorted(p.name for p in cache_dir.glob("cuebook-*.json"))
    assert kept == sorted(f"cuebook-{key}.json" for key in keys[-cache.KEEP :])


def test_an_unwritable_cache_dir_only_means_no_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory", encoding="utf-8")
    monkeypatch.setenv(cache.CACHE_DIR_VARIABLE, str(blocker / "cache"))
    assert load_cuebook() == "built"
    assert load_cuebook() == "built"


def test_no_cache_turns_it_off(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cache.NO_CACHE_VARIABLE, "1")
    assert load_cuebook() == "uncached"
    assert not cache_dir.exists()


def test_understanding_uses_the_cached_book_and_lazy_models_only_within_the_block(
    cache_dir: Path,
) -> None:
    from roundwise.engine.understand import language

    before = cuebook_module.cuebook()
    with cache.understanding() as how:
        assert how in ("built", "cache")
        assert cuebook_module.cuebook() is not before
        assert language._LOADING["preload"] is False
    assert cuebook_module.cuebook() is before
    assert language._LOADING["preload"] is True


def test_the_default_location_is_the_user_cache_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(cache.CACHE_DIR_VARIABLE, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", "/somewhere/cache")
    assert cache.cache_dir() == Path("/somewhere/cache/roundwise")


def test_the_hashed_sources_are_named_by_their_installed_package() -> None:
    """A bare "engine" resolves only when the checkout is on sys.path (as under pytest),
    so the installed ``roundwise`` command failed on every judging run."""
    assert all(package.startswith("roundwise.") for package, _ in cache._CODE)
