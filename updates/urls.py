"""Public URLs of updates, under each language's prefix (config/urls.py), so the page answers in the signer's."""

from django.urls import path

from updates import views

app_name = "updates"

urlpatterns = [path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe")]
