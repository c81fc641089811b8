"""Petition views: the campaign page's form and thank-you state, the confirm link and the JSON count.

They stay thin: each asks campaigns.signatures what to do and renders the answer, as HTML for a browser
without JavaScript or as JSON for static/js/petition.js (`Accept: application/json`).
"""

from django.apps import apps
from django.core import signing
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET
from wagtail.views import serve as wagtail_serve

from campaigns import signatures
from home import pagecache, site_structure

SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}


def wants_json(request):
    return request.get_preferred_type(["text/html", "application/json"]) == "application/json"


@csrf_exempt
def serve_page(request, path):
    """Wagtail's page view, protected against cross-site posts by their origin instead of a CSRF token.

    Campaign pages are cached and shared between visitors, so their form cannot carry a per-visitor token
    (signatures.is_same_origin explains the check that replaces it). The check covers every page served
    here, so no page loses protection by sharing this route.
    """
    if request.method not in SAFE_METHODS and not signatures.is_same_origin(request):
        message = _("This form was sent from another website, so it was not accepted.")
        if wants_json(request):
            return JsonResponse({"ok": False, "errors": {"__all__": [message]}}, status=403)
        return render(request, "campaigns/forbidden.html", {"message": message}, status=403)
    # Wagtail's serve() takes the route found here (Page.route_for_request reads this attribute), so the
    # page comes from the site structure's memory in one query instead of one per level of the tree.
    structure = site_structure.for_request(request)
    try:
        request._wagtail_route_for_request = structure.route(request, path)
    except Http404:
        request._wagtail_route_for_request = None
    else:
        page = request._wagtail_route_for_request[0]
        if request.method in ("GET", "HEAD") and structure.is_public(page):
            pagecache.allow(request)
    return wagtail_serve(request, path)


def petition(request, page):
    """The campaign page. GET shows it; POST signs, then redirects to the thank-you state (303) or answers
    JSON. Every signature that passes the form gets the same reply, whether it was new or a repeat."""
    if request.method != "POST":
        # The same form for everyone, so the page can be cached: petition.js copies the URL's utm_* into it.
        return _render(request, page, form=page.petition_form(request))

    if not page.is_open:
        return _refuse(request, page, 409, _("This petition is closed. Thank you for your support."))
    wait = signatures.seconds_until_allowed(request)
    if wait:
        return _rate_limited(request, page, wait)

    form = page.petition_form(request, request.POST)
    if not form.is_valid():
        if wants_json(request):
            return JsonResponse({"ok": False, "errors": form.errors.get_json_data()}, status=400)
        return _render(request, page, form=form, status=400)

    page.process_form_submission(form)  # → signatures.sign
    thank_you_url = page.get_url(request) + page.reverse_subpage("thank_you")
    if wants_json(request):
        context = page.get_context(request)
        return JsonResponse(
            {
                "ok": True,
                "count": context["signature_count"],
                "goal": page.signature_goal,
                "redirect": thank_you_url,
                "html": render_to_string("campaigns/petition/02_thank_you.html", context, request),
            }
        )
    return HttpResponseRedirect(thank_you_url, status=303)


def thank_you(request, page):
    """The thank-you state: the same for everyone (nothing personal in it), so it can be cached."""
    return _render(request, page, state="thank_you")


def _render(request, page, form=None, state=None, status=200):
    overrides = {"form": form}
    if state:
        overrides["petition_state"] = state
    response = page.render(request, context_overrides=overrides)
    response.status_code = status
    return response


def _refuse(request, page, status, message):
    """A polite refusal on the campaign page itself (a closed petition): nothing is stored."""
    if wants_json(request):
        return JsonResponse(
            {
                "ok": False,
                "errors": {"__all__": [message]},
                "count": signatures.signature_count(page.translation_key),
            },
            status=status,
        )
    return _render(request, page, status=status)


def _rate_limited(request, page, wait):
    minutes = max(1, round(wait / 60))
    message = ngettext(
        "You have signed many times in a short while. Please try again in %(minutes)s minute.",
        "You have signed many times in a short while. Please try again in %(minutes)s minutes.",
        minutes,
    ) % {"minutes": minutes}
    if wants_json(request):
        response = JsonResponse({"ok": False, "errors": {"__all__": [message]}}, status=429)
    else:
        response = render(
            request, "campaigns/rate_limited.html", {"campaign": page, "message": message}, status=429
        )
    response["Retry-After"] = str(wait)
    return response


def confirm(request, token):
    """The link in the confirmation mail: counts the signature once, and says so kindly on later visits."""
    try:
        signature, newly_confirmed = signatures.confirm(token)
    except signing.SignatureExpired:
        return render(request, "campaigns/confirm_invalid.html", {"expired": True}, status=400)
    except (signing.BadSignature, signatures.Signature.DoesNotExist):
        return render(request, "campaigns/confirm_invalid.html", {"expired": False}, status=404)
    campaign = signature.page.specific
    return render(
        request,
        "campaigns/confirm.html",
        {
            "campaign": campaign,
            "newly_confirmed": newly_confirmed,
            "signature_count": signatures.signature_count(signature.campaign_key),
        },
    )


@require_GET
@cache_control(public=True, max_age=5)
def signature_count(request, campaign_key):
    """{"count": N, "goal": G} for petition.js to refresh the count on a cached page. The count is the
    campaign's in every language; the goal is that of the URL's language variant (translators may change it)."""
    page = (
        apps.get_model("campaigns", "CampaignPage")
        .objects.live()
        .public()
        .filter(translation_key=campaign_key, locale__language_code=get_language())
        .first()
    )
    if page is None:
        raise Http404
    return JsonResponse({"count": signatures.signature_count(campaign_key), "goal": page.signature_goal})
