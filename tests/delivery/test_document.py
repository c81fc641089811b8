"""The petition handed to its target, as a PDF a signature manager makes in the admin: what it says (read
back from the PDF's text), what it never says, and who may make it."""

import io
import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone
from pypdf import PdfReader

from campaigns import privacy
from campaigns.models.pages import CampaignPage
from delivery import pdf
from delivery.models import PetitionDocument
from tests.builders import build_campaign, build_index, build_signature, build_site, log_in, translate

pytestmark = pytest.mark.django_db

LETTER = "<p>We ask you to stop sharing doorbell footage with police.</p>"
BRIEF = "<p>Wir fordern Sie auf, keine Aufnahmen mehr an die Polizei zu geben.</p>"


@pytest.fixture
def ring():
    index = build_index(build_site())
    page = build_campaign(index, ask=LETTER, name_handover=True, confirmation_required=True)
    translate(index, "de")
    german = translate(page, "de", ask=BRIEF, target="Amazon Ring (Deutschland)")
    return page, german


def consenting(page, first_name, last_name, country="GB", **kwargs):
    now = timezone.now()
    kwargs.setdefault("confirmed_at", now)
    return build_signature(
        page,
        first_name=first_name,
        last_name=last_name,
        country=country,
        handover_consent_text="Hand my name and country to the target.",
        handover_consented_at=now,
        **kwargs,
    )


def deliver_url(page):
    return f"/admin/campaigns/deliver/{page.pk}/"


def refused(response):
    """Wagtail's admin answers a user without the permission with a redirect to its dashboard (or a 403)."""
    return response.status_code == 403 or (response.status_code == 302 and response["Location"] == "/admin/")


def pdf_text(client, document):
    response = client.get(f"/admin/campaigns/deliver/document/{document.pk}.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    reader = PdfReader(io.BytesIO(b"".join(response.streaming_content)))
    return [page.extract_text() for page in reader.pages]


def test_the_pdf_holds_the_letters_the_counts_and_only_the_names_handed_over(client, ring, monkeypatch):
    english, german = ring
    monkeypatch.setattr(pdf, "NAMES_PER_PART", 2)  # five names: three parts, joined into one document
    consenting(english, "Ada", "Lovelace", email="ada@example.org", postal_code="N1 9GU")
    consenting(german, "Grace", "Hopper", country="US")
    consenting(german, "Émilie", "du Châtelet", country="FR")
    consenting(english, "Mary", "Somerville")
    consenting(german, "Karl", "Weierstraß", country="DE")
    build_signature(english, first_name="Alan", last_name="Private", email="alan@example.org")  # no consent
    consenting(english, "Eve", "Unconfirmed", counted=False, confirmed_at=None)  # never counted
    build_signature(german, first_name="", last_name="", email="", country="DE", anonymised_at=timezone.now())
    log_in(client, "Signature managers")

    response = client.post(deliver_url(english), {"make_document": "1", "language": "all"})

    assert response.status_code == 302
    document = PetitionDocument.objects.get()
    assert (document.status, document.names_done, document.names_total) == ("ready", 5, 5)
    pages = pdf_text(client, document)
    text = "\n".join(pages)
    flat = " ".join(text.split())
    assert "To: Amazon Ring" in flat and "We ask you to stop sharing doorbell footage with police." in flat
    assert "An: Amazon Ring (Deutschland)" in flat and "keine Aufnahmen mehr an die Polizei" in flat
    assert "7 people signed this petition." in flat  # five named, Alan, and the anonymised one
    assert re.search(r"United Kingdom 3\b", flat) and re.search(r"Germany 2\b", flat)
    assert re.search(r"United States of America 1\b", flat) and re.search(r"France 1\b", flat)
    for number, name in enumerate(
        [
            "Ada Lovelace · United Kingdom",
            "Grace Hopper · United States of America",
            "Émilie du Châtelet · France",
            "Mary Somerville · United Kingdom",
            "Karl Weierstraß · Germany",
        ],
        start=1,
    ):
        assert f"{number}. {name}" in flat
    assert "Alan" not in text and "Eve" not in text
    assert "@" not in text and "N1 9GU" not in text
    # One document, numbered throughout: the last page says how many there are.
    assert len(pages) >= 4 and pages[-1].split()[-1] == str(len(pages)) == str(document.pages)

    listing = client.get(deliver_url(english)).content.decode()
    assert "5 of 5 names" in listing and f"/admin/campaigns/deliver/document/{document.pk}.pdf" in listing
    assert "<td>English (US), Deutsch</td>" in listing  # languages by name, not en-us, de


def test_the_letter_in_one_language_writes_the_counts_in_it(client, ring):
    english, german = ring
    consenting(english, "Ada", "Lovelace")
    log_in(client, "Signature managers")

    client.post(deliver_url(english), {"make_document": "1", "language": "de"})

    flat = " ".join("\n".join(pdf_text(client, PetitionDocument.objects.get())).split())
    assert "keine Aufnahmen mehr an die Polizei" in flat and "We ask you" not in flat
    assert "Vereinigtes Königreich 1" in flat and "1. Ada Lovelace · Vereinigtes Königreich" in flat


def test_a_language_the_campaign_is_not_published_in_is_refused(client, ring):
    english, _german = ring
    log_in(client, "Signature managers")

    response = client.post(deliver_url(english), {"make_document": "1", "language": "fr"})

    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not PetitionDocument.objects.exists()


@pytest.mark.parametrize("role", ["Editors", "Translators"])
def test_editors_and_translators_may_not_make_or_download_it(client, ring, role):
    english, _german = ring
    consenting(english, "Ada", "Lovelace")
    manager = log_in(client.__class__(), "Signature managers")
    manager.post(deliver_url(english), {"make_document": "1", "language": "en-us"})
    document = PetitionDocument.objects.get()
    log_in(client, role)

    for response in (
        client.get(deliver_url(english)),
        client.post(deliver_url(english), {"make_document": "1", "language": "en-us"}),
        client.post(
            deliver_url(english), {"mark_delivered": "1", "delivered_on": "2026-03-03", "delivered_to": "X"}
        ),
        client.get(f"/admin/campaigns/deliver/document/{document.pk}.pdf"),
    ):
        assert refused(response)
    assert PetitionDocument.objects.count() == 1
    assert CampaignPage.objects.get(pk=english.pk).delivered_on is None
    edit = client.get(f"/admin/pages/{english.pk}/edit/").content.decode()
    assert deliver_url(english) not in edit


def test_signature_managers_find_it_on_the_campaign(client, ring):
    """Where README says the button is: on the campaign's signature summary for Signature managers (who
    may not open pages); for those who also edit pages, in the ⋯ menus of its edit view and page listing."""
    english, _german = ring
    log_in(client, "Signature managers")

    summary = client.get(f"/admin/campaigns/signature/summary/{english.pk}/").content.decode()
    assert deliver_url(english) in summary

    client.force_login(get_user_model().objects.create_superuser("root", password="pw"))
    edit = client.get(f"/admin/pages/{english.pk}/edit/").content.decode()
    listing = client.get(f"/admin/pages/{english.get_parent().pk}/").content.decode()
    assert deliver_url(english) in edit
    assert deliver_url(english) in listing


def test_erasing_a_signer_deletes_the_documents_that_may_name_them(
    client, ring, django_capture_on_commit_callbacks
):
    english, _german = ring
    ada = consenting(english, "Ada", "Lovelace", email="ada@example.org")
    log_in(client, "Signature managers")
    client.post(deliver_url(english), {"make_document": "1", "language": "en-us"})
    assert PetitionDocument.objects.filter(status="ready").exists()

    with django_capture_on_commit_callbacks(execute=True):  # the erasure's event, after its commit
        privacy.forget_person(ada.email)

    assert not PetitionDocument.objects.exists()


def test_a_part_made_again_by_a_returning_worker_names_nobody_twice(client, ring, settings):
    """A worker killed after storing a part, before its task was marked done, runs the task again: the part
    is kept as it was and the next one is not made twice."""
    from delivery import documents

    english, _german = ring
    for n in range(3):
        consenting(english, "Ada", f"Lovelace-{n}")
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}  # tasks wait
    document = documents.request_document(english.translation_key, "en-us", user=None)

    for number in (0, 0, 1, 1, 2):  # each part's task runs twice; the third finds no more names
        documents.make_part.call(document.pk, number)
    documents.join_parts.call(document.pk)
    documents.join_parts.call(document.pk)

    document.refresh_from_db()
    assert (document.status, document.names_done, document.parts.count()) == ("ready", 3, 0)
    reader = PdfReader(io.BytesIO(document.pdf))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert [text.count(f"Ada Lovelace-{n}") for n in range(3)] == [1, 1, 1]
    assert "3. Ada Lovelace-2" in text


