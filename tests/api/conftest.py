"""A campaign in English and German with signatures from several countries, as the API tests read it."""

import pytest

from tests.builders import build_campaign, build_index, build_signature, build_site, translate


@pytest.fixture
def published(db):
    """An English campaign with a German translation (its own goal), and its counted signatures:
    12 from Germany, 10 from the UK, 3 from France, 2 naming no country; 5 from Germany waiting for
    confirmation (not counted)."""
    home = build_site()
    campaign = build_campaign(build_index(home), signature_goal=5000)
    translate(home, "de")
    german = translate(campaign, "de", title="Sag Amazon Ring: Schluss mit dem Teilen", signature_goal=3000)
    for country, n in (("DE", 12), ("GB", 10), ("FR", 3), ("", 2)):
        for _ in range(n):
            build_signature(campaign, country=country)
    for _ in range(5):
        build_signature(german, country="DE", counted=False)
    return campaign, german
