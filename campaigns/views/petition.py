"""Petition views: the campaign page's form and thank-you state, the confirm link and the JSON count.

They stay thin: each asks campaigns.signatures what to do and renders the answer, as HTML for a browser
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
from django.views.decorators.cache import cache_control
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from campaigns import confirmation, embedding, ratelimit, signatures
from campaigns.signatures import Confirmation, Outcome
from ops.errors import wants_json
from serving import origin, pagecache, site_structure
from serving.views import READ_METHODS, not_allowed, refusal

# Seconds the count petition.js fetches may be old: fresh enough for a person, one query a second at most.
COUNT_FRESH = 1


def petition(request, page):
    """The campaign page. GET shows it; POST signs (see _sign)."""
    if request.method in READ_METHODS:
        # The same form for everyone, so the page can be cached: petition.js copies the URL's utm_* into it.
        return _render(request, page, form=page.petition_form(request))
    if request.method != "POST":
        return not_allowed(request, ["GET", "HEAD", "POST"])

    def answer(**kwargs):
        return _render(request, page, **kwargs)

    return _sign(request, page, answer, _thank_you_url(request, page))


def _sign(request, page, render_page, thank_you_url, partner=None, render_message=None):
    """Sign (campaigns.signatures.sign decides) and answer by the outcome alone: a redirect to the thank-you
    state (303), or JSON for petition.js. Every signature that passes the gates gets the same reply, whether
    it was new, a repeat or a bot's. `render_page(form=…, status=…)` shows the petition again; `partner` and
    `render_message` are the embedded petition's (see embed)."""
    form = page.petition_form(request, request.POST)
    if request.FILES:  # a petition takes no files; Django has read the body by now, but nothing is kept
        return refusal(request, 400, _("A petition takes no files, so this was not accepted."))
    result = signatures.sign(page, form, client=ratelimit.client_key(request), partner=partner)

    if result.outcome is Outcome.CLOSED:
        message = _("This petition is closed. Thank you for your support.")
        if wants_json(request):
            return JsonResponse({"ok": False, "errors": {"__all__": [message]}}, status=409)
        return render_page(status=409)
    if result.outcome is Outcome.RATE_LIMITED:
        return _rate_limited(request, page, result.retry_after, render_message)
    if result.outcome is Outcome.INVALID:
        if wants_json(request):
            return JsonResponse({"ok": False, "errors": form.errors.get_json_data()}, status=400)
        return render_page(form=form, status=400)

    if wants_json(request):
        # No count here: whether it moved would tell a prober if the address had signed before.
        response = HttpResponse(
            _signed_json(request, page, thank_you_url, embedded=render_message is not None),
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
        max_age=int(signatures.CONFIRMATION_MAX_AGE.total_seconds()),
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


def _signed_json(request, page, thank_you_url, embedded=False):
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


def _rate_limited(request, page, wait, render_message=None, resending=False):
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


# The page each confirmation outcome shows, and its status.
CONFIRMATION_PAGES = {
    Confirmation.PENDING: ("campaigns/confirm_ask.html", 200),
    Confirmation.CONFIRMED: ("campaigns/confirm.html", 200),
    Confirmation.ALREADY_CONFIRMED: ("campaigns/confirm.html", 200),
    Confirmation.CLOSED: ("campaigns/confirm_closed.html", 409),
    Confirmation.EXPIRED: ("campaigns/confirm_invalid.html", 400),
    Confirmation.INVALID: ("campaigns/confirm_invalid.html", 404),
}


@csrf_exempt
@cache_control(private=True, no_store=True)
def confirm(request, token):
    """The link in the confirmation mail. Opening it (GET or HEAD, as mail scanners do too) shows a page
    with a button and changes nothing; the button posts here, and that post confirms and counts the
    signature (campaigns.signatures.confirm decides). Outcomes are said on the page, in the language of
    the link, which is the one the person signed in.

    The token is a secret in the URL, so these pages are stored by nobody (no-store) and send no Referer
    anywhere (no-referrer): the token never reaches another site. Browsers then send the button's post
    with `Origin: null`; serving.origin accepts it when Sec-Fetch-Site says same-origin, and here also
    from browsers too old to send that, since the token itself is the proof. Like the petition, the post
    takes no CSRF token: nothing here reads a cookie.
    """
    if request.method in READ_METHODS:
        response = _confirmation_page(request, signatures.check_confirmation(token))
    elif request.method != "POST":
        response = not_allowed(request, ["GET", "HEAD", "POST"])
    elif not origin.is_same_origin(request, withheld_origin_ok=True):
        response = refusal(
            request, 403, _("This form was sent from another website, so it was not accepted.")
        )
    else:
        response = _confirmation_page(request, signatures.confirm(token))
    response["Referrer-Policy"] = "no-referrer"
    return response


def _confirmation_page(request, result):
    template, status = CONFIRMATION_PAGES[result.outcome]
    context = {"expired": result.outcome is Confirmation.EXPIRED}
    if result.signature is not None:
        context["campaign"] = result.signature.page.specific
    if result.outcome in (Confirmation.CONFIRMED, Confirmation.ALREADY_CONFIRMED):
        context["newly_confirmed"] = result.outcome is Confirmation.CONFIRMED
        context["signature_count"] = signatures.signature_count(result.signature.campaign_key)
    return render(request, template, context, status=status)


@csrf_exempt
@cache_control(private=True, no_store=True)
def resend_confirmation(request):
    """The "send it again" button of the thank-you state: the confirmation mail goes again to the address
    signed in this browser (its cookie, set by `petition`), never to one typed in. The answer is the same
    whether a mail went or not (campaigns.confirmation.resend decides); only pressing too often is refused."""
    if request.method != "POST":
        return not_allowed(request, ["POST"])
    if not origin.is_same_origin(request):
        return refusal(request, 403, _("This form was sent from another website, so it was not accepted."))
    wait = confirmation.resend(
        request.COOKIES.get(confirmation.RESEND_COOKIE), client=ratelimit.client_key(request)
    )
    if wait:
        return _rate_limited(request, None, wait, resending=True)
    message = _(
        "If your signature is still waiting for confirmation, we have sent the email again to the address "
        "you signed with. It can take a few minutes to arrive."
    )
    if wants_json(request):
        return JsonResponse({"ok": True, "message": message})
    return render(request, "campaigns/resend.html", {"message": message})


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
        f"signature-count:{campaign_key}", lambda: signatures.signature_count(campaign_key), COUNT_FRESH
    )
    goal = page.current_goal(count)
    return JsonResponse({"count": count, "goal": goal})


