"""The load benchmarks' workload: the bakery contract, its deliverables' texts, and the
labelled client messages the requests cycle through (shared by ``load_bench`` and
``judge_bench``, so both measure the same requests).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SPEC = (ROOT / "contracts" / "examples" / "bakery-web-copy.yaml").read_text(encoding="utf-8")

HOME = (
    "Three generations of the Horvat family have baked bread in the same stone oven on "
    "Main Street. Grandfather Ivan lit it for the first time in 1962, and every morning "
    "since then the smell of rye and wheat has woken the neighbourhood before the trams. "
    "Our sourdough rises slowly overnight, the way Ivan taught his daughter and she taught "
    "her son, with nothing but flour, water, salt and time. "
) * 8
ABOUT = (
    "Horvat Bakery was founded in 1962 by Ivan Horvat, who came back from his "
    "apprenticeship in Vienna with a starter in a jar and a head full of recipes. Today "
    "his granddaughter Maja runs the ovens and his grandson Marko runs everything else. "
) * 8
PRODUCTS = (
    "Rye sourdough: a dark, dense loaf with a crackling crust and a gentle sourness that "
    "keeps for a week. Butter croissant: forty-eight layers, French butter, baked twice a "
    "day. Seasonal fruit pastry: whatever the orchards give us this week. Order online "
    "and pick it up warm. "
) * 3
DELIVERABLES = {"home": HOME, "about": ABOUT, "products": PRODUCTS}

MESSAGES = [
    (
        "home",
        "Hi Ana, thanks for the draft! Could you make the opening paragraph a bit "
        "shorter and mention our new rye sourdough in the second section?",
    ),
    (
        "home",
        "Looks good. While you're at it, could you also write five Instagram posts "
        "for the launch week?",
    ),
    (
        "about",
        "You wrote that my grandfather opened the bakery in 1962 but the brief "
        "clearly says 1962. Please correct it.",
    ),
    ("home", "I don't know, it just doesn't feel right. Can you make it better?"),
    (
        "products",
        "THIS IS NOT WHAT I ASKED FOR!!! The croissant text is completely wrong, "
        "rewrite everything, I expected much more for this money!!",
    ),
    (
        "home",
        'Please swap "family tradition" for "three generations" in the headline, '
        "and could you also translate the whole page into German for our Austrian "
        "customers?",
    ),
    (
        "about",
        "Živjo Ana, hvala za besedilo. Bi lahko v drugem odstavku omenili še našo "
        "pekarno v Kranju?",
    ),
]


def request_body(n: int) -> dict[str, Any]:
    """The n-th request: a labelled message; every fourth also carries a revised text."""
    deliverable, message = MESSAGES[n % len(MESSAGES)]
    body: dict[str, Any] = {"deliverable": deliverable, "message": message, "channel": "bench"}
    if n % 4 == 3:
        body["revised_text"] = DELIVERABLES[deliverable].replace("bread", "loaves", 3)
    return body


# The bodies repeat every 4 * len(MESSAGES) requests: serialise them once, not per request.
BODIES = [json.dumps(request_body(n)).encode() for n in range(4 * len(MESSAGES))]


__all__ = ["BODIES", "DELIVERABLES", "MESSAGES", "SPEC", "request_body"]
