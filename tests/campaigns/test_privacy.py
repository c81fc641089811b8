"""Signers' personal data: forgetting a person, retention after closing, and reconciling counts."""

import io
import logging
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageLogEntry

from campaigns import privacy
from campaigns.models.counter import SignatureCounter, signature_count
from campaigns.models.signature import Signature
from campaigns.reports import campaign_summary
from tests.builders import build_campaign, build_index, build_signature, build_site, translate

pytestmark = pytest.mark.django_db


@pytest.fixture
def index():
    return build_index(build_site())


def days_ago(n):
    return timezone.now() - timedelta(days=n)


# Forgetting a person


@pytest.fixture
def ada_everywhere(index):
    """Ada signed three campaigns (one of them in en-GB, one not yet confirmed); Bob signed one."""
    ring = build_campaign(index)
    ring_uk = translate(ring, "en-gb")
    faces = build_campaign(index, title="Stop face recognition", slug="faces")
    drones = build_campaign(index, title="Ground police drones", slug="drones")
    ada = [
        build_signature(ring_uk, email="Ada@Example.org", email_normalised="ada@example.org"),
        build_signature(faces, email="ada@example.org"),
        build_signature(drones, email="ada@example.org", counted=False),
    ]
    bob = build_signature(ring, email="bob@example.org")
    return {"ring": ring, "faces": faces, "drones": drones, "ada": ada, "bob": bob}


def test_forget_person_erases_every_signature_and_lowers_the_counts(ada_everywhere):
    ring, faces, drones = (ada_everywhere[k] for k in ("ring", "faces", "drones"))
    assert [signature_count(c.translation_key) for c in (ring, faces, drones)] == [2, 1, 0]

    assert privacy.forget_person("  ADA@example.org ") == 3

    assert not Signature.objects.filter(pk__in=[s.pk for s in ada_everywhere["ada"]]).exists()
    assert [signature_count(c.translation_key) for c in (ring, faces, drones)] == [1, 0, 0]
    bob = Signature.objects.get(pk=ada_everywhere["bob"].pk)
    assert (bob.email, bob.first_name) == ("bob@example.org", "Ada")
    assert privacy.forget_person("ada@example.org") == 0


def test_forgetting_is_logged_without_the_address(ada_everywhere, caplog):
    with caplog.at_level(logging.INFO, logger="campaigns.privacy"):
        privacy.forget_person("ada@example.org")
    assert "3 signature(s) erased" in caplog.text
    assert "ada" not in caplog.text.lower()


@pytest.fixture
def manager_client(client):
    user = get_user_model().objects.create_superuser("dpo", "dpo@example.org", "pw")
    client.force_login(user)
    return client


