"""What happened to signatures, announced after it is committed: the one place side effects start from.

The signing service (campaigns.signing), confirmation (campaigns.confirmation), the reminder sweep
(campaigns.reminders) and the privacy service (campaigns.privacy) decide and store; they never send a mail or
call out. Each emits one event here instead, delivered only once the transaction that
stored the change commits, so a mail never announces a signature that was rolled back, and a slow receiver
never holds a row's lock. `signed` and `signed_again` are emitted by the worker (campaigns.signing.follow_up,
a task every signing queues alike), never in the signer's request, so that a first signature's reply is no
slower than a repeat's. Receivers subscribe in their app's ready(): campaigns.emails sends the mails,
campaigns.milestones records the goals reached, webhooks.delivery queues the deliveries to the organisation's
CRM, delivery.documents drops petition PDFs that named an erased signer, campaigns.social_proof forgets the
latest signers it showed when some are erased or anonymised. This module imports nothing of
theirs; tests/campaigns/test_events.py lists every subscriber.

Events (keyword arguments besides `sender`, which is always Signature):
- `signed`: a new signature was stored. signature, page (the locale variant signed).
- `signed_again`: someone signed a campaign they had signed, and is due a notice (at most one a day).
  signature (the earlier one), page (the variant signed now).
- `confirmed`: a signature now counts: its confirmation link was used, or a Signature manager released it
  from quarantine (campaigns.quarantine.release). signature.
- `link_requested`: a signature still waiting is due its confirmation link again (the signer pressed "send it
  again", within the limits: campaigns.confirmation.send_again). signature_id.
- `reminder_due`: a signature still waiting is due its one reminder (campaigns.reminders). signature_id.
- `erased`: signatures were deleted (a person forgotten on request, a manager's deletion, or never confirmed).
  signature_ids, campaign_key: one event per campaign.
- `anonymised`: signatures' personal data was blanked by retention. signature_ids, campaign_key: one event
  per campaign and batch.
- `invalidated`: a Signature manager's invalidation run (integrity.invalidation) finished or was cancelled.
  campaign_key, run (its id), invalidated, uncounted (how many had counted): one event per run, counts only.
- `reinstated`: an invalidation run was undone. campaign_key, run, reinstated, counted (how many count again).

Receivers get objects as they were when the event was emitted; a receiver that needs more reads it itself.
A receiver that fails is logged and does not stop the others, nor the reply to the person who signed.
"""

import logging

from django.apps import apps
from django.db import transaction
from django.dispatch import Signal

logger = logging.getLogger(__name__)

signed = Signal()
signed_again = Signal()
confirmed = Signal()
link_requested = Signal()
reminder_due = Signal()
erased = Signal()
anonymised = Signal()
invalidated = Signal()
reinstated = Signal()


def emit(event, **payload):
    """Send `event` once the current transaction commits (at once outside a transaction)."""
    # The sender is looked up in Django's app registry, not imported: the signing service imports this module.
    signature_model = apps.get_model("campaigns", "Signature")

    def send():
        for receiver, result in event.send_robust(sender=signature_model, **payload):
            if isinstance(result, Exception):
                logger.error("%s failed on a signature event", receiver.__qualname__, exc_info=result)

    transaction.on_commit(send)
