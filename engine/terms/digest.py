"""The SHA-256 of the terms: the fingerprint both parties and every decision refer to.

The hash covers a canonical JSON form (sorted keys, no insignificant whitespace, UTF-8,
decimals as their exact strings), so the same terms always give the same hash whichever
format or key order the spec was written in.
"""

from __future__ import annotations

import hashlib
import json

from engine.terms.contract import ContractTerms


def canonical_terms_json(terms: ContractTerms) -> str:
    """The terms as canonical JSON text."""
    data = terms.model_dump(mode="json", exclude_none=False)
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def terms_sha256(terms: ContractTerms) -> str:
    """Hex SHA-256 of the canonical terms."""
    return hashlib.sha256(canonical_terms_json(terms).encode("utf-8")).hexdigest()


__all__ = ["canonical_terms_json", "terms_sha256"]
