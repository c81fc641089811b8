"""Making the petition to hand over: which signatures it counts and names, and the task that writes it.

A signature manager asks for a document (`request_document`); the worker makes it (`make_document`, a
django-tasks task: 100,000 names take minutes, longer than a web request may) and records its progress on
the row, which the admin shows. What it says:
- the letter (the campaign's `ask`) in the chosen language, or in every language the campaign is published in;
- the count: every counted signature (confirmed, where the campaign asks for confirmation), all languages
  together, and the same by country. Anonymised signatures keep their country and still count;
- the names and countries of counted signers who ticked "hand my name to the target" and whose details are
  still kept. Never an email or postal address.

The document is personal data: any erasure or anonymisation in its campaign deletes the campaign's documents
(they may name the person), and every document goes DOCUMENT_KEPT after it was asked for.
"""

import io
import logging

from django.db import transaction
from django.db.models import Count
from django.utils import timezone, translation
from django_countries import countries
from django_tasks import task

from campaigns import events
from campaigns.pages import CampaignPage
from campaigns.signatures import Signature
from delivery import pdf
from delivery.models import DOCUMENT_KEPT, PetitionDocument

logger = logging.getLogger(__name__)

ALL_LANGUAGES = "all"


def variants(campaign_key):
    """The campaign's published language variants, the one that names it (its source language) first."""
    pages = list(CampaignPage.objects.live().filter(translation_key=campaign_key).select_related("locale"))
    named = CampaignPage.by_campaign_key([campaign_key]).get(campaign_key)
    return sorted(pages, key=lambda page: (named is None or page.pk != named.pk, page.locale.language_code))


def counted(campaign_key):
    return Signature.objects.filter(campaign_key=campaign_key, counted=True)


def handed_over(campaign_key):
    """The signatures whose names the document prints: counted, consented, details still kept."""
    return counted(campaign_key).filter(handover_consented_at__isnull=False, anonymised_at__isnull=True)


def request_document(campaign_key, language, user):
    """Queue a document of the campaign with the letter in `language` (a code, or ALL_LANGUAGES)."""
    codes = [page.locale.language_code for page in variants(campaign_key)]
    languages = codes if language == ALL_LANGUAGES else [language]
    purge_expired()
    with transaction.atomic():
        document = PetitionDocument.objects.create(
            campaign_key=campaign_key,
            languages=languages,
            requested_by=user,
            names_total=handed_over(campaign_key).count(),
        )
        make_document.enqueue(document.pk)
    return document


def _name_chunks(campaign_key, size):
    """The names to print, in signing order, `size` at a time: each chunk is one query that starts after the
    last row of the one before (never OFFSET, never every row at once)."""
    rows = handed_over(campaign_key).order_by("pk").values_list("pk", "first_name", "last_name", "country")
    last = 0
    while chunk := list(rows.filter(pk__gt=last)[:size]):
        last = chunk[-1][0]
        yield [
            (f"{first} {family}".strip(), countries.name(code) if code else "")
            for _pk, first, family, code in chunk
        ]


def petition(campaign_key, languages, names_total):
    """What the document says beside the names; call it with the document's language active."""
    pages = {page.locale.language_code: page for page in variants(campaign_key)}
    letters = [
        pdf.Letter(code, pages[code].title, pages[code].target, pages[code].ask)
        for code in languages
        if code in pages
    ]
    if not letters:
        raise ValueError("The campaign is published in none of the document's languages.")
    per_country = (
        counted(campaign_key)
        .order_by()
        .values_list("country")
        .annotate(n=Count("pk"))
        .order_by("-n", "country")
    )
    rows = [(countries.name(code) if code else "", n) for code, n in per_country]
    first = pages[letters[0].language]
    return pdf.Petition(
        language=letters[0].language,
        title=first.title,
        target=first.target,
        letters=letters,
        count=sum(n for _country, n in rows),
        per_country=rows,
        names_total=names_total,
        made_on=timezone.localdate(),
    )


@task()
def make_document(document_id):
    """Write a queued document's PDF, recording how many names are printed as it goes."""
    document = PetitionDocument.objects.filter(pk=document_id).first()
    if document is None or document.status == PetitionDocument.Status.READY:  # erased meanwhile, or done
        return
    rows = PetitionDocument.objects.filter(pk=document_id)  # updates only: an erasure may delete it meanwhile
    names_total = handed_over(document.campaign_key).count()
    rows.update(status=PetitionDocument.Status.MAKING, names_total=names_total, names_done=0)
    out = io.BytesIO()
    try:
        with translation.override(document.languages[0]):
            pages = pdf.write_pdf(
                petition(document.campaign_key, document.languages, names_total),
                _name_chunks(document.campaign_key, pdf.NAMES_PER_PART),
                out,
                on_progress=lambda done: rows.update(names_done=done),
            )
    except Exception:
        rows.update(status=PetitionDocument.Status.FAILED, finished_at=timezone.now())
        raise
    rows.update(
        status=PetitionDocument.Status.READY, pdf=out.getvalue(), pages=pages, finished_at=timezone.now()
    )


def purge_expired(now=None):
    """Delete the documents asked for longer than DOCUMENT_KEPT ago. Returns how many."""
    cutoff = (now or timezone.now()) - DOCUMENT_KEPT
    deleted, _by_model = PetitionDocument.objects.filter(requested_at__lt=cutoff).delete()
    return deleted


def _forget_documents(campaign_key, **kwargs):
    """A signature of the campaign was erased or anonymised: its documents may name that person."""
    deleted, _by_model = PetitionDocument.objects.filter(campaign_key=campaign_key).delete()
    if deleted:
        logger.info("Deleted %d petition document(s) after an erasure in their campaign", deleted)


def connect():
    events.erased.connect(_forget_documents, dispatch_uid="delivery-forget-documents-erased")
    events.anonymised.connect(_forget_documents, dispatch_uid="delivery-forget-documents-anonymised")
