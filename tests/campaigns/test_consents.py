"""The consent boxes beside the newsletter's: updates about this petition, and the name handed to the target.
Each is off unless the page offers it, unticked, and stored like the main consent: the words shown and when."""

import pytest

from campaigns.models.signature import Signature
from tests.builders import build_campaign, build_index, build_site, translate
from tests.campaigns.conftest import ORIGIN

pytestmark = pytest.mark.django_db

UPDATES_WORDING = "Yes, email me updates about this petition, such as its delivery and the answer."
HANDOVER_WORDING = "Hand my name and country to Amazon Ring with the petition."


@pytest.fixture
def index():
    return build_index(build_site())


def form_html(client, page):
    return client.get(page.url).content.decode()


def test_a_new_campaign_asks_for_neither_until_it_asks_signers_to_confirm(client, index):
    campaign = build_campaign(index)
    assert campaign.updates_opt_in and not campaign.name_handover  # the defaults a new or copied page has

    html = form_html(client, campaign)

    # Updates go only to confirmed addresses, so without confirmation the box would promise nothing.
    assert 'name="updates_opt_in"' not in html
    assert 'name="name_handover"' not in html


def test_the_boxes_are_offered_unticked_when_switched_on(client, index):
    campaign = build_campaign(index, confirmation_required=True, name_handover=True)

    html = form_html(client, campaign)

    assert 'type="checkbox" name="updates_opt_in"' in html
    assert 'type="checkbox" name="name_handover"' in html
    assert "checked" not in html
    assert UPDATES_WORDING in html and HANDOVER_WORDING in html


def test_ticked_boxes_store_their_words_and_time(client, index, sign_data):
    campaign = build_campaign(
        index,
        confirmation_required=True,
        name_handover=True,
        updates_opt_in_label="Tell me when Amazon answers.",
    )

    response = client.post(
        campaign.url, sign_data(updates_opt_in="on", name_handover="on"), HTTP_ORIGIN=ORIGIN
    )

    assert response.status_code == 303
    signature = Signature.objects.get()
    assert signature.updates_consent_text == "Tell me when Amazon answers."
    assert signature.handover_consent_text == HANDOVER_WORDING
    assert signature.updates_consented_at == signature.consented_at is not None
    assert signature.handover_consented_at == signature.consented_at
    assert signature.form_data == {}  # not taken for answers to extra questions


def test_boxes_left_unticked_store_nothing(client, index, sign_data):
    campaign = build_campaign(index, confirmation_required=True, name_handover=True)

    client.post(campaign.url, sign_data(), HTTP_ORIGIN=ORIGIN)

    signature = Signature.objects.get()
    assert (signature.updates_consented_at, signature.handover_consented_at) == (None, None)
    assert (signature.updates_consent_text, signature.handover_consent_text) == ("", "")


def test_a_box_the_page_does_not_show_cannot_be_ticked_by_a_crafted_post(client, index, sign_data):
    campaign = build_campaign(index)  # offers neither

    client.post(campaign.url, sign_data(updates_opt_in="on", name_handover="on"), HTTP_ORIGIN=ORIGIN)

    signature = Signature.objects.get()
    assert signature.updates_consented_at is None and signature.handover_consented_at is None
    assert signature.form_data == {}


def test_the_words_stored_are_those_of_the_language_signed_in(client, index, sign_data):
    campaign = build_campaign(index, confirmation_required=True, name_handover=True)
    german = translate(campaign, "de", target="Amazon Ring (Deutschland)")

    client.post(german.url, sign_data(updates_opt_in="on", name_handover="on"), HTTP_ORIGIN=ORIGIN)

    signature = Signature.objects.get()
    assert signature.locale == "de"
    assert signature.handover_consent_text == (
        "Meinen Namen und mein Land mit der Petition an Amazon Ring (Deutschland) übergeben."
    )
    assert "Updates zu dieser Petition" in signature.updates_consent_text
