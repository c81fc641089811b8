"""The site's URLs, plus the benchmark's baseline and ceilings (bench/stock/models.py says what each is)."""

from django.http import HttpResponse
from django.urls import path, re_path
from django.views.decorators.csrf import csrf_exempt
from wagtail.views import serve as wagtail_serve

from bench.stock.models import CeilingRow
from config import urls as site_urls

TWENTY_KB = b"<!DOCTYPE html><title>ceiling</title>" + b"x" * (20 * 1024 - 37)


def twenty_kb(request):
    """The cheapest page Django can serve: 20 KB from memory, through every middleware."""
    return HttpResponse(TWENTY_KB)


@csrf_exempt
def one_insert(request):
    """The cheapest post Django can take: one INSERT, through every middleware."""
    CeilingRow.objects.create(value=request.POST.get("email", ""))
    return HttpResponse(b"ok")


# The site's error handlers too (a 503 with Retry-After while the database is down): without them Django's
# plain 500 answered every signature during bench/cluster.py's PostgreSQL restart.
handler500 = site_urls.handler500

urlpatterns = [
    path("bench/20k/", twenty_kb),
    path("bench/insert/", one_insert),
    # The stock form page, served by Wagtail's own view (with Django's CSRF protection), on its own Site.
    re_path(r"^stock/(?P<path>.*)$", wagtail_serve),
    *site_urls.urlpatterns,
]
