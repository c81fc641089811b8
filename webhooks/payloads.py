"""What a webhook's JSON says, in OSDI's field names (Open Supporter Data Interface: its Signature, Person
and Petition resources and the Record Signature Helper), so that CRMs that speak OSDI map it without custom
code. Fields OSDI has no name for keep this site's names and are marked so in README.md.

Each body:  {"id": event id, "type": event, "created_date": when it happened, "data": {…}}

The part stored with a delivery (`snapshot_*`) holds nothing personal; `body` adds the signer's details at
sending time, read from the signature, and only for an endpoint allowed to receive them.
"""

import json

from django.core.serializers.json import DjangoJSONEncoder

ORIGIN_SYSTEM = "campaigns"  # OSDI's `origin_system`, and the prefix of every identifier we send


def signature_identifier(signature_id):
    return f"{ORIGIN_SYSTEM}:signature:{signature_id}"


def petition(campaign_key, page=None):
    """The petition a signature belongs to: its id in every language, and the version signed."""
    data = {"identifiers": [f"{ORIGIN_SYSTEM}:{campaign_key}"]}
    if page is not None:
        data.update(title=page.title, browser_url=page.get_full_url(), locale=page.locale.language_code)
    return data


def _iso(moment):
    return moment.isoformat().replace("+00:00", "Z") if moment else None


def snapshot_signature(signature, page):
    """A signature's event data without its signer's details (stored with the delivery)."""
    source = signature.source or {}
    referrer = {
        "source": source.get("utm_source", ""),
        "website": source.get("referrer_host", ""),
        # Not OSDI: the other utm_* parameters, and the partner site whose embedded form was used.
        "utm": {name: value for name, value in source.items() if name.startswith("utm_")},
        "partner": source.get("partner", ""),
        "partner_origin": source.get("partner_origin", ""),
    }
    return {
        "identifiers": [signature_identifier(signature.pk)],
        "origin_system": ORIGIN_SYSTEM,
        "action_date": _iso(signature.submit_time),
        "created_date": _iso(signature.submit_time),
        "petition": petition(signature.campaign_key, page),
        "referrer_data": referrer,
        # Not OSDI: whether it counts yet and when it was confirmed, and what the signer agreed to.
        "confirmed_date": _iso(signature.confirmed_at),
        "counted": signature.counted,
        "consent": {"text": signature.consent_text, "given_date": _iso(signature.consented_at)},
    }


def person(signature):
    """The signer as an OSDI Person, and their comment (OSDI puts it on the signature)."""
    email = {"address": signature.email, "primary": True}
    if signature.newsletter_opt_in:
        email["status"] = "subscribed"  # they ticked the newsletter box
    postal = {"primary": True}
    if signature.postal_code:
        postal["postal_code"] = signature.postal_code
    if signature.country:
        postal["country"] = signature.country.code
    data = {
        "given_name": signature.first_name,
        "family_name": signature.last_name,
        "email_addresses": [email] if signature.email else [],
        "postal_addresses": [postal] if len(postal) > 1 else [],
        "preferred_language": signature.locale,
        "custom_fields": dict(signature.form_data or {}),  # the campaign's extra questions and answers
    }
    return data


def body(delivery, signature=None):
    """The JSON bytes sent for `delivery`; `signature` (or None) gives the signer's details to endpoints that
    asked for them. A signature erased before its event was sent is sent without them."""
    data = dict(delivery.payload)
    if delivery.endpoint.personal_data and signature is not None and not signature.anonymised_at:
        data["person"] = person(signature)
        data["comments"] = signature.comment
    envelope = {
        "id": str(delivery.event_id),
        "type": delivery.event,
        "created_date": _iso(delivery.created_at),
        "data": data,
    }
    return json.dumps(envelope, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":")).encode()


def trend(alert):
    """A trending source (integrity.trends.TrendAlert), not OSDI: the petition, the kind of source and its
    value (a network's pseudonym, an email domain, a country code, a referring host, a utm_source), the
    hour, and the counts. Nothing about any signer."""
    return {
        "petition": petition(alert.campaign_key),
        "dimension": alert.dimension,
        "value": alert.value,
        "hour": _iso(alert.hour),
        "signatures": alert.count,
        "signatures_in_hour": alert.total,
        "share": round(alert.share, 4),
        "usual_share": round(alert.usual_share, 4),
    }
