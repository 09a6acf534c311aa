"""The API's routers, one module per resource, all mounted under ``/v1`` by ``create_app``.

To add a resource: write ``api/routes/<resource>.py`` with a module-level ``router`` and add
it to ``ROUTER_MODULES`` below (e.g. ``documents`` for the contract PDFs).
"""

from __future__ import annotations

from importlib import import_module

from fastapi import APIRouter

ROUTER_MODULES = (
    "clients",
    "contracts",
    "deliverables",
    "ledger",
    "revisions",
    "documents",
    "utilities",
)


def routers() -> list[APIRouter]:
    """Every resource router, in documentation order."""
    found = []
    for name in ROUTER_MODULES:
        router = import_module(f"api.routes.{name}").router
        assert isinstance(router, APIRouter)
        found.append(router)
    return found


__all__ = ["ROUTER_MODULES", "routers"]
