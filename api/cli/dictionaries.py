"""simplemma's dictionaries kept by the CLI in files it searches without loading them.

Reading a request against the contract by lemma (``engine.understand.lemmas``) needs
simplemma's dictionary of the contract's languages and English. simplemma decodes a whole
dictionary (hundreds of thousands of words, front-coded and lzma-compressed) the first
time a language is asked for: 0.1–0.2 s of CPU each, 0.3 s for an English and Slovenian
contract, every time the CLI judges one message. The lemmas of one contract and message
take a few hundred look-ups. So the CLI writes each dictionary once, decoded and sorted,
to a file of its cache directory (``api/cli/cache.py``: ``$ROUNDWISE_CACHE_DIR``, ...)
and answers the look-ups by binary search in the memory-mapped file: nothing is decoded
or loaded but the pages a look-up touches.

- **File**: ``lemmas-<language>-<key>.bin``: a header (magic, key, number of words), the
  end offsets of the keys and of the values (``uint32``, the machine's byte order), then
  the keys (UTF-8, sorted bytewise) and the values.
- **Key**: SHA-256 of the file format and byte order, simplemma's version (its
  ``__metadata__.py``) and the packaged dictionary file's bytes (``<language>.plzma``, a
  few hundred KB): another simplemma or another dictionary gives another file. A file
  whose header, key or size does not match is never read but rebuilt; writing one
  removes all but the ``KEEP`` newest of that language. A directory that cannot be
  written, or ``ROUNDWISE_NO_CACHE=1``, only means simplemma's own loading.

The lemmas are the same as simplemma's own (the file holds the very mapping simplemma
decodes, and its strategies only call ``get``); ``tests/cli/test_dictionaries.py``
checks it.

**A contract's lemmas** (``engine.understand.lemmas.contract_lemmas``: every lemma of its
deliverables and briefs, and the kinds of work it does not cover) are the same for every
request on it, so the CLI keeps them too, as JSON (``contract-lemmas-<key>.json``, the
``KEEP_CONTRACTS`` newest), keyed by the contract's words, the dictionaries, the code
that works them out (``lemmas.py``, ``fold.py``), simplemma's version and its dictionary
files. With them stored, a message none of whose words starts like one of those lemmas
(most messages) needs no dictionary, nor simplemma itself (0.05 s to import).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import mmap
import os
import struct
import sys
import tempfile
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterator, Mapping
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, overload

from roundwise.api.cli.cache import cache_dir, cache_enabled, prune

if TYPE_CHECKING:
    from simplemma.strategies.dictionaries import DictionaryFactory

    from roundwise.engine.understand.lemmas import ContractLemmas

_T = TypeVar("_T")
FORMAT = 1
_MAGIC = b"RWLEMMA1"
_HEADER = struct.Struct("<8s32sII")  # magic, key (hex, 32 characters), words, padding
KEEP_CONTRACTS = 32  # contracts' lemma files kept


def _simplemma_dir() -> Path:
    """simplemma's package folder, found without importing it (``OSError`` if absent)."""
    spec = importlib.util.find_spec("simplemma")
    if spec is None or spec.origin is None:
        raise OSError("simplemma is not installed")
    return Path(spec.origin).parent


def _packaged(lang: str) -> Path:
    return _simplemma_dir() / "strategies" / "dictionaries" / "data" / f"{lang}.plzma"


def _simplemma_version() -> bytes:
    return (_simplemma_dir() / "__metadata__.py").read_bytes()


def dictionary_key(lang: str) -> str:
    """The cache key of simplemma's dictionary ``lang`` (see the module docstring)."""
    digest = hashlib.sha256(f"format {FORMAT} {sys.byteorder}\n".encode())
    digest.update(_simplemma_version())
    digest.update(f"{lang}\n".encode())
    digest.update(_packaged(lang).read_bytes())
    return digest.hexdigest()[:32]


def dictionary_path(lang: str, key: str) -> Path:
    """The cache file of dictionary ``lang`` with ``key``."""
    return cache_dir() / f"lemmas-{lang}-{key}.bin"


