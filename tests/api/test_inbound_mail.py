"""Inbound e-mail: real MIME messages (built with the standard library, as mail clients
send them) with quoted replies in English, Slovenian, Polish and German, in
quoted-printable and base64, UTF-8 and ISO-8859-2, plain text or HTML only: only the
new text becomes the request's message. Posted raw (``message/rfc822``) and signed per
Standard Webhooks, as inbound-mail services post them."""

from __future__ import annotations

import time
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any

import pytest

from roundwise.api.inbound.comments import Comment
from roundwise.api.inbound.mail import html_text, read_mail
from tests.api.asgiclient import ASGIClient
from tests.api.inbound_support import REFS, hook_path, integration, standard_headers

MAILBOX = REFS["email"]
CLIENT = "Marko Horvat <marko@bakery.example>"


def message(
    text: str | None,
    *,
    html: str | None = None,
    charset: str = "utf-8",
    cte: str = "quoted-printable",
    sender: str = CLIENT,
    to: str = f"Ana Novak <{MAILBOX}>",
    message_id: str | None = None,
    headers: dict[str, str] | None = None,
) -> bytes:
    """A message as a mail client sends it: text, or text and HTML (alternative), or
    HTML only, in ``charset`` with the transfer encoding ``cte``."""
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = to
    mail["Subject"] = "Re: Home page copy"
    mail["Date"] = "Mon, 07 Dec 2026 11:02:00 +0100"
    mail["Message-ID"] = message_id or make_msgid(domain="bakery.example")
    for name, value in (headers or {}).items():
        mail[name] = value
    if text is not None:
        mail.set_content(text, charset=charset, cte=cte)
        if html is not None:
            mail.add_alternative(html, subtype="html", charset=charset, cte=cte)
    else:
        assert html is not None
        mail.set_content(html, subtype="html", charset=charset, cte=cte)
    return mail.as_bytes()


ENGLISH = (
    "Hi Ana,\n\nCould you make the opening paragraph shorter and mention the rye sourdough?\n\n"
    "Best regards,\nMarko\n\n"
    "On Mon, 7 Dec 2026 at 10:15, Ana Novak <ana@studio.example> wrote:\n"
    "> Hi Marko, here is the first draft of the home page.\n> Ana\n"
)
SLOVENIAN = (
    "Živjo Ana,\n\nprosim, skrajšajte uvodni odstavek in omenite naš novi rženi kruh.\n\n"
    "Lep pozdrav,\nMarko\n\n"
    "V pon., 7. dec. 2026 ob 10:15 je Ana Novak <ana@studio.example> napisal(a):\n"
    "> Pozdravljeni, v priponki je prvi osnutek.\n> Ana\n"
)
SLOVENIAN_OUTLOOK = (
    "Prosim, dodajte še stavek o peči na drva.\n\n"
    "Od: Ana Novak <ana@studio.example>\nPoslano: ponedeljek, 7. december 2026 10:15\n"
    "Za: Marko Horvat <marko@bakery.example>\nZadeva: Osnutek domače strani\n\n"
    "Pozdravljeni, v priponki je prvi osnutek.\n"
)
POLISH = (
    "Dzień dobry,\n\nproszę skrócić pierwszy akapit i wspomnieć o chlebie żytnim.\n\n"
    "Pozdrawiam\nMarek\n\n"
    "Dnia 7 grudnia 2026 10:15 Ana Novak <ana@studio.example> napisał(a):\n"
    "> Dzień dobry, oto pierwszy szkic.\n"
)
GERMAN_HTML = (
    "<html><body><div>Hallo Ana,</div><div><br></div>"
    "<div>könnten Sie den ersten Absatz kürzen und unser Roggenbrot erwähnen?</div>"
    "<div><br></div><div>Mit freundlichen Grüßen<br>Marko</div>"
    '<div class="gmail_quote"><div class="gmail_attr">Am Mo., 7. Dez. 2026 um 10:15 Uhr '
    "schrieb Ana Novak &lt;ana@studio.example&gt;:</div>"
    "<blockquote>Hallo Marko, hier ist der erste Entwurf.</blockquote></div>"
    "</body></html>"
)

CASES = [
    pytest.param(
        message(ENGLISH, cte="quoted-printable"),
        "Hi Ana,\n\nCould you make the opening paragraph shorter and mention the rye sourdough?",
        id="en-utf8-qp",
    ),
    pytest.param(
        message(
            ENGLISH,
            html="<p>Hi Ana,</p><p>Could you make it shorter?</p><blockquote>old</blockquote>",
        ),
        "Hi Ana,\n\nCould you make the opening paragraph shorter and mention the rye sourdough?",
        id="en-alternative-prefers-text",
    ),
    pytest.param(
        message(SLOVENIAN, charset="iso-8859-2", cte="quoted-printable"),
        "Živjo Ana,\n\nprosim, skrajšajte uvodni odstavek in omenite naš novi rženi kruh.",
        id="sl-iso8859-2-qp",
    ),
    pytest.param(
        message(SLOVENIAN, charset="utf-8", cte="base64"),
        "Živjo Ana,\n\nprosim, skrajšajte uvodni odstavek in omenite naš novi rženi kruh.",
        id="sl-utf8-base64",
    ),
    pytest.param(
        message(SLOVENIAN_OUTLOOK, charset="iso-8859-2", cte="base64"),
        "Prosim, dodajte še stavek o peči na drva.",
        id="sl-outlook-iso8859-2-base64",
    ),
    pytest.param(
        message(POLISH, charset="iso-8859-2", cte="quoted-printable"),
        "Dzień dobry,\n\nproszę skrócić pierwszy akapit i wspomnieć o chlebie żytnim.",
        id="pl-iso8859-2-qp",
    ),
    pytest.param(
        message(POLISH, cte="base64"),
        "Dzień dobry,\n\nproszę skrócić pierwszy akapit i wspomnieć o chlebie żytnim.",
        id="pl-utf8-base64",
    ),
    pytest.param(
        message(None, html=GERMAN_HTML, charset="iso-8859-2", cte="base64"),
        "Hallo Ana,\n\nkönnten Sie den ersten Absatz kürzen und unser Roggenbrot erwähnen?",
        id="de-html-only-iso8859-2-base64",
    ),
]


