"""What the public API reads, kept so that a request costs a query or none.

- The published campaigns and their language versions change only with a publish, which starts a new content
  generation (serving.generation): they are read once per generation and process (serving.site_structure's memo).
- Counts come from the stored counters (campaigns.models.counter.stored_counts): a few rows per campaign.
- Counts by country are a GROUP BY over a campaign's signatures, which may be millions of rows: the result is
  kept in the shared cache and recomputed at most once per COUNTRIES_FRESH seconds per campaign, by one
  request while the others keep answering from the copy before (see `country_counts`). They are published
  only coarsened (`public_countries`), beside the live count, never their exact sum.
"""

import time

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count
from django.utils.crypto import salted_hmac

from campaigns.models.pages import CampaignPage
from campaigns.models.signature import Signature

# Seconds a campaign's counts by country are served before one request recomputes them.
COUNTRIES_FRESH = 60
# How long a copy is kept at all: a request that finds a copy older than COUNTRIES_FRESH serves it while
# another recomputes; one older than this is recomputed before answering.
COUNTRIES_KEPT = 24 * 3600
# Seconds one request may take to recompute before another may try.
COUNTRIES_LOCK = 30


def campaign_variants(structure):
    """{campaign key: {language code: live, public CampaignPage}} for the site, once per content generation."""
    key = ("api-campaign-variants",)
    if key not in structure.memo:
        variants = {}
        pages = (
            CampaignPage.objects.live()
            .select_related("locale")
            .only(
                "title",
                "summary",
                "target",
                "signature_goal",
                "goal_steps_up",
                "closing_date",
                "closed",
                "path",
                "url_path",
                "translation_key",
                "locale",
                "first_published_at",
            )
            .order_by("-first_published_at", "pk")
        )
        for page in pages:
            if structure.is_public(page):
                variants.setdefault(page.translation_key, {})[page.locale.language_code] = page
        for languages in variants.values():
            for page in languages.values():
                page.api_url = page.get_full_url()
        structure.memo[key] = variants
    return structure.memo[key]


def country_counts(campaign_key):
    """(when counted, a UNIX time; {country code ("" where not given): counted signatures}) of a campaign,
    at most COUNTRIES_FRESH seconds old.

    A stale copy is served while the one request that won the lock recomputes it, so a burst of requests
    after a copy goes stale costs one GROUP BY, not one each."""
    name = f"api-countries:{campaign_key}"
    now = time.time()
    stored = cache.get(name)
    if stored is not None:
        computed_at, counts = stored
        if now - computed_at < COUNTRIES_FRESH or not cache.add(f"{name}:lock", 1, COUNTRIES_LOCK):
            return stored
    counts = dict(
        Signature.objects.filter(campaign_key=campaign_key, counted=True)
        .values_list("country")
        .annotate(n=Count("pk"))
        .order_by()
    )
    cache.set(name, (now, counts), COUNTRIES_KEPT)
    cache.delete(f"{name}:lock")
    return now, counts


def country_offset(campaign_key, code, minimum):
    """A number from 0 to minimum - 1 that only the site knows, fixed for a campaign and a country (an HMAC
    under SECRET_KEY): where that country's steps lie (see `public_countries`)."""
    digest = salted_hmac("api.countries", f"{campaign_key}:{code}", algorithm="sha256").digest()
    return int.from_bytes(digest[:8], "big") % minimum


def public_countries(campaign_key, counts, minimum=None):
    """[(code, figure)] of the countries a campaign's counts by country may show, largest first.

    The rule (SECURITY.md, "What the public API shows"): a country's figure is its counted signatures less its
    secret offset (`country_offset`, 0 to minimum - 1), rounded down to a multiple of `minimum`
    (PUBLIC_COUNTRY_MINIMUM, 10 by default); a country is shown only when that is at least `minimum`, so only
    once it has `minimum` counted signatures or more, and signatures naming no country never are. Why not the
    plain counts of the countries over the minimum: someone who adds signatures of their own to a rare country
    until it appears, or watches the others' sum move, learns how many real signers were there. Here the
    figure moves only at steps whose place nobody outside knows, so what they see with one real signer there
    is what they would see with none and a different offset."""
    minimum = max(1, settings.PUBLIC_COUNTRY_MINIMUM if minimum is None else minimum)
    shown = []
    for code, n in counts.items():
        if code:
            figure = (n - country_offset(campaign_key, code, minimum)) // minimum * minimum
            if figure >= minimum:
                shown.append((code, figure))
    return sorted(shown, key=lambda row: (-row[1], row[0]))
