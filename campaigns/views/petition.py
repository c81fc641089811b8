"""Petition views: the campaign page's form and thank-you state, and the JSON count.

They stay thin: each asks campaigns.signing what to do and renders the answer, as HTML for a browser
without JavaScript or as JSON for static/js/petition.js (`Accept: application/json`).
"""

import json

from django.apps import apps
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET

from campaigns import confirmation, form_shown, ratelimit, signing
from campaigns.models import counter
from campaigns.signing import Outcome
from ops.errors import wants_json
from serving import site_structure
from serving.views import READ_METHODS, not_allowed, refusal

# Seconds the count petition.js fetches may be old: fresh enough for a person, one query a second at most.
COUNT_FRESH = 1


def petition(request, page):
    """The campaign page. GET shows it; POST signs (see sign_and_reply)."""
    if request.method in READ_METHODS:
        # The same form for everyone, so the page can be cached: petition.js copies the URL's utm_* into it.
        return _render(request, page, form=page.petition_form(request))
    if request.method != "POST":
        return not_allowed(request, ["GET", "HEAD", "POST"])

    def answer(**kwargs):
        return _render(request, page, **kwargs)

    return sign_and_reply(request, page, answer, _thank_you_url(request, page))


def sign_and_reply(request, page, render_page, thank_you_url, partner=None, render_message=None):
    """Sign (campaigns.signing.sign decides) and answer by the outcome alone: a redirect to the thank-you
    state (303), or JSON for petition.js. Every signature that passes the gates gets the same reply, whether
    it was new, a repeat or a bot's. `render_page(form=…, status=…)` shows the petition again; `partner` and
    `render_message` are the embedded petition's (see embed)."""
    form = page.petition_form(request, request.POST)
    if request.FILES:  # a petition takes no files; Django has read the body by now, but nothing is kept
        return refusal(request, 400, _("A petition takes no files, so this was not accepted."))
    result = signing.sign(
        page,
        form,
        client=ratelimit.client_key(request),
        partner=partner,
        address=ratelimit.client_address(request),  # for the integrity rules only; never stored
    )

    if result.outcome is Outcome.CLOSED:
        message = _("This petition is closed. Thank you for your support.")
        if wants_json(request):
            return JsonResponse({"ok": False, "errors": {"__all__": [message]}}, status=409)
        return render_page(status=409)
    if result.outcome is Outcome.RATE_LIMITED:
        return rate_limited(request, page, result.retry_after, render_message)
    if result.outcome is Outcome.INVALID:
        if wants_json(request):
            return JsonResponse({"ok": False, "errors": form.errors.get_json_data()}, status=400)
        return render_page(form=form, status=400)

    if wants_json(request):
        # No count here: whether it moved would tell a prober if the address had signed before.
        response = HttpResponse(
            signed_json(request, page, thank_you_url, embedded=render_message is not None),
            content_type="application/json",
        )
    else:
        response = HttpResponseRedirect(thank_you_url, status=303)
    if page.confirmation_required:
        _remember_signer(request, response, result.resend_key)
    return response


def _remember_signer(request, response, key):
    """The cookie that lets this browser, and only it, have the confirmation mail sent again
    (campaigns.confirmation): every signing reply sets one, made the same way and looking the same whether it
    names a waiting signature's `key` or nothing, so it tells nothing about the address."""
    response.set_cookie(
        confirmation.RESEND_COOKIE,
        confirmation.resend_token(key),
        max_age=int(confirmation.CONFIRMATION_MAX_AGE.total_seconds()),
        path=reverse("campaigns:resend_confirmation"),
        secure=request.is_secure(),
        httponly=True,
        samesite="Strict",
    )


def thank_you(request, page):
    """The thank-you state: the same for everyone (nothing personal in it), so it can be cached."""
    if request.method not in READ_METHODS:
        return not_allowed(request, READ_METHODS)
    return _render(request, page, state="thank_you")


