"""The CLI's on-disk cache of the compiled cue book, and the lazily built language detector.

Building the cue book (folding some 1,700 cue phrases and reading the literals each one
needs, ``engine.understand.cuebook.compile_state``) takes about half a second of CPU, and
a CLI process judges one message. So the CLI keeps the result, plain JSON, in a file:

- **Where**: ``$ROUNDWISE_CACHE_DIR``, else ``$XDG_CACHE_HOME/roundwise``, else
  ``~/.cache/roundwise``; the file is ``cuebook-<key>.json``.
- **Key**: SHA-256 of the state format, the Python version, the source of the modules that
  compute the state (``cuebook``, ``engine.literal_screen``, ``fold``, ``engine.translation``) and
  every file of the cue data (``engine/understand/cues/*.yaml``). Editing a cue phrase or
  that code gives another key, hence another file.
- **Invalidation**: a file whose key does not match is never read; writing a new file
  removes all but the four most recently written ``cuebook-*.json`` files (a few, so
  that checkouts of different versions sharing the directory do not evict each other).
  A file that cannot be read, is not valid JSON, or holds a state the engine refuses is
  rebuilt and rewritten: a corrupt cache is never fatal. A cache directory that cannot
  be written only means no cache. ``ROUNDWISE_NO_CACHE=1`` turns the cache off.

The engine stays pure: it exports and imports the state as plain values
(``compile_state`` / ``book_from_state``) and is handed the book (``using_cuebook``);
only this module touches files. The language detector is built by the engine on first
use, told here to load each language model when first needed instead of all up front.

The same directory holds the CLI's other caches, each with its own key and pruning:
simplemma's dictionaries and each contract's lemmas (``api/cli/dictionaries.py``) and
the reader model in a fast-to-read form (``api/cli/reader_cache.py``); ``understanding``
hands all of them to the engine.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from roundwise.engine.understand.cuebook import CueBook

CACHE_DIR_VARIABLE = "ROUNDWISE_CACHE_DIR"
NO_CACHE_VARIABLE = "ROUNDWISE_NO_CACHE"
KEEP = 4  # cache files kept (checkouts of different versions can share one cache dir)
_CODE = (
    ("roundwise.engine.understand", "cuebook.py"),
    ("roundwise.engine.literal_screen", "case.py"),
    ("roundwise.engine.literal_screen", "syntax.py"),
    ("roundwise.engine.literal_screen", "requirements.py"),
    ("roundwise.engine.literal_screen", "screen.py"),
    ("roundwise.engine.understand", "fold.py"),
    ("roundwise.engine", "translation.py"),
)


def cache_dir() -> Path:
    """The directory the CLI caches in (see the module docstring)."""
    chosen = os.environ.get(CACHE_DIR_VARIABLE)
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "roundwise"


def cache_enabled() -> bool:
    """False when ``ROUNDWISE_NO_CACHE`` is set to anything but "", "0" or "false"."""
    return os.environ.get(NO_CACHE_VARIABLE, "").strip().lower() in ("", "0", "false")


def _sources() -> Iterable[tuple[str, bytes]]:
    for package, name in _CODE:
        yield f"{package}/{name}", resources.files(package).joinpath(name).read_bytes()
    cues = resources.files("roundwise.engine.understand.cues")
    for entry in sorted(cues.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            yield f"cues/{entry.name}", entry.read_bytes()


def cuebook_key() -> str:
    """The cache key of the packaged cue book (see the module docstring)."""
    from roundwise.engine.understand.cuebook import STATE_FORMAT

    digest = hashlib.sha256(f"format {STATE_FORMAT}\n{sys.version}\n".encode())
    for name, data in _sources():
        digest.update(f"{name} {len(data)}\n".encode())
        digest.update(data)
    return digest.hexdigest()[:32]


def cuebook_path(key: str) -> Path:
    """The cache file of the cue book with ``key``."""
    return cache_dir() / f"cuebook-{key}.json"


def _read_state(path: Path, key: str) -> Any:
    """The cached state, or None when there is none or it is unusable."""
    try:
        stored = json.loads(path.read_bytes())
    except (OSError, ValueError, RecursionError):
        return None
    if not isinstance(stored, dict) or stored.get("key") != key:
        return None
    return stored.get("state")


def _write_state(path: Path, key: str, state: Any) -> None:
    """Store the state atomically; any failure just leaves no cache behind."""
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(prefix=".cuebook-", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                json.dump({"key": key, "state": state}, stream, ensure_ascii=False)
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        prune("cuebook-*.json", path)
    except OSError:
        return


def prune(pattern: str, kept: Path, keep: int = KEEP) -> None:
    """Remove all but the ``keep`` most recently written files of the cache folder that
    match ``pattern`` (``kept`` stays): every CLI cache keeps a few versions, no more."""
    files = []
    for found in kept.parent.glob(pattern):
        try:
            files.append((found.stat().st_mtime, found))
        except OSError:
            continue
    files.sort(reverse=True)
    for _, old in files[keep:]:
        if old != kept:
            old.unlink(missing_ok=True)


def cached_cuebook() -> tuple[CueBook, str]:
    """The packaged cue book from the cache, built (and stored) if need be.

    Also says how it was obtained: "cache", "built" (and stored, if the directory
    allowed) or "uncached" (the cache is off).
    """
    from roundwise.engine.understand.cuebook import book_from_state, packaged_state

    if not cache_enabled():
        return book_from_state(packaged_state()), "uncached"
    key = cuebook_key()
    path = cuebook_path(key)
    state = _read_state(path, key)
    if state is not None:
        try:
            return book_from_state(state), "cache"
        except Exception:  # a damaged cache is rebuilt, whatever broke
            state = None
    state = packaged_state()
    book = book_from_state(state)
    _write_state(path, key, state)
    return book, "built"


@contextmanager
def understanding() -> Iterator[str]:
    """Within the block, the engine reads messages with the cached cue book, simplemma's
    dictionaries and each contract's lemmas from the cache's files
    (``api/cli/dictionaries.py``), the reader model
    from its cached form (``api/cli/reader_cache.py``, read only if a message needs it)
    and loads language models on demand (the process's previous settings return after
    it).

    Yields how the cue book was obtained (see ``cached_cuebook``).
    """
    from roundwise.api.cli.dictionaries import dictionary_factory, stored_contract_lemmas
    from roundwise.api.cli.reader_cache import model_data
    from roundwise.engine.understand.cuebook import using_cuebook
    from roundwise.engine.understand.language import models_on_demand
    from roundwise.engine.understand.lemmas import using_contract_store, using_dictionaries
    from roundwise.engine.understand.statistical import using_model_data

    book, how = cached_cuebook()
    with (
        models_on_demand(),
        using_cuebook(book),
        using_dictionaries(dictionary_factory()),
        using_contract_store(stored_contract_lemmas),
        using_model_data(model_data),
    ):
        yield how


__all__ = [
    "CACHE_DIR_VARIABLE",
    "NO_CACHE_VARIABLE",
    "cache_dir",
    "cache_enabled",
    "cached_cuebook",
    "cuebook_key",
    "cuebook_path",
    "understanding",
]
