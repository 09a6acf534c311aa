"""The API's routers, one module per resource, all mounted under ``/v1`` by ``create_app``.

To add a resource: write ``api/routes/<resource>.py`` with a module-level ``router`` and add
it to ``ROUTER_MODULES`` below (e.g. ``documents`` for the contract PDFs).
"""

from __future__ import annotations

from importlib import import_module

from fastapi import APIRouter

# Routes are matched in this order, so the hot path (judging revision requests) comes
# first; ``TAGS`` keeps the documentation in reading order.
ROUTER_MODULES = (
    "revisions",
    "clients",
    "contracts",
    "deliverables",
    "ledger",
    "documents",
    "utilities",
    "evidence",
    "integrations",
    "hooks",
    "money",
    "reminders",
    "change_orders",
    "webhooks",
    "assessments",
)
TAGS = (
    "clients",
    "contracts",
    "deliverables",
    "ledger",
    "money",
    "reminders",
    "revision requests",
    "documents",
    "change orders",
    "utilities",
    "integrations",
    "hooks",
    "webhooks",
    "service",
)


def routers() -> list[APIRouter]:
    """Every resource router, in matching order."""
    found = []
    for name in ROUTER_MODULES:
        router = import_module(f"roundwise.api.routes.{name}").router
        assert isinstance(router, APIRouter)
        found.append(router)
    return found


__all__ = ["ROUTER_MODULES", "TAGS", "routers"]