class _Keys:
    """The sorted keys of a stored dictionary as a sequence ``bisect`` can search."""

    __slots__ = ("_count", "_data", "_ends", "_start")

    def __init__(self, data: mmap.mmap, ends: memoryview, start: int, count: int) -> None:
        self._data, self._ends, self._start, self._count = data, ends, start, count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index: int) -> bytes:
        begin = self._ends[index - 1] if index else 0
        return self._data[self._start + begin : self._start + self._ends[index]]


class StoredDictionary(Mapping[str, str]):
    """A dictionary file of the cache, read-only, searched where it lies (``mmap``)."""

    __slots__ = ("_count", "_data", "_keys", "_value_ends", "_values_start")

    def __init__(self, path: Path, key: str) -> None:
        """Open ``path``; ``ValueError`` (or ``OSError``) when it is not a whole file of
        dictionary ``key``."""
        with path.open("rb") as stream:
            data = mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ)
        if len(data) < _HEADER.size:
            raise ValueError("too short")
        magic, stored_key, words, _ = _HEADER.unpack_from(data, 0)
        count = int(words)
        if magic != _MAGIC or stored_key != key.encode():
            raise ValueError("another format or key")
        offsets = memoryview(data)[_HEADER.size : _HEADER.size + 8 * count].cast("I")
        if len(offsets) != 2 * count:
            raise ValueError("truncated")
        key_ends, value_ends = offsets[:count], offsets[count:]
        keys_start = _HEADER.size + 8 * count
        keys_size = key_ends[-1] if count else 0
        values_start = keys_start + keys_size
        if len(data) != values_start + (value_ends[-1] if count else 0):
            raise ValueError("wrong size")
        self._data = data
        self._keys = _Keys(data, key_ends, keys_start, count)
        self._value_ends = value_ends
        self._values_start = values_start
        self._count = count

    def _lookup(self, key: str) -> str | None:
        target = key.encode()  # as simplemma's own mapping (a lone surrogate raises)
        index = bisect_left(self._keys, target)
        if index == self._count or self._keys[index] != target:
            return None
        begin = self._value_ends[index - 1] if index else 0
        start = self._values_start
        return self._data[start + begin : start + self._value_ends[index]].decode()

    def __getitem__(self, key: str) -> str:
        value = self._lookup(key)
        if value is None:
            raise KeyError(key)
        return value

    @overload
    def get(self, key: str) -> str | None: ...
    @overload
    def get(self, key: str, default: str | _T) -> str | _T: ...
    def get(self, key: str, default: str | _T | None = None) -> str | _T | None:
        value = self._lookup(key)
        return value if value is not None else default

    def __iter__(self) -> Iterator[str]:
        return (self._keys[i].decode() for i in range(self._count))

    def __len__(self) -> int:
        return self._count


def write_dictionary(path: Path, key: str, words: Mapping[str, str]) -> None:
    """Store ``words`` as dictionary ``key`` at ``path`` (atomically)."""
    pairs = sorted((k.encode(), v.encode()) for k, v in words.items())
    key_ends, value_ends = array("I"), array("I")
    end = 0
    for stored, _ in pairs:
        end += len(stored)
        key_ends.append(end)
    end = 0
    for _, value in pairs:
        end += len(value)
        value_ends.append(end)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=".lemmas-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(_HEADER.pack(_MAGIC, key.encode(), len(pairs), 0))
            stream.write(key_ends.tobytes())
            stream.write(value_ends.tobytes())
            stream.write(b"".join(stored for stored, _ in pairs))
            stream.write(b"".join(value for _, value in pairs))
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def cached_dictionary(lang: str) -> tuple[Mapping[str, str], str]:
    """simplemma's dictionary ``lang`` from the cache, stored there first if need be.

    Also says how: "cache", "built" (simplemma's own, now stored) or "uncached" (the
    cache is off or cannot be written: simplemma's own).
    """
    from simplemma.strategies.dictionaries import DEFAULT_DICTIONARY_FACTORY

    if not cache_enabled():
        return DEFAULT_DICTIONARY_FACTORY.get_dictionary(lang), "uncached"
    try:
        key = dictionary_key(lang)
    except OSError:  # not a packaged language: simplemma says so (ValueError)
        return DEFAULT_DICTIONARY_FACTORY.get_dictionary(lang), "uncached"
    path = dictionary_path(lang, key)
    try:
        return StoredDictionary(path, key), "cache"
    except (OSError, ValueError):
        pass
    words = DEFAULT_DICTIONARY_FACTORY.get_dictionary(lang)
    try:
        write_dictionary(path, key, words)
        prune(f"lemmas-{lang}-*.bin", path)
    except OSError:
        return words, "uncached"
    return words, "built"


