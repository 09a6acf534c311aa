"""The three example projects of shared/examples/contracts.md as ``RequestContext`` values,
and the labelled message sets, for the understanding tests and the accuracy report.

Written by hand from contracts.md (this area does not depend on ``engine.terms``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from roundwise.engine.understand import DeliverableInfo, RequestContext

DATA = Path(__file__).resolve().parents[1] / "data"
SHARED_COPY = DATA / "requests_shared.yaml"
LABELLED = DATA / "requests_labelled.yaml"
# Held-out batches: written before the rules they measure were changed; never tuned on.
HOLDOUT = DATA / "requests_holdout.yaml"
HOLDOUT2 = DATA / "requests_holdout2.yaml"
HOLDOUT3 = DATA / "requests_holdout3.yaml"
HOLDOUT4 = DATA / "requests_holdout4.yaml"
HOLDOUT5 = DATA / "requests_holdout5.yaml"
HOLDOUT6 = DATA / "requests_holdout6.yaml"
HOLDOUT7 = DATA / "requests_holdout7.yaml"

BAKERY_BRIEF = (
    "Warm, family tone; story of three generations of bakers; sourdough and seasonal "
    "pastries; call to action: order online for pick-up."
)
BAKERY = (
    DeliverableInfo("home", "Home page copy (about 600 words)", "text", BAKERY_BRIEF),
    DeliverableInfo("about", "About-us page (about 400 words)", "text", BAKERY_BRIEF),
    DeliverableInfo(
        "products", "Three product descriptions (about 150 words each)", "text", BAKERY_BRIEF
    ),
)
FOX = (
    DeliverableInfo("concepts", "Three initial logo concepts", "design", ""),
    DeliverableInfo(
        "final",
        "The chosen concept refined, delivered as SVG/PNG/PDF in colour and mono",
        "design",
        "",
    ),
)
MANUAL = (
    DeliverableInfo(
        "manual",
        "Translation of a 20-page user manual (about 7,500 words) into Slovenian",
        "translation",
        "Terminology per the client's glossary.",
    ),
)

PROJECTS: dict[str, dict[str, Any]] = {
    "bakery-web-copy": {
        "deliverables": BAKERY,
        "exclusions": (
            "photography",
            "logo or visual design",
            "translation into other languages",
            "SEO keyword research",
            "printed flyers",
            "social media posts",
        ),
        "client_language": "sl",
        "names": ("Ana Novak", "Marko Horvat", "Horvat Bakery"),
    },
    "fox-logo": {
        "deliverables": FOX,
        "exclusions": (
            "website",
            "business cards and stationery",
            "packaging",
            "animation",
            "brand guidelines book",
            "trademark search",
        ),
        "client_language": "el",
        "names": ("Jakub Wiśniewski", "Eleni Papadopoulou", "Red Fox Coffee"),
    },
    "manual-translation": {
        "deliverables": MANUAL,
        "exclusions": (
            "desktop publishing/layout",
            "translation of pages added later",
            "back-translation",
            "certification",
        ),
        "client_language": None,
        "names": ("Nika Zupan", "Tomás Díaz", "Alpine Pumps"),
    },
}


def context_for(project: str, deliverable: str) -> RequestContext:
    """The RequestContext of one deliverable of an example project."""
    spec = PROJECTS[project]
    chosen = next(d for d in spec["deliverables"] if d.id == deliverable)
    return RequestContext(
        deliverable_id=deliverable,
        deliverable_kind=chosen.kind,
        deliverables=spec["deliverables"],
        exclusions=spec["exclusions"],
        brief=chosen.brief,
        contract_language="en",
        client_language=spec["client_language"],
        names=spec["names"],
    )


@dataclass(frozen=True)
class Labelled:
    """One labelled message."""

    project: str
    deliverable: str
    message: str
    scope: str
    stage: str
    language: str
    batch: int = 1


def load_labelled(path: Path, default_language: str = "en") -> list[Labelled]:
    """Read a labelled YAML set (the shared examples carry no language: English but one)."""
    rows = yaml.safe_load(path.read_text("utf-8"))
    return [
        Labelled(
            r["project"],
            r["deliverable"],
            r["message"].strip(),
            r["scope"],
            r["stage"],
            r.get("language") or _shared_language(r["message"], default_language),
            int(r.get("batch", 1)),
        )
        for r in rows
    ]


def _shared_language(message: str, default: str) -> str:
    # The shared set has no language field; its one non-English message is Slovenian.
    return "sl" if message.lstrip().startswith("Živjo") else default
