"""After signing: the steps the editor chose, in order (share, donate, the next action), as plain links without
JavaScript on the page the post lands on, and the same in the state petition.js swaps in."""

import pytest
from bs4 import BeautifulSoup

from tests.builders import build_campaign
from tests.campaigns.conftest import ORIGIN

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(campaign):
    campaign.share_text = "Ring shares footage with police. Sign:"
    campaign.donate_url = "https://example.org/donate"
    campaign.next_action_page = build_campaign(
        campaign.get_parent(), title="Ban face surveillance", slug="faces"
    )
    campaign.save_revision().publish()
    return campaign


def thank_you(client, page, data):
    response = client.post(page.url, data, HTTP_ORIGIN=ORIGIN, follow=True)
    assert response.redirect_chain[-1][0].endswith("/thank-you/")
    return BeautifulSoup(response.content, "html.parser").select_one("[data-petition-thanks]")


def test_without_javascript_the_thank_you_page_shows_share_donate_and_next_in_order(
    client, campaign, sign_data
):
    state = thank_you(client, campaign, sign_data())

    steps = [step["data-step"] for step in state.select(".petition-step")]
    assert steps == ["share", "donate", "next"]
    share = state.select_one('[data-step="share"]')
    networks = [link["class"][1].removeprefix("share-link--") for link in share.select("a.share-link")]
    assert networks == ["email", "whatsapp", "mastodon", "bluesky", "x", "facebook"]
    links = share.select("a.share-link")
    assert all("amazon-ring" in link["href"] for link in links)
    assert all("Ring%20shares%20footage" in link["href"] for link in links if "facebook" not in link["href"])
    assert share.select_one("input[data-share-link]")["value"] == f"http://localhost{campaign.url}"
    # The browser's share menu and the copy button need JavaScript: hidden until petition.js shows them.
    assert share.select_one("[data-share-native]").has_attr("hidden")
    assert share.select_one("[data-copy-link]").has_attr("hidden")
    donate = state.select_one('[data-step="donate"]')
    assert donate.a["href"] == "https://example.org/donate"
    assert "Can you chip in?" in donate.get_text()
    assert state.select_one('[data-step="next"] a').get_text(strip=True) == "Ban face surveillance"


def test_no_third_party_script_and_no_inline_script(client, campaign, sign_data):
    response = client.post(campaign.url, sign_data(), HTTP_ORIGIN=ORIGIN, follow=True)
    page = BeautifulSoup(response.content, "html.parser")
    scripts = page.find_all("script")
    assert scripts and all(script.get("src", "").startswith("/static/") for script in scripts)
    assert not page.select("[style]")


def test_the_editor_chooses_the_steps_and_the_donation_words(client, campaign, sign_data):
    campaign.share_step = False
    campaign.donate_text = "Chip in €5 to keep us independent."
    campaign.next_action_page = None
    campaign.save_revision().publish()

    state = thank_you(client, campaign, sign_data())

    assert [step["data-step"] for step in state.select(".petition-step")] == ["donate"]
    assert "Chip in €5 to keep us independent." in state.get_text()


def test_no_steps_no_list(client, campaign, sign_data):
    campaign.share_step = False
    campaign.donate_url = ""
    campaign.next_action_page = None
    campaign.save_revision().publish()
    assert thank_you(client, campaign, sign_data()).select_one(".petition-steps") is None


def test_the_script_gets_the_same_steps(client, campaign, sign_data):
    response = client.post(campaign.url, sign_data(), HTTP_ORIGIN=ORIGIN, HTTP_ACCEPT="application/json")
    state = BeautifulSoup(response.json()["html"], "html.parser")
    assert [step["data-step"] for step in state.select(".petition-step")] == ["share", "donate", "next"]


def test_the_steps_are_in_the_signers_language(client, campaign, sign_data):
    from tests.builders import translate

    german = translate(campaign, "de")
    state = thank_you(client, german, sign_data())
    assert state.select_one('[data-step="donate"] a').get_text(strip=True) == "Spenden"
    assert "Oder kopieren Sie den Link zur Petition" in state.get_text()


FOLLOW_THROUGH_FIELDS = {
    "goal_steps_up": "Once 90 % of the goal have signed",
    "confirmation_reminder_hours": "get one reminder this many hours after signing",
    "share_step": "the phone&#x27;s own share menu",
    "donate_url": "Where signers can give",
    "donate_text": "A sentence or two above the donate button",
    "next_action_page": "A campaign or page to suggest once someone has signed.",
}


def test_an_editor_sets_every_step_in_the_admin_with_help(client, campaign):
    from tests.builders import log_in

    log_in(client, "Editors")
    content = client.get(f"/admin/pages/{campaign.pk}/edit/").content.decode()
    for name, help_text in FOLLOW_THROUGH_FIELDS.items():
        assert f'name="{name}"' in content, name
        assert help_text in content, name
    assert "share, donate, the next action" in content  # the panel says the order