class CachedDictionaries:
    """A simplemma ``DictionaryFactory`` reading the CLI's dictionary files."""

    __slots__ = ("_get", "how")

    def __init__(self) -> None:
        self.how: dict[str, str] = {}  # language -> "cache", "built" or "uncached"
        self._get: Any = lru_cache(maxsize=None)(self._load)

    def _load(self, lang: str) -> Mapping[str, str]:
        words, self.how[lang] = cached_dictionary(lang)
        return words

    def get_dictionary(self, lang: str) -> Mapping[str, str]:
        """The dictionary of ``lang`` (simplemma's ``DictionaryFactory`` protocol)."""
        return self._get(lang)  # type: ignore[no-any-return]


def dictionary_factory() -> DictionaryFactory:
    """A fresh factory of the cached dictionaries, for ``lemmas.using_dictionaries``."""
    return CachedDictionaries()


def contract_key(
    ids_titles: tuple[tuple[str, str], ...], covered_text: str, dictionaries: tuple[str, ...]
) -> str:
    """The cache key of a contract's lemmas (see the module docstring)."""
    from importlib import resources

    digest = hashlib.sha256(f"contract lemmas, format {FORMAT}\n".encode())
    understand = resources.files("roundwise.engine.understand")
    for name in ("lemmas.py", "fold.py"):
        digest.update(understand.joinpath(name).read_bytes())
    digest.update(_simplemma_version())
    for lang in dictionaries:
        digest.update(_packaged(lang).read_bytes())
    words = [[list(pair) for pair in ids_titles], covered_text, list(dictionaries)]
    digest.update(json.dumps(words, ensure_ascii=False).encode())
    return digest.hexdigest()[:32]


def contract_path(key: str) -> Path:
    """The cache file of the contract's lemmas with ``key``."""
    return cache_dir() / f"contract-lemmas-{key}.json"


def stored_contract_lemmas(
    ids_titles: tuple[tuple[str, str], ...],
    covered_text: str,
    dictionaries: tuple[str, ...],
    work_out: Callable[[], ContractLemmas],
) -> ContractLemmas:
    """A contract's lemmas from the cache, else worked out and stored
    (``lemmas.using_contract_store``); a damaged file is worked out again."""
    from roundwise.engine.understand.lemmas import lemmas_from_state, lemmas_state

    if not cache_enabled():
        return work_out()
    try:
        key = contract_key(ids_titles, covered_text, dictionaries)
    except OSError:
        return work_out()
    path = contract_path(key)
    try:
        stored = json.loads(path.read_bytes())
        if isinstance(stored, dict) and stored.get("key") == key:
            return lemmas_from_state(stored["state"])
    except (OSError, ValueError, RecursionError, KeyError, TypeError):
        pass
    found = work_out()
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(prefix=".contract-", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                json.dump({"key": key, "state": lemmas_state(found)}, stream, ensure_ascii=False)
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        prune("contract-lemmas-*.json", path, KEEP_CONTRACTS)
    except OSError:
        pass
    return found


__all__ = [
    "CachedDictionaries",
    "StoredDictionary",
    "cached_dictionary",
    "contract_key",
    "contract_path",
    "dictionary_factory",
    "dictionary_key",
    "dictionary_path",
    "stored_contract_lemmas",
    "write_dictionary",
]
