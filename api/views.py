"""The public read API, version 1: the published campaigns of a language, one campaign, its counts by country.

Every address but the description lives under a language's prefix (`/de/api/v1/…`): titles, addresses, goals
and country names are those of the language in the path, and messages are in it too. So one address always
gives one answer, which the page cache (serving/pagecache.py) and any CDN in front store whole, and which
anyone's web page may read (CORS: GET and HEAD from any origin, never with credentials). The OpenAPI 3
description, `/api/v1/openapi.json` (api/openapi.py), says what each answer holds. Field names follow OSDI's
petition resource where it has one (identifiers, title, summary, target, browser_url, total_signatures);
errors are RFC 9457 problem details (application/problem+json).
"""

import uuid
from datetime import UTC, datetime
from functools import wraps

from django.conf import settings
from django.http import JsonResponse
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django_countries import countries

from api import data, openapi
from campaigns.models.counter import signature_count, stored_counts
from integrity import report
from serving import pagecache, site_structure

READ_METHODS = ("GET", "HEAD")
# How long a browser may reuse the answer to a CORS preflight.
PREFLIGHT_MAX_AGE = 86400
ORIGIN_SYSTEM = "campaigns"  # the OSDI `origin_system`, and the prefix of our identifiers


class Problem(Exception):
    """An answer that is not the resource: RFC 9457 problem details with a status and a localised detail."""

    TITLES = {400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed"}

    def __init__(self, status, detail):
        super().__init__(detail)
        self.status = status
        self.detail = detail

    def response(self):
        response = JsonResponse(
            {
                "type": "about:blank",
                "title": self.TITLES[self.status],
                "status": self.status,
                "detail": self.detail,
            },
            status=self.status,
            content_type="application/problem+json",
        )
        return response


def _cors(response):
    response["Access-Control-Allow-Origin"] = "*"
    return response


def public_read(view):
    """A public API view: GET and HEAD only, readable from any origin, and stored by the page cache when 200.

    Answers a CORS preflight (OPTIONS) allowing GET and HEAD; anything else is a 405 naming what is allowed
    (exempt from the CSRF check, which would answer a write with a 403 page: nothing here writes)."""

    @csrf_exempt
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "OPTIONS":
            response = _cors(JsonResponse({}, status=204))
            response.content = b""
            response["Access-Control-Allow-Methods"] = ", ".join(READ_METHODS)
            response["Access-Control-Max-Age"] = str(PREFLIGHT_MAX_AGE)
            response["Allow"] = ", ".join((*READ_METHODS, "OPTIONS"))
            return response
        if request.method not in READ_METHODS:
            response = Problem(405, _("This address can only be read (GET).")).response()
            response["Allow"] = ", ".join((*READ_METHODS, "OPTIONS"))
            return _cors(response)
        try:
            response = view(request, *args, **kwargs)
        except Problem as problem:
            return _cors(problem.response())
        pagecache.allow(request)  # the same for everyone: only a 200 is stored
        return _cors(response)

    return wrapper


def _campaign_key(text):
    try:
        return uuid.UUID(text)
    except ValueError:
        raise Problem(
            400, _("This is not a campaign id: ids look like 1f0c5b9e-3a1d-4c7b-9d2e-5b8a7c6d4e3f.")
        ) from None


def _published(request, campaign_id):
    """The campaign's version in the request's language and all its versions, or a 400/404 problem."""
    key = _campaign_key(campaign_id)
    variants = data.campaign_variants(site_structure.for_request(request)).get(key, {})
    page = variants.get(get_language())
    if page is None:
        raise Problem(404, _("No campaign with this id is published in this language."))
    return page, variants


def _iso(moment):
    return moment.isoformat().replace("+00:00", "Z") if moment else None


def removed_resource(request, removals):
    """How many signatures were removed from the count, and why (integrity.report): counts only."""
    return {
        "total": removals.total,
        "reasons": [
            {"reason": key, "label": str(label), "count": getattr(removals, key)}
            for key, label in report.REASONS.items()
        ],
        "explanation": request.build_absolute_uri(reverse("integrity_explanation")),
    }


def campaign_resource(request, page, variants, count, removals):
    """One campaign as the API shows it (the OpenAPI schema `Campaign`)."""
    key = str(page.translation_key)
    return {
        "id": key,
        "identifiers": [f"{ORIGIN_SYSTEM}:{key}"],
        "origin_system": ORIGIN_SYSTEM,
        "locale": page.locale.language_code,
        "title": page.title,
        "summary": page.summary,
        "target": [{"name": page.target}],
        "browser_url": page.api_url,
        "total_signatures": count,
        "goal": page.current_goal(count),  # as the page shows it: it may have stepped up (campaigns.goals)
        "open": page.is_open,
        "closing_date": _iso(page.closing_date),
        "removed_signatures": removed_resource(request, removals),
        "translations": [
            {
                "locale": code,
                "title": variant.title,
                "browser_url": variant.api_url,
                "goal": variant.current_goal(count),
            }
            for code, variant in sorted(variants.items())
        ],
        "_links": {
            "self": {"href": request.build_absolute_uri(reverse("api:campaign", args=[key]))},
            "countries": {"href": request.build_absolute_uri(reverse("api:countries", args=[key]))},
        },
    }


@public_read
def campaign_list(request):
    """The campaigns published in the path's language, newest first, open or closed."""
    language = get_language()
    counts = stored_counts()
    published = {
        key: variants
        for key, variants in data.campaign_variants(site_structure.for_request(request)).items()
        if language in variants
    }
    removed = report.removals(published)
    campaigns = [
        campaign_resource(request, variants[language], variants, counts.get(key, 0), removed[key])
        for key, variants in published.items()
    ]
    campaigns.sort(key=lambda campaign: not campaign["open"])  # open first; newest first within each
    return JsonResponse({"locale": language, "campaigns": campaigns})


@public_read
def campaign_detail(request, campaign_id):
    page, variants = _published(request, campaign_id)
    key = page.translation_key
    return JsonResponse(
        campaign_resource(request, page, variants, signature_count(key), report.removals_of(key))
    )


@public_read
def campaign_countries(request, campaign_id):
    """Counted signatures by country, coarsened (api.data.public_countries); `total` is the live count and
    `other` what the figures shown leave of it, so neither gives an exact count of the countries not shown."""
    page, _variants = _published(request, campaign_id)
    counted_at, counts = data.country_counts(page.translation_key)
    shown = data.public_countries(page.translation_key, counts)
    total = signature_count(page.translation_key)
    return JsonResponse(
        {
            "id": str(page.translation_key),
            "minimum": settings.PUBLIC_COUNTRY_MINIMUM,
            "countries": [{"code": code, "name": countries.name(code), "count": n} for code, n in shown],
            "other": max(0, total - sum(n for _code, n in shown)),
            "total": total,
            "counted_at": _iso(datetime.fromtimestamp(int(counted_at), tz=UTC)),
        }
    )


@public_read
def not_found(request, rest=""):
    """Any other address under a language's /api/v1/: a problem in JSON, not the site's 404 page."""
    raise Problem(404, _("The API has nothing at this address."))


@public_read
def unknown_language(request, prefix="", rest=""):
    """/<anything else>/api/v1/…: a 400 naming the languages there are (a 404 here would be redirected to a
    language's prefix by LocaleMiddleware, as pages are)."""
    raise Problem(
        400,
        _("The address must start with a language: %(languages)s.")
        % {"languages": ", ".join(f"/{code}/" for code, _name in settings.LANGUAGES)},
    )


@public_read
def description(request):
    """The OpenAPI 3 description of this API (the same in every language)."""
    return JsonResponse(
        openapi.document(request.build_absolute_uri("/").rstrip("/")), json_dumps_params={"indent": 1}
    )