def test_forget_view_asks_before_erasing(manager_client, ada_everywhere):
    url = reverse("campaigns_signature_forget")
    assert manager_client.get(url).status_code == 200

    response = manager_client.post(url, {"email": "ada@example.org"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "has signed 3 times" in content
    assert "Stop face recognition" in content and "Ground police drones" in content
    assert Signature.objects.filter(email_normalised="ada@example.org").count() == 3

    response = manager_client.post(url, {"email": "ada@example.org", "confirm": "1"})
    assert response.status_code == 302
    assert "ada" not in response["Location"]
    assert not Signature.objects.filter(email_normalised="ada@example.org").exists()
    assert signature_count(ada_everywhere["faces"].translation_key) == 0


def test_forget_view_refuses_a_bad_address(manager_client, ada_everywhere):
    response = manager_client.post(reverse("campaigns_signature_forget"), {"email": "ada", "confirm": "1"})
    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    assert Signature.objects.filter(email_normalised="ada@example.org").count() == 3


# Retention


def anonymised(signature):
    signature.refresh_from_db()
    return signature.anonymised_at is not None


def test_retention_anonymises_only_campaigns_closed_long_enough(index):
    expired = build_campaign(index, slug="expired", closing_date=days_ago(40), retention_days=30)
    recent = build_campaign(index, slug="recent", closing_date=days_ago(10), retention_days=30)
    still_open = build_campaign(index, slug="open", retention_days=1)
    kept_forever = build_campaign(index, slug="forever", closing_date=days_ago(400))
    old = build_signature(
        expired,
        first_name="Ada",
        email="ada@example.org",
        country="FR",
        postal_code="75001",
        comment="Stop it",
        form_data={"why": "privacy"},
        source={"utm_source": "mail"},
        confirmed_at=days_ago(50),
    )
    waiting = build_signature(expired, country="DE", counted=False)
    others = [build_signature(page) for page in (recent, still_open, kept_forever)]
    tallies_before = campaign_summary(expired.translation_key)

    out = io.StringIO()
    call_command("apply_retention", stdout=out)

    old.refresh_from_db()
    assert old.anonymised_at is not None
    assert (old.first_name, old.last_name, old.email, old.email_normalised) == ("", "", "", None)
    assert (old.postal_code, old.comment, old.form_data, old.source) == ("", "", {}, {})
    assert (old.country, old.locale, old.counted) == ("FR", "en-us", True)
    assert old.confirmed_at is not None and old.consent_text
    assert anonymised(waiting) and waiting.confirmation_key is None  # its mailed link leads nowhere now
    assert not any(anonymised(s) for s in others)
    assert signature_count(expired.translation_key) == 1
    tallies_after = campaign_summary(expired.translation_key)
    assert tallies_after.per_country == tallies_before.per_country
    assert tallies_after.per_day == tallies_before.per_day
    assert (tallies_after.total, tallies_after.confirmed, tallies_after.anonymised) == (2, 1, 2)
    assert "Anonymised 2 signature(s) of" in out.getvalue()

    out = io.StringIO()
    call_command("apply_retention", stdout=out)
    assert "Nothing to anonymise." in out.getvalue()


def test_retention_waits_for_every_language_version_to_close(index):
    ring = build_campaign(index, closing_date=days_ago(40), retention_days=30)
    ring_uk = translate(ring, "en-gb", closing_date=None)
    signature = build_signature(ring)
    privacy.apply_retention()
    assert not anonymised(signature)

    ring_uk.closing_date = days_ago(35)
    ring_uk.save_revision().publish()
    privacy.apply_retention()
    assert anonymised(signature)


def backdate_publications(page, *ages_in_days):
    """Date the page's publications, oldest first, `ages_in_days` ago."""
    entries = PageLogEntry.objects.filter(page=page, action="wagtail.publish").order_by("timestamp", "pk")
    assert entries.count() == len(ages_in_days)
    for entry, age in zip(entries, ages_in_days, strict=True):
        PageLogEntry.objects.filter(pk=entry.pk).update(timestamp=days_ago(age))


def publish(page, **changes):
    for field, value in changes.items():
        setattr(page, field, value)
    page.save_revision().publish()


def test_a_campaign_closed_by_hand_counts_from_when_it_was_closed(index):
    # Opened 100 days ago, closed by hand 60 days ago, a typo fixed 5 days ago: closed for 60 days.
    long_closed = build_campaign(index, slug="long-closed", retention_days=30)
    publish(long_closed, closed=True)
    publish(long_closed, summary="Fixed a typo.")
    backdate_publications(long_closed, 100, 60, 5)
    # Opened 100 days ago, closed by hand only 5 days ago.
    just_closed = build_campaign(index, slug="just-closed", retention_days=30)
    publish(just_closed, closed=True)
    backdate_publications(just_closed, 100, 5)
    old, recent = build_signature(long_closed), build_signature(just_closed)

    assert privacy.expired_campaigns() == [long_closed.translation_key]
    privacy.apply_retention()
    assert anonymised(old) and not anonymised(recent)


def test_retention_dry_run_changes_nothing(index):
    expired = build_campaign(index, closing_date=days_ago(40), retention_days=30)
    signature = build_signature(expired)
    out = io.StringIO()
    call_command("apply_retention", "--dry-run", stdout=out)
    assert f"Due: {expired.title}" in out.getvalue()
    assert not anonymised(signature)


def test_an_anonymised_signer_can_still_be_counted_but_not_found(index):
    expired = build_campaign(index, closing_date=days_ago(40), retention_days=30)
    build_signature(expired, email="ada@example.org")
    privacy.apply_retention()
    assert privacy.forget_person("ada@example.org") == 0
    assert signature_count(expired.translation_key) == 1


# Reconciling counts


def test_reconcile_counts_fixes_a_wrong_counter_and_says_so(index):
    ring = build_campaign(index)
    faces = build_campaign(index, title="Stop face recognition", slug="faces")
    for _ in range(3):
        build_signature(ring)
    build_signature(ring, counted=False)
    build_signature(faces)
    SignatureCounter.objects.filter(campaign_key=ring.translation_key).delete()  # a count gone wrong
    SignatureCounter.objects.create(campaign_key=ring.translation_key, shard=0, count=5)

    out = io.StringIO()
    call_command("reconcile_counts", stdout=out)

    assert signature_count(ring.translation_key) == 3
    assert signature_count(faces.translation_key) == 1
    report = out.getvalue()
    assert f"Fixed {ring.title} ({ring.translation_key}): stored 5, counted 3" in report
    assert faces.title not in report
    assert "Corrected 1 campaign count(s)." in report

    out = io.StringIO()
    call_command("reconcile_counts", stdout=out)
    assert "All counts match their signatures." in out.getvalue()


# Signatures nobody confirmed


def test_unconfirmed_signatures_are_deleted_once_their_last_link_has_expired(index):
    """A link works 7 days; a day's grace after the last one, the signature goes. Counts do not move."""
    campaign = build_campaign(index, confirmation_required=True)
    expired = build_signature(campaign, counted=False, submit_time=days_ago(9))
    in_grace = build_signature(campaign, counted=False, submit_time=days_ago(7.5))
    fresh = build_signature(campaign, counted=False, submit_time=days_ago(1))
    resent = build_signature(
        campaign, counted=False, submit_time=days_ago(30), repeat_notice_sent_at=days_ago(3)
    )
    confirmed = build_signature(campaign, submit_time=days_ago(30), confirmed_at=days_ago(29))
    anonymised = build_signature(campaign, counted=False, submit_time=days_ago(30), anonymised_at=days_ago(2))
    assert signature_count(campaign.translation_key) == 1

    out = io.StringIO()
    call_command("delete_unconfirmed", "--dry-run", stdout=out)
    assert "2 unconfirmed signature(s) due" in out.getvalue()
    assert Signature.objects.count() == 6

    out = io.StringIO()
    call_command("delete_unconfirmed", stdout=out)
    assert "Deleted 2 unconfirmed signature(s)." in out.getvalue()
    remaining = set(Signature.objects.values_list("pk", flat=True))
    assert remaining == {in_grace.pk, fresh.pk, resent.pk, confirmed.pk}
    assert expired.pk not in remaining and anonymised.pk not in remaining
    assert signature_count(campaign.translation_key) == 1

    out = io.StringIO()
    call_command("delete_unconfirmed", stdout=out)
    assert "No unconfirmed signatures to delete." in out.getvalue()


def test_deleting_unconfirmed_signatures_logs_no_address(index, caplog):
    campaign = build_campaign(index, confirmation_required=True)
    build_signature(campaign, email="ada@example.org", counted=False, submit_time=days_ago(9))
    with caplog.at_level(logging.INFO, logger="campaigns.privacy"):
        assert privacy.delete_unconfirmed() == 1
    assert "Deleted 1 unconfirmed signature(s)" in caplog.text
    assert "ada" not in caplog.text.lower()


def test_the_confirmation_mail_promises_only_what_is_true(client, index):
    """The mail used to say "we will not write to you again", although signing again with the address
    sends a new link (once a day at most). It says what happens: nothing counts, the details go."""
    campaign = build_campaign(index, confirmation_required=True)
    client.post(
        campaign.url,
        {"first_name": "Ada", "last_name": "L", "email": "ada@example.org", "country": "GB"},
        HTTP_ORIGIN="http://testserver",
    )
    (message,) = mail.outbox
    body = " ".join(message.body.split())
    assert "not write to you again" not in body
    assert (
        "nothing will be counted, and the details given will be deleted soon after the link expires" in body
    )
    assert "at most one such email a day" in body
