"""How often one client may try to sign: SIGN_RATE_LIMIT attempts per window (`10/10m`), counted per client.

Who is "one client": a keyed hash (HMAC-SHA256 with SECRET_KEY) of the client's network address, never the
address itself. IPv4 addresses count one by one; IPv6 clients are counted per network prefix
(RATE_LIMIT_IPV6_PREFIX bits, /64 by default), since one household or phone gets a whole /64 and could
otherwise rotate through it. Behind TRUSTED_PROXIES proxies, the address is the one the outermost trusted proxy
saw (X-Forwarded-For); when TRUSTED_PROXY_NETWORKS lists where the proxies are, a request from anywhere else
is taken at its own address, whatever it claims. A deployment that trusts X-Forwarded-For without saying where
its proxies are, yet receives requests without that header (someone reached the app directly), is warned about
in the log: such a client can pick any address it likes.

Where attempts are counted: in Redis when REDIS_URL is set (one INCR and EXPIRE, one round trip, shared by
every app process), otherwise in this process's memory. When Redis fails, the limit falls back to this
process's memory (a warning is logged at most once a minute), so signing never stops because of it, and returns
to Redis by itself. It shares the cache's circuit breaker (ops/cache.py): while Redis is taken to be down,
a signature does not wait REDIS_TIMEOUT on it first.
"""

import hashlib
import hmac
import ipaddress
import logging
import re
import threading
import time

import redis
from django.conf import settings

from ops import process_memory
from ops.cache import REDIS_FAILURES, breaker
from ops.throttle import ThrottledWarning

logger = logging.getLogger(__name__)

RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")
SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
WARN_EVERY = 60  # seconds between two warnings of the same kind


def parse_rate(text):
    """'10/10m' → (10, 600): at most 10 attempts per 10 minutes. Units: s, m, h, d."""
    match = RATE.match(text or "")
    if not match:
        raise ValueError(f"SIGN_RATE_LIMIT must look like '10/10m', not {text!r}")
    limit, number, unit = match.groups()
    return int(limit), int(number or 1) * SECONDS[unit]


# Who the client is


def client_address(request):
    """The client's address as this deployment can know it (see the module's docstring)."""
    address = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXIES
    if not proxies:
        return address
    networks = _trusted_networks()
    if networks and not _in_networks(address, networks):
        return address  # not from one of our proxies: its X-Forwarded-For is the client's own claim
    forwarded = [
        hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()
    ]
    if not forwarded:
        if not networks:
            _warnings.warn(
                "A request reached the app without X-Forwarded-For although TRUSTED_PROXIES=%d: the app must be "
                "reachable only through its proxies (set TRUSTED_PROXY_NETWORKS to enforce it).",
                proxies,
            )
        return address
    # Entries further left than the outermost trusted proxy's are the client's own claims.
    return forwarded[-proxies] if len(forwarded) >= proxies else address