def _thank_you_url(request, page):
    memo = site_structure.for_request(request).memo
    key = ("thank-you-url", page.pk)
    if key not in memo:
        memo[key] = page.get_url(request) + page.reverse_subpage("thank_you")
    return memo[key]


def signed_json(request, page, thank_you_url, embedded=False):
    """petition.js's answer to a signature: the thank-you state's address and the HTML it swaps in. It is the
    same for every signer of this page in this language (and on the site or `embedded` in a partner's frame),
    so it is rendered and encoded once per content generation (serving.site_structure's memo)."""
    memo = site_structure.for_request(request).memo
    key = ("signed-json", page.pk, get_language(), embedded, thank_you_url)
    if key not in memo or getattr(request, "is_preview", False):
        html = render_to_string(
            "campaigns/petition/02_thank_you.html", {"page": page, "embedded": embedded}, request
        )
        memo[key] = json.dumps({"ok": True, "redirect": thank_you_url, "html": html}, cls=DjangoJSONEncoder)
    return memo[key]


def _render(request, page, form=None, state=None, status=200):
    overrides = {"form": form}
    if state:
        overrides["petition_state"] = state
    response = page.render(request, context_overrides=overrides)
    response.status_code = status
    return response


def rate_limited(request, page, wait, render_message=None, resending=False):
    """429 with Retry-After: JSON for petition.js, else a page that says how long to wait (in the embedded
    petition's frame, `render_message(message, status)` says it in place of the form). `resending`: the
    client pressed "send the email again" too often, rather than signed."""
    minutes = max(1, round(wait / 60))
    if resending:
        message = ngettext(
            "You have asked for the email many times in a short while. Please try again in %(minutes)s minute.",
            "You have asked for the email many times in a short while. Please try again in %(minutes)s "
            "minutes.",
            minutes,
        )
    else:
        message = ngettext(
            "You have signed many times in a short while. Please try again in %(minutes)s minute.",
            "You have signed many times in a short while. Please try again in %(minutes)s minutes.",
            minutes,
        )
    message %= {"minutes": minutes}
    if wants_json(request):
        response = JsonResponse({"ok": False, "errors": {"__all__": [message]}}, status=429)
    elif render_message is not None:
        response = render_message(message, 429)
    else:
        response = render(
            request, "campaigns/rate_limited.html", {"campaign": page, "message": message}, status=429
        )
    response["Retry-After"] = str(wait)
    return response


@require_GET
@cache_control(public=True, max_age=COUNT_FRESH)
def signature_count(request, campaign_key):
    """{"count": N, "goal": G} for petition.js to refresh the count on a cached page. The count is the
    campaign's in every language; the goal is the one the URL's language variant shows beside that count
    (translators may change it, and it may step up as the count grows: campaigns.goals).

    Every page view with JavaScript asks this, so it is cheap: the page's goal settings are remembered per
    content generation, and the count is read at most once per COUNT_FRESH seconds from the database, whatever
    the traffic.
    """
    structure = site_structure.for_request(request)
    key = ("count-goal", campaign_key, get_language())
    if key not in structure.memo:
        page = (
            apps.get_model("campaigns", "CampaignPage")
            .objects.live()
            .filter(translation_key=campaign_key, locale__language_code=get_language())
            .only("path", "signature_goal", "goal_steps_up")
            .first()
        )
        structure.memo[key] = page if page is not None and structure.is_public(page) else None
    page = structure.memo[key]
    if page is None:
        raise Http404
    count = cache.get_or_set(
        f"signature-count:{campaign_key}", lambda: counter.signature_count(campaign_key), COUNT_FRESH
    )
    goal = page.current_goal(count)
    return JsonResponse({"count": count, "goal": goal})


@require_GET
@never_cache
def form_shown_token(request, campaign_key):
    """{"token": …}: the signed "form shown now" token that petition.js puts in the form when it comes into view
    (campaigns.form_shown says why a token and not a time in the cached page). Never cached: each is the moment
    of its own request. It reads nothing, so it answers for any campaign key; a token is good only for its
    campaign's form."""
    return JsonResponse({"token": form_shown.make_token(campaign_key)})