# A week, then gone


def make_documents(client, page, *ages):
    """Documents of `page` asked for `ages` days ago (made now, then dated back: making one purges the
    expired)."""
    made = []
    for _age in ages:
        client.post(deliver_url(page), {"make_document": "1", "language": "en-us"})
        made.append(PetitionDocument.objects.latest("pk"))
    for document, age in zip(made, ages, strict=True):
        document.requested_at = timezone.now() - timedelta(days=age)
        document.save(update_fields=["requested_at"])
    return made


def download_url(document):
    return f"/admin/campaigns/deliver/document/{document.pk}.pdf"


def test_a_document_over_a_week_old_is_refused_even_before_the_clock_deletes_it(client, ring):
    english, _german = ring
    consenting(english, "Ada", "Lovelace")
    log_in(client, "Signature managers")
    old, fresh = make_documents(client, english, 8, 6)

    refused_download = client.get(download_url(old))
    listing = client.get(deliver_url(english)).content.decode()

    assert refused_download.status_code == 410
    assert refused_download["Content-Type"].startswith("text/html")
    text = refused_download.content.decode()
    assert "This petition document is no longer available." in text
    assert deliver_url(english) in text  # where to make it again
    assert download_url(old) not in listing and download_url(fresh) in listing
    assert client.get(download_url(fresh)).status_code == 200
    assert PetitionDocument.objects.filter(pk=old.pk).exists()  # refused, though nothing deleted it yet


def test_the_refusal_speaks_the_managers_language(client, ring):
    from wagtail.users.models import UserProfile

    english, _german = ring
    user = log_in(client, "Signature managers").session["_auth_user_id"]
    profile = UserProfile.get_for_user(get_user_model().objects.get(pk=user))
    profile.preferred_language = "de"
    profile.save()
    [old] = make_documents(client, english, 8)

    response = client.get(download_url(old))

    assert response.status_code == 410
    assert "Dieses Petitionsdokument ist nicht mehr verfügbar." in response.content.decode()


def test_the_clock_deletes_documents_a_week_after_they_were_asked_for(client, ring):
    english, _german = ring
    consenting(english, "Ada", "Lovelace")
    log_in(client, "Signature managers")
    old, fresh = make_documents(client, english, 8, 6)
    out = io.StringIO()

    call_command("run_jobs", "--once", stdout=out)

    assert list(PetitionDocument.objects.values_list("pk", flat=True)) == [fresh.pk]
    assert "Deleted 1 expired petition document(s)." in out.getvalue()
    gone = client.get(download_url(old))  # an old link: the same explanation, not a bare error page
    assert gone.status_code == 404
    assert "This petition document is no longer available." in gone.content.decode()
