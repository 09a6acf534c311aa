"""Inbound webhooks end to end: a client's comment on GitHub, Trello, Jira, Linear or a
generic sender becomes one judged revision request; a bad signature is 401 and leaves
nothing; the freelancer's comments, bots, edits and other events are acknowledged and
ignored with a reason; the same comment delivered again, or five times at once, is one
request and one round.

Payloads are shaped like the providers' documented ones (``tests/api/inbound_support``):
- GitHub ``issue_comment``: https://docs.github.com/en/webhooks/webhook-events-and-payloads#issue_comment
- Trello actions: https://developer.atlassian.com/cloud/trello/guides/rest-api/webhooks/
- Jira ``comment_created``: https://developer.atlassian.com/cloud/jira/platform/webhooks/
- Linear ``Comment``: https://linear.app/developers/webhooks
- Standard Webhooks: https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from tests.api.asgiclient import ASGIClient
from tests.api.conftest import example_spec_text
from tests.api.inbound_support import (
    FREELANCER_LOGIN,
    dumps,
    github_comment,
    github_headers,
    hook_path,
    integration,
    jira_comment,
    jira_headers,
    linear_comment,
    linear_headers,
    standard_headers,
    trello_comment,
    trello_headers,
)
from tests.api.test_revision_requests import ASK

PROVIDERS = ["github", "trello", "jira", "linear", "generic"]


def client_comment(provider: str, comment_id: str = "1640000001") -> dict[str, Any]:
    """A new comment by the client, with this comment id."""
    if provider == "github":
        return github_comment(comment_id=int(comment_id), body=ASK)
    if provider == "trello":
        return trello_comment(action_id=f"6751a2b3c4d5e6f7{comment_id[-8:]}", text=ASK)
    if provider == "jira":
        return jira_comment(comment_id=comment_id, body=ASK)
    if provider == "linear":
        return linear_comment(comment_id=f"2174add1-f7c8-44e3-bbf3-{comment_id:0>12}", body=ASK)
    return {"external_id": comment_id, "author": "marko", "message": ASK}


def comment_id_of(provider: str, payload: dict[str, Any]) -> str:
    if provider == "github":
        return str(payload["comment"]["id"])
    if provider == "trello":
        return str(payload["action"]["id"])
    if provider == "jira":
        return str(payload["comment"]["id"])
    if provider == "linear":
        return str(payload["data"]["id"])
    return str(payload["external_id"])


def signed(
    provider: str, created: dict[str, Any], body: bytes, secret: str | None = None
) -> dict[str, str]:
    """The headers the provider sends with ``body`` (signed with ``secret``)."""
    secret = secret or created["secret"]
    if provider == "github":
        return github_headers(secret, body)
    if provider == "trello":
        return trello_headers(secret, body, created["hook_url"])
    if provider == "jira":
        return jira_headers(secret, body)
    if provider == "linear":
        return linear_headers(secret, body)
    return standard_headers(secret, body, "application/json")


def deliver(
    client: ASGIClient, provider: str, created: dict[str, Any], payload: dict[str, Any]
) -> dict[str, Any]:
    body = dumps(payload)
    response = client.post(
        hook_path(created), content=body, headers=signed(provider, created, body)
    )
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def requests_of(client: ASGIClient, auth: dict[str, str], contract_id: str) -> list[Any]:
    url = f"/v1/contracts/{contract_id}/revision-requests"
    items: list[Any] = client.get(url, params={"limit": 100}, headers=auth).json()["items"]
    return items


def deliveries_of(client: ASGIClient, auth: dict[str, str], created: dict[str, Any]) -> list[Any]:
    url = f"/v1/integrations/{created['id']}/deliveries"
    items: list[Any] = client.get(url, params={"limit": 100}, headers=auth).json()["items"]
    return items


def decisions_of(client: ASGIClient, auth: dict[str, str], contract_id: str) -> list[Any]:
    ledger = client.get(
        f"/v1/contracts/{contract_id}/ledger", params={"limit": 200}, headers=auth
    ).json()["items"]
    return [e for e in ledger if e["type"] == "decision_made"]


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_client_comment_becomes_a_judged_revision_request(
    client: ASGIClient, auth: dict[str, str], provider: str
) -> None:
    created = integration(client, auth, provider)
    payload = client_comment(provider)
    answer = deliver(client, provider, created, payload)
    assert answer["outcome"] == "created", answer
    assert answer["reason"] == "judged: included"
    [judged] = requests_of(client, auth, created["contract_id"])
    assert judged["request"]["id"] == answer["request_id"]
    assert judged["request"]["channel"] == provider
    assert judged["request"]["external_id"] == f"{provider}:{comment_id_of(provider, payload)}"
    assert judged["request"]["message"] == ASK
    assert judged["decision"]["verdict"] == "included"
    [logged] = deliveries_of(client, auth, created)
    assert (logged["outcome"], logged["request_id"]) == ("created", answer["request_id"])
    assert logged["id"] == answer["delivery"]


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize("fault", ["tampered body", "wrong secret", "missing header"])
def test_a_bad_signature_is_401_and_stores_nothing(
    client: ASGIClient, auth: dict[str, str], provider: str, fault: str
) -> None:
    created = integration(client, auth, provider)
    body = dumps(client_comment(provider))
    headers = signed(provider, created, body)
    if fault == "tampered body":
        body = body.replace(b"shorter", b"longer!")
    elif fault == "wrong secret":
        wrong = "whsec_" + "QUJD" * 11 if provider == "generic" else "not-the-secret-" * 3
        headers = signed(provider, created, body, secret=wrong)
    else:
        signature_headers = {
            "x-hub-signature-256",
            "x-hub-signature",
            "x-trello-webhook",
            "linear-signature",
            "webhook-signature",
        }
        headers = {k: v for k, v in headers.items() if k.lower() not in signature_headers}
    response = client.post(hook_path(created), content=body, headers=headers)
    assert response.status_code == 401, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == "/problems/invalid-signature"
    assert requests_of(client, auth, created["contract_id"]) == []
    assert deliveries_of(client, auth, created) == []


def test_a_stale_linear_timestamp_is_401(client: ASGIClient, auth: dict[str, str]) -> None:
    created = integration(client, auth, "linear")
    for stamp in (time.time() - 61, time.time() + 61):
        body = dumps(linear_comment(body=ASK, timestamp_ms=int(stamp * 1000)))
        response = client.post(
            hook_path(created), content=body, headers=linear_headers(created["secret"], body)
        )
        assert response.status_code == 401, response.text
        assert "replay window" in response.json()["detail"]
    assert requests_of(client, auth, created["contract_id"]) == []
    assert deliveries_of(client, auth, created) == []


def test_a_stale_standard_webhooks_timestamp_is_401(
    client: ASGIClient, auth: dict[str, str]
) -> None:
    created = integration(client, auth, "generic")
    body = dumps(client_comment("generic"))
    old = standard_headers(created["secret"], body, "application/json", at=time.time() - 600)
    response = client.post(hook_path(created), content=body, headers=old)
    assert response.status_code == 401
    assert "too old" in response.json()["detail"]
    assert deliveries_of(client, auth, created) == []


IGNORED = [
    (
        "github",
        github_comment(login=FREELANCER_LOGIN),
        "issue_comment",
        "the freelancer's own comment",
    ),
    (
        "github",
        github_comment(login="dependabot[bot]", user_type="Bot"),
        "issue_comment",
        "written by a bot or an app",
    ),
    (
        "github",
        github_comment(action="edited"),
        "issue_comment",
        "issue comment edited: only new comments are requests",
    ),
    (
        "github",
        github_comment(login="someone-else"),
        "issue_comment",
        "someone-else, 583231 is not one of the clients",
    ),
    (
        "github",
        {"zen": "Keep it logically awesome.", "hook_id": 1},
        "ping",
        "ping: GitHub checked the hook",
    ),
    ("github", {"action": "opened"}, "issues", "GitHub event 'issues' is not an issue comment"),
    (
        "trello",
        trello_comment(kind="updateComment"),
        None,
        "Trello action 'updateComment' is not a new card comment",
    ),
    ("trello", trello_comment(username="anawrites"), None, "the freelancer's own comment"),
    (
        "jira",
        jira_comment(event="comment_updated"),
        None,
        "Jira event 'comment_updated' is not a new comment",
    ),
    ("jira", jira_comment(account_type="app"), None, "written by a bot or an app"),
    (
        "linear",
        linear_comment(action="update"),
        None,
        "Linear comment update: only new comments are requests",
    ),
    ("linear", linear_comment(email="ana@studio.example"), None, "the freelancer's own comment"),
]


@pytest.mark.parametrize(("provider", "payload", "event", "reason"), IGNORED)
def test_other_comments_and_events_are_acknowledged_and_ignored_with_the_reason(
    client: ASGIClient,
    auth: dict[str, str],
    provider: str,
    payload: dict[str, Any],
    event: str | None,
    reason: str,
) -> None:
    created = integration(client, auth, provider)
    if "webhookTimestamp" in payload:
        # Built when the module was collected, maybe minutes ago: Linear's replay window
        # (60 s) would refuse it before the reason under test is reached.
        payload = payload | {"webhookTimestamp": int(time.time() * 1000)}
    body = dumps(payload)
    headers = signed(provider, created, body)
    if event is not None:
        headers["X-GitHub-Event"] = event
    response = client.post(hook_path(created), content=body, headers=headers)
    assert response.status_code == 200, response.text
    assert (response.json()["outcome"], response.json()["reason"]) == ("ignored", reason)
    assert requests_of(client, auth, created["contract_id"]) == []
    [logged] = deliveries_of(client, auth, created)
    assert (logged["outcome"], logged["reason"]) == ("ignored", reason)


def test_a_comment_on_another_issue_is_ignored(client: ASGIClient, auth: dict[str, str]) -> None:
    created = integration(client, auth, "github")
    payload = github_comment()
    payload["issue"]["number"] = 13
    answer = deliver(client, "github", created, payload)
    assert answer["outcome"] == "ignored"
    assert (
        answer["reason"] == "a comment on horvat-bakery/website#13, not on horvat-bakery/website#12"
    )


def test_trello_head_check_is_answered(client: ASGIClient, auth: dict[str, str]) -> None:
    created = integration(client, auth, "trello")
    assert client.request("HEAD", hook_path(created)).status_code == 200
    assert client.request("HEAD", "/v1/hooks/trello/int_unknown").status_code == 404


def test_a_trello_comment_on_the_cards_short_link_counts(
    client: ASGIClient, auth: dict[str, str]
) -> None:
    created = integration(client, auth, "trello", external_ref="AbCd1234")
    assert deliver(client, "trello", created, client_comment("trello"))["outcome"] == "created"


def test_an_unknown_integration_or_provider_is_404(
    client: ASGIClient, auth: dict[str, str]
) -> None:
    created = integration(client, auth, "github")
    body = dumps(github_comment())
    headers = github_headers(created["secret"], body)
    assert (
        client.post(f"/v1/hooks/github/int_{'0' * 26}", content=body, headers=headers).status_code
        == 404
    )
    wrong_provider = hook_path(created).replace("/github/", "/jira/")
    assert client.post(wrong_provider, content=body, headers=headers).status_code == 404
    assert (
        client.post(hook_path(created).replace("/github/", "/slack/"), content=body).status_code
        == 422
    )


def test_a_generic_comment_may_name_its_deliverable_and_a_bad_one_is_refused(
    client: ASGIClient, auth: dict[str, str]
) -> None:
    created = integration(client, auth, "generic")
    payload = client_comment("generic") | {"deliverable": "brochure"}
    answer = deliver(client, "generic", created, payload)
    assert answer["outcome"] == "refused"
    assert "no deliverable 'brochure'" in answer["reason"]
    too_long = client_comment("generic", "2") | {"message": "word " * 3_001}
    refused = deliver(client, "generic", created, too_long)
    assert refused["outcome"] == "refused"
    assert refused["reason"].startswith("message:")
    assert requests_of(client, auth, created["contract_id"]) == []
    assert [d["outcome"] for d in deliveries_of(client, auth, created)] == ["refused", "refused"]


def test_a_comment_on_an_unsigned_contract_is_refused_with_the_reason(
    client: ASGIClient, auth: dict[str, str]
) -> None:
    draft = client.post("/v1/contracts", json={"spec_text": example_spec_text()}, headers=auth)
    created = integration(client, auth, "jira", contract_id=draft.json()["id"])
    answer = deliver(client, "jira", created, client_comment("jira"))
    assert answer["outcome"] == "refused"
    assert "not signed" in answer["reason"]


@pytest.mark.parametrize("provider", PROVIDERS)
def test_the_same_comment_five_times_is_one_request_and_one_round(
    client: ASGIClient, auth: dict[str, str], provider: str
) -> None:
    created = integration(client, auth, provider)
    payload = client_comment(provider)
    answers = [deliver(client, provider, created, payload) for _ in range(5)]
    assert [a["outcome"] for a in answers] == ["created"] + ["duplicate"] * 4
    assert {a["request_id"] for a in answers} == {answers[0]["request_id"]}
    assert len(requests_of(client, auth, created["contract_id"])) == 1
    assert len(decisions_of(client, auth, created["contract_id"])) == 1
    # A second, different comment is judged on: the one round is used, so it is extra.
    other = deliver(client, provider, created, client_comment(provider, "1640000002"))
    assert other["reason"] == "judged: extra_round"


def test_one_github_delivery_resent_is_answered_from_the_log(
    client: ASGIClient, auth: dict[str, str]
) -> None:
    created = integration(client, auth, "github")
    body = dumps(github_comment())
    headers = github_headers(
        created["secret"], body, delivery="72d3162e-cc78-11e3-81ab-4c9367dc0958"
    )
    first = client.post(hook_path(created), content=body, headers=headers).json()
    again = client.post(hook_path(created), content=body, headers=headers).json()
    assert (again["outcome"], again["reason"]) == ("duplicate", "this delivery was received before")
    assert again["request_id"] == first["request_id"]


@pytest.mark.parametrize("path", ["served", "bare"])
@pytest.mark.parametrize("provider", ["github", "linear"])
def test_five_concurrent_deliveries_of_one_comment_are_one_request(
    request: pytest.FixtureRequest, auth: dict[str, str], path: str, provider: str
) -> None:
    client: ASGIClient = request.getfixturevalue("client" if path == "served" else "bare_client")
    created = integration(client, auth, provider)
    body = dumps(client_comment(provider))
    calls = [
        ("POST", hook_path(created), {"content": body, "headers": signed(provider, created, body)})
        for _ in range(5)
    ]
    responses = client.gather(calls)
    assert [r.status_code for r in responses] == [200] * 5
    outcomes = sorted(r.json()["outcome"] for r in responses)
    assert outcomes == ["created"] + ["duplicate"] * 4
    assert len({r.json()["request_id"] for r in responses}) == 1
    assert len(requests_of(client, auth, created["contract_id"])) == 1
    assert len(decisions_of(client, auth, created["contract_id"])) == 1


def test_five_deliveries_from_five_threads_are_one_request(
    bare_client: ASGIClient, auth: dict[str, str]
) -> None:
    created = integration(bare_client, auth, "jira")
    body = dumps(client_comment("jira"))

    def send(_: int) -> Any:
        headers = signed("jira", created, body)
        return bare_client.post(hook_path(created), content=body, headers=headers)

    with ThreadPoolExecutor(max_workers=5) as pool:
        responses = list(pool.map(send, range(5)))
    assert [r.status_code for r in responses] == [200] * 5
    assert sorted(r.json()["outcome"] for r in responses) == ["created"] + ["duplicate"] * 4
    assert len(requests_of(bare_client, auth, created["contract_id"])) == 1
    assert len(decisions_of(bare_client, auth, created["contract_id"])) == 1


def test_a_jira_document_body_is_read_as_text(client: ASGIClient, auth: dict[str, str]) -> None:
    created = integration(client, auth, "jira")
    document = {
        "type": "doc",
        "version": 1,
        "content": [
            {
                "type": "paragraph",
                "content": [{"type": "text", "text": "Could you shorten the intro"}],
            },
            {"type": "paragraph", "content": [{"type": "text", "text": "and mention the rye?"}]},
        ],
    }
    answer = deliver(client, "jira", created, jira_comment(body=document))
    assert answer["outcome"] == "created"
    [judged] = requests_of(client, auth, created["contract_id"])
    assert judged["request"]["message"] == "Could you shorten the intro\nand mention the rye?"


def test_an_idempotency_key_a_sender_adds_is_no_reason_to_ask_for_an_api_key(
    client: ASGIClient, auth: dict[str, str]
) -> None:
    created = integration(client, auth, "generic")
    body = dumps(client_comment("generic"))
    headers = signed("generic", created, body) | {"Idempotency-Key": "zap-1"}
    first = client.post(hook_path(created), content=body, headers=headers)
    again = client.post(hook_path(created), content=body, headers=headers)
    assert first.status_code == again.status_code == 200
    assert (first.json()["outcome"], again.json()["outcome"]) == ("created", "duplicate")


def test_the_body_limit_applies_and_an_unreadable_body_is_ignored(
    client: ASGIClient, auth: dict[str, str]
) -> None:
    created = integration(client, auth, "github")
    huge = dumps(github_comment(body="word " * 20_000))
    response = client.post(
        hook_path(created), content=huge, headers=github_headers(created["secret"], huge)
    )
    assert response.status_code == 413
    assert deliveries_of(client, auth, created) == []
    form = b"payload=%7B%22action%22%3A%22created%22%7D"
    headers = github_headers(created["secret"], form)
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    answer = client.post(hook_path(created), content=form, headers=headers).json()
    assert (answer["outcome"], answer["reason"]) == ("ignored", "the payload is not a JSON object")
    assert requests_of(client, auth, created["contract_id"]) == []


@pytest.mark.parametrize("provider", ["github", "trello", "linear"])
def test_a_comment_beyond_ascii_verifies_on_its_utf8_bytes(
    client: ASGIClient, auth: dict[str, str], provider: str
) -> None:
    """The signature covers the body's bytes as sent (UTF-8), not a re-encoding; Trello
    signed high code points differently once, and fixed it (trello-archive/api-docs#26)."""
    created = integration(client, auth, provider)
    text = "Prosim, skrajšajte uvodni odstavek in omenite rženi kruh 🍞"
    payload = {
        "github": lambda: github_comment(body=text),
        "trello": lambda: trello_comment(text=text),
        "linear": lambda: linear_comment(body=text),
    }[provider]()
    answer = deliver(client, provider, created, payload)
    assert answer["outcome"] == "created", answer
    [judged] = requests_of(client, auth, created["contract_id"])
    assert judged["request"]["message"] == text
