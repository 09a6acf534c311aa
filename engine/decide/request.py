"""A revision request as the engine receives it: who asked what, about which deliverable.

Rule: a request is a plain value. ``received_at`` is when the client sent it (it decides
whether the request came before or after an approval); when absent, the evaluation time
is used. ``request_id`` is the caller's id; when absent, a stable id is derived from the
request's content so the same request always gets the same id.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from roundwise.engine.ledger.events import Instant

# ``json.dumps(content, sort_keys=True, ensure_ascii=False)`` builds this very encoder on
# every call; one made once encodes byte for byte the same.
_CONTENT_JSON = json.JSONEncoder(sort_keys=True, ensure_ascii=False)


class RevisionRequest(BaseModel):
    """The client's message, optionally the revised text and an explicit list of items."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    deliverable: Annotated[str, Field(min_length=1, max_length=64)]
    message: Annotated[str, Field(max_length=2_000_000)]
    revised_text: Annotated[str, Field(max_length=2_000_000)] | None = None
    items: tuple[Annotated[str, Field(min_length=1, max_length=5000)], ...] = ()
    received_at: Instant | None = None
    request_id: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    channel: Annotated[str, Field(max_length=40)] = "api"
    external_id: Annotated[str, Field(max_length=200)] | None = None

    def received(self, now: datetime) -> datetime:
        """When the client sent it: ``received_at``, or ``now`` when not given."""
        return self.received_at if self.received_at is not None else now

    def key(self, now: datetime) -> str:
        """The request id, or ``req-`` plus a hash of its content and receipt time."""
        if self.request_id is not None:
            return self.request_id
        content = {
            "deliverable": self.deliverable,
            "message": self.message,
            "revised_text": self.revised_text,
            "items": list(self.items),
            "received_at": self.received(now).isoformat(),
        }
        raw = _CONTENT_JSON.encode(content).encode("utf-8")
        return "req-" + hashlib.sha256(raw).hexdigest()[:16]
