"""Making the petition to hand over: which signatures it counts and names, and the task that writes it.

A signature manager asks for a document (`request_document`); the worker makes it one part at a time, each
part a task of its own (`make_part`: 100,000 names take minutes, longer than a web request may, and one task
that long would outlive TASK_TIMEOUT and be taken for lost), then joins them (`join_parts`). The row records
the progress, which the admin shows. A part is stored and the next one queued in one transaction, so a
worker killed in the middle redoes at most that part. What the document says:
- the letter (the campaign's `ask`) in the chosen language, or in every language the campaign is published in;
- the count: every counted signature (confirmed, where the campaign asks for confirmation), all languages
  together, and the same by country. Anonymised signatures keep their country and still count;
- the names and countries of counted signers who ticked "hand my name to the target" and whose details are
  still kept, up to the moment the document was asked for. Never an email or postal address.

The document is personal data: any erasure or anonymisation in its campaign deletes the campaign's documents
(they may name the person), and every document goes DOCUMENT_KEPT after it was asked for.
"""

import io
import logging

from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone, translation
from django_countries import countries
from django_tasks import task

from campaigns import events
from campaigns.models.pages import CampaignPage
from campaigns.models.signature import Signature
from delivery import pdf
from delivery.models import DOCUMENT_KEPT, DocumentPart, PetitionDocument

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
    names = handed_over(campaign_key)
    with transaction.atomic():
        document = PetitionDocument.objects.create(
            campaign_key=campaign_key,
            languages=languages,
            requested_by=user,
            up_to=Signature.objects.aggregate(last=Max("pk"))["last"] or 0,
        )
        document.names_total = names.filter(pk__lte=document.up_to).count()
        document.save(update_fields=["names_total"])
        make_part.enqueue(document.pk, 0)
    return document


def petition(document):
    """What the document says beside the names; call it with the document's language active."""
    key = document.campaign_key
    pages = {page.locale.language_code: page for page in variants(key)}
    letters = [
        pdf.Letter(code, pages[code].title, pages[code].target, pages[code].ask)
        for code in document.languages
        if code in pages
    ]
    if not letters:
        raise ValueError("The campaign is published in none of the document's languages.")
    per_country = (
        counted(key)
        .filter(pk__lte=document.up_to)
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
        names_total=document.names_total,
        made_on=timezone.localdate(document.requested_at),
    )


@task()
def make_part(document_id, number):
    """Make part `number` of a document (0: the letters and counts; then NAMES_PER_PART names each), store it
    and queue the next, or the joining once every name is in. A part already made is not made again."""
    document = PetitionDocument.objects.filter(pk=document_id).first()
    if document is None:  # deleted meanwhile (an erasure in its campaign)
        return
    before = list(document.parts.filter(number__lt=number).values_list("pages", "names", "last_signature"))
    if len(before) != number or document.parts.filter(number=number).exists():
        return  # a part before it is missing (a task run out of turn), or it was made already
    try:
        with translation.override(document.languages[0]):
            if number == 0:
                part, rows = pdf.letter_part(petition(document)), []
            else:
                rows = _names_after(document, last_signature=before[-1][2])
                if not rows:
                    join_parts.enqueue(document_id)
                    return
                part = pdf.names_part(
                    document.languages[0],
                    [(name, country) for _pk, name, country in rows],
                    first_number=sum(names for _p, names, _s in before) + 1,
                    page_offset=sum(pages for pages, _n, _s in before),
                )
    except Exception:
        PetitionDocument.objects.filter(pk=document_id).update(status=PetitionDocument.Status.FAILED)
        raise
    with transaction.atomic():
        if not PetitionDocument.objects.filter(pk=document_id).exists():
            return
        DocumentPart.objects.create(
            document_id=document_id,
            number=number,
            pdf=part.pdf,
            pages=part.pages,
            names=len(rows),
            last_signature=rows[-1][0] if rows else 0,
        )
        PetitionDocument.objects.filter(pk=document_id).update(
            status=PetitionDocument.Status.MAKING,
            names_done=sum(names for _p, names, _s in before) + len(rows),
        )
        make_part.enqueue(document_id, number + 1)


def _names_after(document, last_signature):
    """The next NAMES_PER_PART names to print, as (signature id, name, country name): one query that starts
    after the last row of the part before (never OFFSET, never every row at once)."""
    rows = (
        handed_over(document.campaign_key)
        .filter(pk__gt=last_signature, pk__lte=document.up_to)
        .order_by("pk")
        .values_list("pk", "first_name", "last_name", "country")[: pdf.NAMES_PER_PART]
    )
    return [
        (pk, f"{first} {family}".strip(), countries.name(code) if code else "")
        for pk, first, family, code in rows
    ]


@task()
def join_parts(document_id):
    """Join a document's parts into its PDF, then drop the parts."""
    document = PetitionDocument.objects.filter(pk=document_id).first()
    if document is None or document.status == PetitionDocument.Status.READY:
        return
    parts = list(document.parts.values_list("pdf", "pages"))
    named = CampaignPage.by_campaign_key([document.campaign_key]).get(document.campaign_key)
    out = io.BytesIO()
    pdf.join([bytes(data) for data, _pages in parts], named.title if named else "", out)
    with transaction.atomic():
        PetitionDocument.objects.filter(pk=document_id).update(
            status=PetitionDocument.Status.READY,
            pdf=out.getvalue(),
            pages=sum(pages for _data, pages in parts),
            finished_at=timezone.now(),
        )
        DocumentPart.objects.filter(document_id=document_id).delete()


def _cutoff(now):
    return (now or timezone.now()) - DOCUMENT_KEPT


def expired(now=None):
    """The documents asked for longer than DOCUMENT_KEPT ago: never listed or downloaded, whether or not the
    clock has deleted them yet."""
    return PetitionDocument.objects.filter(requested_at__lt=_cutoff(now))


def kept(now=None):
    return PetitionDocument.objects.filter(requested_at__gte=_cutoff(now))


def purge_expired(now=None):
    """Delete the expired documents, their PDF and parts with them (the clock's `purge_documents` job, hourly).
    Returns how many documents."""
    _total, by_model = expired(now).delete()
    return by_model.get(PetitionDocument._meta.label, 0)


def _forget_documents(campaign_key, **kwargs):
    """A signature of the campaign was erased or anonymised: its documents may name that person."""
    deleted, _by_model = PetitionDocument.objects.filter(campaign_key=campaign_key).delete()
    if deleted:
        logger.info("Deleted %d petition document(s) after an erasure in their campaign", deleted)


def connect():
    events.erased.connect(_forget_documents, dispatch_uid="delivery-forget-documents-erased")
    events.anonymised.connect(_forget_documents, dispatch_uid="delivery-forget-documents-anonymised")
