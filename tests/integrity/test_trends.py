"""Trending sources (integrity.trends): a flood from one network in the last hour, against a week of spread
signatures, is reported once to the Signature managers (the dashboard, a mail each, the audit log) and to
webhooks; a normal hour reports nothing; Editors never see it; the hourly job run again reports nothing new."""

import html
import io
import json
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry
from wagtail.users.models import UserProfile

from campaigns import privacy
from campaigns.models.signature import Signature
from integrity import judge, trends
from integrity.invalidation import matching
from integrity.models import IntegritySettings, Invalidation, TrendAlert
from tests.builders import build_campaign, build_index, build_signature, build_site, log_in
from tests.campaigns.conftest import ORIGIN
from tests.webhooks.conftest import Receiver
from webhooks.models import SOURCE_TRENDING, Delivery, Endpoint

pytestmark = pytest.mark.django_db

HOUR = trends.HOUR
FLOOD = "f100d0c0ffee0001"  # the network pseudonym the flood comes from
DOMAINS = ("example.org", "example.org", "example.org", "gmail.com", "posteo.de")
COUNTRIES = ("GB", "GB", "DE", "FR")


@pytest.fixture
def campaign(db):
    return build_campaign(build_index(build_site()))


@pytest.fixture
def hour():
    """The start of the last complete hour, the one `detect_trends` run now looks at."""
    return trends.last_hours()[-1]


@pytest.fixture
def history(campaign, hour):
    """A week of signatures, each from its own network, from a usual mix of domains, countries and sources."""
    for n in range(140):
        signed(campaign, hour - timedelta(hours=1 + n), n)


@pytest.fixture
def receiver(settings):
    settings.WEBHOOKS_ALLOW_INTERNAL = True  # the receiver is on 127.0.0.1
    receiver = Receiver()
    yield receiver
    receiver.stop()


@pytest.fixture
def manager(db):
    user = get_user_model().objects.create_user(
        "grace", email="grace@campaign.example", password="pw", first_name="Grace"
    )
    user.groups.add(Group.objects.get(name="Signature managers"))
    return user


def signed(campaign, when, n, network=None):
    """One signature at `when`, the `n`th of a usual mix."""
    source = {"utm_source": "newsletter"} if n % 4 == 0 else {}
    return build_signature(
        campaign,
        email=f"person{n}.{when.timestamp():.0f}@{DOMAINS[n % len(DOMAINS)]}",
        country=COUNTRIES[n % len(COUNTRIES)],
        source=source,
        network_hash=network or f"{n:04x}{when.timestamp():.0f}"[:16],
        submit_time=when,
    )


def normal_hour(campaign, hour, how_many=40):
    for n in range(how_many):
        signed(campaign, hour + timedelta(minutes=n % 60), n)


def flooded_hour(campaign, hour):
    normal_hour(campaign, hour, how_many=10)
    for n in range(30):  # one network, with the usual domains, countries and sources
        signed(campaign, hour + timedelta(minutes=30, seconds=n), n, network=FLOOD)


def detect_trends(django_capture_on_commit_callbacks):
    """The hourly job, as the clock runs it, and what its alerts set off once committed."""
    with django_capture_on_commit_callbacks(execute=True):
        call_command("detect_trends", stdout=io.StringIO())


