"""The FastAPI application factory."""

from __future__ import annotations

from fastapi import FastAPI

from engine import ENGINE_VERSION


def create_app() -> FastAPI:
    """Build the app; all state lives in the database, none in this process."""
    app = FastAPI(title="Roundwise", version=ENGINE_VERSION)

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok", "engine_version": ENGINE_VERSION}

    return app
