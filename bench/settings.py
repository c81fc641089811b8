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