def test_a_flood_from_one_network_is_reported_once_everywhere(
    client, campaign, history, hour, manager, receiver, django_capture_on_commit_callbacks
):
    endpoint = Endpoint.objects.create(name="CRM", url=receiver.url, events=[SOURCE_TRENDING])
    flooded_hour(campaign, hour)

    detect_trends(django_capture_on_commit_callbacks)

    [alert] = TrendAlert.objects.all()
    assert (alert.campaign_key, alert.dimension, alert.value) == (campaign.translation_key, "network", FLOOD)
    assert (alert.hour, alert.count, alert.total, alert.usual_share) == (hour, 30, 40, 0)
    assert alert.share == pytest.approx(0.75)

    # The dashboard of a Signature manager lists it, with a link to that hour's signatures of the campaign.
    dashboard = log_in(client, "Signature managers").get("/admin/").content.decode()
    assert "Trending sources" in dashboard
    assert f'data-trend-alert="network:{FLOOD}"' in dashboard and f"network {FLOOD[:6]}…" in dashboard
    listing = client.get(trends.signatures_url(alert))
    assert listing.status_code == 200
    # The hour's signatures, not the week's.
    assert len(set(re.findall(r"person\d+\.\d+@", listing.content.decode()))) == 40

    # One mail, to the manager, in the organisation's layout, naming the source and no signer.
    [message] = mail.outbox
    assert message.to == ["grace@campaign.example"]
    assert message.subject == f"Trending on “{campaign.title}”: network {FLOOD[:6]}…"
    assert "Hello Grace," in message.body and "30 of the 40 signatures" in message.body
    assert "(75%)" in message.body and "Its usual share is 0%" in message.body
    assert trends.signatures_url(alert) in message.body
    assert "person" not in message.body

    # One webhook event, with the counts and the pseudonym only.
    [(kind, body, _headers)] = receiver.events()
    assert kind == "source.trending"
    assert body["data"]["dimension"] == "network" and body["data"]["value"] == FLOOD
    assert (body["data"]["signatures"], body["data"]["signatures_in_hour"]) == (30, 40)
    assert Delivery.objects.get(endpoint=endpoint).status == Delivery.Status.DELIVERED

    # The audit log names the source and the counts, nobody's details.
    [entry] = ModelLogEntry.objects.filter(action=trends.ALERT_ACTION)
    assert entry.data["count"] == 30 and entry.data["value"] == FLOOD
    assert entry.message == "30 of 40 signatures in an hour from one network"
    assert "person" not in json.dumps(entry.data) + entry.label

    # The clock's next turn, in the same hour or the next, reports nothing again.
    detect_trends(django_capture_on_commit_callbacks)
    call_command("run_jobs", "--once", stdout=io.StringIO())
    assert TrendAlert.objects.count() == 1
    assert len(mail.outbox) == 1 and len(receiver.events()) == 1
    assert ModelLogEntry.objects.filter(action=trends.ALERT_ACTION).count() == 1


def test_a_normal_hour_reports_nothing(campaign, history, hour, manager, django_capture_on_commit_callbacks):
    normal_hour(campaign, hour)

    detect_trends(django_capture_on_commit_callbacks)

    assert not TrendAlert.objects.exists()
    assert mail.outbox == []


def test_a_new_campaign_has_no_usual_share_to_trend_against(
    campaign, hour, manager, django_capture_on_commit_callbacks
):
    """Its launch hour brings everything at once: nothing to compare with, nothing reported."""
    flooded_hour(campaign, hour)

    detect_trends(django_capture_on_commit_callbacks)

    assert not TrendAlert.objects.exists()


def test_the_managers_thresholds_decide(campaign, history, hour, manager, django_capture_on_commit_callbacks):
    settings = IntegritySettings.load()
    settings.trend_min_signatures = 31  # the flood brought 30
    settings.save()
    flooded_hour(campaign, hour)

    detect_trends(django_capture_on_commit_callbacks)
    assert not TrendAlert.objects.exists()

    settings.trend_min_signatures = 20
    settings.save()
    detect_trends(django_capture_on_commit_callbacks)
    assert TrendAlert.objects.get().value == FLOOD


def test_an_alert_opens_an_invalidation_of_its_source_in_its_hour(
    client, campaign, history, hour, manager, django_capture_on_commit_callbacks
):
    flooded_hour(campaign, hour)
    signed(campaign, hour + HOUR, 999, network=FLOOD)  # the same network, the hour after: not in the alert
    detect_trends(django_capture_on_commit_callbacks)
    [alert] = TrendAlert.objects.all()

    dashboard = log_in(client, "Signature managers").get("/admin/").content.decode()
    [link] = re.findall(
        r'<a href="([^"]+)" data-invalidate-source>Invalidate signatures from this source…', dashboard
    )
    form = client.get(html.unescape(link)).context["form"]

    # The form comes filled in: the campaign, the hour, the network; nothing is taken until it is sent.
    assert form.initial["campaign"] == str(campaign.translation_key)
    assert form.initial["network"] == FLOOD
    assert (form.initial["signed_after"], form.initial["signed_before"]) == (
        timezone.localtime(hour).strftime("%Y-%m-%d %H:%M"),
        timezone.localtime(hour + HOUR).strftime("%Y-%m-%d %H:%M"),
    )
    assert not Invalidation.objects.exists()
    # Sent as it is, with a reason: it names the flood's 30 signatures of that hour, none other.
    client.post(reverse("integrity_invalidation_new"), {**form.initial, "reason": "One network, one hour"})
    invalidation = Invalidation.objects.get()
    assert invalidation.matched == alert.count == 30
    assert set(
        matching(invalidation.criteria, invalidation.up_to).values_list("network_hash", flat=True)
    ) == {FLOOD}


