"""`manage.py load_demo`: the demo site in every locale, loaded through wagtail-localize, safe to run twice."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils.html import strip_tags
from wagtail.images import get_image_model
from wagtail.models import Locale, Page, Revision, Site

from campaigns.models.counter import signature_count
from campaigns.models.pages import CampaignPage
from campaigns.models.privacy_page import PrivacyPage
from campaigns.models.signature import Signature
from home.models import HomePage

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]

RING = "amazon-ring"
REFERENCE_URLS = [
    "https://privacyinternational.org/long-read/3971/one-ring-watch-them-all",
    "https://www.eff.org/deeplinks/2019/08/amazons-ring-perfect-storm-privacy-threats",
    "https://twitter.com/amazon/status/1267140211861073927",
    "https://www.eff.org/press/releases/hundreds-police-departments-deadly-histories-partner-amazons-ring-surveillance-cameras",
    "https://www.mercurynews.com/2015/09/15/nextdoor-when-a-neighborhood-website-turns-unneighborly/",
    "https://www.theguardian.com/technology/2020/jun/09/amazon-black-lives-matter-police-ring-jeff-bezos",
]


def load_demo():
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def demo_media(tmp_path_factory):
    return str(tmp_path_factory.mktemp("demo-media"))


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, demo_media):
    """The demo loaded once for this module (loading takes seconds), rolled back when the module is done."""
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=demo_media), transaction.atomic():
        yield load_demo()
        transaction.set_rollback(True)


def ring_page(language_code):
    return CampaignPage.objects.get(locale__language_code=language_code, slug=RING)


def page_text(page):
    """Everything a visitor reads on the campaign, as plain text."""
    parts = [page.title, page.summary, page.cta_heading, strip_tags(page.ask), page.consent_text]
    return " ".join(parts + body_paragraphs(page))


def body_paragraphs(page):
    return [strip_tags(block.value.source) for block in page.body if block.block_type == "paragraph"]


def snapshot():
    return {
        "pages": Page.objects.count(),
        "revisions": Revision.objects.count(),
        "images": get_image_model().objects.count(),
        "sites": Site.objects.count(),
        "signatures": Signature.objects.count(),
    }


def test_the_privacy_notice_is_published_in_every_language(demo):
    notices = {
        page.locale.language_code: page for page in PrivacyPage.objects.live().select_related("locale")
    }

    assert {code: page.title for code, page in notices.items()} == {
        "en-us": "Privacy notice",
        "en-gb": "Privacy notice",
        "de": "Datenschutzerklärung",
        "fr": "Politique de confidentialité",
        "es": "Aviso de privacidad",
    }
    assert "Datenschutzaufsichtsbehörde" in str(notices["de"].rights)
    assert {page.contact_email for page in notices.values()} == {"privacy@standupforprivacy.example"}


def test_loading_twice_creates_nothing_the_second_time(demo):
    before = snapshot()

    second = load_demo()

    assert snapshot() == before
    assert "Pages (6)" in demo and "Translations (24)" in demo
    assert "nothing to add" in second


def test_the_demo_campaigns_have_demo_signers_that_the_counts_agree_with(demo):
    """Hundreds to thousands per campaign, in every language, marked as demo data, counted by the database."""
    demo_rows = Signature.objects.filter(is_demo=True)
    assert demo_rows.count() == Signature.objects.count() == 1120 + 640 + 1460
    assert "Demo signatures (face-surveillance 640, amazon-ring 1,120, location-data 1,460)" in demo
    assert set(demo_rows.values_list("locale", flat=True)) == {"en-us", "en-gb", "de", "fr", "es"}
    out = StringIO()
    call_command("reconcile_counts", stdout=out)
    assert "All counts match their signatures." in out.getvalue()
    ring = ring_page("en-us")
    assert signature_count(ring.translation_key) == 1120
    assert ring.show_latest_signers


def test_demo_home_page_replaces_wagtails_welcome_page():
    site = Site.objects.get(is_default_site=True)
    assert isinstance(site.root_page.specific, HomePage)
    assert site.root_page.locale == Locale.get_default()
    assert not Page.objects.filter(title__startswith="Welcome to your new Wagtail site").exists()


def test_us_and_uk_ring_pages_are_one_campaign():
    us, uk = ring_page("en-us"), ring_page("en-gb")
    assert us.live and uk.live
    assert us.translation_key == uk.translation_key
    assert us.title == "Tell Amazon Ring: stop sharing information with police"
    assert uk.cta_heading == us.cta_heading == "Sign the letter to Amazon Ring"


def test_uk_ring_page_tells_the_london_story():
    us_text, uk_text = page_text(ring_page("en-us")), page_text(ring_page("en-gb"))
    for fact in ["Metropolitan Police", "£250,000", "1,000 Ring cameras", "crime hotspots"]:
        assert fact in uk_text
        assert fact not in us_text
    assert "1,300 police departments" in us_text
    assert "colour" in uk_text and "colour" not in us_text


def test_us_ring_page_cites_all_six_sources():
    page = ring_page("en-us")
    references = [block.value for block in page.references]
    assert [reference["url"] for reference in references] == REFERENCE_URLS
    assert all(
        reference["title"] and reference["publisher"] and reference["date"] for reference in references
    )
    paragraphs = " ".join(body_paragraphs(page))
    assert all(f"[{n}]" in paragraphs for n in range(1, 7))
    assert page.target == "Amazon Ring" and page.signature_goal == 50000


def test_campaign_pictures_are_drawn_once_with_a_description():
    images = get_image_model().objects.exclude(title="Stand Up For Privacy logo")
    assert images.count() == 3
    for image in images:
        assert (image.width, image.height) == (1600, 900)
        assert image.description
    assert ring_page("en-gb").hero_image == ring_page("en-us").hero_image


def test_the_organisation_that_signs_the_mails_has_a_name_a_logo_and_a_contact_line():
    from branding.models import Organisation

    organisation = Organisation.objects.get()
    assert organisation.name == "Stand Up For Privacy" and "@" in organisation.contact
    assert (organisation.logo.width, organisation.logo.height) == (480, 160)
    assert organisation.logo.description


def test_each_locale_has_at_least_three_live_campaigns():
    for language_code in ["en-us", "en-gb", "de", "fr", "es"]:
        campaigns = CampaignPage.objects.live().filter(locale__language_code=language_code)
        assert campaigns.count() >= 3, language_code
        assert campaigns.filter(closed=True).exists(), language_code


@pytest.mark.parametrize("language_code", ["de", "fr", "es"])
def test_translated_ring_pages_contain_no_english_paragraph(language_code):
    english = ring_page("en-us")
    translated = ring_page(language_code)
    assert translated.live
    assert translated.translation_key == english.translation_key
    english_paragraphs = set(body_paragraphs(english))
    assert not english_paragraphs & set(body_paragraphs(translated))
    for field in ["summary", "ask", "consent_text", "thank_you_text", "share_text"]:
        assert getattr(translated, field) != getattr(english, field), field


def test_search_in_english_finds_the_ring_campaign():
    results = CampaignPage.objects.live().filter(locale=Locale.get_default()).search("Ring")
    assert ring_page("en-us") in list(results)


@pytest.mark.parametrize("language_code", ["en-gb", "de"])
def test_translated_pages_are_served_under_their_locale(client, settings, demo_media, language_code):
    settings.MEDIA_ROOT = demo_media  # where the hero pictures were stored, for their renditions
    home = Site.objects.get(is_default_site=True).root_page.get_translation(
        Locale.objects.get(language_code=language_code)
    )
    assert home.live and home.get_children().live().count() == 2  # the campaign list and the privacy notice

    response = client.get(ring_page(language_code).url)

    assert response.status_code == 200
    if language_code == "en-gb":
        assert "Metropolitan Police" in response.content.decode()
