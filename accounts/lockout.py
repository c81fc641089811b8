"""Failed admin sign-ins, counted by django-axes and refused once there are too many.

Two limits (settings in config/settings/base.py):
- one client, one account: AXES_FAILURE_LIMIT wrong passwords lock that client out of that account for
  AXES_COOLOFF_TIME after the last of them. Someone else (the account's owner at their own desk) can still
  sign in, so an attacker cannot lock a manager out from afar this way;
- one account, every client: LOGIN_ACCOUNT_FAILURE_LIMIT wrong passwords within LOGIN_ACCOUNT_WINDOW lock
  the account itself until the window has passed without another, whoever tries (a password guessed from
  many machines at once; OWASP ASVS 2.2.1 allows at most 100 failures an hour on one account).
While locked out, even the right password is refused, and each further try starts the lock again.

Why in the cache and not in django-axes' database tables: the counts need to outlive nothing but the lock,
and a row per failed attempt (with its address, user agent and form fields) would keep a record of who
tried to sign in from where long after it mattered. The client is not its address: it is the keyed hash the
signing rate limit uses (`campaigns.ratelimit.client_key`, HMAC-SHA256 with SECRET_KEY, IPv6 per /64, behind
TRUSTED_PROXIES the address they saw), and the cache keys are django-axes' SHA-256 of that hash and the
username. So neither the cache, nor the database, nor the log (django-axes logs the "ip_address" it is given,
which is this hash) ever holds an address. Counts expire with the lock.

The cache is the shared one (Redis in production, so every app process sees the same counts). While Redis
is unreachable the counts go on in this process's memory, as the signing rate limit's do, rather than
failing the sign-in with a 500 or letting every guess through.
"""

import hashlib
import hmac
import logging
from datetime import timedelta

from axes.handlers.cache import AxesCacheHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username, get_cool_off
from django.conf import settings
from django.core.cache.backends.locmem import LocMemCache
from django.shortcuts import render

from campaigns.ratelimit import client_key
from ops.cache import REDIS_FAILURES
from ops.throttle import ThrottledWarning

logger = logging.getLogger(__name__)
warning = ThrottledWarning(logger)


def client_hash(request):
    """django-axes' AXES_CLIENT_IP_CALLABLE: what it takes to be the client's address is the keyed hash."""
    return client_key(request)


class _SharedOrLocal:
    """The shared cache, or this process's memory while the shared cache (Redis) cannot be reached."""

    def __init__(self, shared):
        self.shared = shared
        self.local = LocMemCache("accounts-login-attempts", {"OPTIONS": {"MAX_ENTRIES": 10_000}})

    def _reachable(self):
        # ops.cache.ResilientRedisCache says whether Redis answered last time; other backends always do.
        return getattr(self.shared, "is_available", lambda: True)()

    def _down(self):
        warning.warn(
            "Redis is unreachable: failed admin sign-ins are counted in each process's memory meanwhile."
        )

    def get(self, key, default=None):
        if self._reachable():
            value = self.shared.get(key, default)
            if self._reachable():
                return value
        return self.local.get(key, default)

    def add(self, key, value, timeout):
        if self._reachable():
            added = self.shared.add(key, value, timeout)
            if self._reachable():
                return added
        self._down()
        return self.local.add(key, value, timeout)

    def incr(self, key, delta=1):
        if self._reachable():
            try:
                return self.shared.incr(key, delta)
            except REDIS_FAILURES:
                pass
        self._down()
        self.local.add(key, 0)
        return self.local.incr(key, delta)

    def touch(self, key, timeout):
        if self._reachable():
            self.shared.touch(key, timeout)
        self.local.touch(key, timeout)

    def delete(self, key):
        if self._reachable():
            self.shared.delete(key)
        return self.local.delete(key)


def _account_key(username):
    """The account's counter is keyed by a hash of its username, as the client's is by a hash of its address."""
    digest = hmac.digest(settings.SECRET_KEY.encode(), username.encode(), hashlib.sha256).hex()
    return f"accounts:failed-logins:{digest}"


class LoginAttempts(AxesCacheHandler):
    """django-axes' cache handler (one client, one account), plus the limit on one account from every client.

    The extension points are django-axes' own: `get_failures` (compared with AXES_FAILURE_LIMIT before a
    password is checked) and `user_login_failed` (after a wrong one)."""

    def __init__(self):
        super().__init__()
        self.cache = _SharedOrLocal(self.cache)

    @staticmethod
    def _window():
        return int(settings.LOGIN_ACCOUNT_WINDOW.total_seconds())

    def account_locked(self, request, credentials=None):
        username = get_client_username(request, credentials)
        if username is None:
            return False
        return self.cache.get(_account_key(username), 0) >= settings.LOGIN_ACCOUNT_FAILURE_LIMIT

    def get_failures(self, request, credentials=None):
        failures = super().get_failures(request, credentials)
        if self.account_locked(request, credentials):
            return max(failures, settings.AXES_FAILURE_LIMIT)
        return failures

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request, **kwargs)
        username = get_client_username(request, credentials) if request is not None else None
        if username is None:
            return
        key = _account_key(username)
        if self.cache.add(key, 1, self._window()):
            failures = 1
        else:
            failures = self.cache.incr(key)
            self.cache.touch(key, self._window())
        if failures >= settings.LOGIN_ACCOUNT_FAILURE_LIMIT and not getattr(
            request, "axes_locked_out", False
        ):
            logger.warning("Admin sign-in locked for an account after %d failures from any client.", failures)
            request.axes_locked_out = True
            request.axes_credentials = credentials


def locked_out(request, original_response=None, credentials=None):
    """django-axes' AXES_LOCKOUT_CALLABLE: the page a locked-out sign-in gets, in the admin's look and the
    visitor's language, with 429 Too Many Requests and how long to wait."""

    handler = AxesProxyHandler.get_implementation()
    by_account = isinstance(handler, LoginAttempts) and handler.account_locked(request, credentials)
    wait = settings.LOGIN_ACCOUNT_WINDOW if by_account else (get_cool_off(request) or timedelta(0))
    minutes = max(1, int(wait.total_seconds() // 60))
    response = render(request, "accounts/locked_out.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(int(wait.total_seconds()))
    return response
