"""The latest signers of a campaign as JSON, for static/js/latest-signers.js (campaigns.social_proof says why
they are fetched rather than written into the cached page)."""

from django.apps import apps
from django.http import Http404, JsonResponse
from django.utils.translation import get_language
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from django_countries import countries

from campaigns import social_proof
from campaigns.views.petition import COUNT_FRESH
from serving import site_structure


@require_GET
@cache_control(public=True, max_age=COUNT_FRESH)
def latest_signers(request, campaign_key):
    """{"signers": [{"first_name", "country", "text"}]}: first names and countries in the URL's language,
    nothing else of a signer. 404 unless the campaign's page in that language is live, public and its editor
    chose to show its latest signers."""
    structure = site_structure.for_request(request)
    key = ("latest-signers", campaign_key, get_language())
    if key not in structure.memo:
        page = (
            apps.get_model("campaigns", "CampaignPage")
            .objects.live()
            .filter(
                translation_key=campaign_key, locale__language_code=get_language(), show_latest_signers=True
            )
            .only("path")
            .first()
        )
        structure.memo[key] = page is not None and structure.is_public(page)
    if not structure.memo[key]:
        raise Http404
    signers = []
    for first_name, code in social_proof.latest_signers(campaign_key, COUNT_FRESH):
        country = countries.name(code) if code else ""
        signers.append(
            {
                "first_name": first_name,
                "country": country,
                "text": social_proof.signer_line(first_name, country),
            }
        )
    return JsonResponse({"signers": signers})
