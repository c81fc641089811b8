"""A campaign's signature summary for the admin: totals, breakdowns and the chart over time.

These are aggregate queries over the signature table (COUNT … GROUP BY). That is fine for an admin page
opened now and then; the public pages read the stored count (`signatures.signature_count`) instead.

Signatures held by an integrity rule and those a Signature manager invalidated (campaigns.quarantine) are
totals of their own, `held` and `invalidated`: the signatures, confirmations, newsletter sign-ups, last day
and breakdowns are the ordinary signatures only, so a bot's thousands never read as people who signed. (The
personal data deleted counts every row: it is about what is stored.)
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Count, Q
from django.db.models.fields.json import KT
from django.db.models.functions import TruncDate
from django.utils import timezone
from django_countries import countries

from campaigns.models.counter import deleted_unconfirmed_counts, signature_count, stored_counts
from campaigns.models.pages import CampaignPage
from campaigns.models.signature import Signature
from campaigns.quarantine import HELD, INVALIDATED, KEPT_OUT

# Signatures that were mailed a confirmation link: those waiting (with a key) and those confirmed (an
# anonymised one has lost its key but keeps its confirmation time).
ASKED_TO_CONFIRM = Q(confirmation_key__isnull=False) | Q(confirmed_at__isnull=False)
# Neither held by a rule nor invalidated: what the totals and breakdowns count as signatures. A held signature
# that is invalidated too is an invalidated one.
ORDINARY = ~KEPT_OUT
HELD_ONLY = HELD & ~INVALIDATED

# The chart's drawing area, in SVG user units (the SVG scales to its container).
CHART_WIDTH = 720
CHART_HEIGHT = 240
CHART_MARGIN = {"top": 16, "right": 16, "bottom": 40, "left": 56}


@dataclass
class Bar:
    day: date
    count: int
    x: float
    y: float
    width: float
    height: float


@dataclass
class Chart:
    """Geometry of a bar chart of signatures per day, ready for the template to draw."""

    bars: list[Bar]
    width: int = CHART_WIDTH
    height: int = CHART_HEIGHT
    plot_left: int = CHART_MARGIN["left"]
    plot_right: int = CHART_WIDTH - CHART_MARGIN["right"]
    plot_top: int = CHART_MARGIN["top"]
    plot_bottom: int = CHART_HEIGHT - CHART_MARGIN["bottom"]
    y_ticks: list[tuple[int, float]] = field(default_factory=list)  # (value, y)
    x_labels: list[tuple[date, float]] = field(default_factory=list)  # (day, x)

    @property
    def peak(self):
        return max((bar.count for bar in self.bars), default=0)


class ConfirmationRate:
    """For a dataclass with `confirmed` and `asked_to_confirm` (mailed a confirmation link, including those
    deleted unconfirmed since)."""

    @property
    def confirmation_rate(self):
        """The share of signers asked to confirm who did, or None where nobody was asked."""
        return self.confirmed / self.asked_to_confirm if self.asked_to_confirm else None


@dataclass
class CampaignSummary(ConfirmationRate):
    total: int  # ordinary signatures (ORDINARY), as everything below but `anonymised`, `held`, `invalidated`
    held: int  # held by an integrity rule, not released
    invalidated: int  # taken out by an invalidation run
    confirmed: int
    counted: int
    public_count: int
    anonymised: int
    newsletter: int
    asked_to_confirm: int  # mailed a confirmation link, including those deleted unconfirmed since
    per_locale: list[tuple[str, str, int]]  # (code, language name, count)
    per_country: list[tuple[str, str, int]]  # (code, country name, count)
    per_origin: list[
        tuple[str, int]
    ]  # (the site itself, or a partner site whose embedded form was used; count)
    per_utm_source: list[tuple[str, int]]  # (utm_source, or "" for none; count)
    per_day: list[tuple[date, int]]  # every day from the first signature to the last
    chart: Chart


@dataclass
class CampaignRow(ConfirmationRate):
    """One campaign at a glance (the dashboard panel and the summaries index)."""

    page: CampaignPage  # the locale variant that names the campaign (CampaignPage.by_campaign_key)
    count: int  # the public count
    last_day: int  # ordinary signatures stored in the last 24 hours, counted or not
    asked_to_confirm: int  # signatures that were mailed a confirmation link, kept or deleted unconfirmed
    confirmed: int
    held: int = 0  # held by an integrity rule, not released
    invalidated: int = 0  # taken out by an invalidation run

    @property
    def goal(self):
        return self.page.current_goal(self.count)


def campaign_overview(open_only=False, now=None):
    """Every campaign (or only the open ones) with its count, goal, last day and confirmation rate, by title.

    Four queries whatever the number of campaigns: the pages, the stored counts, one grouped count over the
    campaigns' signatures (the last day read through the (campaign, time) index) and the unconfirmed
    signatures already deleted (campaigns.privacy), so the rate counts those too.
    """
    now = now or timezone.now()
    campaigns = CampaignPage.by_campaign_key()
    if open_only:
        campaigns = {key: page for key, page in campaigns.items() if page.live and page.is_open}
    counts = stored_counts()
    activity = {
        row["campaign_key"]: row
        for row in Signature.objects.filter(campaign_key__in=list(campaigns))
        .values("campaign_key")
        .annotate(
            last_day=Count("pk", filter=ORDINARY & Q(submit_time__gte=now - timedelta(hours=24))),
            asked=Count("pk", filter=ORDINARY & ASKED_TO_CONFIRM),
            confirmed=Count("pk", filter=ORDINARY & Q(confirmed_at__isnull=False)),
            held=Count("pk", filter=HELD_ONLY),
            invalidated=Count("pk", filter=INVALIDATED),
        )
        .order_by()
    }
    deleted = deleted_unconfirmed_counts(list(campaigns))
    rows = []
    for key, page in campaigns.items():
        found = activity.get(key, {})
        rows.append(
            CampaignRow(
                page=page,
                count=counts.get(key, 0),
                last_day=found.get("last_day", 0),
                asked_to_confirm=found.get("asked", 0) + deleted.get(key, 0),
                confirmed=found.get("confirmed", 0),
                held=found.get("held", 0),
                invalidated=found.get("invalidated", 0),
            )
        )
    return sorted(rows, key=lambda row: row.page.title)


def campaign_summary(campaign_key):
    """Totals and breakdowns of one campaign's signatures, across all its locale variants."""
    every = Signature.objects.filter(campaign_key=campaign_key).order_by()
    totals = every.aggregate(
        total=Count("pk", filter=ORDINARY),
        held=Count("pk", filter=HELD_ONLY),
        invalidated=Count("pk", filter=INVALIDATED),
        confirmed=Count("pk", filter=ORDINARY & Q(confirmed_at__isnull=False)),
        counted=Count("pk", filter=Q(counted=True)),
        anonymised=Count("pk", filter=Q(anonymised_at__isnull=False)),
        newsletter=Count("pk", filter=ORDINARY & Q(newsletter_opt_in=True)),
        asked_to_confirm=Count("pk", filter=ORDINARY & ASKED_TO_CONFIRM),
    )
    signatures = every.filter(ORDINARY)  # the breakdowns
    totals["asked_to_confirm"] += deleted_unconfirmed_counts([campaign_key]).get(campaign_key, 0)
    language_names = dict(settings.LANGUAGES)
    per_locale = [
        (code, language_names.get(code, code), n)
        for code, n in signatures.values_list("locale").annotate(n=Count("pk")).order_by("-n", "locale")
    ]
    per_country = [
        (code, countries.name(code) if code else "", n)
        for code, n in signatures.values_list("country").annotate(n=Count("pk")).order_by("-n", "country")
    ]
    # The site itself first, then each partner site whose embedded petition was used, most first.
    per_origin = sorted(
        (
            (partner or "", n)
            for partner, n in signatures.annotate(partner=KT("source__partner"))
            .values_list("partner")
            .annotate(n=Count("pk"))
            .order_by()
        ),
        key=lambda row: (row[0] != "", -row[1], row[0]),
    )
    per_utm_source = sorted(
        (
            (utm_source or "", n)
            for utm_source, n in signatures.annotate(utm=KT("source__utm_source"))
            .values_list("utm")
            .annotate(n=Count("pk"))
            .order_by()
        ),
        key=lambda row: (-row[1], row[0]),
    )
    per_day = _fill_days(
        dict(
            signatures.annotate(day=TruncDate("submit_time"))
            .values_list("day")
            .annotate(n=Count("pk"))
            .order_by("day")
        )
    )
    return CampaignSummary(
        public_count=signature_count(campaign_key),
        per_locale=per_locale,
        per_country=per_country,
        per_origin=per_origin,
        per_utm_source=per_utm_source,
        per_day=per_day,
        chart=daily_chart(per_day),
        **totals,
    )


