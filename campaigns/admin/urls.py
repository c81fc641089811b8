"""Admin URLs of the Signatures area beyond modeladmin's own (registered in `campaigns/wagtail_hooks.py`)."""

from django.urls import path

from campaigns.admin import release, views

urlpatterns = [
    path("campaigns/signature/forget/", views.ForgetPersonView.as_view(), name="campaigns_signature_forget"),
    path("campaigns/signature/flagged/", release.ReleaseView.as_view(), name="campaigns_signature_release"),
    path(
        "campaigns/signature/summary/",
        views.SummaryIndexView.as_view(),
        name="campaigns_signature_summaries",
    ),
    path(
        "campaigns/signature/summary/<int:page_id>/",
        views.CampaignSummaryView.as_view(),
        name="campaigns_signature_summary",
    ),
    # Listed before wagtail.contrib.forms's own URLs (campaigns comes first in INSTALLED_APPS), so
    # this replaces Wagtail's view at the same address; reverse("wagtailforms:…") still points here.
    path(
        "forms/submissions/<int:page_id>/delete/",
        views.SubmissionsDeleteView.as_view(),
        name="campaigns_delete_submissions",
    ),
]
