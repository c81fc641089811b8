"""Mails to signers and to the campaign team, sent as django-tasks tasks.

They follow what happened to signatures (campaigns.events, after the commit): a new signature that waits
for confirmation gets the link; a repeat signer gets a new link or "you have already signed"; the team gets
each new signature if the campaign asks for it. Tasks take ids, never addresses or names, so no personal data
waits in the task queue; each task reads the row when it runs. A signer's mail is written in the language
they signed in.

When the mail server is down or says "try later", a task fails with an OSError and is tried again later,
with backoff (ops/tasks.py), until it is delivered. Only a server's final "no" to an address (a 5xx reply)
ends it at once, as Undeliverable. A connection lost in the middle of a mail, or a worker killed there, may
have left the mail with the relay or not: the task runs again (at least once), and the mail it writes has
the Message-ID of the first try (ops.mail.message_id, from the queued task's id), so a relay or
mailbox that keeps Message-IDs sees the copy for what it is.
"""

import smtplib

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import capfirst
from django_tasks import task
from wagtail.models import Page

from branding import mail as branding
from campaigns import confirmation, events
from campaigns.models.signature import Signature
from ops import mail


class Undeliverable(Exception):
    """The mail server refused every recipient for good (5xx): sending again would not change its mind."""


def _refused_for_good(error):
    return all(code >= 500 for code, _reply in error.recipients.values())


def _message_id(context):
    """The Message-ID of the mail the running task writes: the same on every run of that queued task."""
    return mail.message_id(context.task_result.task.name, context.task_result.id)


def _send_to_signer(signature, template, context, message_id):
    """Render templates/campaigns/emails/<template>_subject.txt and _body.txt in the signer's language, in the
    organisation's header and footer (branding/mail.py), greeting the signer by first name."""
    context = {"signature": signature, **context}
    subject = " ".join(render_to_string(f"campaigns/emails/{template}_subject.txt", context).split())
    context["body_text"] = render_to_string(f"campaigns/emails/{template}_body.txt", context).strip()
    brand = branding.brand_of_page(context.get("campaign") or signature.page)
    context.update(branding.context(brand, first_name=signature.first_name), subject=subject)
    message = branding.message(
        "emails/signer", context, subject=subject, to=[signature.email], headers={"Message-ID": message_id}
    )
    try:
        message.send()
    except smtplib.SMTPRecipientsRefused as error:
        if not _refused_for_good(error):
            raise  # 4xx: "try later", and we will
        # Raised without the original, whose message quotes the address into the task's stored traceback.
        raise Undeliverable(f"The mail server refused signature {signature.pk}'s address for good.") from None


def _send_link(signature_id, template, message_id):
    """Mail a signature that waits for confirmation a fresh link, in the language it was signed in, and note
    when (the unconfirmed signature is kept until that link has expired: campaigns.privacy)."""
    signature = Signature.objects.select_related("page").filter(pk=signature_id).first()
    if signature is None or not signature.email or not signature.confirmation_key:  # erased, anonymised
        return
    if template == "reminder" and not signature.awaits_confirmation:  # confirmed since it was queued
        return
    with translation.override(signature.locale):
        path = reverse("campaigns:confirm", args=[confirmation.confirmation_token(signature)])
        _send_to_signer(
            signature,
            template,
            {
                "campaign": signature.page.specific,
                "confirm_url": settings.BASE_URL.rstrip("/") + path,
                "valid_days": confirmation.CONFIRMATION_MAX_AGE.days,
            },
            message_id,
        )
    Signature.objects.filter(pk=signature.pk).update(confirmation_sent_at=timezone.now())


@task(takes_context=True)
def send_confirmation(context, signature_id):
    """Mail the signer a link that confirms (and counts) their signature, in the language they signed in."""
    _send_link(signature_id, "confirm", _message_id(context))


@task(takes_context=True)
def send_reminder(context, signature_id):
    """The one reminder to a signer who has not used their link (campaigns.reminders.send_reminders)."""
    _send_link(signature_id, "reminder", _message_id(context))


@task(takes_context=True)
def send_repeat_notice(context, signature_id, page_id):
    """Tell someone who signed again that their earlier signature already counts, in the language of the
    page they just signed."""
    signature = Signature.objects.filter(pk=signature_id).first()
    page = Page.objects.filter(pk=page_id).select_related("locale").first()
    if signature is None or page is None or not signature.email:
        return
    with translation.override(page.locale.language_code):
        _send_to_signer(
            signature,
            "already_signed",
            {"campaign": page.specific, "campaign_url": page.get_full_url()},
            _message_id(context),
        )


@task(takes_context=True)
def notify_team(context, signature_id):
    """Mail a new signature to the addresses in the campaign's "Notify your team" settings."""
    signature = Signature.objects.select_related("page").filter(pk=signature_id).first()
    if signature is None:
        return
    page = signature.page.specific
    data = signature.get_data()
    body = "\n".join(f"{capfirst(label)}: {data.get(name, '')}" for name, label in page.get_data_fields())
    addresses = [address.strip() for address in page.to_address.split(",") if address.strip()]
    EmailMessage(
        page.subject or page.title,
        body,
        # As Wagtail's own notifications (wagtail.admin.mail.send_mail), which take no Message-ID.
        page.from_address or getattr(settings, "WAGTAILADMIN_NOTIFICATION_FROM_EMAIL", None),
        addresses,
        headers={"Auto-Submitted": "auto-generated", "Message-ID": _message_id(context)},
    ).send()


def _on_signed(signature, page, **kwargs):
    if signature.awaits_confirmation:  # it counts once confirmed (and released, if held)
        send_confirmation.enqueue(signature.pk)
    if page.to_address:
        notify_team.enqueue(signature.pk)


def _on_signed_again(signature, page, **kwargs):
    if not signature.awaits_confirmation:  # not `counted`: a held signature's signer hears the same
        send_repeat_notice.enqueue(signature.pk, page.pk)
    else:
        send_confirmation.enqueue(signature.pk)


def _on_link_requested(signature_id, **kwargs):
    send_confirmation.enqueue(signature_id)


def _on_reminder_due(signature_id, **kwargs):
    send_reminder.enqueue(signature_id)


def connect():
    events.signed.connect(_on_signed, dispatch_uid="mail-new-signer")
    events.signed_again.connect(_on_signed_again, dispatch_uid="mail-repeat-signer")
    events.link_requested.connect(_on_link_requested, dispatch_uid="mail-link-again")
    events.reminder_due.connect(_on_reminder_due, dispatch_uid="mail-reminder")
