"""The freelancer's review of a judged request: confirm it, or correct how it was read.

- ``POST /v1/revision-requests/{id}/confirmation`` confirms a decision that needed review
  (issue 16.5): until then its round is not counted and its reply is a draft to check.
- ``PUT /v1/revision-requests/{id}/assessment`` corrects the reading (issue 16.6): the
  intent, the scope of each item, the stage. The ledger gets the correction and a new
  decision judged on it, which supersedes the first; the request's decision and reply
  show the new judgement; the reading becomes an example for the account's later
  messages.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import Field

from roundwise.api.deps import AccountDep, WriteSessionDep
from roundwise.api.errors import problem_responses
from roundwise.api.examples import examples
from roundwise.api.routes.revisions import JudgedOut, judged_response
from roundwise.api.schemas import StoredIn
from roundwise.engine.ledger import Scope
from roundwise.engine.understand import Stage
from roundwise.engine.understand.intent import Intent
from roundwise.store import corrections, review
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


class CorrectedItemIn(StoredIn):
    """One change item as the freelancer reads it."""

    model_config = examples({"text": "Could you also write a newsletter?", "scope": "out_of_scope"})

    text: str = Field(
        min_length=1, max_length=5000, description="The item's words, as the decision lists them."
    )
    scope: Scope = Field(description="What the item is under the contract.")


class AssessmentIn(StoredIn):
    """The corrected reading; a field left out keeps the current reading's value (an
    empty body re-judges the request on its current reading, confirmed)."""

    model_config = examples(
        {
            "intent": "revision_request",
            "items": [{"text": "Could you also write a newsletter?", "scope": "out_of_scope"}],
            "stage": "calm",
        }
    )

    intent: Intent | None = Field(default=None, description="What the message asks for.")
    items: Annotated[list[CorrectedItemIn], Field(max_length=100)] | None = Field(
        default=None, description="Every change item with its scope (replaces the items)."
    )
    stage: Stage | None = Field(default=None, description="How the client feels: the stage.")


@router.put("/{request_id}/assessment", response_model=JudgedOut)
def correct(
    request_id: str, body: AssessmentIn, account: AccountDep, session: WriteSessionDep
) -> Response:
    """Correct how a request was read, and judge it again on that reading.

    Appends ``assessment_corrected`` and a new ``decision_made`` (nothing is changed in
    the ledger; the newest decision supersedes the earlier one); returns the request with
    its new decision and reply. The same correction again changes nothing. Another
    account's request is a 404.
    """
    fields = body.model_dump(exclude_none=True)
    judged = corrections.correct_assessment(session, account, request_id, fields, utcnow)
    session.commit()
    corrections.forget_examples(account)
    return judged_response(judged)
