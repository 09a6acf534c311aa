"""The adapter from contract terms to what request understanding needs to know.

`engine.understand` keeps its own small view of a contract (`RequestContext`) so the two
packages evolve independently; this is the one place that maps one to the other.
"""

from __future__ import annotations

from roundwise.engine.terms import ContractTerms, Deliverable
from roundwise.engine.understand import DeliverableInfo, RequestContext

# Contexts of recently seen (terms, deliverable) objects, by identity: both are frozen, the
# store shares one parsed terms object per stored spec, and building the context anew was
# a visible share of judging a request. Each entry holds the objects themselves, so their
# ids cannot be reused while cached.
_CONTEXTS_KEPT = 256
_contexts: dict[tuple[int, int], tuple[ContractTerms, Deliverable, RequestContext]] = {}


def request_context(terms: ContractTerms, deliverable: Deliverable) -> RequestContext:
    """The understanding context for a request about ``deliverable`` under ``terms``."""
    key = (id(terms), id(deliverable))
    known = _contexts.get(key)
    if known is not None and known[0] is terms and known[1] is deliverable:
        return known[2]
    context = build_request_context(terms, deliverable)
    if len(_contexts) >= _CONTEXTS_KEPT:
        _contexts.clear()
    _contexts[key] = (terms, deliverable, context)
    return context


def build_request_context(terms: ContractTerms, deliverable: Deliverable) -> RequestContext:
    """The context built from scratch (what `request_context` memoises)."""
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
