"""An inbound e-mail (raw MIME, as inbound-mail services post it) read into a ``Comment``.

1. Parse with the standard library (``email``, ``policy.default``), which undoes the
   transfer encodings (quoted-printable, base64) and the charsets (UTF-8, ISO-8859-2, …).
2. Take the text part, or the HTML part turned into text (``html_text``: quoted
   ``<blockquote>``s and Gmail's quote block left out).
3. Keep only the new text: ``mail-parser-reply`` splits the reply from the quoted
   history at a mail client's attribution line ("On … wrote:", "Am … schrieb …:",
   "Dnia … napisał(a):", Outlook's "From:/Sent:" block) and cuts signatures and
   "Sent from my phone" lines. It ships no Slovenian, so ``SLOVENIAN`` adds Gmail's,
   Thunderbird's and Outlook's Slovenian forms to its table; whatever quoted ("> ")
   lines still end the text after that are dropped too.

The sender (``From``) is the comment's author, the ``Message-ID`` its id, and the
recipients (``To``, ``Cc``, ``Delivered-To``, ``X-Original-To``) what it was written on,
so the integration's mailbox must be one of them. Automatic mail (``Auto-Submitted``,
``Precedence: bulk``, out-of-office replies) counts as a bot's.
"""

from __future__ import annotations

import re
from email import message_from_bytes, policy
from email.message import EmailMessage as MimeMessage
from email.utils import getaddresses, parseaddr
from html.parser import HTMLParser

from mailparser_reply.constants import MAIL_LANGUAGES, QUOTED_MATCH_INCLUDE
from mailparser_reply.parser import EmailMessage

from roundwise.api.inbound.comments import Comment, Ignored, Read

# Slovenian, in mail-parser-reply's own form (its table has no "sl").
SLOVENIAN = {
    # Gmail: "V pon., 7. dec. 2026 ob 10:15 je Marko Horvat <m@x.si> napisal(a):";
    # Thunderbird: "Dne 7. 12. 2026 ob 10:15 je Marko Horvat napisal:".
    "wrote_header": r"^("
    + QUOTED_MATCH_INCLUDE
    + r"(?:V|Dne)\s(?:.+?\s?.+?)\s?napisal(?:a|\(a\))?:)$",
    "from_header": r"((?:(?:^|\n|\n"
    + QUOTED_MATCH_INCLUDE
    + r")[* ]*(?:Od|Poslano|Za|Zadeva|Datum|Kp):[ *]*(?:\s{,2}).*){2,}(?:\n.*){,1})",
    "disclaimers": ["Opozorilo:", "Zaupno:"],
    "signatures": [
        r"Lep(?:o)? pozdrav(?:ljeni)?",
        r"Hvala(?: in lep pozdrav)?,",
        r"LP,?",
    ],
    "sent_from": r"Poslano (?:iz|z) mojega",
}
MAIL_LANGUAGES.setdefault("sl", SLOVENIAN)

# The languages whose mail clients' quoting is recognised (English always is).
REPLY_LANGUAGES = ["en", "sl", "de", "pl", "cs", "fr", "it", "es", "nl", "da", "sv"]

AUTOMATIC_PRECEDENCE = {"bulk", "junk", "list", "auto_reply"}
QUOTED_LINE = re.compile(r"^\s*>")


def read_mail(raw: bytes) -> tuple[str | None, Read]:
    """The message's Message-ID (its delivery id) and what it says."""
    message = message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, MimeMessage)
    message_id = str(message.get("Message-ID", "")).strip().strip("<>").strip()
    if not message_id:
        return None, Ignored("the e-mail has no Message-ID")
    try:
        text = body_text(message)
    except (LookupError, ValueError, UnicodeError) as exc:
        return message_id, Ignored(f"the e-mail's text cannot be read: {type(exc).__name__}")
    if text is None:
        return message_id, Ignored("the e-mail has no text or HTML part")
    sender = parseaddr(str(message.get("From", "")))[1]
    return message_id, Comment(
        comment_id=message_id,
        authors=(sender,) if sender else (),
        message=new_text(text),
        targets=recipients(message),
        bot=automatic(message),
    )


def body_text(message: MimeMessage) -> str | None:
    """The plain-text body, or the HTML body as text (None: neither)."""
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return None
    assert isinstance(part, MimeMessage)
    content = part.get_content()
    if not isinstance(content, str):
        return None
    return html_text(content) if part.get_content_subtype() == "html" else content


