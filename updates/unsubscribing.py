"""The unsubscribe link in every update: a signed token naming the delivery's random key (never a row id),
which never expires, and which stops all updates of that campaign to that signer with one request."""

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone, translation

from campaigns.models.signature import Signature
from updates.models import Delivery

SALT = "updates.unsubscribe"
TEST_KEY = "test"  # the key in the link of a test mail: it unsubscribes nobody


def token(key):
    return signing.Signer(salt=SALT).sign(key)


def url(key, language):
    """The unsubscribe page's full https address, in `language` (List-Unsubscribe wants an absolute URL)."""
    with translation.override(language):
        return settings.BASE_URL.rstrip("/") + reverse("updates:unsubscribe", args=[token(key)])


def delivery_for(token_text):
    """The delivery a token names, TEST_KEY for a test mail's link, or None for a made-up or damaged one."""
    try:
        key = signing.Signer(salt=SALT).unsign(token_text)
    except signing.BadSignature:
        return None
    if key == TEST_KEY:
        return TEST_KEY
    return Delivery.objects.select_related("mailing__update").filter(key=key).first()


def unsubscribe(delivery):
    """Stop the campaign's updates to the delivery's signer, once (a second request changes nothing)."""
    now = timezone.now()
    if delivery.signature_id is not None:
        Signature.objects.filter(pk=delivery.signature_id, updates_unsubscribed_at__isnull=True).update(
            updates_unsubscribed_at=now
        )
    Delivery.objects.filter(pk=delivery.pk, unsubscribed_at__isnull=True).update(unsubscribed_at=now)
