"""Trending sources: per campaign and hour, the networks, email domains, countries, referring sites and
utm sources that brought far more of its signatures than usual (issue 23, after alphagov/e-petitions' hourly
trending jobs). A count a target cannot dismiss should not be padded by one network or one domain unseen.

`detect` (the hourly `manage.py detect_trends`, which the clock runs) looks at the last complete hours. For
each campaign with signatures in an hour and each dimension, a value is *trending* when, in that hour:
- it brought at least `trend_min_signatures` signatures (IntegritySettings),
- that is at least `trend_min_share` percent of the campaign's signatures in the hour,
- and that share is at least `trend_factor` times its usual share: its share of the campaign's signatures in
  the USUAL period before the hour. A value never seen before has a usual share of 0, so it is above any
  factor. A campaign with fewer than `trend_min_signatures` signatures in that period has no usual share to
  speak of yet (its launch brings everything at once), and is not judged.

Each trending value is recorded once as a TrendAlert (a constraint on campaign, dimension, value and hour),
so running the job again, or two clocks, alerts nothing twice. A new alert is written to Wagtail's audit log
(counts and the source, nobody's details) and announced, once committed, by the `trend_alert` signal:
integrity.alerts mails the Signature managers, webhooks.delivery sends `source.trending`. The dashboard
panel (integrity.panels) lists the recent ones. Nothing is flagged or held for a trend: it is for a manager
to look at the signatures and decide, and to add a rule (Settings → Signature integrity) if they are bots.

Values are never a signer's details: a network is its keyed pseudonym (Signature.network_hash, set by
integrity.judge), an email domain is the part after the @, a country its code, a referrer the host only.
"""

import logging
from dataclasses import dataclass
from datetime import UTC, timedelta
from urllib.parse import urlencode

from django.db import transaction
from django.db.models import Count, F, TextField, Value
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, StrIndex, Substr
from django.dispatch import Signal
from django.urls import reverse
from django.utils import timezone
from wagtail.log_actions import log

from campaigns.models.pages import CampaignPage
from campaigns.models.signature import Signature
from integrity.models import IntegritySettings, TrendAlert

logger = logging.getLogger(__name__)

HOUR = timedelta(hours=1)
USUAL = timedelta(days=7)  # the period before the hour whose shares are the usual ones
# Complete hours looked at on each run: the last one, and the one before in case the clock's hourly turn
# drifted past an hour's end (the constraint keeps those already alerted from alerting again).
HOURS_CHECKED = 2
ALERT_ACTION = "integrity.trend_alert"  # the audit log's action (integrity.wagtail_hooks names it)

# A new TrendAlert, once committed. Keyword argument: alert.
trend_alert = Signal()

Dimension = TrendAlert.Dimension


def _value_of(dimension):
    """The expression giving a signature's value in `dimension`, computed by the database."""
    if dimension == Dimension.NETWORK:
        return F("network_hash")
    if dimension == Dimension.EMAIL_DOMAIN:
        return Substr("email_normalised", StrIndex("email_normalised", Value("@")) + 1)
    if dimension == Dimension.COUNTRY:
        return F("country")
    # As text: compared as such (a bare key transform would be compared as JSON).
    key = "referrer_host" if dimension == Dimension.REFERRER else "utm_source"
    return Cast(KeyTextTransform(key, "source"), TextField())


@dataclass(frozen=True)
class Thresholds:
    min_signatures: int
    min_share: float  # a fraction of the hour's signatures
    factor: float

    @classmethod
    def of(cls, values):
        return cls(
            min_signatures=max(1, values.trend_min_signatures),
            min_share=values.trend_min_share / 100,
            factor=float(values.trend_factor),
        )


def last_hours(now=None):
    """The starts of the complete hours `detect` looks at, oldest first."""
    now = now or timezone.now()
    latest = now.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    return [latest - back * HOUR for back in range(HOURS_CHECKED, 0, -1)]


def detect(now=None):
    """Record and announce the trending sources of the last complete hours; returns the new TrendAlerts."""
    thresholds = Thresholds.of(IntegritySettings.load())
    return [alert for start in last_hours(now) for alert in detect_hour(start, thresholds)]


def detect_hour(start, thresholds):
    """The new TrendAlerts of the hour that starts at `start`, recorded and announced."""
    new = []
    # Campaign by campaign, each count read from the (campaign, time) index: one query over the hour's
    # signatures of every campaign would read the whole table, the time alone having no index.
    for campaign_key in CampaignPage.objects.order_by().values_list("translation_key", flat=True).distinct():
        total = Signature.objects.filter(
            campaign_key=campaign_key, submit_time__gte=start, submit_time__lt=start + HOUR
        ).count()
        if total < thresholds.min_signatures:
            continue
        for trend in trending(campaign_key, start, total, thresholds):
            alert = record(campaign_key, start, total, *trend)
            if alert is not None:
                new.append(alert)
    return new


