"""Goals that move: the goal steps up to the next round number at 90 %, the page says "N have signed. Help us
reach M", and each goal reached is recorded once with its time and shown in the summary."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from campaigns import milestones
from campaigns.goals import current_goal, next_round_number
from campaigns.models.milestone import Milestone
from ops import process_memory
from tests.builders import build_signature, set_count, translate
from tests.campaigns.conftest import ORIGIN

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("goal", "following"),
    [
        (100, 250),
        (250, 500),
        (500, 1000),
        (1000, 2500),
        (2500, 5000),
        (10000, 25000),
        (300, 500),
        (1, 5),
        (2, 5),
    ],
)
def test_the_next_round_number(goal, following):
    assert next_round_number(goal) == following


def test_the_goal_steps_up_at_90_percent_and_as_often_as_needed():
    assert current_goal(1000, 899, steps_up=True) == 1000
    assert current_goal(1000, 900, steps_up=True) == 2500
    assert current_goal(1000, 2250, steps_up=True) == 5000
    assert current_goal(1000, 3000, steps_up=False) == 1000


def _count_text(client, page):
    soup = BeautifulSoup(client.get(page.url).content, "html.parser")
    figure = soup.select_one(".petition-count__figure").get_text(" ", strip=True)
    return figure, soup.select_one(".petition-count__goal").get_text(strip=True), soup.select_one("progress")


def test_the_page_says_how_many_have_signed_and_the_goal_to_reach(client, campaign):
    set_count(campaign, 1300)
    figure, goal, progress = _count_text(client, campaign)
    assert figure == "1,300 have signed."
    assert goal == "Help us reach 10,000."
    assert progress["max"] == "10000"


def test_one_signer_is_said_in_the_singular_and_in_the_pages_language(client, campaign):
    german = translate(campaign, "de")
    set_count(campaign, 1)
    assert _count_text(client, campaign)[0] == "1 has signed."
    assert _count_text(client, german)[:2] == (
        "1 hat unterschrieben.",
        "Helfen Sie uns, 10.000 zu erreichen.",
    )


def test_a_goal_that_steps_up_is_shown_and_given_to_the_script(client, campaign):
    campaign.signature_goal = 1000
    campaign.goal_steps_up = True
    campaign.save_revision().publish()
    set_count(campaign, 950)
    figure, goal, progress = _count_text(client, campaign)
    assert goal == "Help us reach 2,500."
    assert progress["max"] == "2500"
    count_url = reverse("campaigns:signature_count", args=[campaign.translation_key])
    assert client.get("/en-us" + count_url.removeprefix("/en-us")).json() == {"count": 950, "goal": 2500}


def test_a_goal_reached_is_recorded_once_with_its_time(client, campaign, sign_data, monkeypatch):
    monkeypatch.setattr(milestones, "CHECK_INTERVAL", 0)  # every signature looks at the goals
    campaign.signature_goal = 2
    campaign.save_revision().publish()
    client.post(campaign.url, sign_data(email="a@example.org"), HTTP_ORIGIN=ORIGIN)
    assert not Milestone.objects.exists()
    client.post(campaign.url, sign_data(email="b@example.org"), HTTP_ORIGIN=ORIGIN)
    client.post(campaign.url, sign_data(email="c@example.org"), HTTP_ORIGIN=ORIGIN)
    (milestone,) = Milestone.objects.all()
    assert (milestone.campaign_key, milestone.goal) == (campaign.translation_key, 2)
    assert milestone.reached_at is not None


def test_in_a_burst_the_goals_are_looked_at_once_a_second_and_a_crossing_is_not_missed(
    client, campaign, sign_data, goals_clock
):
    campaign.signature_goal = 2
    campaign.save_revision().publish()
    client.post(campaign.url, sign_data(email="a@example.org"), HTTP_ORIGIN=ORIGIN)  # looks: 1 signed
    client.post(campaign.url, sign_data(email="b@example.org"), HTTP_ORIGIN=ORIGIN)  # within the second
    assert not Milestone.objects.exists()

    goals_clock.now += milestones.CHECK_INTERVAL
    client.post(campaign.url, sign_data(email="c@example.org"), HTTP_ORIGIN=ORIGIN)
    assert list(Milestone.objects.values_list("goal", flat=True)) == [2]


def test_opening_the_summary_records_a_goal_crossed_since_the_last_look(
    client, admin_client, campaign, sign_data, goals_clock
):
    campaign.signature_goal = 2
    campaign.save_revision().publish()
    for email in ("a@example.org", "b@example.org"):  # the second crosses the goal between two looks
        client.post(campaign.url, sign_data(email=email), HTTP_ORIGIN=ORIGIN)
    assert not Milestone.objects.exists()

    content = admin_client.get(reverse("campaigns_signature_summary", args=[campaign.pk])).content.decode()
    assert 'data-milestone="2"' in content
    assert list(Milestone.objects.values_list("goal", flat=True)) == [2]


def test_each_stepped_goal_is_a_milestone(campaign):
    campaign.signature_goal = 100
    campaign.goal_steps_up = True
    assert milestones.record_milestones(campaign, 600) == [100, 250, 500]
    assert milestones.record_milestones(campaign, 600) == []
    process_memory.forget_all()  # another process, which has not seen them: the constraint keeps one row each
    milestones.record_milestones(campaign, 600)
    assert list(Milestone.objects.values_list("goal", flat=True)) == [100, 250, 500]


def test_a_confirmed_signature_can_reach_the_goal(client, campaign, sign_data):
    from campaigns.confirmation import confirm, confirmation_token

    campaign.signature_goal = 1
    campaign.confirmation_required = True
    campaign.save_revision().publish()
    client.post(campaign.url, sign_data(), HTTP_ORIGIN=ORIGIN)
    assert not Milestone.objects.exists()  # not counted until confirmed
    from django.test import TestCase

    from campaigns.models.signature import Signature

    with TestCase.captureOnCommitCallbacks(execute=True):
        confirm(confirmation_token(Signature.objects.get()))
    assert list(Milestone.objects.values_list("goal", flat=True)) == [1]


def test_the_summary_lists_the_goals_reached(admin_client, campaign):
    campaign.signature_goal = 1
    build_signature(campaign)
    milestones.record_milestones(campaign, 1)
    content = admin_client.get(reverse("campaigns_signature_summary", args=[campaign.pk])).content.decode()
    assert 'data-milestone="1"' in content
    assert "Goals reached" in content


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_signers_crossing_a_goal_write_one_milestone(campaign):
    from tests.campaigns.test_race_postgres import race

    campaign.signature_goal = 100
    campaign.goal_steps_up = True

    def cross(i):
        process_memory.forget_all()
        return milestones.record_milestones(campaign, 300)

    race(8, cross)
    assert list(Milestone.objects.values_list("goal", flat=True)) == [100, 250]


def test_the_public_api_gives_the_goal_the_page_shows(client, campaign):
    campaign.signature_goal = 1000
    campaign.goal_steps_up = True
    campaign.save_revision().publish()
    set_count(campaign, 950)
    found = client.get(f"/en-us/api/v1/campaigns/{campaign.translation_key}/").json()
    assert (found["total_signatures"], found["goal"]) == (950, 2500)
    assert found["translations"][0]["goal"] == 2500


def test_a_goal_the_editor_lowers_is_recorded_when_reached(campaign):
    campaign.signature_goal = 500
    assert milestones.record_milestones(campaign, 600) == [500]
    campaign.signature_goal = 300
    assert milestones.record_milestones(campaign, 600) == [300]
