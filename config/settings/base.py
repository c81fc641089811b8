"""Settings shared by every environment. Values that differ per deployment come from config.env.

Longer than 400 lines, for a reason: Django reads its settings from one module, and each setting here sits
beside the comment that says why it has its value; splitting them by topic would only add imports.
"""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from config.env import env

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

SECRET_KEY = env("SECRET_KEY")
DEBUG = False
ALLOWED_HOSTS = env("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env("CSRF_TRUSTED_ORIGINS")
BASE_URL = env("BASE_URL")
WAGTAILADMIN_BASE_URL = BASE_URL

INSTALLED_APPS = [
    "home",
    # The request path every app shares: page cache, invalidation, site structure (serving/).
    "serving",
    "campaigns",
    "integrity",  # rules that flag signatures, kept out of the count until released (campaigns.quarantine)
    "api",
    "webhooks",
    "delivery",
    "updates",
    "branding",  # the organisation's name, logo and contact line in every mail (Settings → Organisation)
    "search",
    "accounts",  # the admin's sign-in: lockout, throttled password reset, two-factor (accounts/)
    "ops",  # before django_tasks_db: its db_worker command replaces the library's (ops/management/commands)
    "wagtail_localize",
    "wagtail_localize.locales",  # replaces wagtail.locales: locale admin with sync options
    "wagtail_modeladmin",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_countries",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    # First: load balancers probe /healthz and /readyz by address over plain HTTP (no host check, no redirect).
    "ops.health.HealthCheckMiddleware",
    # Outside the page cache, so that a page served from it still gets an id of its own.
    "ops.middleware.RequestIdMiddleware",
    # With a read replica: marks the public reads it may serve (ops/dbrouter.py), until the response has
    # left the page cache below (which reads when it stores a page); removed without a replica.
    "ops.dbrouter.PublicReadsMiddleware",
    # Then a page it serves from the cache skips everything below (serving/pagecache.py); the headers the
    # middleware below add are stored with the page.
    "serving.pagecache.PageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files from the app itself, compressed, hashed files cached for ever (STORAGES in production).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "ops.middleware.ContentSecurityPolicyMiddleware",
    "ops.middleware.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Picks the language from the URL prefix (/de/…), or from Accept-Language when redirecting "/".
    "django.middleware.locale.LocaleMiddleware",
    # Before anything reads a body: a large one is refused unread, in the URL's language (serving/middleware.py).
    "serving.middleware.BoundedBodyMiddleware",
    # Form posts are UTF-8 or refused by the form, never stored as mojibake (serving/middleware.py).
    "serving.middleware.Utf8FormPostsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session passed a second factor (django-otp).
    "django_otp.middleware.OTPMiddleware",
    # Who must pass one is sent to it before any other admin page (accounts/twofactor.py).
    "accounts.twofactor.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last: turns a login refused for too many failures into the lockout page (accounts/lockout.py).
    "axes.middleware.AxesMiddleware",
]

# django-axes counts failed logins and refuses a locked-out client before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "home.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"


def _database(url):
    database = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    if database["ENGINE"].endswith("postgresql"):
        # Django's backend with a health check that asks the socket, not the server (config/postgresql).
        database["ENGINE"] = "config.postgresql"
        # An unreachable server fails a request in seconds (a 503, see ops/errors.py), never hangs it.
        database.setdefault("OPTIONS", {})["connect_timeout"] = 5
        # psycopg may keep prepared statements. Django's own queries are never prepared (they bind their
        # values in the client); the signing INSERT is (campaigns.signature_insert._prepared_cursor).
        if env("DATABASE_PREPARED_STATEMENTS"):
            database["OPTIONS"]["prepare_threshold"] = 5
    return database


# PostgreSQL in production (DATABASE_URL); an embedded SQLite file otherwise, so `make run` needs nothing.
DATABASES = {"default": _database(env("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
# A read replica serves public pages and the API; writes, the admin and signing use the primary.
DATABASE_ROUTERS = []
if env("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = _database(env("DATABASE_REPLICA_URL"))
    DATABASE_ROUTERS = ["ops.dbrouter.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL")
REDIS_TIMEOUT = env("REDIS_TIMEOUT")  # the cache and the signing rate limit alike
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's RedisCache, except that an unreachable Redis is a cache miss, not a 500 (ops/cache.py).
            "BACKEND": "ops.cache.ResilientRedisCache",
            "LOCATION": env("REDIS_URL"),
            # Redis answers in well under a millisecond: one that does not within REDIS_TIMEOUT is down.
            "OPTIONS": {"socket_connect_timeout": REDIS_TIMEOUT, "socket_timeout": REDIS_TIMEOUT},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalisation. One list drives Django's interface language, Wagtail's content locales and the
# URL prefixes. Adding a locale: add it here, add locale/<code>/LC_MESSAGES/django.po, run migrate (the
# locales migration creates the Locale row), then translate the pages in wagtail-localize.
LANGUAGE_CODE = "en-us"
LANGUAGES = [
    ("en-us", "English (US)"),
    ("en-gb", "English (UK)"),
    ("de", "Deutsch"),
    ("fr", "Français"),
    ("es", "Español"),
]
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
# A new translation starts as a draft, whatever the source's state: the default (on) would publish it at
# once, still in the source's language. It goes live when an editor publishes it or approves it in the
# "Editor review" workflow (home/migrations/0003_editor_review.py, campaigns/admin/translation_review.py).
WAGTAILLOCALIZE_SYNC_LIVE_STATUS_ON_TRANSLATE = False
# The Wagtail admin's own interface is offered in the languages it ships.
WAGTAILADMIN_PERMITTED_LANGUAGES = [
    ("en", "English"),
    ("de", "Deutsch"),
    ("fr", "Français"),
    ("es", "Español"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("TIME_ZONE")  # closing dates are typed and shown in it (campaigns.new_campaigns)
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env("STATIC_ROOT") or str(BASE_DIR / "static_collected")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env("MEDIA_ROOT") or str(BASE_DIR / "media")

# Media links use the site's own scheme: an https page may not show http images, and a site tried out over
# plain http (compose.yaml) serves its bucket over http too.
MEDIA_URL_SCHEME = urlsplit(BASE_URL).scheme or "https"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if env("AWS_STORAGE_BUCKET_NAME"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env("AWS_S3_ENDPOINT_URL"),
            "region_name": env("AWS_S3_REGION_NAME"),
            "custom_domain": env("AWS_S3_CUSTOM_DOMAIN"),
            "url_protocol": f"{MEDIA_URL_SCHEME}:",
            # None: boto3 looks for credentials itself (an instance or task role, ~/.aws).
            "access_key": env("AWS_ACCESS_KEY_ID"),
            "secret_key": env("AWS_SECRET_ACCESS_KEY"),
            "querystring_auth": False,
            "file_overwrite": False,
        },
    }

DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Django's SMTP backend, able to deliver to mailbox names in any script (SMTPUTF8; ops/mail.py).
# Development prints mails instead and tests keep them in memory (settings/dev.py, settings/test.py).
EMAIL_BACKEND = "ops.mail.EmailBackend"

# Tasks (confirmation emails, webhooks, petition PDFs). `make run` runs them inside the request that queues
# them, so the demo needs no second process; TASKS_BACKEND=database queues them for `manage.py db_worker` to
# try the worker locally. Production always queues them in the database (settings/production.py).
TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "ops.tasks.DatabaseBackend",  # django-tasks-db's, its INSERT compiled once
}
if env("TASKS_BACKEND") not in TASK_BACKENDS:
    raise ImproperlyConfigured(f"TASKS_BACKEND must be one of: {', '.join(TASK_BACKENDS)}.")
TASKS = {"default": {"BACKEND": TASK_BACKENDS[env("TASKS_BACKEND")]}}
# A task that fails because a service is down (SMTP, a dropped connection) runs again after TASK_RETRY_DELAY
# seconds, doubling each time up to an hour, at most TASK_MAX_ATTEMPTS times: about five hours in all.
# A task "running" for longer than TASK_TIMEOUT lost its worker and runs again (ops/tasks.py).
TASK_RETRY_DELAY = env("TASK_RETRY_DELAY")
TASK_MAX_ATTEMPTS = 12
TASK_TIMEOUT = env("TASK_TIMEOUT")
# /readyz reports the queue unhealthy when a task has waited this long for a worker: is one running?
TASKS_MAX_WAIT = 300
# A mail gives up on a silent SMTP server well within TASK_TIMEOUT, so a live task never looks abandoned.
EMAIL_TIMEOUT = min(30, TASK_TIMEOUT // 4)

# A CDN in front of the site: publishing purges a page in every language (serving/invalidation.py).
WAGTAILFRONTENDCACHE = {}
if env("FRONTEND_CACHE_URL"):
    WAGTAILFRONTENDCACHE["proxy"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
        "LOCATION": env("FRONTEND_CACHE_URL"),
    }
if env("CLOUDFLARE_ZONE_ID"):
    WAGTAILFRONTENDCACHE["cloudflare"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudflareBackend",
        "ZONEID": env("CLOUDFLARE_ZONE_ID"),
        "BEARER_TOKEN": env("CLOUDFLARE_API_TOKEN"),
    }
if env("CLOUDFRONT_DISTRIBUTION_ID"):
    WAGTAILFRONTENDCACHE["cloudfront"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudfrontBackend",
        "DISTRIBUTION_ID": env("CLOUDFRONT_DISTRIBUTION_ID"),
    }

WAGTAIL_SITE_NAME = env("SITE_NAME")
# Wagtail's database search; on PostgreSQL each locale is stemmed in its own language (search/backends.py).
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "search.backends"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp", "avif"]
WAGTAILEMBEDS_RESPONSIVE_HTML = True
# No third-party requests from the admin either: user avatars are not fetched from Gravatar.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# …nor asks releases.wagtail.org for a new version (an administrator's browser would, from the dashboard).
WAGTAIL_ENABLE_UPDATE_CHECK = False


# Signing: abuse limits. The client key is an HMAC of the address with SECRET_KEY: raw IPs are never kept.
SIGN_RATE_LIMIT = env("SIGN_RATE_LIMIT")
# How many proxies (load balancer, CDN) stand in front of the app: the rate limit keys on the address the
# outermost of them saw in X-Forwarded-For, not on the proxy's own.
TRUSTED_PROXIES = env("TRUSTED_PROXIES")
# Where those proxies are: a request from elsewhere is taken at its own address, whatever X-Forwarded-For says.
TRUSTED_PROXY_NETWORKS = env("TRUSTED_PROXY_NETWORKS")
# IPv6 clients get a whole /64 each; they are limited per such network, not per address.
RATE_LIMIT_IPV6_PREFIX = env("RATE_LIMIT_IPV6_PREFIX")

# The Wagtail admin's address: /admin/ unless ADMIN_PATH moves it (fewer login-page scanners find it).
ADMIN_PATH = env("ADMIN_PATH").strip("/")
# The demo admin's password (`manage.py ensure_admin`, run by `make run`); generated once when unset.
ADMIN_PASSWORD = env("ADMIN_PASSWORD")

# The admin's sign-in (accounts/). django-axes locks a client out of one account after AXES_FAILURE_LIMIT
# wrong passwords, for AXES_COOLOFF_TIME after the last of them (a try while locked out starts it again);
# LOGIN_ACCOUNT_FAILURE_LIMIT wrong passwords from anywhere within an hour lock the account itself for the
# rest of that hour (OWASP ASVS 2.2.1: at most 100 failures an hour on one account). Clients are counted by
# the same keyed hash of their address as the signing rate limit, in the shared cache, for the lock window
# only: no address, and no attempt, is stored anywhere (accounts/lockout.py).
AXES_HANDLER = "accounts.lockout.LoginAttempts"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_hash"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.locked_out"
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_RESET_ON_SUCCESS = True  # someone who mistyped twice and then got in starts from nothing
AXES_ENABLE_ADMIN = False  # nothing in the database to show: the counts live in the cache
# Its log lines (a failure, a lockout, a success) name the username, the client's hash and the path only:
# enough to see which account is being guessed and whether from one client or many.
AXES_VERBOSE = False
AXES_SENSITIVE_PARAMETERS = []  # what would be hidden is the username, and a hash that is no address
LOGIN_ACCOUNT_FAILURE_LIMIT = 50
LOGIN_ACCOUNT_WINDOW = timedelta(hours=1)
# "Forgot your password?" mails at most this often, per client and per address asked for (accounts/views.py).
PASSWORD_RESET_RATE_PER_CLIENT = "5/1h"
PASSWORD_RESET_RATE_PER_ADDRESS = "3/1h"

# Two-factor authentication (django-otp: an authenticator app's codes, and backup codes). When on,
# superusers and everyone who may see signatures must pass it after their password before any admin page,
# and are taken to set it up first if they have not. Anyone who set it up passes it, required or not.
# On in production unless REQUIRE_TWO_FACTOR=false; off in development and tests unless set.
REQUIRE_TWO_FACTOR = bool(env("REQUIRE_TWO_FACTOR"))
OTP_TOTP_ISSUER = env("SITE_NAME")

# Content-Security-Policy (django-csp, ops.middleware): public pages load scripts, styles, fonts and images
# from this site only (and images from the media bucket or its CDN), inline code never runs, nothing frames
# them, and forms post only here.
MEDIA_ORIGINS = []
if env("AWS_STORAGE_BUCKET_NAME"):
    if env("AWS_S3_CUSTOM_DOMAIN"):
        MEDIA_ORIGINS.append(f"{MEDIA_URL_SCHEME}://{env('AWS_S3_CUSTOM_DOMAIN')}")
    elif env("AWS_S3_ENDPOINT_URL"):
        _endpoint = urlsplit(env("AWS_S3_ENDPOINT_URL"))
        MEDIA_ORIGINS.append(f"{_endpoint.scheme}://{_endpoint.netloc}")
    else:
        MEDIA_ORIGINS.append(f"https://{env('AWS_STORAGE_BUCKET_NAME')}.s3.amazonaws.com")
        if env("AWS_S3_REGION_NAME"):
            MEDIA_ORIGINS.append(
                f"https://{env('AWS_STORAGE_BUCKET_NAME')}.s3.{env('AWS_S3_REGION_NAME')}.amazonaws.com"
            )
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, *MEDIA_ORIGINS],
        "media-src": [SELF, *MEDIA_ORIGINS],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-src": [NONE],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# What the Wagtail admin needs on top, on its pages only: inline scripts and styles (its templates have
# both), image previews of uploads (data:, blob:) and its own previews in a frame.
ADMIN_CONTENT_SECURITY_POLICY = {
    "script-src": [SELF, "'unsafe-inline'"],
    "style-src": [SELF, "'unsafe-inline'"],
    "img-src": [SELF, "data:", "blob:", *MEDIA_ORIGINS],
    "frame-src": [SELF],
    "frame-ancestors": [SELF],
}
# Permissions-Policy: every powerful browser feature is denied; a campaign page uses none of them.
PERMISSIONS_POLICY_DENY = [
    "accelerometer",
    "autoplay",
    "browsing-topics",
    "camera",
    "display-capture",
    "encrypted-media",
    "geolocation",
    "gyroscope",
    "hid",
    "idle-detection",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "publickey-credentials-get",
    "screen-wake-lock",
    "serial",
    "usb",
    "xr-spatial-tracking",
]

# The public API's counts by country show a country only once this many signatures name it; smaller
# groups are summed into "other", so that nobody can be picked out from a small count (api/data.py).
PUBLIC_COUNTRY_MINIMUM = env("PUBLIC_COUNTRY_MINIMUM")

# Webhooks (webhooks/): where the organisation's CRM hears about signatures. Each POST waits at most
# WEBHOOK_TIMEOUT seconds; a failed one is tried again after WEBHOOK_RETRY_DELAY seconds, doubling each time,
# for WEBHOOK_RETRY_FOR seconds. Addresses inside private networks (and plain http) are refused unless
# WEBHOOKS_ALLOW_INTERNAL is set, for tests and local development (webhooks/sending.py).
WEBHOOK_TIMEOUT = env("WEBHOOK_TIMEOUT")
WEBHOOK_RETRY_DELAY = env("WEBHOOK_RETRY_DELAY")
WEBHOOK_RETRY_FOR = 24 * 3600
WEBHOOKS_ALLOW_INTERNAL = env("WEBHOOKS_ALLOW_INTERNAL")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Every line names the request it belongs to (ops.middleware.RequestIdMiddleware); production writes JSON.
    "filters": {"request_id": {"()": "ops.logs.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "ops.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["request_id"]}
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL")},
    # Wagtail logs every page save and django-tasks every task run at INFO: useful in an audit, noise in a terminal.
    "loggers": {
        "wagtail": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        # WeasyPrint logs each step of each part of a petition PDF (delivery/pdf.py), and every font it subsets.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