def _fill_days(counts):
    """Every day from the first to the last with its count, zero where nobody signed."""
    if not counts:
        return []
    day, last = min(counts), max(counts)
    days = []
    while day <= last:
        days.append((day, counts.get(day, 0)))
        day += timedelta(days=1)
    return days


def daily_chart(per_day):
    """Lay out one bar per day, a y axis with round ticks and a few date labels along the x axis."""
    chart = Chart(bars=[])
    if not per_day:
        return chart
    plot_width = chart.plot_right - chart.plot_left
    plot_height = chart.plot_bottom - chart.plot_top
    peak = max(n for _, n in per_day)
    step = _nice_step(peak)
    top = step * max(1, -(-peak // step))  # the peak rounded up to a whole step
    slot = plot_width / len(per_day)
    gap = slot * 0.15 if slot > 4 else 0
    for i, (day, n) in enumerate(per_day):
        height = plot_height * n / top
        chart.bars.append(
            Bar(
                day=day,
                count=n,
                x=round(chart.plot_left + i * slot + gap / 2, 2),
                y=round(chart.plot_bottom - height, 2),
                width=round(slot - gap, 2),
                height=round(height, 2),
            )
        )
    chart.y_ticks = [
        (value, round(chart.plot_bottom - plot_height * value / top, 2)) for value in range(0, top + 1, step)
    ]
    # At most about six date labels, evenly spread, always including the first and the last day.
    every = max(1, round(len(per_day) / 6))
    indexes = sorted(set(range(0, len(per_day), every)) | {len(per_day) - 1})
    chart.x_labels = [
        (per_day[i][0], round(chart.plot_left + (i + 0.5) * slot, 2))
        for i in indexes
        if i == len(per_day) - 1 or len(per_day) - 1 - i >= every / 2
    ]
    return chart


def _nice_step(n):
    """A round tick step (1, 2 or 5 times a power of ten) that splits 0..n into at most four parts."""
    target = max(n / 4, 1)
    magnitude = 1
    while True:
        for factor in (1, 2, 5):
            if factor * magnitude >= target:
                return factor * magnitude
        magnitude *= 10
