"""The site's URLs and one more that fails, so that a browser test can look at the 500 page in each language
(settings.ROOT_URLCONF = "tests.browser.urls" in that test only)."""

from django.conf.urls.i18n import i18n_patterns
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns


def fail(request):
    raise RuntimeError("A deliberate failure: a browser test looks at the 500 page.")


urlpatterns = i18n_patterns(path("test-failure/", fail), prefix_default_language=True) + site_urlpatterns
