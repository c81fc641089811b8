"""Settings for pytest. Each swap says why."""

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-secret-key-not-for-production-use-0123456789"
# Fast hashing: tests create users, and the real hasher costs ~0.3 s each.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Mails land in django.core.mail.outbox so tests can read them.
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tasks run inside the request, so a test sees the confirmation mail straight after the POST.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Uploaded test images go to a throwaway folder, not the developer's media/.
MEDIA_ROOT = str(BASE_DIR / "var" / "test-media")  # noqa: F405
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
# A second alias for the test database, as a read replica would be: no router uses it unless a test turns
# ops.dbrouter on (tests/ops/test_replica.py), which then sees which alias served each query.
DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}  # noqa: F405
# Tests sign in with force_login and no second factor, whatever the developer's shell says; the two-factor
# tests turn it on themselves (tests/accounts/test_two_factor.py).
REQUIRE_TWO_FACTOR = False
# Tests address the admin at /admin/, whatever ADMIN_PATH the developer's shell sets.
ADMIN_PATH = "admin"
# Wagtail logs every page save and task run at INFO; tests only need to hear about problems.
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
