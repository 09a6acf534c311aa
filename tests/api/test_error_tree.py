"""One error tree (issue 21): drawn whole in ``engine/errors.py``, mapped in ``api/errors.py``.

Every ``RoundwiseError`` subclass in the code base appears in the drawing with its code, and
every one maps to a status, so a new error cannot be added without a line in both.
"""

from __future__ import annotations

import re

import pytest

from roundwise import engine
from roundwise.api.errors import AuthenticationError, error_response, status_of
from roundwise.contracts.errors import DocumentError, DocumentNotFoundError, UnsafeResourceError
from roundwise.engine.errors import (
    RoundwiseError,
    UnsupportedLanguageError,
    UnsupportedReplyLanguageError,
)
from roundwise.store.errors import StoredSpecInvalidError


def _tree() -> list[type[RoundwiseError]]:
    found, todo = [], [RoundwiseError]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return found


@pytest.mark.parametrize("cls", _tree(), ids=lambda cls: cls.__name__)
def test_every_error_class_is_drawn_in_the_tree_with_its_code(cls: type[RoundwiseError]) -> None:
    drawing = engine.errors.__doc__ or ""
    assert re.search(rf"{cls.__name__}\s+{re.escape(cls.code)}\s", drawing), cls


@pytest.mark.parametrize(
    ("error", "status", "kind"),
    [
        (DocumentError("no ledger"), 422, "/problems/document-error"),
        (DocumentNotFoundError("no change order 9"), 404, "/problems/document-not-found"),
        (UnsafeResourceError("refused"), 500, "/problems/unsafe-resource"),
        (UnsupportedLanguageError("xx"), 422, "/problems/unsupported-language"),
        (UnsupportedReplyLanguageError("xx"), 422, "/problems/unsupported-reply-language"),
        (StoredSpecInvalidError("fee"), 409, "/problems/stored-spec-invalid"),
        (AuthenticationError("no key"), 401, "/problems/unauthorized"),
    ],
)
def test_an_error_maps_to_its_own_problem_type_and_status(
    error: RoundwiseError, status: int, kind: str
) -> None:
    response = error_response(error)
    assert (status_of(error), response.status_code) == (status, status)
    assert f'"type":"{kind}"' in response.body.decode()


def test_the_language_errors_are_still_lookup_errors() -> None:
    assert issubclass(UnsupportedLanguageError, LookupError)
    assert issubclass(UnsupportedReplyLanguageError, LookupError)
