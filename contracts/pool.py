"""Rendering in worker processes, so a server's event loop never waits on a render.

A render is ~0.3-0.6 s of mostly pure-Python layout. In a thread it holds the GIL in 5 ms
slices, and with a few renders in flight the event loop's ticks are delayed by tens to
hundreds of milliseconds (see docs/benchmarks.md); in a separate process it cannot delay
the loop at all, and several renders really run in parallel.

The pool is created lazily on first use with the ``forkserver`` start method (never plain
``fork`` from a process that already runs threads), and each worker imports WeasyPrint
and parses the stylesheets once, in its initializer, so requests only pay the render.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime

from roundwise.contracts.documents import DocumentKind, RenderedDocument, render_document
from roundwise.contracts.pdf import PAPER_SIZES, Paper, stylesheets
from roundwise.engine.ledger import Event
from roundwise.engine.terms import ContractTerms


def _warm_up() -> None:
    """Worker initializer: parse the stylesheets once (imports happen on unpickling)."""
    for paper in PAPER_SIZES:
        stylesheets(paper)


class RenderPool:
    """A lazily started process pool that renders documents for async callers."""

    def __init__(self, processes: int) -> None:
        self.processes = processes
        self._executor: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    @property
    def started(self) -> bool:
        """Whether the worker processes have been started (by a first render)."""
        return self._executor is not None

    def executor(self) -> ProcessPoolExecutor:
        """The pool, started on first use."""
        with self._lock:
            if self._executor is None:
                method = (
                    "forkserver"
                    if "forkserver" in multiprocessing.get_all_start_methods()
                    else "spawn"
                )
                self._executor = ProcessPoolExecutor(
                    max_workers=self.processes,
                    mp_context=multiprocessing.get_context(method),
                    initializer=_warm_up,
                )
            return self._executor

    async def render(
        self,
        terms: ContractTerms,
        events: tuple[Event, ...],
        kind: DocumentKind,
        *,
        created: datetime,
        paper: Paper = "a4",
        change_order: int | None = None,
        draft: bool = False,
        bilingual: bool = False,
    ) -> RenderedDocument:
        """Render in a worker process; errors (e.g. `DocumentNotFoundError`) are re-raised."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self.executor(),
            _render,
            terms,
            events,
            kind,
            created,
            paper,
            change_order,
            draft,
            bilingual,
        )

    def shutdown(self) -> None:
        """Stop the workers (the next render starts a new pool)."""
        with self._lock:
            if self._executor is not None:
                self._executor.shutdown(wait=True, cancel_futures=True)
                self._executor = None


def _render(
    terms: ContractTerms,
    events: tuple[Event, ...],
    kind: DocumentKind,
    created: datetime,
    paper: Paper,
    change_order: int | None,
    draft: bool = False,
    bilingual: bool = False,
) -> RenderedDocument:
    return render_document(
        terms,
        events,
        kind,
        created=created,
        paper=paper,
        change_order=change_order,
        draft=draft,
        bilingual=bilingual,
    )


__all__ = ["RenderPool"]
