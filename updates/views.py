"""The unsubscribe link of every update, for signers: no login, no cookie, the token is the proof."""

from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import csrf_exempt

from campaigns.models.pages import CampaignPage
from updates import unsubscribing


@csrf_exempt  # mail programs post here themselves (RFC 8058 one-click), with no cookie or token of ours
@cache_control(private=True, no_store=True)
def unsubscribe(request, token):
    """GET (and HEAD: mail scanners open links) shows a button and changes nothing; POST unsubscribes, from
    that button or from the mail program's own "Unsubscribe" (`List-Unsubscribe=One-Click`)."""
    delivery = unsubscribing.delivery_for(token)
    if delivery is None:
        response = render(request, "updates/unsubscribe.html", {"state": "invalid"}, status=404)
    elif delivery == unsubscribing.TEST_KEY:
        response = render(request, "updates/unsubscribe.html", {"state": "test"})
    elif request.method not in ("GET", "HEAD", "POST"):
        response = render(request, "updates/unsubscribe.html", {"state": "invalid"}, status=405)
        response["Allow"] = "GET, HEAD, POST"
    else:
        if request.method == "POST":
            unsubscribing.unsubscribe(delivery)
        campaign = CampaignPage.objects.filter(
            translation_key=delivery.mailing.campaign_key, locale__language_code=request.LANGUAGE_CODE
        ).first() or CampaignPage.by_campaign_key([delivery.mailing.campaign_key]).get(
            delivery.mailing.campaign_key
        )
        state = "done" if request.method == "POST" else "ask"
        response = render(request, "updates/unsubscribe.html", {"state": state, "campaign": campaign})
    response["Referrer-Policy"] = "no-referrer"
    return response
