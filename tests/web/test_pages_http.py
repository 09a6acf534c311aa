"""The web pages over HTTP, without a browser: sign-in, session cookie, CSRF, scoping,
expiry, the forms and the pages they lead to (fast; tests/web/test_browser.py drives a
real Chromium through the same flow)."""

from __future__ import annotations

import html
import re
import time
from datetime import timedelta

from roundwise.api.app import create_app
from roundwise.store.base import utcnow
from roundwise.store.db import Database
from roundwise.store.web_sessions import issue_login_link
from tests.api.asgiclient import ASGIClient
from tests.web.conftest import CONTRACT_FORM, FIRST_VERSION, WebClient, new_key, web_settings

CLIENT_MESSAGE = (
    "Hi Ana, could you fix the typo in the opening and also write five Instagram posts?"
)


def _account_name(database: Database, key: str) -> str:
    from roundwise.store.accounts import authenticate
    from roundwise.store.models import Account

    with database.reads() as session:
        account_id = authenticate(session, key)
        account = session.get(Account, account_id)
        assert account is not None
        return account.name


def test_root_and_pages_send_a_visitor_to_the_sign_in(browser: WebClient) -> None:
    assert browser.get("/").headers["location"] == "/app/"
    page = browser.get("/app/")
    assert page.status_code == 303
    assert page.headers["location"] == "/app/sign-in"


def test_sign_in_with_an_api_key_sets_a_safe_session_cookie(browser: WebClient, key: str) -> None:
    browser.get("/app/sign-in")
    signed = browser.post_form("/app/sign-in", {"api_key": key})
    assert signed.status_code == 303
    cookie = signed.headers["set-cookie"].lower()
    for attribute in ("httponly", "samesite=lax", "path=/app", "max-age=28800"):
        assert attribute in cookie
    assert "secure" not in cookie  # served over plain HTTP here
    assert key not in signed.headers["set-cookie"]
    page = browser.get("/app/")
    assert page.status_code == 200
    assert "<h1>Contracts</h1>" in page.text
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["referrer-policy"] == "same-origin"  # a login link's token stays here
    assert page.headers["cache-control"] == "no-store"


def test_the_cookie_is_secure_over_https(served_web: ASGIClient, key: str) -> None:
    browser = WebClient(served_web, base_url="https://roundwise.test")
    browser.get("/app/sign-in")
    signed = browser.post_form("/app/sign-in", {"api_key": key})
    assert "; secure" in signed.headers["set-cookie"].lower()


def test_a_wrong_key_is_refused_on_the_form(browser: WebClient, key: str) -> None:
    browser.get("/app/sign-in")
    refused = browser.post_form("/app/sign-in", {"api_key": key[:-2] + "xx"})
    assert refused.status_code == 401
    assert "unknown or revoked" in refused.text
    assert browser.get("/app/").status_code == 303


def test_a_login_link_works_once(browser: WebClient, database: Database, key: str) -> None:
    with database.writes.begin() as session:
        token, _expires = issue_login_link(session, _account_name(database, key))
    opened = browser.get(f"/app/login/{token}")
    assert opened.status_code == 200  # opening (a mail scanner, a prefetch) uses nothing
    used = browser.post_form(f"/app/login/{token}", {})
    assert used.status_code == 303
    assert browser.get("/app/").status_code == 200
    again = WebClient(browser.client)
    again.get(f"/app/login/{token}")
    assert again.post_form(f"/app/login/{token}", {}).status_code == 400


def test_an_expired_login_link_is_refused(browser: WebClient, database: Database, key: str) -> None:
    with database.writes.begin() as session:
        token, _ = issue_login_link(session, _account_name(database, key), timedelta(seconds=-1))
    browser.get(f"/app/login/{token}")
    assert browser.post_form(f"/app/login/{token}", {}).status_code == 400


