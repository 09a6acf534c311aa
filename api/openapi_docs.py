"""What the OpenAPI document says beyond the routes' own declarations.

Answers the middlewares give on any route (429 after failed authentications, 415 for a
JSON body that is not UTF-8, 409 for a POST whose Idempotency-Key is in flight) and the
links between operations: the ``id`` a created contract, client or judged request comes
back with is the path parameter of the operations on it (OpenAPI links, which clients
and schemathesis's stateful phase follow). Applied once to the generated document by
``api.app``.
"""

from __future__ import annotations

from typing import Any

from roundwise.api.errors import PROBLEM_MEDIA_TYPE

Operation = dict[str, Any]
PROBLEM = {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}

# (operation that creates, its status, the body field with the new id, the path parameter)
CREATORS = (
    ("/v1/contracts", "201", "/id", "contract_id"),
    ("/v1/clients", "201", "/id", "client_id"),
    ("/v1/contracts/{contract_id}/revision-requests", "201", "/request/id", "request_id"),
    ("/v1/contracts/{contract_id}/change-orders", "201", "/number", "number"),
)


def document_middleware_answers(operation: Operation, method: str) -> None:
    """429 wherever 401 can be answered; 415 wherever a body is read; on every POST, 409
    and 422 (an Idempotency-Key still in flight, or reused for another request)."""
    responses = operation.setdefault("responses", {})
    if method == "post":
        for status, why in (("409", "Idempotency-Key in flight"), ("422", "Invalid request")):
            responses.setdefault(status, {"description": why, "content": PROBLEM})
    if "401" in responses and "429" not in responses:
        responses["429"] = {
            "description": "Too many failed authentications (api/auth_limit.py)",
            "headers": {"Retry-After": {"schema": {"type": "integer"}}},
            "content": PROBLEM,
        }
    if "requestBody" in operation and "415" not in responses:
        responses["415"] = {"description": "The JSON body is not UTF-8", "content": PROBLEM}


def _operation_id(operation: Operation) -> str:
    return str(operation.get("operationId", ""))


def link_created_ids(paths: dict[str, dict[str, Operation]]) -> None:
    """Links from each creating operation to the operations on what it created."""
    for source, status, field, parameter in CREATORS:
        created = paths.get(source, {}).get("post", {}).get("responses", {}).get(status)
        if created is None:
            continue
        links = created.setdefault("links", {})
        for path, operations in paths.items():
            if f"{{{parameter}}}" not in path:
                continue
            for operation in operations.values():
                values = {parameter: f"$response.body#{field}"}
                if "{contract_id}" in source and "{contract_id}" in path:
                    values["contract_id"] = "$request.path.contract_id"
                links[_operation_id(operation)] = {
                    "operationId": _operation_id(operation),
                    "parameters": values,
                }


def complete(schema: dict[str, Any]) -> dict[str, Any]:
    """The generated document with the answers and links above added."""
    paths: dict[str, dict[str, Operation]] = schema.get("paths", {})
    for operations in paths.values():
        for method, operation in operations.items():
            document_middleware_answers(operation, method)
    link_created_ids(paths)
    return schema


__all__ = ["complete", "document_middleware_answers", "link_created_ids"]
