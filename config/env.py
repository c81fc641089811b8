"""Every environment variable the project reads, in one table, with its type and default.

Settings modules import `env` and never touch `os.environ` themselves, so a reader sees here
everything an operator can set.
"""

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Var:
    name: str
    default: object
    help: str
    kind: type = str

    def read(self):
        raw = os.environ.get(self.name)
        if raw is None or raw == "":
            return self.default
        if self.kind is bool:
            return raw.strip().lower() in {"1", "true", "yes", "on"}
        if self.kind is int:
            return int(raw)
        if self.kind is list:
            return [item.strip() for item in raw.split(",") if item.strip()]
        return raw


VARIABLES = [
    Var("SITE_NAME", "Stand Up For Privacy", "The organisation's name shown in the header and titles."),
    Var("SECRET_KEY", None, "Django's signing key; required in production."),
    Var("DATABASE_URL", None, "postgres://user:pass@host:5432/name; SQLite in var/ when unset."),
    Var("REDIS_URL", None, "redis://host:6379/0 for the cache and rate limits; local memory when unset."),
    Var("ALLOWED_HOSTS", ["127.0.0.1", "localhost"], "Comma-separated host names.", list),
    Var("CSRF_TRUSTED_ORIGINS", [], "Extra origins allowed to post forms (https://example.org).", list),
    Var("BASE_URL", "http://127.0.0.1:8000", "Absolute site URL used in emails and admin links."),
    Var("DEFAULT_FROM_EMAIL", "Campaigns <campaigns@example.org>", "Sender of every email."),
    Var("EMAIL_URL", None, "smtp://user:pass@host:587 (TLS); console output when unset in dev."),
    Var("AWS_STORAGE_BUCKET_NAME", None, "S3 bucket for uploaded media; local files when unset."),
    Var("AWS_S3_ENDPOINT_URL", None, "S3 API endpoint (for S3-compatible stores and local tests)."),
    Var("AWS_S3_REGION_NAME", None, "S3 region."),
    Var("AWS_S3_CUSTOM_DOMAIN", None, "CDN host name serving the media bucket."),
    Var("MEDIA_ROOT", None, "Where uploaded files go when S3 is not used."),
    Var(
        "FRONTEND_CACHE_URL",
        None,
        "A CDN or proxy's HTTP purge endpoint (Varnish, nginx): purged on publish.",
    ),
    Var("CLOUDFLARE_ZONE_ID", None, "Cloudflare zone to purge on publish (with CLOUDFLARE_API_TOKEN)."),
    Var("CLOUDFLARE_API_TOKEN", None, "Cloudflare API token allowed to purge the zone's cache."),
    Var(
        "CLOUDFRONT_DISTRIBUTION_ID",
        None,
        "CloudFront distribution to purge on publish (AWS credentials as usual).",
    ),
    Var("SIGN_RATE_LIMIT", "10/10m", "Signatures a client may submit per window, e.g. 10/10m, 100/1h."),
    Var("TRUSTED_PROXIES", 0, "Proxies in front of the app that append to X-Forwarded-For (0: none).", int),
    Var(
        "TRUSTED_PROXY_NETWORKS",
        [],
        "Where those proxies are (10.0.0.0/8,…): X-Forwarded-For is believed only from these addresses.",
        list,
    ),
    Var("RATE_LIMIT_IPV6_PREFIX", 64, "IPv6 clients are rate-limited per network of this many bits.", int),
    Var("LOG_LEVEL", "INFO", "Root log level."),
    Var(
        "SECURE_SSL_REDIRECT",
        True,
        "Production: redirect plain HTTP to HTTPS (off when a proxy does it).",
        bool,
    ),
    Var("PORT", 8000, "The port gunicorn listens on.", int),
    Var("WEB_CONCURRENCY", None, "gunicorn worker processes; default two per CPU core.", int),
    Var("ADMIN_PASSWORD", None, "Password for the demo admin user created by `make run`."),
]

_BY_NAME = {var.name: var for var in VARIABLES}


def env(name):
    """Return the typed value of an environment variable declared in VARIABLES."""
    return _BY_NAME[name].read()
