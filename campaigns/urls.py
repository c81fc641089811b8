"""Petition URLs, included in config.urls' i18n_patterns (so /de/… answers in German) before Wagtail's own
page route."""

from django.urls import path, re_path
from wagtail.urls import serve_pattern

from campaigns.views import confirmation, embed, petition, social_proof
from serving import views as serving_views

app_name = "campaigns"

urlpatterns = [
    path("sign/confirm/again/", confirmation.resend_confirmation, name="resend_confirmation"),
    path("sign/confirm/<str:token>/", confirmation.confirm, name="confirm"),
    path("api/campaigns/<uuid:campaign_key>/count/", petition.signature_count, name="signature_count"),
    path(
        "api/campaigns/<uuid:campaign_key>/form-shown/",
        petition.form_shown_token,
        name="form_shown_token",
    ),
    path(
        "api/campaigns/<uuid:campaign_key>/latest-signers/",
        social_proof.latest_signers,
        name="latest_signers",
    ),
    # The petition in a partner's frame (campaigns.embedding): the snippet's address, and each partner's.
    path("embed/<uuid:campaign_key>/", embed.embed, name="embed"),
    path("embed/<uuid:campaign_key>/thank-you/", embed.embed_thank_you, name="embed_thank_you"),
    path("embed/<uuid:campaign_key>/from/<str:partner>/", embed.embed, name="embed_partner"),
    path(
        "embed/<uuid:campaign_key>/from/<str:partner>/thank-you/",
        embed.embed_thank_you,
        name="embed_partner_thank_you",
    ),
    # Wagtail's page route again, so that campaign pages take posts without a CSRF token (see
    # serving.views.serve_page); Wagtail's own /_util/ views (page passwords, login) are left to it.
    re_path(serve_pattern.replace("^", "^(?!_util/)", 1), serving_views.serve_page, name="serve_page"),
]
