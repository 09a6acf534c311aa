"""Deliverable versions (text, or a file hash and note for visual work) and approvals."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, status
from pydantic import BaseModel, ConfigDict, Field, model_validator

from roundwise.api.deps import AccountDep, PageDep, SessionDep, WriteSessionDep
from roundwise.api.errors import problem_responses
from roundwise.api.examples import HOME_V1, examples
from roundwise.api.schemas import DocumentText, PageOut, StoredIn
from roundwise.store import contracts, versions
from roundwise.store.base import utcnow

router = APIRouter(
    prefix="/contracts/{contract_id}",
    tags=["deliverables"],
    responses=problem_responses(400, 401, 413, 422),
)

DeliverableKey = Annotated[str, Path(max_length=64, description="The spec's deliverable id.")]


class VersionIn(StoredIn):
    """A delivered version: the text, or for visual work the file's SHA-256 and a note."""

    model_config = examples(
        {"text": HOME_V1},
        {
            "file_sha256": "4e07408562bedb8b60ce05c1decfe3ad16b72230967de01f640b7e4729b49fce",
            "note": "Three logo concepts, sent as concepts-v1.pdf",
        },
        {"text": HOME_V1, "request_id": "req_01hq7m8x2v4b"},
    )

    text: DocumentText | None = Field(
        default=None,
        description="The delivered text (text deliverables); at most 200000 characters.",
    )
    file_sha256: str | None = Field(
        default=None,
        pattern=r"^[0-9a-f]{64}$",
        description="Visual work: the SHA-256 (lowercase hex) of the delivered file, "
        "which stays with you; give this or `text`.",
    )
    note: str | None = Field(
        default=None, max_length=2000, description="A note on this version (what it holds)."
    )
    request_id: str | None = Field(
        default=None, max_length=200, description="The revision request this version answers."
    )

    @model_validator(mode="after")
    def _has_content(self) -> VersionIn:
        if self.text is None and self.file_sha256 is None:
            raise ValueError("a version needs its text or the SHA-256 of its file")
        return self


class VersionOut(BaseModel):
    """A stored version."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    deliverable_key: str
    number: int
    text: str | None
    file_sha256: str | None
    note: str | None
    submitted_at: datetime


class ApprovalIn(StoredIn):
    """The client approved a deliverable (optionally naming the version)."""

    model_config = examples({"deliverable": "home", "version": 2}, {"deliverable": "home"})

    deliverable: str = Field(
        min_length=1, max_length=64, description="The spec's id of the approved deliverable."
    )
    version: int | None = Field(
        default=None, ge=1, description="The version approved (default: the latest delivered)."
    )


class ApprovalOut(BaseModel):
    """The recorded approval and its place in the ledger."""

    deliverable: str
    version: int | None
    approved_at: datetime
    ledger_seq: int


@router.post(
    "/deliverables/{deliverable}/versions",
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(404, 409, 413),
)
def submit_version(
    contract_id: str,
    deliverable: DeliverableKey,
    body: VersionIn,
    account: AccountDep,
    session: WriteSessionDep,
) -> VersionOut:
    """Deliver the next version of a deliverable of a signed contract."""
    contract = contracts.lock_contract(session, account, contract_id)
    terms = contracts.terms_of(contract)
    content = (deliverable, body.text, body.file_sha256, body.note)
    row = versions.submit_version(session, contract, terms, content, body.request_id, utcnow)
    session.commit()
    return VersionOut.model_validate(row)


@router.get("/deliverables/{deliverable}/versions", responses=problem_responses(404))
def list_versions(
    contract_id: str,
    deliverable: DeliverableKey,
    account: AccountDep,
    session: SessionDep,
    page: PageDep,
) -> PageOut[VersionOut]:
    """Versions of a deliverable, oldest first."""
    contract = contracts.get_contract(session, account, contract_id)
    result = versions.list_versions(session, contract.id, deliverable, page.limit, page.cursor)
    return PageOut[VersionOut](
        items=[VersionOut.model_validate(v) for v in result.items], next_cursor=result.next_cursor
    )


@router.post(
    "/approvals",
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(404, 409, 413),
)
def approve(
    contract_id: str, body: ApprovalIn, account: AccountDep, session: WriteSessionDep
) -> ApprovalOut:
    """Record the client's explicit approval of a deliverable."""
    contract = contracts.lock_contract(session, account, contract_id)
    terms = contracts.terms_of(contract)
    seq, now = versions.approve(session, contract, terms, body.deliverable, body.version, utcnow)
    session.commit()
    return ApprovalOut(
        deliverable=body.deliverable, version=body.version, approved_at=now, ledger_seq=seq
    )
