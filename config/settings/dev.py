"""Local development: `make run`. DEBUG on, emails printed to the console, tasks run immediately."""

from .base import *  # noqa: F403
from .base import VAR_DIR

DEBUG = True
# A dev-only key, written once to var/ so sessions and signed links survive restarts. Never used in production.
_key_file = VAR_DIR / "dev-secret-key"
if not SECRET_KEY:  # noqa: F405
    VAR_DIR.mkdir(exist_ok=True)
    if not _key_file.exists():
        import secrets

        _key_file.write_text(secrets.token_urlsafe(50))
    SECRET_KEY = _key_file.read_text().strip()

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    # The embedded database of `make run`: a write-ahead log, synced at checkpoints rather than at every
    # commit (the first migrate commits hundreds of times), and writers that wait for each other instead of
    # failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(  # noqa: F405
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", transaction_mode="IMMEDIATE"
    )

# Mails (confirmation links) appear in the terminal that runs `make run`.
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
