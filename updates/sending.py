"""Sending an update: a test to addresses the editor types, then to every signer who wants it, in batches by the worker.

`start_mailing` writes one Delivery per recipient (the unique constraint on mailing and signature means a
second start adds only people who signed since) and queues `send_batch`. Each batch opens one SMTP connection,
then for each recipient, in one transaction: takes one waiting delivery and keeps its row locked
(select_for_update with skip_locked, so workers running side by side never take the same one), checks that
the signer still wants updates, writes the mail in their language, sends it, and marks it SENT once the
server accepted it.

Each signer gets an update at least once, and a copy only when a mail was cut off: the row stays locked
while its mail goes, and a worker killed in the middle loses its connection to the database, which undoes
its transaction and unlocks the row, so the delivery is waiting again, and the next batch (the killed one's
task runs again, ops/tasks.py) sends it. A connection to the mail server lost in the middle of a mail also
leaves it waiting, and the batch is retried later; after LOST_AT_MOST such losses it is marked failed. Such a
mail may have reached the server before the connection went: the copy sent again has the same Message-ID
(ops.mail.message_id, from the delivery's key), by which relays and mailboxes recognise it. A server
that answers "try later" (4xx) has not taken the mail: the delivery waits and the batch is retried later. A
final "no" (5xx) fails it.

The lock is held for one mail at most, EMAIL_TIMEOUT seconds when the server hangs: an unsubscribe or an
erasure that touches that one row meanwhile waits for it.
"""

import smtplib

from django.core.mail import get_connection
from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone, translation
from django_tasks import task

from branding import mail as branding
from ops import mail
from updates import composing, recipients, unsubscribing
from updates.models import Delivery, Mailing

BATCH_SIZE = 200  # mails per task: each task is short, and the admin's counts move as it goes
# Waiting to be sent: PENDING, and SENDING, which only the earlier way of sending left behind (it committed a
# claim before the mail went, and a worker that died mid-mail left it so, "interrupted"): sent again now.
WAITING = (Delivery.Status.PENDING, Delivery.Status.SENDING)
# A mail whose connection was lost this many times is failed, not sent again.
LOST_AT_MOST = 3
INSERT_BATCH = 2000


def message(update, address, key, connection=None, *, first_name="", brand=None, test=False):
    """The update as a mail to `address`, greeting `first_name`, in the organisation's header and footer
    (`brand`, the campaign's site's when None), with a one-click unsubscribe (RFC 8058) for delivery `key`.
    A test (`test`) says so in its subject and at its top."""
    language = update.locale.language_code
    unsubscribe_url = unsubscribing.url(key, language)
    brand = brand or branding.brand_of_page(update.campaign)
    with translation.override(language):
        context = {
            **composing.mail_context(update, unsubscribe_url),
            **branding.context(brand, first_name=first_name, test=test),
            "body_text": composing.body_text(update),
        }
        headers = {
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
        if key != unsubscribing.TEST_KEY:  # a test is a new mail each time
            headers["Message-ID"] = mail.message_id("update", key)
        return branding.message(
            "updates/email",
            context,
            subject=update.subject,
            to=[address],
            headers=headers,
            connection=connection,
        )


def send_test(update, user, addresses=None):
    """Send the update, marked as a test, to `addresses` (the user's own when None), greeting the user."""
    brand = branding.brand_of_page(update.campaign)
    connection = get_connection()
    with connection:
        for address in addresses or [user.email]:
            message(
                update,
                address,
                unsubscribing.TEST_KEY,
                connection,
                first_name=user.first_name,
                brand=brand,
                test=True,
            ).send()


def start_mailing(update, user):
    """Send `update` (the campaign's own-language one) to every signer who wants it and has not had it."""
    source = type(update).objects.filter(translation_key=update.translation_key).order_by("pk").first()
    mailing, _created = Mailing.objects.get_or_create(
        update=source, defaults={"campaign_key": update.campaign.translation_key, "started_by": user}
    )
    wanted = recipients.recipients(mailing.campaign_key).order_by("pk").values_list("pk", flat=True)
    last = 0
    while batch := list(wanted.filter(pk__gt=last)[:INSERT_BATCH]):
        last = batch[-1]
        Delivery.objects.bulk_create(
            [Delivery(mailing=mailing, signature_id=pk) for pk in batch], ignore_conflicts=True
        )
    Mailing.objects.filter(pk=mailing.pk).update(finished_at=None)
    transaction.on_commit(lambda: send_batch.enqueue(mailing.pk))
    return mailing


@task()
def send_batch(mailing_id):
    """Send up to BATCH_SIZE of a mailing's pending deliveries, then queue the next batch."""
    mailing = Mailing.objects.select_related("update").filter(pk=mailing_id).first()
    if mailing is None:
        return
    retention_ended = recipients.retention_ended(mailing.campaign_key)
    fallback = recipients.source_language(mailing.campaign_key)
    brand = branding.brand_of_page(mailing.update.campaign)  # the logo is read once per batch
    connection = get_connection()
    connection.open()  # a server that is down fails the task here, before anyone is claimed: retried later
    try:
        for _ in range(BATCH_SIZE):
            if not _send_next(mailing, connection, fallback, retention_ended, brand):
                waiting = Delivery.objects.filter(mailing_id=mailing_id, status__in=WAITING)
                if not waiting.exists():  # else another worker has the last ones, and finishes
                    Mailing.objects.filter(pk=mailing_id).update(finished_at=timezone.now())
                return
    finally:
        connection.close()
    send_batch.enqueue(mailing_id)


def _send_next(mailing, connection, fallback, retention_ended, brand):
    """Send one waiting delivery of `mailing`, its row locked until the outcome is stored; False if there was
    none left for this worker. A sending error is raised once the outcome is stored, to retry the batch."""
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(mailing_id=mailing.pk, status__in=WAITING)
            .order_by("pk")
            .first()
        )
        if delivery is None:
            return False
        status, error, raised = _send(mailing, delivery, connection, fallback, retention_ended, brand)
        Delivery.objects.filter(pk=delivery.pk).update(
            status=status,
            error=error,
            attempts=F("attempts") + 1,
            sent_at=timezone.now() if status == Delivery.Status.SENT else None,
        )
    if raised is not None:
        raise raised
    return True


