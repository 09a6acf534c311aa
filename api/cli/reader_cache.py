"""The reader model's data (``models/reader.json``) kept by the CLI in a fast-to-read form.

Reading the packaged JSON (2 MB, mostly the heads' weights as decimal numbers) and
turning its lists into numpy arrays costs about 0.045 s of CPU in every CLI process that
judges a message. The CLI stores the same data once in its cache directory
(``api/cli/cache.py``) as one file: a small JSON skeleton (vocabulary, classes,
temperatures, rules ...) in which every long list of floats is replaced by the place of
its values in a raw ``float64`` block that follows; numpy reads that block without
parsing (``frombuffer``). The engine builds the model from that data exactly as from
the JSON (``statistical.using_model_data``): the same numbers, the same model.

- **File**: ``reader-<key>.bin``: magic, key, the skeleton's length, a BLAKE2b digest
  of the rest (a damaged file is never used: 2 ms to check), the skeleton (UTF-8 JSON),
  padding to 8 bytes, the floats (the machine's byte order).
- **Key**: SHA-256 of the format, the byte order and the packaged ``reader.json``'s bytes
  (a retrained or reshaped model gives another file). A file whose magic, key or size
  does not match is rebuilt; writing one removes all but the ``KEEP`` newest;
  ``ROUNDWISE_NO_CACHE=1`` or an unwritable directory means the packaged JSON is read.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
import sys
import tempfile
from importlib import resources
from pathlib import Path
from typing import Any

from roundwise.api.cli.cache import cache_dir, cache_enabled, prune

FORMAT = 1
_MAGIC = b"RWREADR1"
# magic, key (hex, 32 characters), skeleton length, BLAKE2b of everything after the header
_HEADER = struct.Struct("<8s32sQ32s")
_ARRAY = "__float64__"  # a skeleton entry {_ARRAY: [offset, shape]} stands for an array
_SMALLEST = 64  # shorter lists stay in the skeleton


def _packaged_bytes() -> bytes:
    models = resources.files("roundwise.engine.understand.models")
    return models.joinpath("reader.json").read_bytes()


def model_key(packaged: bytes) -> str:
    """The cache key of the packaged model's bytes (see the module docstring)."""
    digest = hashlib.sha256(f"format {FORMAT} {sys.byteorder}\n".encode())
    digest.update(packaged)
    return digest.hexdigest()[:32]


def model_path(key: str) -> Path:
    """The cache file of the model with ``key``."""
    return cache_dir() / f"reader-{key}.bin"


def _floats(value: Any) -> tuple[int, ...] | None:
    """The shape of ``value`` if it is a long list of floats, or a list of equally long
    such lists (the weights of a head); None for anything else."""
    if not isinstance(value, list) or not value:
        return None
    if all(type(v) is float for v in value):
        return (len(value),) if len(value) >= _SMALLEST else None
    if all(isinstance(v, list) for v in value):
        rows = {_floats(v) for v in value}
        if len(rows) == 1:
            row = rows.pop()
            if row is not None and len(row) == 1:
                return (len(value), row[0])
    return None


def split_arrays(data: Any, floats: list[float]) -> Any:
    """``data`` with each long list of floats replaced by its place in ``floats`` (which
    receives the values)."""
    shape = _floats(data)
    if shape is not None:
        at = len(floats)
        for row in data if len(shape) == 2 else (data,):
            floats.extend(row)
        return {_ARRAY: [at, list(shape)]}
    if isinstance(data, dict):
        return {key: split_arrays(value, floats) for key, value in data.items()}
    if isinstance(data, list):
        return [split_arrays(value, floats) for value in data]
    return data


def join_arrays(data: Any, block: Any) -> Any:
    """The inverse of ``split_arrays``: each place becomes a numpy array over ``block``."""
    if isinstance(data, dict):
        if len(data) == 1 and _ARRAY in data:
            at, shape = data[_ARRAY]
            size = 1
            for n in shape:
                size *= n
            return block[at : at + size].reshape(shape)
        return {key: join_arrays(value, block) for key, value in data.items()}
    if isinstance(data, list):
        return [join_arrays(value, block) for value in data]
    return data


def write_model(path: Path, key: str, data: dict[str, Any]) -> None:
    """Store the model's ``data`` at ``path`` in the cache's form (atomically)."""
    from array import array

    floats: list[float] = []
    skeleton = json.dumps(split_arrays(data, floats), ensure_ascii=False).encode()
    padding = -(_HEADER.size + len(skeleton)) % 8
    body = skeleton + b"\0" * padding + array("d", floats).tobytes()
    digest = hashlib.blake2b(body, digest_size=32).digest()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=".reader-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(_HEADER.pack(_MAGIC, key.encode(), len(skeleton), digest))
            stream.write(body)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def read_model(path: Path, key: str) -> dict[str, Any]:
    """The model's data from the cache file; ``ValueError`` or ``OSError`` if it is not a
    whole file of model ``key``."""
    import numpy as np

    raw = path.read_bytes()
    if len(raw) < _HEADER.size:
        raise ValueError("too short")
    magic, stored_key, length, digest = _HEADER.unpack_from(raw, 0)
    if magic != _MAGIC or stored_key != key.encode():
        raise ValueError("another format or key")
    body = memoryview(raw)[_HEADER.size :]
    if hashlib.blake2b(body, digest_size=32).digest() != digest:
        raise ValueError("damaged")
    start = _HEADER.size + length
    start += -start % 8
    if len(raw) < start or (len(raw) - start) % 8:
        raise ValueError("wrong size")
    skeleton = json.loads(raw[_HEADER.size : _HEADER.size + length])
    block = np.frombuffer(raw, dtype=np.float64, offset=start)
    try:
        data = join_arrays(skeleton, block)
    except (TypeError, ValueError, KeyError) as error:
        raise ValueError(f"damaged: {error}") from None
    if not isinstance(data, dict):
        raise ValueError("not a model")
    return data


def cached_model_data() -> tuple[dict[str, Any], str]:
    """The reader model's data from the cache, stored there first if need be, and how it
    was obtained: "cache", "built" (read from the JSON and stored) or "uncached"."""
    packaged = _packaged_bytes()
    if not cache_enabled():
        return json.loads(packaged), "uncached"
    key = model_key(packaged)
    path = model_path(key)
    try:
        return read_model(path, key), "cache"
    except (OSError, ValueError, RecursionError):
        pass
    data = json.loads(packaged)
    try:
        write_model(path, key, data)
        prune("reader-*.bin", path)
    except OSError:
        return data, "uncached"
    return data, "built"


def model_data() -> dict[str, Any]:
    """``cached_model_data`` without the how, for ``statistical.using_model_data``."""
    return cached_model_data()[0]


__all__ = [
    "cached_model_data",
    "join_arrays",
    "model_data",
    "model_key",
    "model_path",
    "read_model",
    "split_arrays",
    "write_model",
]
