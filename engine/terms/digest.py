"""The SHA-256 of the terms: the fingerprint both parties and every decision refer to.

The hash covers a canonical JSON form (sorted keys, no insignificant whitespace, UTF-8,
decimals as their exact strings), so the same terms always give the same hash whichever
format or key order the spec was written in.
"""

from __future__ import annotations

import hashlib
import json

from roundwise.engine.terms.contract import ContractTerms

# Digests of recently seen terms objects, by identity (terms are frozen, and the store
# shares one parsed object per stored spec, so a contract's every request hits).
_DIGESTS_KEPT = 256
_digests: dict[int, tuple[ContractTerms, str]] = {}


# Fields added to the terms after contracts were signed, with the value that means "not
# used". Left out of the canonical form while they hold it, so a spec that does not use
# them keeps the hash its ledger was signed with (path: keys from the top; "*" = each).
LATER_DEFAULTS: tuple[tuple[tuple[str, ...], object], ...] = (
    (("country",), None),
    (("payment", "kill_fee_by_stage"), None),
    (("revision_policy", "review_days"), "calendar"),
    (("deliverables", "*", "revision_policy", "review_days"), None),
    (("legal",), None),
    (("script",), None),
)


def canonical_terms_json(terms: ContractTerms) -> str:
    """The terms as canonical JSON text."""
    data = terms.model_dump(mode="json", exclude_none=False)
    for path, default in LATER_DEFAULTS:
        _drop_default(data, path, default)
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _drop_default(node: object, path: tuple[str, ...], default: object) -> None:
    """Remove the key at ``path`` under ``node`` wherever it holds ``default``."""
    head, rest = path[0], path[1:]
    if head == "*":
        for child in node if isinstance(node, list) else ():
            _drop_default(child, rest, default)
        return
    if not isinstance(node, dict) or head not in node:
        return
    if not rest:
        if node[head] == default:
            del node[head]
        return
    _drop_default(node[head], rest, default)


def terms_sha256(terms: ContractTerms) -> str:
    """Hex SHA-256 of the canonical terms.

    Memoised per terms object: folding checks every signed event's hash against the terms,
    and dumping the whole spec to canonical JSON each time was a visible share of a
    request. The entry holds the object itself, so its id cannot be reused while cached.
    """
    known = _digests.get(id(terms))
    if known is not None and known[0] is terms:
        return known[1]
    digest = hashlib.sha256(canonical_terms_json(terms).encode("utf-8")).hexdigest()
    if len(_digests) >= _DIGESTS_KEPT:
        _digests.clear()
    _digests[id(terms)] = (terms, digest)
    return digest
