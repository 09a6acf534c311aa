"""The adapter from contract terms to what request understanding needs to know.

`engine.understand` keeps its own small view of a contract (`RequestContext`) so the two
packages evolve independently; this is the one place that maps one to the other.
"""

from __future__ import annotations

from engine.terms import ContractTerms, Deliverable
from engine.understand import DeliverableInfo, RequestContext


def request_context(terms: ContractTerms, deliverable: Deliverable) -> RequestContext:
    """The understanding context for a request about ``deliverable`` under ``terms``."""
    return RequestContext(
        deliverable_id=deliverable.id,
        deliverable_kind=deliverable.kind,
        deliverables=tuple(
            DeliverableInfo(id=d.id, title=d.title, kind=d.kind, brief=d.brief)
            for d in terms.deliverables
        ),
        exclusions=terms.exclusions,
        brief=deliverable.brief,
        contract_language=terms.language,
        client_language=terms.client.language,
        names=tuple(n for p in (terms.client, terms.freelancer) for n in (p.name, p.business) if n),
    )


__all__ = ["request_context"]
