"""Campaigns at a glance: the admin dashboard's open campaigns and the campaign summaries index."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns import privacy
from tests.builders import build_campaign, build_index, build_signature, build_site, log_in, set_count

pytestmark = pytest.mark.django_db

DASHBOARD = "/admin/"


@pytest.fixture
def campaigns():
    """An open campaign that asks to confirm, an open one that does not, and a closed one."""
    index = build_index(build_site())
    ring = build_campaign(
        index,
        confirmation_required=True,
        signature_goal=1000,
        closing_date=datetime(2030, 6, 30, 12, tzinfo=UTC),
    )
    faces = build_campaign(index, title="Stop face recognition in shops", slug="faces", signature_goal=500)
    closed = build_campaign(index, title="Ban spyware exports", slug="spyware", closed=True)
    return ring, faces, closed


def _row(content, page):
    start = content.index(f'data-campaign="{page.translation_key}"')
    return content[start : content.index("</tr>", start)]


def _cell(row, column):
    start = row.index(f'data-column="{column}">') + len(f'data-column="{column}">')
    return row[start : row.index("</td>", start)]


def test_dashboard_shows_each_open_campaign_at_a_glance(admin_client, campaigns):
    ring, faces, closed = campaigns
    now = timezone.now()
    # Ring: 3 confirmed of 4 asked (one waits), 2 of them in the last day.
    for hours in (1, 5, 30):
        build_signature(ring, confirmed_at=now, submit_time=now - timedelta(hours=hours))
    build_signature(ring, counted=False, submit_time=now - timedelta(hours=2))
    set_count(faces, 120)

    content = admin_client.get(DASHBOARD).content.decode()

    assert "Open campaigns" in content
    ring_row = _row(content, ring)
    assert _cell(ring_row, "count") == "3 of 1,000"
    assert _cell(ring_row, "last-day") == "3"  # counted or not, signed in the last 24 hours
    assert _cell(ring_row, "confirmation-rate") == "75%"
    assert _cell(ring_row, "closes") == "June 30, 2030, noon UTC"  # in the site's time zone, named
    faces_row = _row(content, faces)
    assert _cell(faces_row, "count") == "120 of 500"
    assert "—" in _cell(faces_row, "confirmation-rate")  # nobody is asked to confirm
    assert _cell(faces_row, "closes") == "No closing date"
    assert f'data-campaign="{closed.translation_key}"' not in content  # closed: not collecting
    assert reverse("campaigns_signature_summary", args=[ring.pk]) in ring_row


def test_dashboard_rate_counts_signatures_deleted_unconfirmed(admin_client, campaigns):
    ring = campaigns[0]
    long_ago = timezone.now() - timedelta(days=30)
    build_signature(ring, confirmed_at=long_ago, submit_time=long_ago)
    build_signature(ring, counted=False, submit_time=long_ago)  # never confirmed: deleted
    assert privacy.delete_unconfirmed() == 1
    content = admin_client.get(DASHBOARD).content.decode()
    assert _cell(_row(content, ring), "confirmation-rate") == "50%"


def test_dashboard_shows_the_goal_it_stepped_up_to(admin_client, campaigns):
    faces = campaigns[1]
    faces.goal_steps_up = True
    faces.save_revision().publish()
    set_count(faces, 460)  # 92 % of 500
    content = admin_client.get(DASHBOARD).content.decode()
    assert _cell(_row(content, faces), "count") == "460 of 1,000"


def test_dashboard_costs_the_same_queries_for_many_campaigns(
    admin_client, campaigns, django_assert_max_num_queries
):
    admin_client.get(DASHBOARD)  # warm Wagtail's own caches
    with django_assert_max_num_queries(60) as few:
        admin_client.get(DASHBOARD)
    index = campaigns[0].get_parent()
    for n in range(5):
        page = build_campaign(index, title=f"Campaign {n}", slug=f"campaign-{n}")
        build_signature(page)
    with django_assert_max_num_queries(len(few.captured_queries)):
        content = admin_client.get(DASHBOARD).content.decode()
    assert content.count("data-campaign=") == 7


def test_editors_see_the_numbers_but_no_link_to_signatures(client, campaigns):
    ring = campaigns[0]
    log_in(client, "Editors")
    content = client.get(DASHBOARD).content.decode()
    row = _row(content, ring)
    assert _cell(row, "count") == "0 of 1,000"
    assert "<a " not in row


def test_summaries_index_shows_the_same_columns_for_every_campaign(admin_client, campaigns):
    ring, faces, closed = campaigns
    build_signature(ring, confirmed_at=timezone.now())
    content = admin_client.get(reverse("campaigns_signature_summaries")).content.decode()
    assert _cell(_row(content, ring), "count") == "1 of 1,000"
    assert _cell(_row(content, ring), "confirmation-rate") == "100%"
    assert _cell(_row(content, closed), "closes") == "Closed"
    assert reverse("campaigns_signature_summary", args=[faces.pk]) in content


def test_held_and_invalidated_signatures_are_counted_apart_not_as_signatures(admin_client, campaigns):
    """A bot's signatures, held by a rule or invalidated by a run, are totals of their own: the last day, the
    confirmation rate, the summary's signatures and its breakdowns are the people's."""
    ring = campaigns[0]
    now = timezone.now()
    for hours in (1, 2):
        build_signature(ring, country="GB", confirmed_at=now, submit_time=now - timedelta(hours=hours))
    flagged = {"flagged_at": now, "flag_reasons": [{"rule": "network_rate", "reason": "too many"}]}
    for _ in range(3):  # held, their links mailed and never clicked
        build_signature(ring, country="RU", counted=False, submit_time=now - timedelta(hours=3), **flagged)
    taken = {"invalidated_at": now, "invalidation_run": 1, "confirmed_at": now}
    for _ in range(2):
        build_signature(ring, country="RU", counted=False, submit_time=now - timedelta(days=3), **taken)
    build_signature(ring, country="RU", counted=False, **flagged, **taken)  # held, then invalidated

    row = _row(admin_client.get(DASHBOARD).content.decode(), ring)
    assert (_cell(row, "held"), _cell(row, "invalidated")) == ("3", "3")
    assert _cell(row, "last-day") == "2"
    assert _cell(row, "confirmation-rate") == "100%"  # not 2 of the 5 asked, nor 5 of 8
    assert _cell(row, "count") == "2 of 1,000"

    summary = admin_client.get(reverse("campaigns_signature_summary", args=[ring.pk])).content.decode()
    for name, number in (("total", 2), ("held", 3), ("invalidated", 3), ("confirmed", 2), ("counted", 2)):
        assert f'data-summary="{name}">{number}<' in summary, name
    assert 'data-country="RU"' not in summary and 'data-country="GB"' in summary
    # The table under the chart: the two people's days only, not the day three days ago of the invalidated.
    days = re.findall(r'<tr data-day="([^"]+)"><td>[^<]*</td><td>(\d+)</td></tr>', summary)
    assert sum(int(count) for _day, count in days) == 2
    assert (now - timedelta(days=3)).strftime("%Y-%m-%d") not in dict(days)
