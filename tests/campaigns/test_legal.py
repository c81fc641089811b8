"""Legal basics (campaigns/models/privacy_page.py, campaigns/new_campaigns.py): the privacy notice in each language, linked from
the consent lines, the form, the footer and the mails; the consent wording a new campaign starts with; the
warning when a choice hides part of the form; closing times in the site's time zone, named."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core import mail
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.utils import translation

from campaigns.models.privacy_page import PrivacyPage
from campaigns.wagtail_hooks import say_what_the_choices_hide
from tests.builders import build_campaign, build_index, build_site, log_in, translate
from tests.campaigns.conftest import ORIGIN

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def home():
    return build_site()


@pytest.fixture
def index(home):
    return build_index(home)


def build_privacy(home, **kwargs):
    kwargs.setdefault("title", "Privacy notice")
    kwargs.setdefault("slug", "privacy")
    kwargs.setdefault("controller_name", "Stand Up For Privacy")
    kwargs.setdefault("controller_address", "1 Example Street\nLondon")
    kwargs.setdefault("contact_email", "privacy@example.org")
    kwargs.setdefault("purposes", "<p>We count your signature.</p>")
    kwargs.setdefault("rights", "<p>You may ask us to delete your details.</p>")
    page = home.add_child(instance=PrivacyPage(**kwargs))
    page.save_revision().publish()
    return PrivacyPage.objects.get(pk=page.pk)


def soup(client, page):
    response = client.get(page.url)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def privacy_links(html):
    return [a["href"] for a in html.select("a.privacy-link")]


# The privacy notice


def test_the_notice_states_each_campaigns_retention_from_its_settings(client, home, index):
    build_campaign(index, title="Ring", slug="ring", retention_days=90)
    build_campaign(index, title="Faces", slug="faces", retention_days=None)
    notice = build_privacy(home)

    text = soup(client, notice).get_text(" ", strip=True)

    assert "Ring : names and email addresses are deleted 90 days after the petition closes" in text
    assert "Faces : names and email addresses are kept until we delete them or you ask us to." in text
    # campaigns.privacy: the 7-day link, then a day's grace.
    assert (
        "A signature that is never confirmed by email is deleted 8 days after its confirmation link" in text
    )
    assert "Stand Up For Privacy" in text and "privacy@example.org" in text


def test_each_language_links_to_its_own_notice(client, home, index):
    campaign = build_campaign(index, confirmation_required=True, name_handover=True)
    notice = build_privacy(home)
    german = translate(campaign, "de", title="Ring auf Deutsch", consent_text="Wir zählen Ihre Unterschrift.")
    german_notice = translate(notice, "de", title="Datenschutzerklärung", slug="datenschutz")

    english_links = privacy_links(soup(client, campaign))
    german_html = soup(client, german)

    # The form, and each consent box (newsletter, updates, name handover), links to the notice.
    assert english_links == [notice.url] * 4
    assert privacy_links(german_html) == [german_notice.url] * 4
    assert (
        german_html.select_one(".petition-form__consent a").get_text() == "Unsere Datenschutzerklärung lesen"
    )
    footer = german_html.select_one("footer")
    assert footer.find("a", string="Datenschutzerklärung")["href"] == german_notice.url


def test_a_language_without_its_own_notice_links_to_the_default_ones(client, home, index):
    campaign = build_campaign(index)
    notice = build_privacy(home)
    german = translate(campaign, "de", consent_text="Wir zählen Ihre Unterschrift.")

    assert set(privacy_links(soup(client, german))) == {notice.url}


def test_a_site_without_a_notice_shows_no_link_and_still_takes_signatures(client, index, sign_data):
    campaign = build_campaign(index, confirmation_required=True)

    html = soup(client, campaign)
    response = client.post(campaign.url, sign_data(), HTTP_ORIGIN=ORIGIN)

    assert privacy_links(html) == []
    assert html.select_one(".petition-form__consent").get_text(strip=True) == campaign.consent_text
    assert response.status_code == 303
    [message] = mail.outbox
    assert "How we use your data" not in message.body


def test_the_confirmation_mail_ends_with_the_notice_in_the_signers_language(client, home, index, sign_data):
    campaign = build_campaign(index, confirmation_required=True)
    notice = build_privacy(home)
    german = translate(campaign, "de", consent_text="Wir zählen Ihre Unterschrift.")
    german_notice = translate(notice, "de", title="Datenschutzerklärung", slug="datenschutz")

    client.post(german.url, sign_data(), HTTP_ORIGIN=ORIGIN)

    [message] = mail.outbox
    assert message.body.rstrip().endswith(f"Wie wir Ihre Daten verwenden: {german_notice.get_full_url()}")


def test_update_mails_end_with_the_notice(home):
    notice = build_privacy(home)
    context = {"update": {"subject": "Delivered"}, "campaign": {"title": "Ring"}, "unsubscribe_url": "u"}

    with translation.override("en-us"):
        text = render_to_string("updates/email.txt", {**context, "body_text": "We did it."})
        html = render_to_string("updates/email.html", {**context, "body_html": "<p>We did it.</p>"})

    assert f"How we use your data: {notice.get_full_url()}" in text
    assert f'href="{notice.get_full_url()}"' in html


# What a new campaign starts with


def test_an_editor_starts_a_campaign_with_consent_wording_in_its_language(index):
    german_index = translate(index, "de", title="Kampagnen")
    editors = log_in(Client(), "Editors")

    english = BeautifulSoup(
        editors.get(f"/admin/pages/add/campaigns/campaignpage/{index.pk}/").content, "html.parser"
    )
    german = BeautifulSoup(
        editors.get(f"/admin/pages/add/campaigns/campaignpage/{german_index.pk}/").content, "html.parser"
    )

    assert (
        english.select_one("#id_consent_text")
        .get_text()
        .strip()
        .startswith("Stand Up For Privacy will use your name and email address for this petition only")
    )
    assert (
        german.select_one("#id_consent_text")
        .get_text()
        .strip()
        .startswith(
            "Stand Up For Privacy verwendet Ihren Namen und Ihre E-Mail-Adresse nur für diese Petition"
        )
    )
    # Confirmation on, so the updates box (on by default) is shown to signers.
    assert english.select_one("#id_confirmation_required").has_attr("checked")
    assert english.select_one("#id_updates_opt_in").has_attr("checked")


def warnings_after_saving(page):
    request = RequestFactory().post("/admin/")
    request.session = {}
    request._messages = FallbackStorage(request)
    say_what_the_choices_hide(request, page)
    return [str(message) for message in get_messages(request)]


def test_saving_updates_without_confirmation_warns_that_the_box_is_hidden(client, index):
    campaign = build_campaign(index, updates_opt_in=True, confirmation_required=False)

    [warning] = warnings_after_saving(campaign)

    assert "signers will not see it: updates go only to confirmed addresses" in warning
    assert 'name="updates_opt_in"' not in client.get(campaign.url).content.decode()  # what it warns about


def test_choices_that_work_together_save_without_a_warning(index):
    assert warnings_after_saving(build_campaign(index, confirmation_required=True)) == []
    assert warnings_after_saving(build_campaign(index, slug="quiet", updates_opt_in=False)) == []


# Closing times


def test_the_page_shows_the_closing_time_in_the_sites_zone_with_its_name(client, index, settings):
    settings.TIME_ZONE = "Europe/London"
    closing = datetime(2099, 1, 31, 23, 59, tzinfo=LONDON)
    campaign = build_campaign(index, closing_date=closing)
    german = translate(campaign, "de", consent_text="Wir zählen Ihre Unterschrift.")

    english = soup(client, campaign).select_one(".petition-form__closes time")
    in_german = soup(client, german).select_one(".petition-form__closes time")

    assert english.get_text() == "Closes Jan. 31, 2099, 11:59 p.m. GMT"
    assert in_german.get_text() == "Endet am 31. Januar 2099, 23:59 GMT"
    assert in_german["title"] == "Europe/London (GMT)"


def test_the_admin_says_which_zone_closing_dates_are_typed_in(index, settings):
    settings.TIME_ZONE = "Europe/London"
    editors = log_in(Client(), "Editors")

    html = editors.get(f"/admin/pages/add/campaigns/campaignpage/{index.pk}/").content.decode()

    assert "Times are in Europe/London (" in html
