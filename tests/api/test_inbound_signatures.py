"""Each provider's signature scheme against its documented example, where one is
published, and against the documented algorithm computed independently here."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from datetime import UTC, datetime

import pytest
from standardwebhooks.webhooks import Webhook

from roundwise.api.inbound.signatures import (
    InvalidSignatureError,
    require_fresh_linear,
    verify_github,
    verify_jira,
    verify_linear,
    verify_standard,
    verify_trello,
)

# GitHub's published example: "Testing the webhook payload validation" in
# https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries
GITHUB_SECRET = "It's a Secret to Everybody"
GITHUB_PAYLOAD = b"Hello, World!"
GITHUB_SIGNATURE = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"

# The Standard Webhooks specification's example (secret, id, timestamp, body, signature):
# https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md
SW_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
SW_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
SW_TIMESTAMP = 1614265330
SW_BODY = b'{"test": 2432232314}'
SW_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_githubs_documented_example_verifies() -> None:
    verify_github(GITHUB_SECRET, GITHUB_PAYLOAD, {"x-hub-signature-256": GITHUB_SIGNATURE})


@pytest.mark.parametrize(
    ("secret", "payload", "signature"),
    [
        (GITHUB_SECRET, b"Hello, World?", GITHUB_SIGNATURE),
        ("It's a secret to everybody", GITHUB_PAYLOAD, GITHUB_SIGNATURE),
        (GITHUB_SECRET, GITHUB_PAYLOAD, GITHUB_SIGNATURE.removeprefix("sha256=")),
        (GITHUB_SECRET, GITHUB_PAYLOAD, GITHUB_SIGNATURE[:-1] + "f"),
        (GITHUB_SECRET, GITHUB_PAYLOAD, "sha256=ünïcode"),
    ],
)
def test_github_refuses_any_other_body_secret_or_signature(
    secret: str, payload: bytes, signature: str
) -> None:
    with pytest.raises(InvalidSignatureError):
        verify_github(secret, payload, {"x-hub-signature-256": signature})


def test_a_missing_signature_header_is_refused() -> None:
    for verify in (verify_github, verify_jira, verify_linear):
        with pytest.raises(InvalidSignatureError, match="missing"):
            verify(GITHUB_SECRET, GITHUB_PAYLOAD, {})


def test_jira_signs_the_body_with_hmac_sha256_in_x_hub_signature() -> None:
    """Atlassian: "X-Hub-Signature: sha256=<HMAC-SHA256 of the body, hex>"
    (https://developer.atlassian.com/cloud/jira/platform/webhooks/#secure-admin-webhooks)."""
    body = b'{"webhookEvent":"comment_created"}'
    digest = hmac.new(b"jira-secret", body, hashlib.sha256).hexdigest()
    verify_jira("jira-secret", body, {"x-hub-signature": f"sha256={digest}"})
    with pytest.raises(InvalidSignatureError):
        verify_jira("jira-secret", body, {"x-hub-signature": f"sha1={digest}"})


def test_linear_signs_the_raw_body_and_its_timestamp_must_be_fresh() -> None:
    body = b'{"type":"Comment","webhookTimestamp":1765102500000}'
    digest = hmac.new(b"lin_wh_secret", body, hashlib.sha256).hexdigest()
    verify_linear("lin_wh_secret", body, {"linear-signature": digest})
    with pytest.raises(InvalidSignatureError):
        verify_linear("lin_wh_secret", body + b" ", {"linear-signature": digest})
    now = 1765102500.0
    require_fresh_linear({"webhookTimestamp": 1765102500000}, now=now + 59)
    for stale in (now + 61, now - 61):
        with pytest.raises(InvalidSignatureError, match="replay window"):
            require_fresh_linear({"webhookTimestamp": 1765102500000}, now=stale)
    for missing in ({}, {"webhookTimestamp": "1765102500000"}, {"webhookTimestamp": True}):
        with pytest.raises(InvalidSignatureError):
            require_fresh_linear(missing, now=now)


def test_trello_signs_the_body_followed_by_the_callback_url() -> None:
    """Trello: base64 HMAC-SHA1 of the body + the callback URL, keyed with the app's
    secret (https://developer.atlassian.com/cloud/trello/guides/rest-api/webhooks/)."""
    body, url = b'{"action":{"type":"commentCard"}}', "https://rw.example/v1/hooks/trello/int_1"
    digest = base64.b64encode(hmac.new(b"app-secret", body + url.encode(), hashlib.sha1).digest())
    verify_trello("app-secret", body, {"x-trello-webhook": digest.decode()}, url)
    with pytest.raises(InvalidSignatureError):
        verify_trello("app-secret", body, {"x-trello-webhook": digest.decode()}, url + "/")


def test_the_standard_webhooks_example_signs_as_published_and_is_stale_now() -> None:
    signed_at = datetime.fromtimestamp(SW_TIMESTAMP, UTC)
    assert Webhook(SW_SECRET).sign(SW_ID, signed_at, SW_BODY) == SW_SIGNATURE
    headers = {
        "webhook-id": SW_ID,
        "webhook-timestamp": str(SW_TIMESTAMP),
        "webhook-signature": SW_SIGNATURE,
    }
    with pytest.raises(InvalidSignatureError, match="too old"):
        verify_standard(SW_SECRET, SW_BODY, headers)


def test_standard_webhooks_verify_raw_bytes_that_are_not_utf8() -> None:
    body = "Subject: Popravek\r\n\r\nProsim, skraj\xb9ajte uvod.".encode("latin-1")
    now = datetime.fromtimestamp(time.time(), UTC)
    headers = {
        "webhook-id": "msg_1",
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": Webhook(SW_SECRET).sign("msg_1", now, body),
    }
    verify_standard(SW_SECRET, body, headers)
    with pytest.raises(InvalidSignatureError):
        verify_standard(SW_SECRET, body[:-1], headers)
    with pytest.raises(InvalidSignatureError, match="Missing"):
        verify_standard(SW_SECRET, body, {"webhook-id": "msg_1"})