@pytest.mark.parametrize(("raw", "expected"), CASES)
def test_only_the_new_text_of_a_reply_is_kept(raw: bytes, expected: str) -> None:
    _message_id, read = read_mail(raw)
    assert isinstance(read, Comment)
    assert read.message == expected
    assert read.authors == ("marko@bakery.example",)
    assert MAILBOX in (read.targets or ())


def test_html_becomes_text_without_scripts_styles_or_quotes() -> None:
    html = (
        "<style>p{color:red}</style><script>alert(1)</script><p>One &amp; two</p>"
        "<ul><li>first</li><li>second</li></ul><blockquote><p>quoted</p></blockquote>"
    )
    assert html_text(html) == "One & two\n\n- first\n- second"


def test_automatic_mail_and_mail_without_an_id_are_not_requests() -> None:
    _id, auto = read_mail(message(ENGLISH, headers={"Auto-Submitted": "auto-replied"}))
    assert isinstance(auto, Comment)
    assert auto.bot
    raw = message(ENGLISH).replace(b"Message-ID:", b"X-Old-Message-ID:")
    assert read_mail(raw)[0] is None


def post_mail(client: ASGIClient, created: dict[str, Any], raw: bytes) -> dict[str, Any]:
    headers = standard_headers(created["secret"], raw, "message/rfc822")
    response = client.post(hook_path(created), content=raw, headers=headers)
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def test_a_clients_email_becomes_one_request_however_often_it_is_posted(
    client: ASGIClient, auth: dict[str, str]
) -> None:
    created = integration(client, auth, "email")
    raw = message(SLOVENIAN, charset="iso-8859-2", cte="quoted-printable", message_id="<a1@x.si>")
    answers = [post_mail(client, created, raw) for _ in range(5)]
    assert [a["outcome"] for a in answers] == ["created"] + ["duplicate"] * 4
    items = client.get(
        f"/v1/contracts/{created['contract_id']}/revision-requests", headers=auth
    ).json()["items"]
    assert len(items) == 1
    request = items[0]["request"]
    assert (request["channel"], request["external_id"]) == ("email", "email:a1@x.si")
    assert request["message"] == (
        "Živjo Ana,\n\nprosim, skrajšajte uvodni odstavek in omenite naš novi rženi kruh."
    )


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (
            message(ENGLISH, sender="Ana Novak <ana@studio.example>"),
            "the freelancer's own comment",
        ),
        (
            message(ENGLISH, sender="someone@else.example"),
            "someone@else.example is not one of the clients",
        ),
        (
            message(ENGLISH, headers={"Auto-Submitted": "auto-replied"}),
            "written by a bot or an app",
        ),
        (
            message(ENGLISH, to="other@studio.example"),
            f"a comment on other@studio.example, not on {MAILBOX}",
        ),
    ],
)
def test_other_mail_is_acknowledged_and_ignored(
    client: ASGIClient, auth: dict[str, str], raw: bytes, reason: str
) -> None:
    created = integration(client, auth, "email")
    answer = post_mail(client, created, raw)
    assert (answer["outcome"], answer["reason"]) == ("ignored", reason)


def test_a_tampered_or_unsigned_email_is_401(client: ASGIClient, auth: dict[str, str]) -> None:
    created = integration(client, auth, "email")
    raw = message(ENGLISH)
    headers = standard_headers(created["secret"], raw, "message/rfc822")
    tampered = raw.replace(b"Marko", b"Mallory")
    assert client.post(hook_path(created), content=tampered, headers=headers).status_code == 401
    unsigned = {"Content-Type": "message/rfc822"}
    assert client.post(hook_path(created), content=raw, headers=unsigned).status_code == 401
    deliveries = client.get(f"/v1/integrations/{created['id']}/deliveries", headers=auth)
    assert deliveries.json()["items"] == []


def test_a_long_line_shaped_like_an_attribution_is_read_in_linear_time() -> None:
    """The reply parser's attribution patterns are quadratic (or worse) in a line's length:
    "On " and 18,000 characters took about 20 s; long lines are masked before it runs."""
    text = "On " + "x " * 9_000 + "\n\nOn Mon, 7 Dec 2026, Ana <ana@studio.example> wrote:\n> old"
    started = time.perf_counter()
    _id, read = read_mail(message(text, cte="base64"))
    assert time.perf_counter() - started < 5
    assert isinstance(read, Comment)
    assert read.message == ("On " + "x " * 9_000).strip()
