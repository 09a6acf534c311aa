"""A contract's integrations page over HTTP: link a tool with the form (the secret shown
once), a signed webhook from it in the delivery log with its request linked, pause and
resume, rotate, delete; CSRF on every form; another account's or contract's is 404."""

from __future__ import annotations

import html
import re

from roundwise.store.db import Database
from tests.api.asgiclient import ASGIClient
from tests.api.inbound_support import dumps, github_comment, github_headers
from tests.web.conftest import FIRST_VERSION, WebClient, new_key

SECRET_RE = re.compile(r'id="secret-text" type="text" readonly value="([^"]+)"')
HOOK_RE = re.compile(r'id="hook-url" type="text" readonly value="([^"]+)"')
GITHUB_FORM = {
    "provider": "github",
    "deliverable": "home-page-copy",
    "external_ref": "horvat-bakery/website#12",
    "client_ids": "marko-bakery,\nmarko-2",
    "freelancer_ids": "ana-writes",
    "secret": "",
}


def _linked(browser: WebClient) -> tuple[str, str, str, str]:
    """A signed contract with a version and a GitHub integration made with the form:
    (contract id, integration id, secret, hook URL)."""
    contract_id = browser.signed_contract()
    browser.post_form(
        f"/app/contracts/{contract_id}/versions",
        {"deliverable": "home-page-copy", "text": FIRST_VERSION},
    )
    assert (
        f"/app/contracts/{contract_id}/integrations"
        in browser.get(f"/app/contracts/{contract_id}").text
    )  # the contract page links it
    assert "No integrations yet." in browser.get(f"/app/contracts/{contract_id}/integrations").text
    made = browser.post_form(f"/app/contracts/{contract_id}/integrations", GITHUB_FORM)
    assert made.status_code == 200, made.text
    secret = html.unescape(SECRET_RE.search(made.text).group(1))  # type: ignore[union-attr]
    hook = html.unescape(HOOK_RE.search(made.text).group(1))  # type: ignore[union-attr]
    integration_id = hook.rsplit("/", 1)[1]
    return contract_id, integration_id, secret, hook


def test_link_a_tool_and_see_its_deliveries(browser: WebClient, key: str) -> None:
    browser.sign_in(key)
    contract_id, integration_id, secret, hook = _linked(browser)
    assert hook == f"http://roundwise.test/v1/hooks/github/{integration_id}"  # the API's
    assert len(secret) >= 32
    listed = browser.get(f"/app/contracts/{contract_id}/integrations")
    assert "horvat-bakery/website#12" in listed.text
    assert hook in listed.text
    assert secret not in listed.text  # shown once only
    page_path = f"/app/contracts/{contract_id}/integrations/{integration_id}"
    page = browser.get(page_path)
    assert "marko-bakery, marko-2" in page.text
    assert secret not in page.text
    assert "No deliveries yet." in page.text

    body = dumps(github_comment(body="Could you make the opening shorter, please?"))
    answer = browser.client.post(
        "/v1/hooks/github/" + integration_id, content=body, headers=github_headers(secret, body)
    )
    assert answer.status_code == 200, answer.text
    ignored = dumps(github_comment(comment_id=77, login="ana-writes"))
    browser.client.post(
        "/v1/hooks/github/" + integration_id,
        content=ignored,
        headers=github_headers(secret, ignored),
    )
    log = browser.get(page_path).text
    assert "Request created" in log
    assert "Ignored" in log
    linked = re.search(rf'href="(/app/contracts/{contract_id}/requests/[^"]+)"', log)
    assert linked is not None
    assert browser.get(linked.group(1)).status_code == 200


def test_pause_resume_rotate_and_delete(browser: WebClient, key: str) -> None:
    browser.sign_in(key)
    contract_id, integration_id, secret, _hook = _linked(browser)
    page_path = f"/app/contracts/{contract_id}/integrations/{integration_id}"
    browser.get(page_path)
    paused = browser.post_form(page_path + "/paused", {"paused": "true"})
    assert paused.status_code == 303
    assert ">Paused<" in browser.get(page_path).text
    browser.post_form(page_path + "/paused", {"paused": "false"})
    assert ">Active<" in browser.get(page_path).text

    rotated = browser.post_form(page_path + "/rotate-secret", {})
    assert rotated.status_code == 200
    new_secret = html.unescape(SECRET_RE.search(rotated.text).group(1))  # type: ignore[union-attr]
    assert new_secret != secret
    body = dumps(github_comment())
    stale = browser.client.post(
        "/v1/hooks/github/" + integration_id, content=body, headers=github_headers(secret, body)
    )
    assert stale.status_code == 401  # the old secret no longer signs

    deleted = browser.post_form(page_path + "/delete", {})
    assert deleted.status_code == 303
    assert browser.get(page_path).status_code == 404
    assert "No integrations yet." in browser.get(f"/app/contracts/{contract_id}/integrations").text


