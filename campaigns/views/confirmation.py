"""The confirmation link's views: the page it opens, the button that confirms, and "send it again".

They ask campaigns.confirmation what to do and render the answer (campaigns.confirmation holds the rules).
"""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import csrf_exempt

from campaigns import confirmation, ratelimit
from campaigns.confirmation import Confirmation
from campaigns.models import counter
from campaigns.views.petition import rate_limited
from ops.errors import wants_json
from serving import origin
from serving.views import READ_METHODS, not_allowed, refusal

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
    signature (campaigns.confirmation.confirm decides). Outcomes are said on the page, in the language of
    the link, which is the one the person signed in.

    The token is a secret in the URL, so these pages are stored by nobody (no-store) and send no Referer
    anywhere (no-referrer): the token never reaches another site. Browsers then send the button's post
    with `Origin: null`; serving.origin accepts it when Sec-Fetch-Site says same-origin, and here also
    from browsers too old to send that, since the token itself is the proof. Like the petition, the post
    takes no CSRF token: nothing here reads a cookie.
    """
    if request.method in READ_METHODS:
        response = _confirmation_page(request, confirmation.check_confirmation(token))
    elif request.method != "POST":
        response = not_allowed(request, ["GET", "HEAD", "POST"])
    elif not origin.is_same_origin(request, withheld_origin_ok=True):
        response = refusal(
            request, 403, _("This form was sent from another website, so it was not accepted.")
        )
    else:
        response = _confirmation_page(request, confirmation.confirm(token))
    response["Referrer-Policy"] = "no-referrer"
    return response


def _confirmation_page(request, result):
    template, status = CONFIRMATION_PAGES[result.outcome]
    context = {"expired": result.outcome is Confirmation.EXPIRED}
    if result.signature is not None:
        context["campaign"] = result.signature.page.specific
    if result.outcome in (Confirmation.CONFIRMED, Confirmation.ALREADY_CONFIRMED):
        context["newly_confirmed"] = result.outcome is Confirmation.CONFIRMED
        context["signature_count"] = counter.signature_count(result.signature.campaign_key)
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
        return rate_limited(request, None, wait, resending=True)
    message = _(
        "If your signature is still waiting for confirmation, we have sent the email again to the address "
        "you signed with. It can take a few minutes to arrive."
    )
    if wants_json(request):
        return JsonResponse({"ok": True, "message": message})
    return render(request, "campaigns/resend.html", {"message": message})
