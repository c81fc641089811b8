"""Sending one HTTP POST to an address an administrator typed, without letting it reach inside our network.

An endpoint's address is entered in the admin, so it could name the database, Redis, a cloud provider's
metadata service (169.254.169.254) or anything else only the server can reach (server-side request forgery).
So, unless WEBHOOKS_ALLOW_INTERNAL is set (tests, local development):
- the address must be HTTPS, on any port;
- its host name is resolved here, every address it resolves to must be public (not private, loopback,
  link-local, shared, multicast or reserved), also when it is an IPv6 spelling of an IPv4 address (mapped,
  compatible, translated, NAT64, 6to4: the IPv4 address inside must be public; Teredo and local-use NAT64,
  whose inner address cannot be read back, are refused), and the connection goes to that checked address, so
  a DNS answer that changes between the check and the connection (DNS rebinding) cannot redirect it;
- redirects are not followed: a 3xx counts as a failed delivery.
Every request has a timeout (WEBHOOK_TIMEOUT seconds, connecting and each read), and reads at most a little of
the answer.
"""

import http.client
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

READ_AT_MOST = 4096  # bytes of an answer's body kept for the delivery log


@dataclass(frozen=True)
class Result:
    status: int | None  # the HTTP status, or None when no answer came
    error: str  # "" when delivered

    @property
    def delivered(self):
        return self.status is not None and 200 <= self.status < 300


# Refused whatever Python's `is_global` says: prefixes whose inner IPv4 address cannot be read back (Teredo
# obfuscates the client's; local-use NAT64 may embed it at any of six prefix lengths), the deprecated IPv6
# site-local range, and the 6to4 relay anycast range (RFC 7526), which a router forwards to some relay of its own.
_NEVER = tuple(
    ipaddress.ip_network(network)
    for network in ("2001::/32", "64:ff9b:1::/48", "fec0::/10", "192.88.99.0/24")
)
# IPv6 spellings of an IPv4 address in their last 32 bits: IPv4-compatible (::a.b.c.d), IPv4-mapped
# (::ffff:a.b.c.d), IPv4-translated (::ffff:0:a.b.c.d) and the well-known NAT64 prefix (64:ff9b::a.b.c.d).
# A host connecting to one of them may well reach the IPv4 address inside (a NAT64 gateway, a dual stack
# that maps it), so the inner address is what must be public.
_LAST_32_BITS = tuple(
    ipaddress.ip_network(network) for network in ("::/96", "::ffff:0:0/96", "::ffff:0:0:0/96", "64:ff9b::/96")
)


def _allowed_address(address):
    """Whether a connection to `address` stays on the public internet, whichever way the address is spelled."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if any(ip in network for network in _NEVER if network.version == ip.version):
        return False
    if ip.version == 6:
        inner = next(
            (ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF) for network in _LAST_32_BITS if ip in network),
            ip.sixtofour,  # 2002:AABB:CCDD::/48 routes to the 6to4 router at AA.BB.CC.DD
        )
        if inner is not None:
            return _allowed_address(str(inner))
    return ip.is_global and not ip.is_multicast


def check_url(url):
    """Raise ValidationError (with a message for the admin) unless `url` may receive webhooks; else return
    (scheme, host, port, path, a checked address to connect to)."""
    parts = urlsplit(url)
    internal = settings.WEBHOOKS_ALLOW_INTERNAL
    if parts.scheme not in (("https", "http") if internal else ("https",)):
        raise ValidationError(_("The address must start with https://."), code="scheme")
    if not parts.hostname:
        raise ValidationError(_("The address has no host name."), code="host")
    if parts.username or parts.password:
        raise ValidationError(
            _("Put no user name or password in the address; the signature proves who sends.")
        )
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        found = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise ValidationError(_("No server answers to this host name."), code="dns") from None
    addresses = [info[4][0] for info in found]
    if not internal and not all(_allowed_address(address) for address in addresses):
        raise ValidationError(
            _(
                "This address leads into a private network. Webhooks only go to servers on the public internet."
            ),
            code="internal",
        )
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return parts.scheme, parts.hostname, port, path, addresses[0]


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to a checked address, with the host name for the certificate check (SNI) and the Host header."""

    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.address = address

    def connect(self):
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self):
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


def post(url, body, headers):
    """POST `body` (bytes) to `url`; never raises for a network or HTTP failure, returns a Result."""
    try:
        scheme, host, port, path, address = check_url(url)
    except ValidationError as error:
        return Result(None, " ".join(str(message) for message in error.messages))
    connection_class = _PinnedHTTPSConnection if scheme == "https" else _PinnedHTTPConnection
    connection = connection_class(host, port, address, settings.WEBHOOK_TIMEOUT)
    try:
        connection.request("POST", path, body=body, headers={"Content-Type": "application/json", **headers})
        response = connection.getresponse()
        answer = response.read(READ_AT_MOST)
    except (OSError, http.client.HTTPException) as error:
        return Result(None, f"{type(error).__name__}: {error}"[:300])
    finally:
        connection.close()
    if 200 <= response.status < 300:
        return Result(response.status, "")
    text = answer.decode("utf-8", "replace").strip().replace("\n", " ")
    return Result(response.status, f"HTTP {response.status} {response.reason}: {text}"[:300])
