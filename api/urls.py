"""The API's addresses under each language's prefix (config.urls includes them as /<language>/api/v1/)."""

from django.urls import path, re_path

from api import views

app_name = "api"

urlpatterns = [
    path("campaigns/", views.campaign_list, name="campaigns"),
    path("campaigns/<str:campaign_id>/", views.campaign_detail, name="campaign"),
    path("campaigns/<str:campaign_id>/countries/", views.campaign_countries, name="countries"),
    re_path(r"^(?P<rest>[\s\S]*)$", views.not_found),
]
