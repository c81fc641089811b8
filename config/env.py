"""Every environment variable the project reads, in one table, with its type and default.

Settings modules import `env` and never touch `os.environ` themselves, so a reader sees here
everything an operator can set. Variables marked `production=True` have no safe default for a public
site: production settings refuse to start until each is set (`missing_in_production`).
"""

import os
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class Var:
    name: str
    default: object
    help: str
    kind: type = str
    production: bool = False  # must be set in production

    def is_set(self):
        return bool(os.environ.get(self.name, "").strip())

    def read(self):
        raw = os.environ.get(self.name)
        if raw is None or raw == "":
            return self.default
        if self.kind is bool:
            return raw.strip().lower() in {"1", "true", "yes", "on"}
        if self.kind is int:
            return int(raw)
        if self.kind is float:
            return float(raw)
        if self.kind is list:
            return [item.strip() for item in raw.split(",") if item.strip()]
        return raw


VARIABLES = [
    Var("SITE_NAME", "Stand Up For Privacy", "The organisation's name shown in the header and titles."),
    Var(
        "TIME_ZONE",
        "UTC",
        "The site's time zone, e.g. Europe/London: closing dates are typed and shown in it, with its name.",
    ),
    Var("SECRET_KEY", None, "Django's signing key: 50 or more random characters.", production=True),
    Var(
        "DATABASE_URL",
        None,
        "postgres://user:pass@host:5432/name; SQLite in var/ when unset.",
        production=True,
    ),
    Var(
        "DATABASE_REPLICA_URL",
        None,
        "A PostgreSQL read replica of DATABASE_URL: public pages and the API read from it (ops/dbrouter.py).",
    ),
    Var(
        "DATABASE_PREPARED_STATEMENTS",
        True,
        "PostgreSQL prepares the signing INSERT once per connection. Turn off behind a pooler in transaction "
        "mode that cannot keep prepared statements (PgBouncer before 1.21).",
        bool,
    ),
    Var(
        "REDIS_URL",
        None,
        "redis://host:6379/0: the cache and rate limits every process shares; local memory when unset.",
        production=True,
    ),
    Var(
        "REDIS_TIMEOUT",
        0.25,
        "Seconds Redis has to accept a connection or answer a command before it is taken to be down and the "
        "site carries on without it for a few seconds (ops/cache.py). Redis answers in well under a millisecond.",
        float,
    ),
    Var("ALLOWED_HOSTS", ["127.0.0.1", "localhost"], "Comma-separated host names.", list, production=True),
    Var("CSRF_TRUSTED_ORIGINS", [], "Extra origins allowed to post forms (https://example.org).", list),
    Var(
        "BASE_URL",
        "http://127.0.0.1:8000",
        "Where the site is served (https://campaigns.example.org): links in pages and mails.",
        production=True,
    ),
    Var("DEFAULT_FROM_EMAIL", "Campaigns <campaigns@example.org>", "Sender of every email.", production=True),
    Var(
        "EMAIL_URL",
        None,
        "smtp://user:pass@host:587 (STARTTLS), smtp+ssl://…:465, smtp+plain://relay:25; console in dev.",
        production=True,
    ),
    Var(
        "AWS_STORAGE_BUCKET_NAME",
        None,
        "S3 bucket for uploaded media. Production needs one: no production process serves uploads from its "
        "own disk, and a second machine would not have them. Local files in development.",
        production=True,
    ),
    Var("AWS_S3_ENDPOINT_URL", None, "S3 API endpoint (for S3-compatible stores and local tests)."),
    Var("AWS_S3_REGION_NAME", None, "S3 region."),
    Var(
        "AWS_S3_CUSTOM_DOMAIN",
        None,
        "Host (and path) browsers fetch media from: a CDN in front of the bucket. Same scheme as BASE_URL.",
    ),
    Var(
        "AWS_ACCESS_KEY_ID",
        None,
        "S3 access key; when unset boto3 finds credentials itself (instance role…).",
    ),
    Var("AWS_SECRET_ACCESS_KEY", None, "S3 secret key, with AWS_ACCESS_KEY_ID."),
    Var("MEDIA_ROOT", None, "Where uploaded files go in development (production uses S3)."),
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
    Var("STATIC_ROOT", None, "Where `collectstatic` gathers static files; static_collected/ when unset."),
    Var("SIGN_RATE_LIMIT", "10/10m", "Signatures a client may submit per window, e.g. 10/10m, 100/1h."),
    Var("TRUSTED_PROXIES", 0, "Proxies in front of the app that append to X-Forwarded-For (0: none).", int),
    Var(
        "TRUSTED_PROXY_NETWORKS",
        [],
        "Where those proxies are (10.0.0.0/8,…): X-Forwarded-For is believed only from these addresses.",
        list,
    ),
    Var("RATE_LIMIT_IPV6_PREFIX", 64, "IPv6 clients are rate-limited per network of this many bits.", int),
    Var(
        "PUBLIC_COUNTRY_MINIMUM",
        10,
        "The public API shows a country's count only from this many signatures; fewer go into 'other'.",
        int,
    ),
    Var("WEBHOOK_TIMEOUT", 10, "Seconds a webhook receiver has to answer.", int),
    Var("WEBHOOK_RETRY_DELAY", 30, "Seconds before a failed webhook is sent again; doubles each time.", int),
    Var(
        "WEBHOOKS_ALLOW_INTERNAL",
        False,
        "Let webhooks go to private addresses and plain http (tests and development only).",
        bool,
    ),
    Var("LOG_LEVEL", "INFO", "Root log level."),
    Var(
        "SECURE_SSL_REDIRECT",
        True,
        "Production: redirect plain HTTP to HTTPS (off when a proxy does it).",
        bool,
    ),
    Var(
        "HSTS_INCLUDE_SUBDOMAINS",
        True,
        "Production: the HSTS header covers every subdomain too (turn off if one serves plain HTTP).",
        bool,
    ),
    Var(
        "HSTS_PRELOAD",
        True,
        "Production: HSTS header asks browsers to preload HTTPS (enrol the domain at hstspreload.org).",
        bool,
    ),
    Var("ADMIN_PATH", "admin", "Where the Wagtail admin is served: /<ADMIN_PATH>/."),
    Var(
        "REQUIRE_TWO_FACTOR",
        None,
        "Superusers and Signature managers must confirm each admin sign-in with an authenticator app's code: "
        "on in production unless set to false, off elsewhere unless set to true.",
        bool,
    ),
    Var(
        "TASKS_BACKEND",
        "immediate",
        "Outside production: 'immediate' runs tasks (mails, webhooks, PDFs) inside the request that queues them; "
        "'database' queues them for `manage.py db_worker`, as production always does.",
    ),
    Var("TASK_RETRY_DELAY", 30, "Seconds before a failed mail is tried again; doubles each time.", int),
    Var(
        "TASK_TIMEOUT", 600, "Seconds after which a task still running is taken to have lost its worker.", int
    ),
    Var("PORT", 8000, "The port gunicorn listens on.", int),
    Var(
        "BIND_ADDRESS",
        "127.0.0.1",
        "The address gunicorn listens on: loopback, for a proxy on the same machine. Set a private interface "
        "(or 0.0.0.0 in a container on a private network) only where a buffering proxy alone can reach it: "
        "gunicorn is stalled by slow clients and must never face the internet (README, Deploying).",
    ),
    Var(
        "RUN_DIR",
        None,
        "Where gunicorn puts its control socket (gunicornc); var/run/ of the checkout when unset.",
    ),
    Var("WEB_CONCURRENCY", None, "gunicorn worker processes; default two per CPU core.", int),
    Var("WEB_THREADS", 4, "Threads per gunicorn worker process.", int),
    Var("ADMIN_PASSWORD", None, "Password for the demo admin user created by `make run`."),
]

_BY_NAME = {var.name: var for var in VARIABLES}


class MissingVariables(ImproperlyConfigured):
    """Production settings were loaded without variables they need. manage.py prints the one-line message
    alone; a WSGI server shows it as the last line of its boot error."""

    def __init__(self, names):
        self.names = names
        super().__init__(
            f"Production needs these environment variables, which are not set: {', '.join(names)} "
            "(each is described in config/env.py)."
        )


def missing_in_production():
    """Names of the variables production needs that are unset, in table order."""
    return [var.name for var in VARIABLES if var.production and not var.is_set()]


def env(name):
    """Return the typed value of an environment variable declared in VARIABLES."""
    return _BY_NAME[name].read()