def test_a_form_without_its_csrf_token_is_refused(browser: WebClient, key: str) -> None:
    browser.sign_in(key)
    contract_id = browser.signed_contract()
    missing = browser.post_form(
        f"/app/contracts/{contract_id}/status", {"status": "completed"}, csrf=False
    )
    assert missing.status_code == 403
    assert "security token" in missing.text
    forged = browser.post_form(
        f"/app/contracts/{contract_id}/status",
        {"status": "completed", "csrf_token": "forged"},
        csrf=False,
    )
    assert forged.status_code == 403
    lint = browser.request(
        "POST", "/app/lint", json={"text": "Hello", "language": "en"}
    )  # no X-CSRF-Token header
    assert lint.status_code == 403
    assert "Signed" in browser.get(f"/app/contracts/{contract_id}").text  # nothing moved


def test_a_sign_in_without_a_session_is_refused(browser: WebClient, key: str) -> None:
    """Login CSRF: a sign-in posted from elsewhere has no session cookie and no token."""
    refused = browser.post_form("/app/sign-in", {"api_key": key, "csrf_token": "x"}, csrf=False)
    assert refused.status_code == 403


def test_another_accounts_pages_are_not_found(
    browser: WebClient, served_web: ASGIClient, database: Database, key: str
) -> None:
    browser.sign_in(key)
    contract_id = browser.signed_contract()
    browser.post_form(
        f"/app/contracts/{contract_id}/versions",
        {"deliverable": "home-page-copy", "text": FIRST_VERSION},
    )
    sent = browser.post_form(
        f"/app/contracts/{contract_id}/requests",
        {"deliverable": "home-page-copy", "message": CLIENT_MESSAGE},
    )
    request_path = sent.headers["location"].removeprefix("/app")
    other = WebClient(served_web)
    other.sign_in(new_key(database))
    for path in (
        f"/contracts/{contract_id}",
        request_path,
        f"/contracts/{contract_id}/deliverables/home-page-copy",
        f"/contracts/{contract_id}/scope",
        f"/contracts/{contract_id}/documents/agreement.pdf",
    ):
        assert browser.get("/app" + path).status_code == 200, path
        page = other.get("/app" + path)
        assert page.status_code == 404, path
        assert "not yours" in page.text
    moved = other.post_form(f"/app/contracts/{contract_id}/status", {"status": "completed"})
    assert moved.status_code == 404


def test_the_session_expires(db_url: str, database: Database, key: str) -> None:
    app = create_app(web_settings(db_url, web_session_max_age_seconds=1), database)
    browser = WebClient(ASGIClient(app))
    browser.sign_in(key)
    assert browser.get("/app/").status_code == 200
    time.sleep(2.2)  # the signature carries its time in whole seconds
    assert browser.get("/app/").headers.get("location") == "/app/sign-in"


def test_the_form_shows_spec_errors_next_to_their_fields(browser: WebClient, key: str) -> None:
    browser.sign_in(key)
    browser.get("/app/contracts/new")
    form = {
        **CONTRACT_FORM,
        "currency": "euro",
        "client.email": "not-an-email",
        "deliverables[0].fee": "-5",
    }
    refused = browser.post_form("/app/contracts/new", form)
    assert refused.status_code == 422
    for field_id in ("f-currency", "f-client-email", "f-deliverables-0-fee"):
        assert f'id="{field_id}"' in refused.text
        tag = refused.text.split(f'id="{field_id}"', 1)[1].split(">", 1)[0]
        assert 'aria-invalid="true"' in tag, field_id
    assert 'value="Website copy for Horvat Bakery"' in refused.text  # the input is kept
    assert "must be at least 0" in refused.text


