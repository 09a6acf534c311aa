"""The Jinja2 environment the documents are written in.

Autoescaping is always on (every contract field is user text) and undefined names are
errors, so a template typo fails the render instead of printing an empty clause.
Templates only see view models (`contracts.views`), never the engine's models, which keeps
formatting decisions in Python where they are tested.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The process-wide template environment (templates are compiled once and cached)."""
    return Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(enabled_extensions=("html",), default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )


def render_html(template: str, **context: object) -> str:
    """Render one document template with its view model."""
    return environment().get_template(template).render(**context)


__all__ = ["TEMPLATES_DIR", "environment", "render_html"]