@pytest.mark.parametrize(
    ("dimension", "value", "field"),
    [
        ("email_domain", "botfarm.example", "email_domain"),
        ("country", "FR", "country"),
        ("referrer", "spam.example", "source"),
        ("utm_source", "bots", "source"),
    ],
)
def test_an_alert_of_each_kind_fills_in_the_criterion_that_names_it(campaign, hour, dimension, value, field):
    alert = TrendAlert.objects.create(
        campaign_key=campaign.translation_key,
        dimension=dimension,
        value=value,
        hour=hour,
        count=30,
        total=40,
        share=0.75,
        usual_share=0,
    )
    query = parse_qs(urlsplit(trends.invalidation_url(alert)).query)
    assert query[field] == [value]
    assert query["campaign"] == [str(campaign.translation_key)] and "signed_after" in query


def test_a_manager_who_may_not_invalidate_sees_the_alert_without_the_link(
    client, campaign, history, hour, django_capture_on_commit_callbacks
):
    flooded_hour(campaign, hour)
    detect_trends(django_capture_on_commit_callbacks)
    user = get_user_model().objects.create_user("watcher", password="pw")
    user.user_permissions.add(
        Permission.objects.get(codename="access_admin"), Permission.objects.get(codename="view_trendalert")
    )
    client.force_login(user)

    dashboard = client.get("/admin/").content.decode()

    assert f'data-trend-alert="network:{FLOOD}"' in dashboard
    assert "Invalidate signatures from this source" not in dashboard


@pytest.mark.parametrize("group", ["Editors", "Translators"])
def test_editors_see_neither_the_panel_nor_the_log_entry(
    client, campaign, history, hour, group, django_capture_on_commit_callbacks
):
    flooded_hour(campaign, hour)
    detect_trends(django_capture_on_commit_callbacks)
    assert TrendAlert.objects.exists()

    dashboard = log_in(client, group).get("/admin/")
    history = client.get(reverse("wagtailadmin_reports:site_history"))

    assert dashboard.status_code == 200
    assert "Trending sources" not in dashboard.content.decode()
    assert FLOOD[:6] not in dashboard.content.decode()
    # Nor the audit log's entry (Reports → Site history), which a Signature manager sees.
    assert history.status_code in (200, 302, 403) and "in an hour from one" not in history.content.decode()
    managers = Client()
    log_in(managers, "Signature managers")
    assert (
        "in an hour from one network"
        in managers.get(reverse("wagtailadmin_reports:site_history")).content.decode()
    )


def test_the_manager_reads_the_mail_in_their_admin_language(
    campaign, history, hour, manager, django_capture_on_commit_callbacks
):
    profile = UserProfile.get_for_user(manager)
    profile.preferred_language = "de"
    profile.save()
    flooded_hour(campaign, hour)

    detect_trends(django_capture_on_commit_callbacks)

    [message] = mail.outbox
    assert message.subject.startswith("Trend bei „")
    assert "30 der 40 Unterschriften" in message.body


def test_signing_stores_the_networks_pseudonym_never_the_address(client, campaign, sign_data):
    for address, email in (("203.0.113.7", "a@example.org"), ("203.0.113.9", "b@example.org")):
        client.post(campaign.url, sign_data(email=email), HTTP_ORIGIN=ORIGIN, REMOTE_ADDR=address)
    client.post(
        campaign.url, sign_data(email="c@example.org"), HTTP_ORIGIN=ORIGIN, REMOTE_ADDR="198.51.100.7"
    )

    a, b, c = (Signature.objects.get(email=f"{x}@example.org").network_hash for x in "abc")
    assert a == b != c  # one /24, another
    assert a == judge.network_pseudonym(judge.rules.client_ip("203.0.113.200")) and len(a) == 16
    stored = json.dumps(list(Signature.objects.values()), default=str)
    assert "203.0.113" not in stored and "198.51.100" not in stored


def test_anonymising_forgets_the_network_pseudonym(campaign):
    signature = build_signature(campaign, network_hash=FLOOD)

    privacy.anonymise_signatures(Signature.objects.filter(pk=signature.pk))

    signature.refresh_from_db()
    assert signature.network_hash == "" and signature.anonymised_at is not None


def test_a_factor_that_would_alert_on_every_usual_source_is_refused(client):
    log_in(client, "Signature managers")
    url = reverse(
        "wagtailsettings:edit", args=["integrity", "integritysettings", IntegritySettings.load().pk]
    )
    data = {
        "address_rates": "1/60s, 5/300s",
        "network_rates": "20/60s",
        "flag_disposable": "on",
        "trend_min_signatures": "20",
        "trend_min_share": "101",
        "trend_factor": "1.0",
    }

    refused = client.post(url, data)

    assert refused.status_code == 200
    page = refused.content.decode()
    assert "Ensure this value is greater than or equal to 1.1." in page
    assert "Ensure this value is less than or equal to 100." in page
    assert IntegritySettings.load().trend_factor == 3