def test_deliver_judge_read_and_download(browser: WebClient, key: str) -> None:
    browser.sign_in(key)
    contract_id = browser.signed_contract()
    delivered = browser.post_form(
        f"/app/contracts/{contract_id}/versions",
        {"deliverable": "home-page-copy", "text": FIRST_VERSION},
    )
    assert delivered.status_code == 303
    sent = browser.post_form(
        f"/app/contracts/{contract_id}/requests",
        {"deliverable": "home-page-copy", "message": CLIENT_MESSAGE},
    )
    assert sent.status_code == 303
    page = browser.get(sent.headers["location"])
    assert page.status_code == 200
    assert '<mark title="exclusion.social_media' in page.text  # the matched cue, highlighted
    assert "Out of scope" in page.text
    assert 'id="reply-text"' in page.text
    lint = browser.request(
        "POST",
        "/app/lint",
        json={"text": "NO. WE WILL NOT DO THIS.", "language": "en", "client_name": "Marko"},
        headers={"X-CSRF-Token": browser.csrf},
    )
    assert lint.status_code == 200
    assert lint.json()["findings"]
    story = browser.get(f"/app/contracts/{contract_id}").text
    for line in (
        "The contract was signed",
        "Version 1 of",
        "The client asked for changes",
        "Decision:",
    ):
        assert line in story
    assert 'id="change-orders"' in story
    scope = browser.get(f"/app/contracts/{contract_id}/scope")
    assert "<svg" in scope.text
    assert 'role="img"' in scope.text
    pdf = browser.get(f"/app/contracts/{contract_id}/documents/agreement.pdf")
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["content-disposition"].startswith("attachment")
    assert pdf.content.startswith(b"%PDF")


def test_versions_page_shows_the_redline(browser: WebClient, key: str) -> None:
    browser.sign_in(key)
    contract_id = browser.signed_contract()
    for text in (FIRST_VERSION, FIRST_VERSION.replace("stone oven", "wood-fired oven")):
        browser.post_form(
            f"/app/contracts/{contract_id}/versions",
            {"deliverable": "home-page-copy", "text": text},
        )
    page = browser.get(f"/app/contracts/{contract_id}/deliverables/home-page-copy")
    assert "<del>stone</del><ins>wood-fired</ins>" in page.text