def client_key(request):
    """A keyed hash of the client's address (its /64 for IPv6): stable enough to count a client's attempts,
    useless for finding the address again. The raw address is never stored or logged."""
    address = client_address(request)
    try:
        parsed = ipaddress.ip_address(address.strip("[]"))
    except ValueError:
        parsed = None
    if parsed is not None and parsed.version == 6 and parsed.ipv4_mapped is not None:
        parsed = parsed.ipv4_mapped  # ::ffff:192.0.2.1 is the IPv4 client 192.0.2.1
    if parsed is not None and parsed.version == 6:
        address = str(ipaddress.ip_network(f"{parsed}/{settings.RATE_LIMIT_IPV6_PREFIX}", strict=False))
    elif parsed is not None:
        address = str(parsed)
    return hmac.digest(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hex()


_networks_cache = process_memory.remembered("campaigns.ratelimit.networks", {})


def _trusted_networks():
    text = ",".join(settings.TRUSTED_PROXY_NETWORKS)
    if text not in _networks_cache:
        _networks_cache[text] = [
            ipaddress.ip_network(n, strict=False) for n in settings.TRUSTED_PROXY_NETWORKS
        ]
    return _networks_cache[text]


def _in_networks(address, networks):
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(parsed in network for network in networks)


# Counting attempts


SIGN_SCOPE = "sign-attempts"  # where the signing attempts count (SIGN_RATE_LIMIT)


def seconds_until_allowed(key, rate=None, scope=SIGN_SCOPE):
    """Count one signing attempt of the client `key`; 0 if it may go ahead, else the seconds until its window
    ends. Fixed windows: simple, and a burst at a window's edge gets at most twice the limit.

    Other limits count in their own `scope` at their own `rate` (the admin's password reset does:
    accounts/views.py); SIGN_RATE_LIMIT when no rate is given."""
    return seconds_until_allowed_many([(key, rate or settings.SIGN_RATE_LIMIT, scope)])[0]


def seconds_until_allowed_many(checks):
    """Count one attempt under each of `checks` ([(key, rate, scope)], as seconds_until_allowed takes them) in
    one Redis round trip for all; for each, 0 or the seconds until its window ends (as seconds_until_allowed).
    The signing service counts its own limit and the integrity rules' rates this way (campaigns.signing):
    a second round trip cost signing about a tenth of its rate under load (`make bench ARGS="--only
    integrity"`)."""
    now = int(time.time())
    counters = []
    for key, rate, scope in checks:
        limit, window = parse_rate(rate)
        counters.append((f"{scope}:{key}:{now // window}", now // window, window, limit))
    attempts = _redis_incr_many([(name, window) for name, _id, window, _limit in counters])
    if attempts is None:
        attempts = [_memory.incr(name, window_id, window) for name, window_id, window, _limit in counters]
    return [
        0 if count <= limit else window - now % window
        for count, (_name, _id, window, limit) in zip(attempts, counters, strict=True)
    ]


def _redis_incr_many(counters):
    """INCR each (name, window) counter and give it its expiry (if it has none), all in one round trip (a
    redis-py pipeline); None without Redis or when it fails, which the breaker then skips for a while
    (ops.cache)."""
    if not settings.REDIS_URL or not counters:
        return None if counters else []
    circuit = breaker(settings.REDIS_URL)
    if not circuit.allow():
        return None
    try:
        pipeline = _redis().pipeline(transaction=False)
        for name, window in counters:
            pipeline.incr(name)
            pipeline.expire(name, window, nx=True)
        results = pipeline.execute()
        circuit.succeeded()
        return results[::2]
    except REDIS_FAILURES:
        circuit.failed()
        _warnings.warn("Redis is unreachable: the rate limits count in each process's memory meanwhile.")
        return None


_redis_clients = process_memory.remembered("campaigns.ratelimit.redis_clients", {})


def _redis():
    url = settings.REDIS_URL
    if url not in _redis_clients:
        timeout = settings.REDIS_TIMEOUT  # a Redis that does not answer at once is treated as down
        _redis_clients[url] = redis.Redis.from_url(
            url, socket_timeout=timeout, socket_connect_timeout=timeout
        )
    return _redis_clients[url]


class _MemoryCounter:
    """Attempts per client in this process, for the current windows only: a count is dropped once its window
    has ended. Limits with windows of different lengths (one per rate) count side by side."""

    def __init__(self):
        self.lock = threading.Lock()
        self.counts = {}  # name → attempts
        self.ends = {}  # name → when its window ends (seconds since the epoch)
        self.first_end = float("inf")

    def incr(self, name, window_id, window):
        with self.lock:
            now = time.time()
            if now >= self.first_end:  # a window has ended: drop its counts (a scan only then)
                self.ends = {key: end for key, end in self.ends.items() if end > now}
                self.counts = {key: n for key, n in self.counts.items() if key in self.ends}
                self.first_end = min(self.ends.values(), default=float("inf"))
            self.ends[name] = (window_id + 1) * window
            self.first_end = min(self.first_end, self.ends[name])
            self.counts[name] = self.counts.get(name, 0) + 1
            return self.counts[name]

    def clear(self):
        with self.lock:
            self.counts.clear()
            self.ends.clear()
            self.first_end = float("inf")


_memory = process_memory.remembered("campaigns.ratelimit.memory", _MemoryCounter())
_warnings = ThrottledWarning(logger, interval=WARN_EVERY)
