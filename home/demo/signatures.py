"""Demo signatures: a few hundred to a few thousand made-up signers per demo campaign, so a newcomer sees what a
live campaign looks like (counts on the cards, the progress bar, the latest signers, the Signatures admin).

Every row is marked `is_demo` and addressed at example.org (a domain reserved for examples, which no mail ever
reaches); `manage.py remove_demo_signatures` deletes them all. The rows are the same on every load (a random
generator seeded with the campaign's key) and are stored in a few bulk INSERTs: the database's counting
triggers (campaigns/counting.py) count them like any other signature.
"""

import random
from contextlib import contextmanager
from datetime import timedelta

from django.utils import timezone

from campaigns.models.signature import Signature

# Per language the demo is published in: its share of signers, then the countries they live in (weighted).
SIGNERS_BY_LOCALE = {
    "en-us": (40, [("US", 85), ("CA", 10), ("AU", 5)]),
    "en-gb": (20, [("GB", 85), ("IE", 10), ("NZ", 5)]),
    "de": (15, [("DE", 75), ("AT", 15), ("CH", 10)]),
    "fr": (15, [("FR", 75), ("BE", 12), ("CA", 8), ("CH", 5)]),
    "es": (10, [("ES", 50), ("MX", 25), ("AR", 15), ("CO", 10)]),
}
FIRST_NAMES = {
    "en-us": "James Mary Robert Patricia Michael Jennifer David Linda Maria Daniel Aisha Jamal Mei Carlos Emily",
    "en-gb": "Oliver Amelia George Isla Harry Ava Jack Mia Noah Priya Mohammed Sophie Callum Niamh Rhys",
    "de": "Lukas Anna Leon Marie Finn Sophie Jonas Emma Paul Lena Elias Hannah Mehmet Ayşe Jana",
    "fr": "Gabriel Louise Léo Jade Raphaël Ambre Arthur Chloé Louis Inès Hugo Léa Karim Manon Zoé",
    "es": "Hugo Lucía Martín Sofía Mateo María Pablo Valeria Diego Paula Alejandro Carmen Javier Elena Ana",
}
LAST_NAMES = {
    "en-us": "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Lee Walker Hall",
    "en-gb": "Smith Jones Taylor Brown Williams Wilson Johnson Davies Patel Wright Evans Thomas Roberts",
    "de": "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Koch Yılmaz Wolf",
    "fr": "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent Lefèbvre",
    "es": "García Rodríguez González Fernández López Martínez Sánchez Pérez Gómez Martín Jiménez Ruiz",
}
# How many signers each demo campaign gets, and over how many days before now they signed.
SIGNERS_PER_CAMPAIGN = {"amazon-ring": 1120, "face-surveillance": 640, "location-data": 1460}
DEFAULT_SIGNERS = 500
SPREAD_DAYS = 60
BATCH = 500


def load_demo_signatures(pages):
    """Add demo signatures to each campaign in `pages` ({demo key: CampaignPage in the default locale}).
    Returns {demo key: signatures added}. Each campaign's signers sign its page in their own language where
    the campaign is published in it."""
    added = {}
    now = timezone.now()
    for key, page in pages.items():
        variants = {
            variant.locale.language_code: variant for variant in page.get_translations(inclusive=True)
        }
        rows = list(_signatures(key, page, variants, now))
        with _signing_times_as_given():
            Signature.objects.bulk_create(rows, batch_size=BATCH)
        added[key] = len(rows)
    return added


@contextmanager
def _signing_times_as_given():
    """Store each demo row's own `submit_time`. The field is stamped with "now" on insert (Wagtail's
    auto_now_add), which would make every demo signer sign in the same second; writing the times afterwards
    (bulk_update) doubled the demo's loading time. Only the demo loader, a command run alone, does this."""
    field = Signature._meta.get_field("submit_time")
    field.auto_now_add = False
    try:
        yield
    finally:
        field.auto_now_add = True


def _signatures(key, page, variants, now):
    rng = random.Random(key)
    locales = [code for code in SIGNERS_BY_LOCALE if code in variants]
    weights = [SIGNERS_BY_LOCALE[code][0] for code in locales]
    total = SIGNERS_PER_CAMPAIGN.get(key, DEFAULT_SIGNERS)
    # The latest signers signed in the last hours, the first ones weeks ago: more early, as after a launch.
    offsets = sorted((rng.random() ** 2 * SPREAD_DAYS for _ in range(total)), reverse=True)
    for number, days_ago in enumerate(offsets):
        code = rng.choices(locales, weights)[0]
        countries = SIGNERS_BY_LOCALE[code][1]
        signed_at = now - timedelta(days=days_ago, minutes=1)
        email = f"demo-{key}-{number}@example.org"
        variant = variants[code]
        yield Signature(
            page=variant,
            campaign_key=page.translation_key,
            locale=code,
            first_name=rng.choice(FIRST_NAMES[code].split()),
            last_name=rng.choice(LAST_NAMES[code].split()),
            email=email,
            email_normalised=email,
            country=rng.choices([c for c, _ in countries], [w for _, w in countries])[0],
            newsletter_opt_in=rng.random() < 0.3,
            consent_text=variant.consent_text,
            consented_at=signed_at,
            confirmed_at=signed_at if page.confirmation_required else None,
            counted=True,
            is_demo=True,
            submit_time=signed_at,
            form_data={},
            source={},
        )
