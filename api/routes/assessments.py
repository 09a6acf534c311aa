"""The freelancer's review of a judged request: confirm it, or correct how it was read.

``POST /v1/revision-requests/{id}/confirmation`` confirms a decision that needed review
(issue 16.5): until then its round is not counted and its reply is a draft to check.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from roundwise.api.deps import AccountDep, WriteSessionDep
from roundwise.api.errors import problem_responses
from roundwise.api.routes.revisions import JudgedOut, judged_response
from roundwise.store import review
from roundwise.store.base import utcnow

router = APIRouter(
    prefix="/revision-requests",
    tags=["revision requests"],
    responses=problem_responses(400, 401, 404, 409, 413, 422),
)


@router.post("/{request_id}/confirmation", response_model=JudgedOut)
def confirm(request_id: str, account: AccountDep, session: WriteSessionDep) -> Response:
    """Confirm a decision that needed review, as the engine made it.

    The ledger gets a ``decision_confirmed`` event; from then on the decision counts as
    final (its round is used) and its reply is no longer a draft to check. 409 when the
    decision awaits no confirmation, or when the round it would use has been taken
    meanwhile (correct the assessment instead: that judges it again).
    """
    judged = review.confirm_decision(session, account, request_id, utcnow)
    session.commit()
    return judged_response(judged)
