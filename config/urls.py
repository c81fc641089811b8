from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from accounts.views import ThrottledPasswordResetView
from api import urls as api_urls
from api import views as api_views
from campaigns import urls as campaign_urls
from campaigns.admin import chooser as campaign_chooser
from integrity import public as integrity_public
from search import views as search_views
from updates import urls as updates_urls

urlpatterns = [
    # Wagtail's "Forgotten password?" form, limited in how often it mails (accounts/views.py); its other
    # steps (the link in the mail, the new password) are Wagtail's own, below.
    path(f"{settings.ADMIN_PATH}/password_reset/", ThrottledPasswordResetView.as_view()),
    # Wagtail's page chooser, opening at the campaign index when a campaign is to be chosen.
    path(f"{settings.ADMIN_PATH}/choose-page/", campaign_chooser.browse),
    path(f"{settings.ADMIN_PATH}/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # The public API's description, the same in every language; the API itself is under each language's prefix.
    path("api/v1/openapi.json", api_views.description, name="api_description"),
]

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Every public page lives under its language prefix (/en-us/, /en-gb/, /de/…). A request without one
# ("/", "/campaigns/ring/") is redirected by LocaleMiddleware to the visitor's Accept-Language locale.
urlpatterns += i18n_patterns(
    path("search/", search_views.search, name="search"),
    path("api/v1/", include(api_urls)),
    path("updates/", include(updates_urls)),
    path("integrity/", integrity_public.explanation, name="integrity_explanation"),
    path("", include(campaign_urls)),
    path("", include(wagtail_urls)),
    prefix_default_language=True,
)

# A 503 with Retry-After while the database is unreachable, Django's 500 otherwise (ops/errors.py).
handler500 = "ops.errors.server_error"

# The API under no language's prefix, or a prefix that is no language: JSON that says so (api/views.py).
urlpatterns += [re_path(r"^(?P<prefix>[\s\S]*)api/v1/(?P<rest>[\s\S]*)$", api_views.unknown_language)]
