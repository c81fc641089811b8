"""Editors write, preview and find Send for an update; translators translate it with wagtail-localize."""

import pytest
from django.test import RequestFactory
from wagtail.models import Locale

from tests.builders import build_campaign, build_index, build_site, log_in, translate
from updates.models import Update

pytestmark = pytest.mark.django_db


@pytest.fixture
def update():
    index = build_index(build_site())
    campaign = build_campaign(index)
    translate(index, "de")
    translate(campaign, "de")
    return Update.objects.create(
        campaign=campaign, locale=campaign.locale, subject="We handed it over", body="<p>Amazon has it.</p>"
    )


def test_the_preview_shows_the_mail_with_its_unsubscribe_line(update):
    response = update.make_preview_request(RequestFactory().get("/"))
    html = response.content.decode()

    assert response.status_code == 200
    assert "We handed it over" in html and "Amazon has it." in html
    assert "Unsubscribe from these updates" in html and "you signed “Tell Amazon Ring" in html


def test_editors_find_send_in_the_listing(client, update):
    log_in(client, "Editors")

    listing = client.get("/admin/snippets/updates/update/").content.decode()

    assert f"/admin/updates/{update.pk}/send/" in listing
    assert client.get(f"/admin/updates/{update.pk}/send/").status_code == 200


def test_translators_translate_an_update_with_wagtail_localize(client, update):
    log_in(client, "Translators")

    response = client.post(
        f"/admin/localize/submit/snippet/updates/update/{update.pk}/",
        {"locales": [Locale.objects.get(language_code="de").pk]},
    )

    assert response.status_code == 302
    german = Update.objects.get(translation_key=update.translation_key, locale__language_code="de")
    assert german.campaign_id == update.campaign_id  # the same campaign: only the words are translated
    assert client.get(f"/admin/updates/{update.pk}/send/").status_code in (302, 403)  # they do not send


def test_choosing_an_updates_campaign_opens_at_the_campaigns(client, update):
    """With campaigns in two languages Wagtail's chooser would open at the root of the tree: the editor
    would click through a home page and the campaign index to reach any campaign."""
    log_in(client, "Editors")
    form = client.get("/admin/snippets/updates/update/add/").content.decode()
    assert "campaigns.campaignpage" in form  # the campaign field's chooser asks for campaigns only

    response = client.get("/admin/choose-page/", {"page_type": "campaigns.campaignpage"})

    html = response.json()["html"]
    assert response.status_code == 200
    assert "Tell Amazon Ring: stop sharing footage with police" in html  # a campaign to click at once
    # Any other chooser still opens where Wagtail opens it.
    anything = client.get("/admin/choose-page/").json()["html"]
    assert "Tell Amazon Ring" not in anything
