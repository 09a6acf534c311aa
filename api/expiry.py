"""Expiring Idempotency-Key records while serving.

Why: every POST with a key leaves a record, and at a steady 300 requests/s that is
26 million a day. Keys must be kept at least the TTL (24 h, the draft's advice), but
nothing needs them afterwards, so without expiry the table grows forever.
``roundwise db prune`` deletes them on demand; this loop does the same from every
serving worker, so a service nobody tends still stays bounded. Several workers pruning
at once is harmless: each deletes only what is already expired, in short batches
(``store.idempotency.purge_expired``).
"""

from __future__ import annotations

import asyncio
import logging
import random
from datetime import timedelta

from anyio import to_thread
from sqlalchemy.orm import Session, sessionmaker

from roundwise.store.base import utcnow
from roundwise.store.idempotency import purge_expired

log = logging.getLogger("roundwise.expiry")


async def prune_expired_keys(
    writes: sessionmaker[Session], ttl: timedelta, interval: float
) -> None:
    """Purge expired records every ``interval`` seconds until cancelled.

    The first purge waits a random part of one interval, so workers started together
    do not all purge at the same moment. A failed purge (a locked or unreachable
    database) is logged and the loop goes on: a purge missed now is done by the next
    one, and losing the loop would let the table grow unseen.
    """
    await asyncio.sleep(random.uniform(0, interval))  # spreading workers, not secrecy
    while True:
        try:
            removed = await to_thread.run_sync(purge_expired, writes, utcnow(), ttl)
        except Exception:  # any failure: the loop must outlive it (the next purge retries)
            log.exception("pruning expired Idempotency-Key records failed; retrying later")
        else:
            if removed:
                log.info("pruned %d expired Idempotency-Key record(s)", removed)
        await asyncio.sleep(interval)


__all__ = ["prune_expired_keys"]
