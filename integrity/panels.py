"""The admin dashboard's "Trending sources" panel: the recent TrendAlerts (integrity.trends), for those who
may see them (Signature managers and superusers: integrity/migrations/0003), never Editors."""

from datetime import timedelta

from django.template.defaultfilters import floatformat
from django.utils import timezone
from wagtail.admin.ui.components import Component

from campaigns.models.pages import CampaignPage
from campaigns.models.signature import RELEASE_SIGNATURES
from integrity import trends
from integrity.models import TrendAlert

VIEW_ALERTS = "integrity.view_trendalert"
RECENT = timedelta(days=7)
SHOWN = 10


class TrendingSourcesPanel(Component):
    name = "trending_sources"
    template_name = "integrity/admin/trending_sources_panel.html"
    order = 60  # below the open campaigns (campaigns.admin.panels), above Wagtail's own panels

    def __init__(self, can_invalidate=False):
        # Whoever may run invalidations (integrity.views) gets a link from each alert to a prefilled one.
        self.can_invalidate = can_invalidate

    def get_context_data(self, parent_context=None):
        alerts = list(TrendAlert.objects.filter(hour__gte=timezone.now() - RECENT)[:SHOWN])
        campaigns = CampaignPage.by_campaign_key({alert.campaign_key for alert in alerts})
        rows = [
            {
                "alert": alert,
                "campaign": campaigns.get(alert.campaign_key),
                "share": floatformat(alert.share * 100, 0),
                "usual_share": floatformat(alert.usual_share * 100, -1),
                "signatures_url": trends.signatures_url(alert),
                "invalidation_url": trends.invalidation_url(alert) if self.can_invalidate else None,
            }
            for alert in alerts
        ]
        return {"rows": rows, "days": RECENT.days}


def add_panel(request, panels):
    if request.user.has_perm(VIEW_ALERTS):
        panels.append(TrendingSourcesPanel(can_invalidate=request.user.has_perm(RELEASE_SIGNATURES)))
