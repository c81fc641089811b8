"""`make bench`: the production settings, plus the stock Wagtail form page and the bare ceiling views.

Everything the site runs with in production runs here (gunicorn, PostgreSQL, Redis, the page cache), so the
figures are the site's; the baseline and the ceilings are served by the same processes in the same run.
"""

from config.settings.production import *  # noqa: F403
from config.settings.production import INSTALLED_APPS

INSTALLED_APPS = ["bench.stock", *INSTALLED_APPS]
ROOT_URLCONF = "bench.urls"
# The benchmark's requests carry a fresh X-Forwarded-For each, as many visitors behind one proxy do.
ALLOWED_HOSTS = ["*"]
# Production requires a media bucket to start (AWS_STORAGE_BUCKET_NAME, set by bench/run.py), but there is no
# S3 here: the demo's pictures are kept on this machine's disk, as one machine would. The benchmark fetches
# pages, which only name their pictures, and never a picture itself.
STORAGES["default"] = {"BACKEND": "django.core.files.storage.FileSystemStorage"}  # noqa: F405
