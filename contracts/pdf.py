"""HTML to PDF with WeasyPrint, confined, with warnings collected rather than lost.

One process-wide `ConfinedFetcher` is handed to the HTML *and* to every stylesheet (the
stylesheets are parsed once per paper size and reused, which keeps warm renders fast).
Whatever WeasyPrint logs at warning level or above during a render -- a missing glyph
source, an ignored CSS declaration, a refused URL -- is returned with the PDF so callers
and tests can insist on a clean render.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from weasyprint import CSS, HTML
from weasyprint.urls import FatalURLFetchingError

from roundwise.contracts.errors import UnsafeResourceError
from roundwise.contracts.fetcher import ConfinedFetcher
from roundwise.contracts.templating import TEMPLATES_DIR

Paper = Literal["a4", "letter"]
PAPER_SIZES: dict[Paper, str] = {"a4": "A4", "letter": "letter"}
STYLESHEET = "documents.css"
# Tagged PDF with a structure tree, the document language, its title shown by viewers and
# the PDF/UA-1 identification (WeasyPrint's "pdf/ua-1" variant; it implies pdf_tags=True).
PDF_VARIANT = "pdf/ua-1"


@dataclass(frozen=True, slots=True)
class RenderedPdf:
    """PDF bytes, how many pages they hold, and anything WeasyPrint warned about."""

    pdf: bytes
    pages: int
    warnings: tuple[str, ...]


@lru_cache(maxsize=1)
def fetcher() -> ConfinedFetcher:
    """The one fetcher every HTML and CSS object of this process uses."""
    return ConfinedFetcher(TEMPLATES_DIR)


@lru_cache(maxsize=len(PAPER_SIZES))
def stylesheets(paper: Paper) -> tuple[CSS, ...]:
    """The documents' stylesheet and the page size, parsed once per paper size."""
    base_url = TEMPLATES_DIR.as_uri() + "/"
    return (
        CSS(filename=str(TEMPLATES_DIR / STYLESHEET), base_url=base_url, url_fetcher=fetcher()),
        CSS(
            string=f"@page {{ size: {PAPER_SIZES[paper]}; }}",
            base_url=base_url,
            url_fetcher=fetcher(),
        ),
    )


def html_to_pdf(html: str, paper: Paper = "a4", extra_css: str | None = None) -> RenderedPdf:
    """Lay out ``html`` and write the PDF; refuses any URL outside the templates folder.

    ``extra_css`` exists for the safety tests (a stylesheet passed beside the document
    must be confined too); documents themselves never need it.
    """
    fetch = fetcher()
    sheets = list(stylesheets(paper))
    fetch.forget_refusals()
    with _captured_warnings() as captured:
        try:
            if extra_css is not None:
                sheets.append(
                    CSS(string=extra_css, base_url=TEMPLATES_DIR.as_uri() + "/", url_fetcher=fetch)
                )
            source = HTML(string=html, base_url=TEMPLATES_DIR.as_uri() + "/", url_fetcher=fetch)
            document = source.render(stylesheets=sheets)
            pdf = document.write_pdf(pdf_variant=PDF_VARIANT)
        except FatalURLFetchingError as exc:
            cause = exc.__cause__ or exc
            raise UnsafeResourceError(f"rendering stopped: {cause}") from None
    if fetch.refusals():
        raise UnsafeResourceError(f"rendering stopped: refused to load {fetch.refusals()[0]!r}")
    return RenderedPdf(pdf=pdf, pages=len(document.pages), warnings=tuple(captured))


class _ThreadRecords(logging.Handler):
    """Collects WeasyPrint's warnings emitted by one thread (renders may run in parallel)."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.thread = threading.get_ident()
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread == self.thread:
            self.messages.append(f"{record.levelname}: {record.getMessage()}")


@contextmanager
def _captured_warnings() -> Iterator[list[str]]:
    logger = logging.getLogger("weasyprint")
    handler = _ThreadRecords()
    logger.addHandler(handler)
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)


__all__ = [
    "PAPER_SIZES",
    "PDF_VARIANT",
    "Paper",
    "RenderedPdf",
    "fetcher",
    "html_to_pdf",
    "stylesheets",
]
