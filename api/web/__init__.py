"""The web pages for freelancers, served by the API's app under ``/app``.

Server-rendered (Jinja2, autoescaped), every asset served from ``api/web/static``, a
few lines of script only for the reply box (live lint, copy). The pages are a mounted
sub-application with their own error pages (HTML, not problem+json) and their own
session cookie, read by the pages' dependency only: an API request under ``/v1`` never
touches the cookie, the session or the templates.
"""

from roundwise.api.web.app import install

__all__ = ["install"]
