"""The webhook event types (names only: imported by the hot path's statements, so this
module imports nothing)."""

from __future__ import annotations

DECISION_CREATED = "decision.created"
SCOPE_ALERT = "scope.alert"
CHANGE_ORDER_SENT = "change_order.sent"
CHANGE_ORDER_ACCEPTED = "change_order.accepted"
CHANGE_ORDER_DECLINED = "change_order.declined"
APPROVAL_DEEMED = "approval.deemed"
CONTRACT_STATUS_CHANGED = "contract.status_changed"

EVENT_TYPES = (
    DECISION_CREATED,
    SCOPE_ALERT,
    CHANGE_ORDER_SENT,
    CHANGE_ORDER_ACCEPTED,
    CHANGE_ORDER_DECLINED,
    APPROVAL_DEEMED,
    CONTRACT_STATUS_CHANGED,
)

__all__ = [
    "APPROVAL_DEEMED",
    "CHANGE_ORDER_ACCEPTED",
    "CHANGE_ORDER_DECLINED",
    "CHANGE_ORDER_SENT",
    "CONTRACT_STATUS_CHANGED",
    "DECISION_CREATED",
    "EVENT_TYPES",
    "SCOPE_ALERT",
]