def test_the_scope_page_charts_the_creep_score_over_time(browser: WebClient, key: str) -> None:
    """The score after each delivered version and judged request, as an SVG with a title
    and description and as a table; its last point is the score the report shows."""
    import re

    browser.sign_in(key)
    contract_id = browser.signed_contract()
    browser.post_form(
        f"/app/contracts/{contract_id}/versions",
        {"deliverable": "home-page-copy", "text": FIRST_VERSION},
    )
    browser.post_form(
        f"/app/contracts/{contract_id}/requests",
        {"deliverable": "home-page-copy", "message": CLIENT_MESSAGE},
    )
    page = browser.get(f"/app/contracts/{contract_id}/scope").text
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in page
    assert '<title id="creep-title">Scope creep score over time</title>' in page
    assert '<desc id="creep-desc">' in page
    assert page.count('class="marker"') == 2
    table = page.split("The score after each event", 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<td>(\d+)</td>", table)
    shown = re.search(r"Scope creep score: (\d+) / 100", page)
    assert shown is not None
    assert rows == ["0", shown.group(1)]
    assert int(shown.group(1)) >= 20  # five Instagram posts: an out-of-scope ask
    assert "Version 1 of “Home page copy” was delivered." in table
    assert "Request on “Home page copy” judged:" in table


def test_the_interface_speaks_slovenian(browser: WebClient, key: str) -> None:
    browser.sign_in(key)
    page = browser.get("/app/", headers={"Accept-Language": "sl-SI,sl;q=0.9,en;q=0.5"})
    assert '<html lang="sl">' in page.text
    assert "Pogodbe" in page.text
    chosen = browser.post_form("/app/language", {"language": "en", "next": "/app/contracts/new"})
    assert chosen.headers["location"] == "/app/contracts/new"
    page = browser.get("/app/", headers={"Accept-Language": "sl"})
    assert '<html lang="en">' in page.text  # the choice wins over the browser's


def test_api_requests_never_get_a_session(served_web: ASGIClient, key: str) -> None:
    response = served_web.get("/v1/contracts", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200
    assert "set-cookie" not in response.headers


def test_change_orders_appear_in_the_story_with_their_pdf(
    browser: WebClient, database: Database, key: str
) -> None:
    """Issued and accepted change orders (from the change-order routes, here appended to
    the ledger directly) have their place on the contract page and their PDF."""
    from decimal import Decimal

    from roundwise.engine.ledger import ChangeOrderAccepted, ChangeOrderIssued
    from roundwise.engine.terms import Money
    from roundwise.store import contracts, ledger
    from roundwise.store.accounts import authenticate

    browser.sign_in(key)
    contract_id = browser.signed_contract()
    with database.writes() as session:
        account = authenticate(session, key)
        assert account is not None
        contract = contracts.lock_contract(session, account, contract_id)
        at = ledger.ledger_time(session, contract.id, utcnow)
        price = Money(amount=Decimal("135.00"), currency="EUR")
        issued = ChangeOrderIssued(at=at, number=1, description="Five Instagram posts", price=price)
        ledger.append_events(session, contract, [issued, ChangeOrderAccepted(at=at, number=1)])
        session.commit()
    page = browser.get(f"/app/contracts/{contract_id}").text
    section = page.split('id="change-orders"', 1)[1].split("</section>", 1)[0]
    assert "Five Instagram posts" in section
    assert "accepted" in section
    assert "Change order #1 was issued: Five Instagram posts" in page
    assert "The client accepted change order #1." in page
    pdf = browser.get(f"/app/contracts/{contract_id}/change-orders/1.pdf")
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")


def test_revoking_the_key_ends_its_web_sessions(browser: WebClient, database: Database) -> None:
    from roundwise.store.accounts import key_prefix, revoke_key

    key = new_key(database)
    browser.sign_in(key)
    assert browser.get("/app/").status_code == 200
    prefix = key_prefix(key)
    assert prefix is not None
    with database.writes.begin() as session:
        revoke_key(session, prefix)
    assert browser.get("/app/").headers.get("location") == "/app/sign-in"


def _judged_request(browser: WebClient, message: str = CLIENT_MESSAGE) -> tuple[str, str]:
    """A signed contract with a version and a judged request; (contract id, request path)."""
    contract_id = browser.signed_contract()
    browser.post_form(
        f"/app/contracts/{contract_id}/versions",
        {"deliverable": "home-page-copy", "text": FIRST_VERSION},
    )
    sent = browser.post_form(
        f"/app/contracts/{contract_id}/requests",
        {"deliverable": "home-page-copy", "message": message},
    )
    assert sent.status_code == 303, sent.text
    return contract_id, sent.headers["location"].removeprefix("/app")


def test_a_change_order_from_a_request_edited_sent_and_answered(
    browser: WebClient, served_web: ASGIClient, key: str
) -> None:
    """Issue from an out-of-scope request, edit a price and the validity, send (the link
    shown once, working on the client's page), and record the answer with a note."""
    browser.sign_in(key)
    contract_id, request_path = _judged_request(browser)
    page = browser.get("/app" + request_path)
    assert "Issue a change order" in page.text
    issued = browser.post_form(f"/app{request_path}/change-order", {})
    assert issued.status_code == 303, issued.text
    order_path = issued.headers["location"]
    assert order_path == f"/app/contracts/{contract_id}/change-orders/1"
    draft = browser.get(order_path)
    assert draft.status_code == 200
    assert "Total" in draft.text
    assert "draft, not sent" in draft.text
    for field in ("f-lines-0-description", "f-lines-0-price", "valid-until"):
        assert f'<label for="{field}">' in draft.text
        assert f'id="{field}"' in draft.text
    again = browser.get("/app" + request_path).text
    assert "prices this request (draft, not sent)" in again
    assert "Issue a change order" not in again  # no second form
    later = (utcnow().date() + timedelta(days=20)).isoformat()
    edited = browser.post_form(
        order_path + "/edit",
        {
            "lines[0].description": "Five Instagram posts for the bakery",
            "lines[0].price": "150",
            "valid_until": later,
        },
    )
    assert edited.status_code == 303, edited.text
    shown = browser.get(order_path).text
    assert "Five Instagram posts for the bakery" in shown
    assert "€150.00" in shown
    assert later in shown
    sent = browser.post_form(order_path + "/send", {})
    assert sent.status_code == 200
    link = sent.text.split('id="accept-url" type="text" readonly value="', 1)[1].split('"', 1)[0]
    assert "/accept/" in link
    token = link.rsplit("/", 1)[1]
    assert token not in browser.get(order_path).text  # shown once, never again
    assert token not in browser.cookie
    client_page = served_web.get("/accept/" + token)
    assert client_page.status_code == 200
    assert "Five Instagram posts for the bakery" in client_page.text
    answered = browser.post_form(
        order_path + "/answer", {"answer": "accept", "note": "Marko said yes by phone"}
    )
    assert answered.status_code == 303, answered.text
    done = browser.get(order_path).text
    assert "Marko said yes by phone" in done
    assert "Recorded by you." in done
    story = browser.get(f"/app/contracts/{contract_id}").text
    section = story.split('id="change-orders"', 1)[1].split("</section>", 1)[0]
    assert f'href="/app/contracts/{contract_id}/change-orders/1"' in section
    assert "accepted" in section
    assert "Change order #1 was sent to the client, valid until " + later in story
    assert "The client accepted change order #1. Recorded by you. Marko said yes" in story
    assert served_web.get("/accept/" + token).status_code == 410  # answered already
    pdf = browser.get(order_path + ".pdf")
    assert pdf.content.startswith(b"%PDF")


def test_a_free_item_change_order_from_the_contract_page(browser: WebClient, key: str) -> None:
    browser.sign_in(key)
    contract_id = browser.signed_contract()
    path = f"/app/contracts/{contract_id}/change-orders"
    refused = browser.post_form(path, {"description": "", "price": "-3"})
    assert refused.status_code == 422
    assert 'id="description-errors"' in refused.text
    made = browser.post_form(
        path, {"description": "A Christmas e-mail", "words": "300", "deliverable": "home-page-copy"}
    )
    assert made.status_code == 303, made.text
    order_path = made.headers["location"]
    page = browser.get(order_path).text
    assert "A Christmas e-mail" in page
    assert "300" in page
    wrong = browser.post_form(order_path + "/edit", {"lines[0].price": "-1", "valid_until": "x"})
    assert wrong.status_code == 422
    assert 'id="lines-0-price-errors"' in wrong.text
    assert "a date like 2026-12-31" in wrong.text
    assert browser.post_form(order_path + "/answer", {"note": "?"}).status_code == 422


def test_change_order_forms_without_csrf_are_refused(browser: WebClient, key: str) -> None:
    browser.sign_in(key)
    contract_id, request_path = _judged_request(browser)
    forged = {"csrf_token": "forged"}
    refused = browser.post_form(f"/app{request_path}/change-order", forged, csrf=False)
    assert refused.status_code == 403
    free = {"description": "A Christmas e-mail", "price": "180"}
    assert (
        browser.post_form(
            f"/app/contracts/{contract_id}/change-orders", free, csrf=False
        ).status_code
        == 403
    )
    made = browser.post_form(f"/app/contracts/{contract_id}/change-orders", free)
    order_path = made.headers["location"]
    for action, form in (
        ("send", forged),
        ("edit", {"lines[0].price": "1"}),
        ("answer", {"answer": "accept"}),
    ):
        assert browser.post_form(f"{order_path}/{action}", form, csrf=False).status_code == 403
    page = browser.get(order_path).text
    assert "draft, not sent" in page
    assert "€180.00" in page


def test_another_accounts_change_order_is_not_found(
    browser: WebClient, served_web: ASGIClient, database: Database, key: str
) -> None:
    browser.sign_in(key)
    _contract_id, request_path = _judged_request(browser)
    order_path = browser.post_form(f"/app{request_path}/change-order", {}).headers["location"]
    other = WebClient(served_web)
    other.sign_in(new_key(database))
    assert other.get(order_path).status_code == 404
    assert other.post_form(order_path + "/send", {}).status_code == 404
    assert other.post_form(f"/app{request_path}/change-order", {}).status_code == 404
    assert browser.get(order_path).status_code == 200


def test_a_request_with_nothing_billable_offers_no_change_order(
    browser: WebClient, key: str
) -> None:
    browser.sign_in(key)
    _contract_id, request_path = _judged_request(browser, "Could you fix the typo in the opening?")
    page = browser.get("/app" + request_path).text
    assert "v-out_of_scope" not in page  # no such verdict (the correction form names scopes)
    assert "v-extra_round" not in page
    assert "/change-order" not in page
    assert "Issue a change order" not in page
    refused = browser.post_form(f"/app{request_path}/change-order", {})
    assert refused.status_code in {409, 422}


def test_an_accepted_extra_round_makes_the_next_request_included(
    browser: WebClient, served_web: ASGIClient, key: str
) -> None:
    """The one included round used, the next ask is an extra round; its change order
    accepted on the client's page, the ask after that is included."""
    import re

    browser.sign_in(key)
    contract_id, _first = _judged_request(browser, "Could you make the opening warmer?")
    browser.post_form(
        f"/app/contracts/{contract_id}/versions",
        {"deliverable": "home-page-copy", "text": FIRST_VERSION.replace("stone", "old stone")},
    )
    asked = browser.post_form(
        f"/app/contracts/{contract_id}/requests",
        {"deliverable": "home-page-copy", "message": "Could you make the ending warmer too?"},
    )
    request_path = asked.headers["location"]
    assert 'class="verdict v-extra_round"' in browser.get(request_path).text
    order_path = browser.post_form(request_path + "/change-order", {}).headers["location"]
    sent = browser.post_form(order_path + "/send", {})
    token = re.search(r"/accept/([\w-]+)", sent.text)
    assert token is not None
    answered = served_web.post("/accept/" + token.group(1), data={"answer": "accept"})
    assert answered.status_code == 200
    assert "accepted" in browser.get(order_path).text
    again = browser.post_form(
        f"/app/contracts/{contract_id}/requests",
        {"deliverable": "home-page-copy", "message": "Could you make the ending warmer too?"},
    )
    assert 'class="verdict v-included"' in browser.get(again.headers["location"]).text


def test_a_reading_is_corrected_from_the_request_page(browser: WebClient, key: str) -> None:
    browser.sign_in(key)
    contract_id, request_path = _judged_request(browser, "Could you fix the typo in the opening?")
    page = browser.get("/app" + request_path).text
    assert "Correct the reading" in page
    assert 'name="item-0-scope"' in page
    texts = re.findall(r'name="item-(\d+)-text" value="([^"]*)"', page)
    assert texts
    form = {"intent": "revision_request", "stage": "calm"}
    for n, text in texts:
        form[f"item-{n}-text"] = html.unescape(text)
        form[f"item-{n}-scope"] = "out_of_scope"
    corrected = browser.post_form(f"/app{request_path}/assessment", form)
    assert corrected.status_code == 303, corrected.text
    after = browser.get("/app" + request_path).text
    assert "v-out_of_scope" in after
    story = browser.get(f"/app/contracts/{contract_id}").text
    assert "Out of scope" in story
    refused = browser.post_form(f"/app{request_path}/assessment", {**form, "stage": "furious"})
    assert refused.status_code == 422
    assert "stage" in refused.text


def test_the_review_forms_need_csrf_and_the_account(
    browser: WebClient, served_web: ASGIClient, database: Database, key: str
) -> None:
    browser.sign_in(key)
    _contract_id, request_path = _judged_request(browser)
    forged = {"csrf_token": "forged", "intent": "approval"}
    assert (
        browser.post_form(f"/app{request_path}/assessment", forged, csrf=False).status_code == 403
    )
    assert browser.post_form(f"/app{request_path}/confirm", forged, csrf=False).status_code == 403
    other = WebClient(served_web)
    other.sign_in(new_key(database))
    assert (
        other.post_form(f"/app{request_path}/assessment", {"intent": "approval"}).status_code == 404
    )
    assert other.post_form(f"/app{request_path}/confirm", {}).status_code == 404
    nothing = browser.post_form(f"/app{request_path}/confirm", {})
    assert nothing.status_code == 422  # a confident decision awaits no confirmation
