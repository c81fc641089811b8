"""Production: everything secret or deployment-specific comes from the environment (see config/env.py)."""

from config.env import MissingVariables, env, missing_in_production

from .base import *  # noqa: F403

# Refuse to start, naming every variable at once, rather than serve with a development default.
if missing_in_production():
    raise MissingVariables(missing_in_production())

DEBUG = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Off only where a TLS-ending proxy already redirects and talks plain HTTP to the app (and to benchmark).
SECURE_SSL_REDIRECT = env("SECURE_SSL_REDIRECT")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = env("HSTS_INCLUDE_SUBDOMAINS")
SECURE_HSTS_PRELOAD = env("HSTS_PRELOAD")
# `check --deploy` warns when either is off; an operator who turns one off has chosen to, so it stays quiet.
SILENCED_SYSTEM_CHECKS = [
    *([] if SECURE_HSTS_INCLUDE_SUBDOMAINS else ["security.W005"]),
    *([] if SECURE_HSTS_PRELOAD else ["security.W021"]),
    *([] if SECURE_SSL_REDIRECT else ["security.W008"]),
]

# `collectstatic` (the release step, or the image build) names each file after its content and writes
# gzip and brotli copies; WhiteNoise serves them with a far-future Cache-Control, so a CDN or a browser
# fetches each version once. Media (uploads) are not static files: they go to S3 when a bucket is set.
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "ops.staticfiles.MinifiedStaticFilesStorage"  # the own CSS and JS minified first
}

# Superusers and Signature managers confirm their sign-in with a second factor unless the operator says
# otherwise (REQUIRE_TWO_FACTOR=false, e.g. behind a single sign-on that already asks for one).
REQUIRE_TWO_FACTOR = env("REQUIRE_TWO_FACTOR") is not False

# One JSON object per line, with the request id (ops/logs.py), for a log collector to parse.
LOGGING["handlers"]["console"]["formatter"] = "json"  # noqa: F405

# Confirmation mails are queued in the database and sent by `manage.py db_worker`.
# django-tasks-db's queue with a task row stored by an INSERT compiled once per process (ops/tasks.py).
TASKS = {"default": {"BACKEND": "ops.tasks.DatabaseBackend"}}

if env("EMAIL_URL"):
    from urllib.parse import unquote, urlparse

    from django.core.exceptions import ImproperlyConfigured

    # smtp:// upgrades with STARTTLS; smtp+ssl:// speaks TLS from the start; smtp+plain:// neither (only
    # for a relay on the same machine or private network).
    _mail = urlparse(env("EMAIL_URL"))
    _default_ports = {"smtp": 587, "smtp+ssl": 465, "smtp+plain": 25}
    if _mail.scheme not in _default_ports:
        raise ImproperlyConfigured("EMAIL_URL must start with smtp://, smtp+ssl:// or smtp+plain://.")
    EMAIL_HOST = _mail.hostname
    EMAIL_PORT = _mail.port or _default_ports[_mail.scheme]
    EMAIL_HOST_USER = unquote(_mail.username or "")
    EMAIL_HOST_PASSWORD = unquote(_mail.password or "")
    EMAIL_USE_TLS = _mail.scheme == "smtp"
    EMAIL_USE_SSL = _mail.scheme == "smtp+ssl"
