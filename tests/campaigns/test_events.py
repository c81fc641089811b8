"""Every side effect of a change to a signature hangs off one event of campaigns.events, emitted after the
commit. This lists who listens to each: a new mail, webhook or count that bypassed the events would not be
here, and one that subscribes must be added here on purpose."""

import weakref

from campaigns import events

SUBSCRIBERS = {
    "signed": [
        "campaigns.emails._on_signed",
        "campaigns.milestones._on_signed",
        "webhooks.delivery._on_signed",
    ],
    "signed_again": ["campaigns.emails._on_signed_again"],
    "confirmed": [
        "campaigns.milestones._on_confirmed",
        "webhooks.delivery._on_confirmed",
    ],
    "link_requested": ["campaigns.emails._on_link_requested"],
    "reminder_due": ["campaigns.emails._on_reminder_due"],
    "erased": [
        "campaigns.social_proof.forget_latest_signers",
        "delivery.documents._forget_documents",
        "webhooks.delivery._on_erased",
    ],
    "anonymised": [
        "campaigns.social_proof.forget_latest_signers",
        "delivery.documents._forget_documents",
        "webhooks.delivery._on_anonymised",
    ],
    "invalidated": [
        "campaigns.social_proof.forget_latest_signers",
        "webhooks.delivery._on_invalidated",
    ],
    "reinstated": ["webhooks.delivery._on_reinstated"],
}


def _receivers(signal):
    names = []
    for entry in signal.receivers:  # (lookup key, receiver or a weak reference to it, is async)
        reference = entry[1]
        receiver = reference() if isinstance(reference, weakref.ReferenceType) else reference
        names.append(f"{receiver.__module__}.{receiver.__qualname__}")
    return sorted(names)


def test_each_event_has_exactly_the_listed_subscribers():
    found = {name: _receivers(getattr(events, name)) for name in SUBSCRIBERS}
    assert found == SUBSCRIBERS


def test_every_event_is_listed():
    signals = {name for name, value in vars(events).items() if isinstance(value, events.Signal)}
    assert signals == set(SUBSCRIBERS)