def _counts(signatures, dimension, values=None, at_least=1):
    """{value: signatures} of `signatures` in `dimension`, blank values left out."""
    rows = signatures.annotate(trend_value=_value_of(dimension)).exclude(trend_value__isnull=True)
    rows = rows.exclude(trend_value="")
    if values is not None:
        rows = rows.filter(trend_value__in=values)
    grouped = rows.values("trend_value").annotate(n=Count("pk")).filter(n__gte=at_least)
    return {row["trend_value"]: row["n"] for row in grouped}


def trending(campaign_key, start, total, thresholds):
    """[(dimension, value, count, share, usual share)] of the campaign's trending values in the hour."""
    campaign = Signature.objects.filter(campaign_key=campaign_key).order_by()
    in_hour = campaign.filter(submit_time__gte=start, submit_time__lt=start + HOUR)
    before = campaign.filter(submit_time__gte=start - USUAL, submit_time__lt=start)
    usual_total = None
    found = []
    for dimension in Dimension:
        candidates = {
            value: count
            for value, count in _counts(in_hour, dimension, at_least=thresholds.min_signatures).items()
            if count / total >= thresholds.min_share
        }
        if not candidates:
            continue
        if usual_total is None:
            usual_total = before.count()
            if usual_total < thresholds.min_signatures:
                return []  # no usual share to compare with yet (see the module's docstring)
        usual = _counts(before, dimension, values=list(candidates))
        for value, count in sorted(candidates.items(), key=lambda item: -item[1]):
            share = count / total
            usual_share = usual.get(value, 0) / usual_total
            if share >= thresholds.factor * usual_share:
                found.append((dimension, value, count, share, usual_share))
    return found


def record(campaign_key, hour, total, dimension, value, count, share, usual_share):
    """The TrendAlert of this value and hour if it is new (then logged and announced once committed), else
    None: another run recorded it first."""
    with transaction.atomic():
        alert, created = TrendAlert.objects.get_or_create(
            campaign_key=campaign_key,
            dimension=dimension,
            value=str(value)[:200],
            hour=hour,
            defaults={"count": count, "total": total, "share": share, "usual_share": usual_share},
        )
        if not created:
            return None
        # Nobody's details: the source (a pseudonym, a domain, a country, a host, a utm_source) and counts.
        log(
            alert,
            ALERT_ACTION,
            data={
                "campaign": str(campaign_key),
                "dimension": dimension,
                "value": alert.value,
                "count": count,
                "total": total,
                "share": round(share, 4),
                "usual_share": round(usual_share, 4),
            },
        )
        transaction.on_commit(lambda: _announce(alert))
    return alert


def _announce(alert):
    for receiver, result in trend_alert.send_robust(sender=TrendAlert, alert=alert):
        if isinstance(result, Exception):
            logger.error("%s failed on a trend alert", receiver.__qualname__, exc_info=result)


def signatures_url(alert):
    """The Signatures admin listing of the campaign's signatures in the alert's hour, filtered by the source
    where the listing has a filter for it (the country); for the others, the hour's signatures to look at."""
    query = {
        "campaign": str(alert.campaign_key),
        "submit_time__gte": alert.hour.astimezone(UTC).isoformat(),
        "submit_time__lt": (alert.hour + HOUR).astimezone(UTC).isoformat(),
    }
    if alert.dimension == Dimension.COUNTRY:
        query["country"] = alert.value
    return reverse("campaigns_signature_modeladmin_index") + "?" + urlencode(query)


# The invalidation criterion (integrity.forms.CriteriaForm) that names each dimension's value: a referring
# site and a utm_source are both the form's "source".
CRITERION = {
    Dimension.NETWORK: "network",
    Dimension.EMAIL_DOMAIN: "email_domain",
    Dimension.COUNTRY: "country",
    Dimension.REFERRER: "source",
    Dimension.UTM_SOURCE: "source",
}


def invalidation_url(alert):
    """The new-invalidation form, filled in with the alert's campaign, its hour (in the admin's time zone, as
    the form reads it) and its source; nothing is taken before the manager previews and runs it."""
    minute = "%Y-%m-%d %H:%M"
    query = {
        "campaign": str(alert.campaign_key),
        "signed_after": timezone.localtime(alert.hour).strftime(minute),
        "signed_before": timezone.localtime(alert.hour + HOUR).strftime(minute),
        CRITERION[alert.dimension]: alert.value,
    }
    return reverse("integrity_invalidation_new") + "?" + urlencode(query)
