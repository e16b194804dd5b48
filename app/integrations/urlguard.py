"""Outgoing webhook URLs may not reach inside the network (SSRF).

A subscription's URL is checked when it is saved and again before every delivery (the name may
resolve elsewhere by then): http(s) only, no credentials in the URL, no numeric-trick hosts
(`2130706433`, `0x7f.1`), and every address the name resolves to must be a public one. Private,
loopback, link-local (cloud metadata at 169.254.169.254 included), multicast, reserved and
unspecified addresses are refused unless `TANGGAP_WEBHOOK_ALLOWED_TARGETS` names the host or a
network holding the address. The standard `ipaddress` module classifies the addresses; no SSRF
library on PyPI covered a synchronous httpx client and was maintained at the time of writing.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Callable, Sequence
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[str]]

# Hosts that inet_aton would read as an address although they are not dotted quads.
_NUMERIC_TRICK = re.compile(r"^(0x[0-9a-f]+|[0-9]+)(\.(0x[0-9a-f]+|[0-9]+)){0,3}$", re.I)
_METADATA = (ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254"))


class UnsafeUrl(ValueError):
    """Why a URL may not be called; the message is safe to show to the admin."""


def resolve(host: str, port: int) -> list[str]:
    """Every address `host` resolves to (IPv4 and IPv6)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return sorted({str(info[4][0]) for info in infos})


def _allowed(host: str, ip: IPAddress | None, allow: Sequence[str]) -> bool:
    for entry in allow:
        entry = entry.strip().lower()
        if not entry:
            continue
        if entry == host:
            return True
        if ip is not None:
            try:
                if ip in ipaddress.ip_network(entry, strict=False):
                    return True
            except ValueError:
                continue
    return False


def _public(ip: IPAddress) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast and ip not in _METADATA


def check_url(url: str, *, allow: Sequence[str] = (), resolver: Resolver = resolve) -> str:
    """Return `url` when it may be called, else raise `UnsafeUrl` with the reason."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise UnsafeUrl("The URL cannot be parsed.") from exc
    if parts.scheme not in ("http", "https"):
        raise UnsafeUrl("The URL must start with http:// or https://.")
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise UnsafeUrl("The URL must not carry credentials; the signature authenticates us.")
    host = (parts.hostname or "").rstrip(".").lower()
    if not host:
        raise UnsafeUrl("The URL has no host.")
    port = port or (443 if parts.scheme == "https" else 80)
    literal: IPAddress | None
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        literal = None
        if _NUMERIC_TRICK.match(host):  # a real dotted quad parsed above
            raise UnsafeUrl("Numeric host names other than dotted quads are refused.") from None
    if _allowed(host, literal, allow):
        return url
    if literal is not None:
        addresses = [literal]
    else:
        try:
            addresses = [ipaddress.ip_address(a.split("%")[0]) for a in resolver(host, port)]
        except (OSError, UnicodeError, ValueError) as exc:
            raise UnsafeUrl(f"The host {host!r} does not resolve.") from exc
        if not addresses:
            raise UnsafeUrl(f"The host {host!r} does not resolve.")
    for ip in addresses:
        if not _public(ip) and not _allowed(host, ip, allow):
            raise UnsafeUrl(
                f"The host {host!r} resolves to a non-public address ({ip}); "
                "name it in TANGGAP_WEBHOOK_ALLOWED_TARGETS to allow it."
            )
    return url
