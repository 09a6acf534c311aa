"""Keeping long-lived objects out of the cyclic garbage collector's full passes.

Why: a worker keeps a folded ledger per contract (``store.ledger_memo``) and parsed
events and terms in memos, tens of thousands of objects that live for minutes. Every
full collection (generation 2) walks all of them, and under load those passes grew to
40-150 ms every ten seconds or so, stalling every request on the worker: the p99. They
found no garbage (``collected=0``): the objects are alive, and plain reference counting
frees them when a memo lets go, frozen or not.

So, like ``warm_up``'s ``gc.freeze()`` at start-up, the app moves the survivors out of
the collector's sight every ``interval`` seconds (after a young collection, so young
cyclic garbage is reclaimed first). Frozen cyclic garbage would never be reclaimed, so
every ``full_every`` rounds everything is unfrozen and collected once: one full pass per
``interval * full_every`` seconds instead of one every few seconds.
"""

from __future__ import annotations

import asyncio
import gc


def freeze_survivors(round_number: int, full_every: int) -> None:
    """One round: a young (or, every ``full_every`` rounds, a full) collection, then freeze."""
    if round_number % full_every == 0:
        gc.unfreeze()
        gc.collect()
    else:
        gc.collect(1)
    gc.freeze()


async def keep_survivors_frozen(interval: float, full_every: int) -> None:
    """Run ``freeze_survivors`` every ``interval`` seconds until cancelled."""
    round_number = 0
    while True:
        await asyncio.sleep(interval)
        round_number += 1
        freeze_survivors(round_number, full_every)


__all__ = ["freeze_survivors", "keep_survivors_frozen"]
