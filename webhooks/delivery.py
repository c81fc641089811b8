"""From a signature event to a signed POST that arrived: queueing, sending, retrying, in order.

1. campaigns.events announces a signature event after its transaction committed. `queue` writes one Delivery
   per endpoint that wants it and enqueues the `deliver` task for each (django-tasks: in production the
   database queue, run by `manage.py db_worker`), in one transaction. Signing waits for none of it.
2. `attempt` (the task) claims a due delivery in a transaction: counts the attempt and moves its next attempt
   to later, and in that same transaction enqueues the task that will make that next attempt. Then it sends.
   So a worker killed in the middle of sending leaves a delivery that the already-queued task sends again
   later: nothing is lost. Success marks it delivered, and nothing sends it again; a failure records the answer
   and keeps the next attempt, which comes WEBHOOK_RETRY_DELAY seconds later, doubling each time up to six
   hours, until the event is WEBHOOK_RETRY_FOR old (a day); the last failure marks it failed. The schedule is
   `RETRIES`, in the retry design tasks follow too (ops/retries.py); the rows, order and lease are this
   module's.
3. Deliveries of one subject (a signature; a campaign for batch events) to one endpoint go in the order they
   were made: one waits while an earlier one is still waiting, and is sent as soon as that one is delivered
   or given up. So a receiver never hears "erased" before "created".

Delivery is at least once: a worker killed after the receiver answered but before the answer was recorded
sends again. The `webhook-id` header is the same on every attempt; receivers ignore one they have seen.
"""

import logging
import time
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django_tasks import task, task_backends

from campaigns import events
from campaigns.models.signature import Signature
from integrity import trends
from ops import process_memory
from ops.retries import RetryPolicy
from serving import generation
from webhooks import payloads, sending, signing
from webhooks.models import (
    SIGNATURE_CONFIRMED,
    SIGNATURE_CREATED,
    SIGNATURE_ERASED,
    SIGNATURES_ANONYMISED,
    SIGNATURES_INVALIDATED,
    SIGNATURES_REINSTATED,
    SOURCE_TRENDING,
    Delivery,
    Endpoint,
)

logger = logging.getLogger(__name__)

# Every failure can pass (a receiver back up, its certificate renewed, its bug fixed): sending.post turns each
# into a Result, and the delivery is tried again until its deadline. No spread: deliveries are sent in order,
# one subject at a time, and the README promises receivers the plain doubling.
RETRIES = RetryPolicy(
    first_delay="WEBHOOK_RETRY_DELAY",
    longest_delay=timedelta(hours=6),
    retry_for="WEBHOOK_RETRY_FOR",
)
SUBSCRIBERS_MAX_AGE = 10  # seconds: a safety net, should a change's new generation be missed


# Which endpoints want what (asked on every signature: from memory, not the database or the network)

# The endpoints' own version in the shared cache: saving an endpoint moves it, not the site's pages'.
ENDPOINTS = generation.Version("webhook-endpoints")
_subscribers = (None, 0.0, [])  # (ENDPOINTS' value, time.monotonic() read, active endpoints)


def _forget_read_endpoints():
    global _subscribers
    _subscribers = (None, 0.0, [])


process_memory.register("webhooks.delivery.subscribers", _forget_read_endpoints)


def subscribers():
    """The active endpoints, read once per version of them (ENDPOINTS) in each process, so that a signature
    costs no query and no round trip for them. Saving or deleting an endpoint moves the version, which every
    process sees within a second."""
    global _subscribers
    number, read_at, endpoints = _subscribers
    now = time.monotonic()
    if number != ENDPOINTS.current() or now - read_at > SUBSCRIBERS_MAX_AGE:
        number = ENDPOINTS.current()
        endpoints = list(Endpoint.objects.filter(active=True))
        _subscribers = (number, now, endpoints)
    return endpoints


def _forget_subscribers(**kwargs):
    """An endpoint saved or deleted: every process reads the endpoints again (now, and once it commits)."""
    ENDPOINTS.bump()
    transaction.on_commit(ENDPOINTS.bump)


# Queueing


