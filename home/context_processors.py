from django.conf import settings


def site(request):
    """The organisation's name, for the header, titles and social metadata."""
    return {"site_name": settings.WAGTAIL_SITE_NAME}
