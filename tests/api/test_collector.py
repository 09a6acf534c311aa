"""The periodic freeze keeps survivors out of full collections, and a full round reclaims."""

from __future__ import annotations

import asyncio
import gc
import weakref
from collections.abc import Iterator

import pytest

from roundwise.api.collector import freeze_survivors, keep_survivors_frozen


class Node:
    """A cyclic structure the reference counter alone cannot free."""

    def __init__(self) -> None:
        self.me = self


@pytest.fixture(autouse=True)
def _unfrozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_a_round_freezes_the_survivors() -> None:
    kept = [Node() for _ in range(100)]
    freeze_survivors(1, full_every=10)
    assert gc.get_freeze_count() >= len(kept)
    assert all(gc.is_tracked(node) for node in kept)


def test_frozen_cyclic_garbage_is_reclaimed_by_the_full_round() -> None:
    node = Node()
    probe = weakref.ref(node)
    freeze_survivors(1, full_every=2)  # node is alive: frozen
    del node
    gc.collect()
    assert probe() is not None  # frozen garbage survives ordinary collections
    freeze_survivors(2, full_every=2)
    assert probe() is None


def test_the_freezer_runs_until_cancelled() -> None:
    async def run_briefly() -> int:
        task = asyncio.create_task(keep_survivors_frozen(0.01, full_every=1000))
        await asyncio.sleep(0.1)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return gc.get_freeze_count()

    assert asyncio.run(run_briefly()) > 0
