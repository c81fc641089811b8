"""The petition in a partner's frame: the same rules and replies as on the site (campaigns.views.petition),
with the embedding's addresses, headers and cookies (campaigns.embedding explains them)."""

from django.apps import apps
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt

from campaigns import embedding
from campaigns.views.petition import sign_and_reply
from serving import origin, pagecache, site_structure
from serving.views import READ_METHODS, not_allowed, refusal

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
    return sign_and_reply(request, page, answer, thank_you_url, partner=partner, render_message=say)


@xframe_options_exempt
def embed_thank_you(request, campaign_key, partner=None):
    """The thank-you state inside the frame, after a plain post (the same for everyone, so cached)."""
    page, partner = _embedded_campaign(request, campaign_key, partner)
    if request.method not in READ_METHODS:
        return not_allowed(request, READ_METHODS)
    pagecache.allow(request)
    return _render_embedded(request, page, partner, state="thank_you")
