"""Releasing flagged signatures (campaigns.quarantine): the held ones listed with why each was flagged, ticked
and released in one go by a Signature manager. Each release is written to Wagtail's audit log against the
campaign's page ("Logs" report, the page's history): who, when, how many, never whose."""

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.generic import TemplateView
from wagtail.log_actions import log

from campaigns import privacy, quarantine
from campaigns.admin.flag_reasons import rule_label
from campaigns.admin.views import SignatureAdminMixin
from campaigns.models.pages import CampaignPage
from campaigns.models.signature import RELEASE_SIGNATURES, Signature

RELEASE_ACTION = "campaigns.release_signatures"
SHOWN = 200  # held signatures listed at a time, oldest first


class ReleaseView(SignatureAdminMixin, TemplateView):
    """GET: the held signatures (of `?campaign=`, or all), each with its reasons and a box; POST: release the
    ticked ones (`signature` ids) and say how many now count."""

    permission_required = RELEASE_SIGNATURES
    page_title = _("Flagged signatures")
    template_name = "campaigns/admin/release.html"

    def held(self):
        # An invalidated one is not offered: releasing it would not count it (campaigns.quarantine).
        held = (
            Signature.objects.filter(quarantine.HELD, invalidated_at__isnull=True)
            .select_related("page")
            .order_by("flagged_at", "pk")
        )
        campaign = self.request.GET.get("campaign", "")
        if campaign and campaign in {str(key) for key in CampaignPage.by_campaign_key()}:
            held = held.filter(campaign_key=campaign)
        return held

    def get_context_data(self, **kwargs):
        held = self.held()
        rows = [
            (
                signature,
                [(rule_label(item.get("rule")), item.get("reason", "")) for item in signature.flag_reasons],
            )
            for signature in held[:SHOWN]
        ]
        return super().get_context_data(
            rows=rows, total=held.count(), held_days=privacy.HELD_MAX_AGE.days, **kwargs
        )

    def post(self, request):
        ids = [value for value in request.POST.getlist("signature") if value.isdigit()]
        chosen = self.held().filter(pk__in=ids)
        campaigns = dict(chosen.values_list("campaign_key").annotate(n=Count("pk")).order_by())
        released, counted = quarantine.release(chosen)
        pages = CampaignPage.by_campaign_key(campaigns)
        for key, number in campaigns.items():
            if key in pages:
                # Counts only: the log is read by people who may not see signers.
                log(pages[key], RELEASE_ACTION, user=request.user, data={"released": number})
        messages.success(
            request,
            ngettext(
                "%(released)d signature was released; %(counted)d now counts.",
                "%(released)d signatures were released; %(counted)d now count.",
                released,
            )
            % {"released": released, "counted": counted},
        )
        return redirect(request.get_full_path())