def new_text(text: str) -> str:
    """Only the reply: quoted history, attribution lines and signatures cut.

    The reply parser's attribution patterns take time quadratic (or worse) in the length
    of a line that starts like one ("On …" of 10,000 characters: 6 s), and anyone can
    send a mailbox such a line. So it reads at most ``PARSED_CHARS`` (a message is at
    most 20,000 characters; past that is history), and each line longer than
    ``PARSED_LINE_CHARS`` (no attribution line is) as a short placeholder, put back after.
    """
    masked, long_lines = _masked(text[:PARSED_CHARS])
    reader = EmailMessage(text=masked, languages=list(REPLY_LANGUAGES), keep_hyphen_lists=True)
    replies = reader.read().replies
    kept = replies[0].body if replies else masked
    kept = LONG_LINE.sub(lambda found: long_lines[int(found.group(1))], kept)
    return drop_trailing_quote(kept).strip()


PARSED_CHARS = 30_000
PARSED_LINE_CHARS = 200
LONG_LINE = re.compile("\u27e6(\\d+)\u27e7")  # ⟦n⟧: matches no pattern of the parser


def _masked(text: str) -> tuple[str, list[str]]:
    """``text`` with each line over ``PARSED_LINE_CHARS`` replaced by ``⟦n⟧``, and the
    lines replaced (stripped, as the parser strips every line)."""
    long_lines: list[str] = []
    lines = text.replace("\r\n", "\n").split("\n")
    for index, line in enumerate(lines):
        if len(line) > PARSED_LINE_CHARS:
            lines[index] = f"\u27e6{len(long_lines)}\u27e7"
            long_lines.append(line.strip())
    return "\n".join(lines), long_lines


def drop_trailing_quote(text: str) -> str:
    """Drop "> " lines that end the text, and the attribution line just above them."""
    lines = text.rstrip().split("\n")
    end = len(lines)
    while end and (QUOTED_LINE.match(lines[end - 1]) or not lines[end - 1].strip()):
        end -= 1
    if end == len(lines):
        return text
    if end and lines[end - 1].rstrip().endswith(":"):
        end -= 1
    return "\n".join(lines[:end])


def recipients(message: MimeMessage) -> tuple[str, ...]:
    """Every address the message was sent to."""
    fields = ("To", "Cc", "Delivered-To", "X-Original-To")
    values = [str(v) for name in fields for v in message.get_all(name, [])]
    return tuple(address for _name, address in getaddresses(values) if address)


def automatic(message: MimeMessage) -> bool:
    """An automatic message (RFC 3834), a list's, or an out-of-office reply."""
    auto_submitted = str(message.get("Auto-Submitted", "no")).strip().lower()
    precedence = str(message.get("Precedence", "")).strip().lower()
    return (
        auto_submitted != "no"
        or precedence in AUTOMATIC_PRECEDENCE
        or "X-Autoreply" in message
        or "X-Autorespond" in message
    )


class _TextOfHtml(HTMLParser):
    """HTML to plain text: block elements end lines; scripts, styles and quoted blocks
    (``<blockquote>``, Gmail's ``gmail_quote``) are left out."""

    BLOCKS = frozenset({"p", "div", "br", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "hr"})
    SKIPPED = frozenset({"script", "style", "head", "title", "blockquote"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping: list[str] = []

    def _skips(self, tag: str, attrs: list[tuple[str, str | None]]) -> bool:
        classes = " ".join(value or "" for name, value in attrs if name == "class")
        return tag in self.SKIPPED or "gmail_quote" in classes.split()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.skipping or self._skips(tag, attrs):
            if tag not in {"br", "hr", "img", "meta", "link", "input"}:
                self.skipping.append(tag)
            return
        if tag in self.BLOCKS:
            self.parts.append("\n")
        if tag == "li":  # one line per item, no blank line between items
            self.parts.append("\n- ")

    def handle_endtag(self, tag: str) -> None:
        if self.skipping:
            if self.skipping[-1] == tag:
                self.skipping.pop()
            return
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def html_text(html: str) -> str:
    """The text of an HTML mail body, one line per block, blank lines squeezed."""
    parser = _TextOfHtml()
    parser.feed(html)
    parser.close()
    lines = [" ".join(line.split()) for line in "".join(parser.parts).split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


__all__ = [
    "REPLY_LANGUAGES",
    "SLOVENIAN",
    "automatic",
    "body_text",
    "drop_trailing_quote",
    "html_text",
    "new_text",
    "read_mail",
    "recipients",
]