def _send(mailing, delivery, connection, fallback, retention_ended, brand):
    """Send one delivery's mail: (its new status, the error to note, the exception to raise or None)."""
    signature = (
        None if retention_ended else recipients.still_wanted(delivery.signature_id, mailing.campaign_key)
    )
    if signature is None:  # erased, anonymised, unsubscribed meanwhile, or retention ended
        return Delivery.Status.SKIPPED, "", None
    update = recipients.in_language(mailing.update, signature.locale, fallback)
    try:
        message(
            update, signature.email, delivery.key, connection, first_name=signature.first_name, brand=brand
        ).send()
    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as error:
        codes = (
            list(error.recipients.values())
            if isinstance(error, smtplib.SMTPRecipientsRefused)
            else [error.args]
        )
        if all(code >= 500 for code, *_reply in codes):
            return Delivery.Status.FAILED, "refused for good", None
        return Delivery.Status.PENDING, "try again later", error  # not taken: safe to send later
    except OSError as error:  # lost mid-mail (smtplib's errors are OSErrors): it may have arrived or not
        if delivery.attempts + 1 >= LOST_AT_MOST:
            return Delivery.Status.FAILED, f"lost {LOST_AT_MOST} times: {type(error).__name__}"[:100], error
        return Delivery.Status.PENDING, "connection lost, sending again", error
    except Exception as error:  # a fault of ours: the same mail would fail the same way again
        return Delivery.Status.FAILED, type(error).__name__[:100], error
    return Delivery.Status.SENT, "", None


def progress(mailing):
    """{status: count} of a mailing's deliveries, and how many unsubscribed through its link."""
    counts = dict(mailing.deliveries.values_list("status").annotate(n=Count("pk")).order_by())
    counts = {status: counts.get(status, 0) for status in Delivery.Status.values}
    counts["unsubscribed"] = mailing.deliveries.filter(unsubscribed_at__isnull=False).count()
    counts["total"] = sum(counts[status] for status in Delivery.Status.values)
    counts[Delivery.Status.PENDING] += counts.pop(Delivery.Status.SENDING)  # waiting again: see WAITING
    counts["done"] = counts["total"] - counts[Delivery.Status.PENDING]
    return counts
