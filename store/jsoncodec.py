"""JSON in and out of the hot path, through orjson.

Why: a judged request serialises five JSON documents for the database and its response
once more, and parses the ledger events it reads back; with the standard library that
was about a tenth of the server's CPU per request (``json.encoder.iterencode``), orjson
does the same in a fraction of it. The text is the same as ``json.dumps`` with
``ensure_ascii=False`` and compact separators (what Starlette's ``JSONResponse`` writes),
except that a float written with an exponent has no zero padding (``1.5e-7``, not
``1.5e-07``: the same number); ``tests/store/test_jsoncodec.py`` pins both.
"""

from __future__ import annotations

from typing import Any

import orjson

# Keys that are not strings (an int, say) become strings, as ``json.dumps`` makes them.
_OPTIONS = orjson.OPT_NON_STR_KEYS


def dumps(value: Any) -> bytes:
    """``value`` as compact UTF-8 JSON."""
    return orjson.dumps(value, option=_OPTIONS)


def dumps_text(value: Any) -> str:
    """``value`` as compact JSON text (for APIs that want ``str``)."""
    return orjson.dumps(value, option=_OPTIONS).decode()


def loads(text: str | bytes) -> Any:
    """The value of a JSON text."""
    return orjson.loads(text)


__all__ = ["dumps", "dumps_text", "loads"]
