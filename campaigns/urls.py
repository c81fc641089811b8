"""Petition URLs, included in config.urls' i18n_patterns (so /de/… answers in German) before Wagtail's own
page route."""

from django.urls import path, re_path
from wagtail.urls import serve_pattern

from campaigns import views

app_name = "campaigns"

urlpatterns = [
    path("sign/confirm/<str:token>/", views.confirm, name="confirm"),
    path("api/campaigns/<uuid:campaign_key>/count/", views.signature_count, name="signature_count"),
    # Wagtail's page route again, so that campaign pages take posts without a CSRF token (see
    # views.serve_page); Wagtail's own /_util/ views (page passwords, login) are left to it.
    re_path(serve_pattern.replace("^", "^(?!_util/)", 1), views.serve_page, name="serve_page"),
]