# The petition in a partner's frame (campaigns.embedding explains the addresses, headers and cookies).


def _embedded_campaign(request, campaign_key, partner_key):
    """The campaign's page in the URL's language and the partner the address names (None for the snippet's
    address). 404 unless the page is live, public and embeddable, and the partner is listed."""
    structure = site_structure.for_request(request)
    page = (
        apps.get_model("campaigns", "CampaignPage")
        .objects.live()
        .filter(translation_key=campaign_key, locale__language_code=get_language(), embed_enabled=True)
        .select_related("locale")
        .first()
    )
    if page is None or not structure.is_public(page):
        raise Http404
    partner = None
    if partner_key is not None:
        partner = embedding.partner_for_key(page, partner_key)
        if partner is None:
            raise Http404
    elif not embedding.partners(page):
        raise Http404
    return page, partner


def _embed_addresses(page, partner):
    key, language = page.translation_key, page.locale.language_code
    here = embedding.frame_path(key, language, partner)
    return here, here + "thank-you/"


def _render_embedded(request, page, partner, form=None, state=None, message=None, status=200):
    """The embedded petition: the page's petition block alone, in a document of its own (no header,
    footer or story), that only the partner (or, at the snippet's address, the listed partners) may frame."""
    action, _thank_you = _embed_addresses(page, partner)
    context = page.get_context(request)
    context.update(
        embedded=True,
        form=form or page.petition_form(request),
        petition_action=action,
        embed_message=message,
        # Where the frame's script sends its height: the partner's origin, or anyone ("*") at the snippet's
        # address, since a height is no secret.
        embed_parent=partner.origin if partner else "*",
    )
    if state:
        context["petition_state"] = state
    response = render(request, "campaigns/embed.html", context, status=status)
    origins = [partner.origin] if partner else [p.origin for p in embedding.partners(page)]
    return embedding.allow_framing(response, origins)


@csrf_exempt
@xframe_options_exempt
def embed(request, campaign_key, partner=None):
    """The embedded petition: GET shows it, POST signs with the same rules as the campaign page, recording
    the partner. At the snippet's address, a browser that says a listed partner framed it (Referer) is sent
    to that partner's address; the same form for everyone at each address, so each can be cached."""
    page, partner = _embedded_campaign(request, campaign_key, partner)
    if request.method in READ_METHODS:
        if partner is None:
            referrer = embedding.partner_for_origin(page, embedding.origin_of(request.headers.get("Referer")))
            if referrer is not None:
                query = request.META.get("QUERY_STRING", "")
                target = embedding.frame_path(page.translation_key, page.locale.language_code, referrer)
                response = HttpResponseRedirect(target + (f"?{query}" if query else ""))
                return embedding.allow_framing(response, [referrer.origin])
        else:
            pagecache.allow(request)
        return _render_embedded(request, page, partner)
    if request.method != "POST":
        return not_allowed(request, ["GET", "HEAD", "POST"])
    if not origin.is_same_origin(request):
        return refusal(request, 403, _("This form was sent from another website, so it was not accepted."))

    def answer(form=None, status=200):
        return _render_embedded(request, page, partner, form=form, status=status)

    def say(message, status):
        return _render_embedded(request, page, partner, message=message, status=status)

    _action, thank_you_url = _embed_addresses(page, partner)
    return _sign(request, page, answer, thank_you_url, partner=partner, render_message=say)


@xframe_options_exempt
def embed_thank_you(request, campaign_key, partner=None):
    """The thank-you state inside the frame, after a plain post (the same for everyone, so cached)."""
    page, partner = _embedded_campaign(request, campaign_key, partner)
    if request.method not in READ_METHODS:
        return not_allowed(request, READ_METHODS)
    pagecache.allow(request)
    return _render_embedded(request, page, partner, state="thank_you")
