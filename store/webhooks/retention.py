"""Dropping old webhook messages once nothing is left to send.

Why: every event an endpoint takes leaves a message, a delivery per endpoint and its
attempts; at a few hundred judged requests per second that is tens of millions of rows a
day, which nothing needs once delivered (or given up on) and old. A message is deleted,
with its deliveries and their attempts, when it is older than the retention and none of
its deliveries is still pending; in short batches, so no transaction holds the database
for long. The delivery worker runs it now and then (``worker.Worker.run``); several
workers doing so at once only delete the same rows.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Select, delete, exists, select
from sqlalchemy.orm import Session, sessionmaker

from roundwise.store.models import WebhookAttempt, WebhookDelivery, WebhookMessage
from roundwise.store.outbox import PENDING

BATCH = 500


def prune_messages(
    writes: sessionmaker[Session], now: datetime, keep: timedelta, batch: int = BATCH
) -> int:
    """Delete messages older than ``keep`` with no pending delivery; the number deleted."""
    removed = 0
    while True:
        with writes() as session:
            ids = list(session.scalars(_expired(now - keep, batch)))
            if not ids:
                return removed
            deliveries = select(WebhookDelivery.id).where(WebhookDelivery.message_id.in_(ids))
            session.execute(
                delete(WebhookAttempt).where(WebhookAttempt.delivery_id.in_(deliveries))
            )
            session.execute(delete(WebhookDelivery).where(WebhookDelivery.message_id.in_(ids)))
            session.execute(delete(WebhookMessage).where(WebhookMessage.id.in_(ids)))
            session.commit()
        removed += len(ids)
        if len(ids) < batch:
            return removed


def _expired(cutoff: datetime, batch: int) -> Select[str]:
    pending = exists().where(
        WebhookDelivery.message_id == WebhookMessage.id, WebhookDelivery.state == PENDING
    )
    return (
        select(WebhookMessage.id)
        .where(WebhookMessage.created_at < cutoff, ~pending)
        .order_by(WebhookMessage.created_at)
        .limit(batch)
    )


__all__ = ["prune_messages"]
