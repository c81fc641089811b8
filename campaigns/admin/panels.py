"""The admin dashboard's "Open campaigns" panel (registered in campaigns/wagtail_hooks.py)."""

from wagtail.admin.ui.components import Component

from campaigns import reports
from campaigns.models.signature import VIEW_SIGNATURES


class OpenCampaignsPanel(Component):
    """Each open campaign at a glance: its count against its goal, the last 24 hours, the confirmation rate and
    its closing date. Numbers only, nothing about any signer, so every admin user sees it; the link to each
    campaign's summary is there for those who may see signatures."""

    name = "open_campaigns"
    template_name = "campaigns/admin/open_campaigns_panel.html"
    order = 50  # above Wagtail's own panels: it is what people running a campaign open the admin for

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context["rows"] = reports.campaign_overview(open_only=True)
        context["links_to_summaries"] = parent_context["request"].user.has_perm(VIEW_SIGNATURES)
        return context