def test_the_form_shows_errors_next_to_their_fields(browser: WebClient, key: str) -> None:
    browser.sign_in(key)
    contract_id = browser.signed_contract()
    browser.get(f"/app/contracts/{contract_id}/integrations")
    form = {**GITHUB_FORM, "external_ref": "not a github issue", "client_ids": " , "}
    refused = browser.post_form(f"/app/contracts/{contract_id}/integrations", form)
    assert refused.status_code == 422
    tag = refused.text.split('id="f-client_ids"', 1)[1].split(">", 1)[0]
    assert 'aria-invalid="true"' in tag
    assert 'value="not a github issue"' in refused.text  # the input is kept
    trello = {**GITHUB_FORM, "provider": "trello", "external_ref": "5f1e2d3c4b5a697887766554"}
    refused = browser.post_form(f"/app/contracts/{contract_id}/integrations", trello)
    assert refused.status_code == 422
    assert "required for trello" in refused.text.split('id="f-secret"', 1)[1]
    wrong_ref = browser.post_form(
        f"/app/contracts/{contract_id}/integrations", {**GITHUB_FORM, "external_ref": "x y"}
    )
    assert "owner/repo#123" in wrong_ref.text.split('id="f-external_ref"', 1)[1]


def test_forms_need_their_csrf_token_and_the_account(
    browser: WebClient, served_web: ASGIClient, database: Database, key: str
) -> None:
    browser.sign_in(key)
    contract_id, integration_id, _secret, _hook = _linked(browser)
    page_path = f"/app/contracts/{contract_id}/integrations/{integration_id}"
    for action, form in (
        ("/paused", {"paused": "true"}),
        ("/rotate-secret", {"secret": ""}),
        ("/delete", {"next": "/"}),
    ):  # a form with a field (an empty body is no form: 400)
        assert browser.post_form(page_path + action, form, csrf=False).status_code == 403
    assert (
        browser.post_form(
            f"/app/contracts/{contract_id}/integrations", GITHUB_FORM, csrf=False
        ).status_code
        == 403
    )
    assert ">Active<" in browser.get(page_path).text  # nothing moved

    other = WebClient(served_web)
    other.sign_in(new_key(database))
    own_contract = other.signed_contract()
    for path in (f"/app/contracts/{contract_id}/integrations", page_path):
        assert other.get(path).status_code == 404, path
    assert other.post_form(page_path + "/delete", {}).status_code == 404
    # Its own contract's URL with this integration's id is no way in either.
    assert (
        other.get(f"/app/contracts/{own_contract}/integrations/{integration_id}").status_code == 404
    )
    assert browser.get(page_path).status_code == 200


def test_the_picker_offers_every_language_and_each_is_used(browser: WebClient, key: str) -> None:
    """The language picker lists the seven interface languages; choosing one renders the
    pages in it (Serbian Cyrillic through the transliterated Latin catalogue)."""
    browser.sign_in(key)
    contract_id = browser.signed_contract()
    browser.post_form(
        f"/app/contracts/{contract_id}/versions",
        {"deliverable": "home-page-copy", "text": FIRST_VERSION},
    )
    browser.post_form(
        f"/app/contracts/{contract_id}/requests",
        {"deliverable": "home-page-copy", "message": "Could you also write five Instagram posts?"},
    )
    page = browser.get("/app/").text
    for code in ("en", "sl", "pl", "sr", "sr-Cyrl", "el", "ka"):
        assert f'<option value="{code}" lang="{code}"' in page, code
    path = f"/app/contracts/{contract_id}/integrations"
    for code, heading in (
        ("pl", "Integracje"),
        ("sr", "Integracije"),
        ("sr-Cyrl", "Интеграције"),
        ("el", "Ενσωματώσεις"),
        ("ka", "ინტეგრაციები"),
    ):
        browser.post_form("/app/language", {"language": code, "next": path})
        shown = browser.get(path)
        assert f'<html lang="{code}">' in shown.text
        assert f"<h1>{heading}</h1>" in shown.text
        assert shown.headers["content-language"] == code
        for other in ("", "/scope", "/deliverables/home-page-copy", "/integrations/int_none"):
            page = browser.get(f"/app/contracts/{contract_id}{other}")
            assert page.status_code == (404 if other.endswith("none") else 200), (code, other)
            assert f'<html lang="{code}">' in page.text
