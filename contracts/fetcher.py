"""The only way a rendered document may load anything: files inside the templates folder.

Contract fields are typed by freelancers and, through the API, by anyone holding a key, so
the renderer treats every URL as hostile. `ConfinedFetcher` allows ``data:`` URLs and
``file:`` URLs whose real path (symlinks resolved) lies inside one folder; everything else
-- ``http:``, ``https:``, ``ftp:``, ``file:///etc/passwd``, ``../`` escapes -- is refused
before any socket or file is opened. Redirects are off, and a refusal stops the render
(``fail_on_errors``), so a document is never produced with a silently missing part.
"""

from __future__ import annotations

import mimetypes
import threading
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse

ALLOWED_SCHEMES = frozenset({"file", "data"})


class RefusedURLError(ValueError):
    """A URL the document is not allowed to load (wrong scheme or outside the folder)."""


class ConfinedFetcher(URLFetcher):  # type: ignore[misc]  # weasyprint ships no type hints
    """A WeasyPrint URL fetcher confined to ``root``: ``file:`` inside it, or ``data:``.

    Pass the *same* instance to ``HTML(...)`` and to every ``CSS(...)``: WeasyPrint uses
    each object's own fetcher for what that object references. Refusals are also
    remembered per thread (`refusals`), because WeasyPrint swallows fetch errors in a few
    places (inline SVG) where the render would otherwise silently go on.
    """

    def __init__(self, root: Path) -> None:
        super().__init__(
            timeout=1,
            allowed_protocols=ALLOWED_SCHEMES,
            allow_redirects=False,
            fail_on_errors=True,
        )
        self.root = root.resolve(strict=True)
        self._local = threading.local()

    def refusals(self) -> list[str]:
        """URLs refused in this thread since the last `forget_refusals` call."""
        found: list[str] = self._local.__dict__.setdefault("refused", [])
        return found

    def forget_refusals(self) -> None:
        """Start a new render in this thread with a clean record."""
        self._local.refused = []

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        """Serve a confined file or a data URL; refuse (and remember) anything else."""
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            return self._file(url)
        return self._refuse(url, f"scheme {scheme or '(none)'!r} is not allowed")

    def _file(self, url: str) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            return self._refuse(url, "file URLs must not name a host")
        path = Path(unquote(parts.path)).resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            return self._refuse(url, "outside the templates folder")
        media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": media_type})

    def _refuse(self, url: str, reason: str) -> URLFetcherResponse:
        self.refusals().append(url[:200])
        raise RefusedURLError(f"refused to load {url[:200]!r}: {reason}")


__all__ = ["ALLOWED_SCHEMES", "ConfinedFetcher", "RefusedURLError"]
