"""Admin URLs of petition delivery (registered in delivery/wagtail_hooks.py), beside the Signatures area's."""

from django.urls import path

from delivery import views

urlpatterns = [
    path("campaigns/deliver/<int:page_id>/", views.DeliverView.as_view(), name="delivery_deliver"),
    path(
        "campaigns/deliver/document/<int:document_id>.pdf",
        views.DownloadView.as_view(),
        name="delivery_download",
    ),
]
