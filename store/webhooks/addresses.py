"""Which webhook URLs may be called: http(s) only, and (unless allowed) only public hosts.

Why: an endpoint URL is the account holder's input, and the worker POSTs to it from inside
our network, so an unchecked URL would let anyone probe or poke loopback, private,
link-local (cloud metadata at 169.254.169.254) and reserved addresses. The host is
resolved and *every* address it resolves to must be global; the check runs when the URL
is saved and again before each delivery, since DNS answers can change.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from roundwise.engine.errors import FieldProblem, RequestError


class DestinationRefusedError(RequestError):
    """A webhook URL that may not be called (not http(s), or a non-public address)."""

    code = "webhook-url-refused"


def _refused(reason: str) -> DestinationRefusedError:
    return DestinationRefusedError(
        f"the webhook URL is refused: {reason}", (FieldProblem("url", reason),)
    )


def check_url(url: str, *, allow_private: bool) -> None:
    """Raise ``DestinationRefusedError`` (naming ``url``) unless ``url`` may be called."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise _refused("only http and https URLs are allowed")
    if not parts.hostname:
        raise _refused("the URL has no host")
    if parts.username is not None or parts.password is not None:
        raise _refused("credentials in the URL are not allowed; use the signature")
    try:
        port = parts.port
    except ValueError as exc:
        raise _refused("the port is not a number from 0 to 65535") from exc
    if allow_private:
        return
    for address in resolve(parts.hostname, port):
        if not is_public(address):
            raise _refused(f"{parts.hostname} resolves to a non-public address ({address})")


def resolve(host: str, port: int | None) -> list[str]:
    """Every address ``host`` resolves to (a literal address: itself)."""
    try:
        infos = socket.getaddrinfo(host, port or 443, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise _refused(f"{host} does not resolve") from exc
    return sorted({str(info[4][0]) for info in infos})


def is_public(address: str) -> bool:
    """True for a globally routable unicast address (an IPv4-mapped IPv6 address is
    judged as the IPv4 address it carries)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_loopback)


__all__ = ["DestinationRefusedError", "check_url", "is_public", "resolve"]
