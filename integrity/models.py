"""The integrity rules' settings, which Signature managers edit in the admin (Settings → Signature integrity):
no deploy to block a domain or tighten a rate. integrity.judge applies them to every signature; the trending
sources (integrity.trends) read their thresholds here and record each alert as a TrendAlert.

And the record of each invalidation run (Invalidation, run by integrity.invalidation): who, when, why, which
signatures were described, how many were taken out and whether they were put back."""

import re
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from wagtail.admin.panels import FieldPanel, HelpPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

from campaigns.ratelimit import parse_rate
from integrity import rules

_SEPARATORS = re.compile(r"[\s,;]+")


def entries(text):
    """The entries of a list typed one per line (commas and spaces separate them too)."""
    return [entry for entry in _SEPARATORS.split(text or "") if entry]


@register_setting(icon="warning")
class IntegritySettings(BaseGenericSetting):
    """What makes a signature suspicious. A flagged signature is stored and its signer hears and receives
    exactly what anyone does, but it does not count until a Signature manager releases it (Signatures →
    filter "flagged")."""

    address_rates = models.CharField(
        _("signatures per address"),
        max_length=100,
        default="1/60s, 5/300s",
        help_text=_(
            "Flag signatures of one campaign from one client address beyond these rates, as "
            "'signatures/period' separated by commas, for example '1/60s, 5/300s': a second one within a "
            "minute, a sixth within five minutes. Addresses are only counted as keyed hashes, never kept."
        ),
    )
    network_rates = models.CharField(
        _("signatures per network"),
        max_length=100,
        default="20/60s, 100/300s",
        help_text=_(
            "The same for a whole network (an IPv4 /24, an IPv6 /64). Keep these well above the per-address "
            "rates: a mobile carrier or a university puts many real people behind one network."
        ),
    )
    allowed_networks = models.TextField(
        _("allowed networks"),
        blank=True,
        help_text=_(
            "Networks never flagged for their address or rate, one per line in CIDR form such as "
            "'192.0.2.0/24' or '2001:db8::/32': your office, a partner's event."
        ),
    )
    blocked_networks = models.TextField(
        _("blocked networks"),
        blank=True,
        help_text=_("Signatures from these networks are flagged, one per line in CIDR form."),
    )
    blocked_domains = models.TextField(
        _("blocked email domains"),
        blank=True,
        help_text=_(
            "Signatures with an address at these domains are flagged, one per line. 'example.com' is that "
            "domain only, '*.example.com' one level below it, '**.example.com' any level below it."
        ),
    )
    flag_disposable = models.BooleanField(
        _("flag throwaway addresses"),
        default=True,
        help_text=_(
            "Flag addresses at disposable-mail services, from the maintained list of the "
            "disposable-email-domains package."
        ),
    )
    canonical_domains = models.TextField(
        _("providers that ignore dots and +tags"),
        blank=True,
        help_text=_(
            "Gmail and Googlemail are always included: 'a.da+x@gmail.com' and 'ada@googlemail.com' reach one "
            "mailbox, so a second signature from it is flagged and the domain rules see 'gmail.com'. Add "
            "other providers that do the same, one domain per line."
        ),
    )

    trend_min_signatures = models.PositiveIntegerField(
        _("trending: signatures in the hour"),
        default=20,
        validators=[MinValueValidator(1)],
        help_text=_(
            "A source (a network, an email domain, a country, a referring site, a utm_source) is only "
            "reported as trending when at least this many of a campaign's signatures in one hour came from it."
        ),
    )
    trend_min_share = models.PositiveSmallIntegerField(
        _("trending: share of the hour (%)"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_(
            "…and when it brought at least this percentage of the campaign's signatures in that hour."
        ),
    )
    trend_factor = models.DecimalField(
        _("trending: times its usual share"),
        max_digits=5,
        decimal_places=1,
        default=Decimal("3.0"),
        validators=[MinValueValidator(Decimal("1.1"))],
        help_text=_(
            "…and when that share is at least this many times its usual share (of the campaign's "
            "signatures in the seven days before). A source never seen before is always above it."
        ),
    )
    min_fill_seconds = models.PositiveSmallIntegerField(
        _("fastest believable filling, in seconds"),
        default=3,
        help_text=_(
            "Flag signatures sent sooner than this many seconds after the form came into view on the "
            "signer's screen: faster than a person types. A browser filling in saved details can be quick, so "
            "keep it low. 0 turns this rule off. Signers whose browser runs no JavaScript are never flagged "
            "by it."
        ),
    )

    panels = [
        HelpPanel(
            content=_(
                "<p>A signature that a rule flags is stored, and its signer sees and receives exactly what "
                "anyone does, but it does not count until a Signature manager releases it.</p>"
            )
        ),
        MultiFieldPanel(
            [FieldPanel("address_rates"), FieldPanel("network_rates")], heading=_("Rates per campaign")
        ),
        MultiFieldPanel(
            [FieldPanel("allowed_networks"), FieldPanel("blocked_networks")], heading=_("Networks")
        ),
        MultiFieldPanel(
            [FieldPanel("blocked_domains"), FieldPanel("flag_disposable"), FieldPanel("canonical_domains")],
            heading=_("Email addresses"),
        ),
        MultiFieldPanel([FieldPanel("min_fill_seconds")], heading=_("Filling in the form")),
        MultiFieldPanel(
            [FieldPanel("trend_min_signatures"), FieldPanel("trend_min_share"), FieldPanel("trend_factor")],
            heading=_("Trending sources"),
            help_text=_(
                "Every hour, each campaign's sources of the last hour are compared with their usual share. "
                "A source above all three thresholds is reported to Signature managers on the dashboard "
                "and by mail, and to webhooks that asked for it. Nothing is flagged or held for it."
            ),
        ),
    ]

    class Meta:
        verbose_name = _("signature integrity")
        verbose_name_plural = _("signature integrity")

    def __str__(self):
        return str(self._meta.verbose_name)

    def clean(self):
        errors = {}
        for name in ("address_rates", "network_rates"):
            bad = [entry for entry in entries(getattr(self, name)) if not _is_rate(entry)]
            if bad:
                errors[name] = _("Not a rate: %(entries)s. Write them like '5/300s' or '20/1h'.") % {
                    "entries": ", ".join(bad)
                }
        for name in ("allowed_networks", "blocked_networks"):
            bad = [entry for entry in entries(getattr(self, name)) if not _is_network(entry)]
            if bad:
                errors[name] = _("Not a network: %(entries)s. Write them like '192.0.2.0/24'.") % {
                    "entries": ", ".join(bad)
                }
        for name in ("blocked_domains", "canonical_domains"):
            bad = [entry for entry in entries(getattr(self, name)) if not _is_domain(entry, name)]
            if bad:
                errors[name] = _("Not a domain: %(entries)s.") % {"entries": ", ".join(bad)}
        if errors:
            raise ValidationError(errors)


def _is_rate(entry):
    try:
        parse_rate(entry)
    except ValueError:
        return False
    return True


def _is_network(entry):
    try:
        rules.parse_network(entry)
    except ValueError:
        return False
    return True


def _is_domain(entry, name):
    if name == "canonical_domains" and "*" in entry:
        return False
    try:
        rules.domain_pattern(entry)
    except ValueError:
        return False
    return True


class TrendAlert(models.Model):
    """A source that brought a campaign far more of its signatures in one hour than usual (integrity.trends).

    One row per campaign, dimension, value and hour (a constraint), so the hourly job may run again without
    alerting twice. `value` is never a signer's detail: a network's keyed pseudonym, an email domain, a
    country code, a referring site's host or a utm_source."""

    class Dimension(models.TextChoices):
        NETWORK = "network", _("network")
        EMAIL_DOMAIN = "email_domain", _("email domain")
        COUNTRY = "country", _("country")
        REFERRER = "referrer", _("referring site")
        UTM_SOURCE = "utm_source", _("utm_source")

    campaign_key = models.UUIDField(_("campaign"))
    dimension = models.CharField(_("kind of source"), max_length=20, choices=Dimension.choices)
    value = models.CharField(_("source"), max_length=200)
    hour = models.DateTimeField(_("hour"), help_text=_("The start of the hour it trended in."))
    count = models.PositiveIntegerField(_("signatures in the hour"))
    total = models.PositiveIntegerField(_("all signatures in the hour"))
    share = models.FloatField(_("share of the hour"))
    usual_share = models.FloatField(_("usual share"))
    created_at = models.DateTimeField(_("reported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("trending source")
        verbose_name_plural = _("trending sources")
        ordering = ["-hour", "-count", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign_key", "dimension", "value", "hour"], name="one_trend_alert_per_hour"
            )
        ]

    def __str__(self):
        return _("%(source)s: %(count)d signatures in the hour from %(hour)s") % {
            "source": self.source_label,
            "count": self.count,
            "hour": self.hour.strftime("%Y-%m-%d %H:%M UTC"),
        }

    @property
    def source_label(self):
        """What a manager reads: "network 7f3a9c…", "email domain example.org", "country France"…"""
        if self.dimension == self.Dimension.NETWORK:
            return _("network %(pseudonym)s…") % {"pseudonym": self.value[:6]}
        if self.dimension == self.Dimension.COUNTRY:
            return _("country %(name)s") % {"name": countries.name(self.value) or self.value}
        return f"{self.get_dimension_display()} {self.value}"


class Invalidation(models.Model):
    """One invalidation run: a Signature manager described a set of one campaign's signatures (`criteria`, as
    integrity.forms.CriteriaForm cleaned them), saw how many and which (the preview), and ran it. The run takes
    them out of the count in batches (integrity.invalidation), and can be cancelled between batches and
    reinstated. Counts only: which signatures a run took is on the signatures (`invalidation_run`)."""

    class State(models.TextChoices):
        PREVIEWED = "previewed", _("Previewed, not run")
        RUNNING = "running", _("Running")
        CANCELLED = "cancelled", _("Canceled")
        DONE = "done", _("Done")
        REINSTATING = "reinstating", _("Being reinstated")
        REINSTATED = "reinstated", _("Reinstated")

    campaign_key = models.UUIDField(_("campaign"), editable=False)
    reason = models.TextField(_("why"))
    criteria = models.JSONField(_("which signatures"), default=dict)
    # The highest signature id when the set was previewed: the run takes what the preview counted, not the
    # signatures that arrived since and happen to match.
    up_to = models.PositiveBigIntegerField(default=0, editable=False)
    # The highest signature id a batch has looked at: the next batch starts after it, so a run over a large
    # campaign reads each of its signatures once, not once per batch.
    done_up_to = models.PositiveBigIntegerField(default=0, editable=False)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.PREVIEWED)
    matched = models.PositiveIntegerField(_("matched at preview"), default=0)
    invalidated = models.PositiveIntegerField(_("invalidated"), default=0)
    uncounted = models.PositiveIntegerField(_("taken off the count"), default=0)
    reinstated = models.PositiveIntegerField(_("reinstated"), default=0)
    recounted = models.PositiveIntegerField(_("counted again"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("previewed at"), auto_now_add=True)
    started_at = models.DateTimeField(_("run at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    reinstated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    reinstated_at = models.DateTimeField(_("reinstated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("invalidation")
        verbose_name_plural = _("invalidations")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return _("Invalidation %(number)s") % {"number": self.pk}

    @property
    def busy(self):
        """Its worker has batches to go: the progress page refreshes itself."""
        return self.state in (self.State.RUNNING, self.State.REINSTATING)
