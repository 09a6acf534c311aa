"""``/docs`` (Swagger UI) and ``/redoc`` with every asset served by this app, so they work
without internet.

FastAPI's own pages load Swagger UI, ReDoc and a favicon from CDNs, and ReDoc's page also
fonts from Google: offline, ``/docs`` was a blank page. The assets come instead from the
``fastapi-offline`` package (MIT), which ships Swagger UI (Apache-2.0) and ReDoc (MIT) as
released, and are served under ``/docs-assets/``. Swagger UI's validator badge (which
sends the schema's URL to validator.swagger.io) is turned off, and ReDoc is given no web
fonts, so the pages load nothing from elsewhere.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS_PATH = "/docs-assets"
SWAGGER_JS = "swagger-ui-bundle.js"
SWAGGER_CSS = "swagger-ui.css"
REDOC_JS = "redoc.standalone.js"
FAVICON = "favicon.png"
DOCS_PATH = "/docs"
REDOC_PATH = "/redoc"
OAUTH2_REDIRECT_PATH = "/docs/oauth2-redirect"
# Swagger UI's own defaults but no validator badge (an image fetched from the internet).
SWAGGER_PARAMETERS = {"validatorUrl": None}


def assets_directory() -> Path:
    """The folder of the Swagger UI and ReDoc files shipped by ``fastapi-offline``."""
    return Path(str(resources.files("fastapi_offline").joinpath("static")))


def _asset(request: Request, name: str) -> str:
    return f"{request.scope.get('root_path', '')}{ASSETS_PATH}/{name}"


def _openapi_url(app: FastAPI, request: Request) -> str:
    return f"{request.scope.get('root_path', '')}{app.openapi_url}"


def install_docs(app: FastAPI) -> None:
    """Serve the assets and the two documentation pages (``app`` has its own pages off:
    ``docs_url=None, redoc_url=None``)."""
    app.mount(ASSETS_PATH, StaticFiles(directory=assets_directory()), name="docs-assets")

    async def swagger_ui(request: Request) -> HTMLResponse:
        """Swagger UI on this API's OpenAPI document."""
        return get_swagger_ui_html(
            openapi_url=_openapi_url(app, request),
            title=f"{app.title} - Swagger UI",
            oauth2_redirect_url=OAUTH2_REDIRECT_PATH,
            swagger_js_url=_asset(request, SWAGGER_JS),
            swagger_css_url=_asset(request, SWAGGER_CSS),
            swagger_favicon_url=_asset(request, FAVICON),
            swagger_ui_parameters=SWAGGER_PARAMETERS,
        )

    async def oauth2_redirect() -> HTMLResponse:
        """Swagger UI's OAuth2 redirect page (self-contained)."""
        return get_swagger_ui_oauth2_redirect_html()

    async def redoc(request: Request) -> HTMLResponse:
        """ReDoc on this API's OpenAPI document."""
        return get_redoc_html(
            openapi_url=_openapi_url(app, request),
            title=f"{app.title} - ReDoc",
            redoc_js_url=_asset(request, REDOC_JS),
            redoc_favicon_url=_asset(request, FAVICON),
            with_google_fonts=False,
        )

    app.add_api_route(DOCS_PATH, swagger_ui, methods=["GET"], include_in_schema=False)
    app.add_api_route(
        OAUTH2_REDIRECT_PATH, oauth2_redirect, methods=["GET"], include_in_schema=False
    )
    app.add_api_route(REDOC_PATH, redoc, methods=["GET"], include_in_schema=False)


__all__ = ["ASSETS_PATH", "assets_directory", "install_docs"]