def queue(event, subject, campaign_key, payload, signature_id=None):
    """Write a delivery of `event` for each endpoint that wants it, and enqueue their sending."""
    endpoints = [endpoint for endpoint in subscribers() if endpoint.wants(event, campaign_key)]
    if not endpoints:
        return []
    with transaction.atomic():
        deliveries = Delivery.objects.bulk_create(
            Delivery(
                endpoint_id=endpoint.pk,
                event=event,
                subject=subject,
                signature_id=signature_id,
                payload=payload,
            )
            for endpoint in endpoints
        )
        for delivery in deliveries:  # the task rows commit with the deliveries (the database queue)
            deliver.enqueue(delivery.pk)
    return deliveries


def _on_signed(signature, page, **kwargs):
    if not subscribers():  # most sites: no payload to build
        return
    if signature.held:  # flagged by an integrity rule: announced as `confirmed` if a manager releases it
        return
    queue(
        SIGNATURE_CREATED,
        f"signature:{signature.pk}",
        signature.campaign_key,
        payloads.snapshot_signature(signature, page),
        signature.pk,
    )


def _on_confirmed(signature, **kwargs):
    queue(
        SIGNATURE_CONFIRMED,
        f"signature:{signature.pk}",
        signature.campaign_key,
        payloads.snapshot_signature(signature, signature.page.specific),
        signature.pk,
    )


def _on_erased(signature_ids, campaign_key, **kwargs):
    petition = payloads.petition(campaign_key)
    for pk in signature_ids:
        data = {"identifiers": [payloads.signature_identifier(pk)], "petition": petition}
        queue(SIGNATURE_ERASED, f"signature:{pk}", campaign_key, data, pk)


def _on_anonymised(signature_ids, campaign_key, **kwargs):
    data = {
        "signatures": [{"identifiers": [payloads.signature_identifier(pk)]} for pk in signature_ids],
        "petition": payloads.petition(campaign_key),
    }
    queue(SIGNATURES_ANONYMISED, f"campaign:{campaign_key}", campaign_key, data)


def _on_trend_alert(alert, **kwargs):
    queue(SOURCE_TRENDING, f"campaign:{alert.campaign_key}", alert.campaign_key, payloads.trend(alert))


def _on_invalidated(campaign_key, run, invalidated, uncounted, **kwargs):
    data = {
        "run": run,
        "invalidated": invalidated,
        "uncounted": uncounted,
        "petition": payloads.petition(campaign_key),
    }
    queue(SIGNATURES_INVALIDATED, f"campaign:{campaign_key}", campaign_key, data)


def _on_reinstated(campaign_key, run, reinstated, counted, **kwargs):
    data = {
        "run": run,
        "reinstated": reinstated,
        "counted": counted,
        "petition": payloads.petition(campaign_key),
    }
    queue(SIGNATURES_REINSTATED, f"campaign:{campaign_key}", campaign_key, data)


def connect():
    events.signed.connect(_on_signed, dispatch_uid="webhooks-signed")
    events.confirmed.connect(_on_confirmed, dispatch_uid="webhooks-confirmed")
    events.erased.connect(_on_erased, dispatch_uid="webhooks-erased")
    events.anonymised.connect(_on_anonymised, dispatch_uid="webhooks-anonymised")
    trends.trend_alert.connect(_on_trend_alert, dispatch_uid="webhooks-trend-alert")
    events.invalidated.connect(_on_invalidated, dispatch_uid="webhooks-invalidated")
    events.reinstated.connect(_on_reinstated, dispatch_uid="webhooks-reinstated")
    post_save.connect(_forget_subscribers, sender=Endpoint, dispatch_uid="webhooks-endpoint-saved")
    post_delete.connect(_forget_subscribers, sender=Endpoint, dispatch_uid="webhooks-endpoint-deleted")


# Sending


def _lease():
    """How long a claimed delivery is left to the attempt in progress before another may try: its timeout,
    and a little more."""
    return timedelta(seconds=settings.WEBHOOK_TIMEOUT + 1)


def _can_schedule():
    return task_backends["default"].supports_defer


def _schedule(delivery_id, when):
    """Enqueue an attempt at `when`, where the task backend can wait (the database queue); the immediate
    backend of tests and development cannot, and leaves retries to `manage.py send_webhooks` or the admin."""
    if _can_schedule():
        deliver.using(run_after=when).enqueue(delivery_id)


@task()
def deliver(delivery_id):
    """The worker's task: one attempt at one delivery, if it is due and its turn has come."""
    attempt(delivery_id)


def _waits_for_earlier(delivery):
    return (
        Delivery.objects.filter(
            endpoint_id=delivery.endpoint_id,
            subject=delivery.subject,
            status=Delivery.Status.PENDING,
            pk__lt=delivery.pk,
        )
        .order_by()
        .exists()
    )


def _claim(delivery_id, now):
    """Lock a due delivery whose turn has come, count the attempt and schedule the next one; or None."""
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(of=("self",))
            .select_related("endpoint")
            .filter(pk=delivery_id, status=Delivery.Status.PENDING, next_attempt_at__lte=now)
            .first()
        )
        if delivery is None or not delivery.endpoint.active or _waits_for_earlier(delivery):
            return None
        delivery.attempts += 1
        deadline = delivery.give_up_at or RETRIES.deadline(delivery.created_at)
        retry_at = RETRIES.next_attempt(delivery.attempts, now, deadline)
        delivery.last_chance = retry_at is None
        delivery.retry_at = retry_at or now
        # Nobody else tries while this attempt may still be running; if its worker dies, the task scheduled
        # here tries again then.
        delivery.next_attempt_at = max(delivery.retry_at, now + _lease())
        delivery.last_attempt_at = now
        delivery.save(update_fields=["attempts", "next_attempt_at", "last_attempt_at"])
        if not delivery.last_chance:  # its task row commits with the claim
            _schedule(delivery.pk, delivery.next_attempt_at)
    return delivery


def attempt(delivery_id, now=None):
    """Try to send one delivery. Returns the sending Result, or None when it was not due or not its turn."""
    now = now or timezone.now()
    delivery = _claim(delivery_id, now)
    if delivery is None:
        return None
    signature = None
    if delivery.endpoint.personal_data and delivery.signature_id:
        signature = Signature.objects.filter(pk=delivery.signature_id).first()
    body = payloads.body(delivery, signature)
    result = sending.post(
        delivery.endpoint.url,
        body,
        {
            **signing.headers(delivery.endpoint.secret, delivery.event_id, body),
            "User-Agent": f"campaigns-webhooks/1 (+{settings.BASE_URL})",
        },
    )
    _record(delivery, result)
    return result


def _record(delivery, result):
    done = Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.PENDING)
    if result.delivered:
        done.update(
            status=Delivery.Status.DELIVERED,
            delivered_at=timezone.now(),
            last_status=result.status,
            last_error="",
        )
    elif delivery.last_chance:
        done.update(status=Delivery.Status.FAILED, last_status=result.status, last_error=result.error)
        logger.warning(
            "Webhook %s to endpoint %s failed for good after %d attempts",
            delivery.event,
            delivery.endpoint_id,
            delivery.attempts,
        )
    else:
        # Try again after the backoff, even if that is sooner than the lease taken when claiming.
        done.update(last_status=result.status, last_error=result.error, next_attempt_at=delivery.retry_at)
        if delivery.retry_at < delivery.next_attempt_at:
            _schedule(delivery.pk, delivery.retry_at)
        return
    _release_next(delivery)


def _release_next(delivery):
    """Its turn has come: enqueue the next delivery of the same subject to the same endpoint, if one waits."""
    following = (
        Delivery.objects.filter(
            endpoint_id=delivery.endpoint_id,
            subject=delivery.subject,
            status=Delivery.Status.PENDING,
            pk__gt=delivery.pk,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    if following is not None:
        deliver.enqueue(following)


def retry_now(delivery):
    """An administrator's "retry": a failed or waiting delivery is due again at once, with a fresh day of retries."""
    now = timezone.now()
    with transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk).exclude(status=Delivery.Status.DELIVERED).update(
            status=Delivery.Status.PENDING,
            next_attempt_at=now,
            give_up_at=RETRIES.deadline(now),
        )
        deliver.enqueue(delivery.pk)


def send_due(now=None):
    """Try every due delivery once, oldest first (`manage.py send_webhooks`). Returns how many were tried."""
    now = now or timezone.now()
    due = Delivery.objects.filter(status=Delivery.Status.PENDING, next_attempt_at__lte=now).order_by("pk")
    return sum(attempt(pk, now) is not None for pk in due.values_list("pk", flat=True))
