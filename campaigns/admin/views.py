"""Admin views over signatures. Each checks a Signature permission; the rules live in the services.

- `SignatureIndexView`: the modeladmin listing, with streaming CSV/XLSX export of what it shows;
  `SignatureInspectView`, `SignatureHistoryView`: one signature, and what the audit log says of it.
- `ForgetPersonView`: erase one person everywhere (`privacy.forget_person`), after a confirm step.
- `SummaryIndexView`, `CampaignSummaryView`: a campaign's totals and chart (`reports.campaign_summary`).
- `SubmissionsDeleteView`: Wagtail's own "delete submissions", keeping the public count right.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.contrib.forms import views as wagtail_forms_views
from wagtail_modeladmin.views import HistoryView, IndexView, InspectView

from campaigns import milestones, privacy, reports
from campaigns.admin import audit
from campaigns.admin.exports import SignatureExport, export_filename
from campaigns.admin.filters import CampaignFilter, ListingQuery
from campaigns.formfields import SignerEmailField
from campaigns.models.pages import CampaignPage
from campaigns.models.signature import ERASE_SIGNATURES, RELEASE_SIGNATURES, VIEW_SIGNATURES, Signature
from campaigns.signing import normalise_email


class SignatureIndexView(IndexView):
    """The Signatures listing. `?export=csv|xlsx` exports exactly the rows listed (filters, search).

    A query string it cannot use entirely (see `filters.ListingQuery`) is answered with a redirect to the
    listing without the unusable parameters, and a message naming them. Never an export: dropping a
    filter from an export would hand out rows nobody asked for.
    """

    def dispatch(self, request, *args, **kwargs):
        if request.user.has_perm(VIEW_SIGNATURES):
            query = ListingQuery(request.GET)
            unusable = query.unusable()
            if unusable:
                labels = query.labels(unusable)
                if labels and len(labels) == len(unusable):
                    message = _("These filters could not be used and were removed: %(filters)s.") % {
                        "filters": ", ".join(labels)
                    }
                else:
                    message = _("Some filters could not be used and were removed.")
                messages.warning(request, message)
                kept = [
                    (name, value)
                    for name, values in request.GET.lists()
                    if name not in unusable and name != self.EXPORT_VAR
                    for value in values
                ]
                return redirect(f"{request.path}?{urlencode(kept)}" if kept else request.path)
        return super().dispatch(request, *args, **kwargs)

    def as_spreadsheet(self, queryset, spreadsheet_format):
        export = SignatureExport(queryset)
        filename = export_filename(self.request.GET.get(CampaignFilter.parameter_name))
        audit.log_per_campaign(
            audit.EXPORT_ACTION, audit.per_campaign(queryset), self.request.user, format=spreadsheet_format
        )
        if spreadsheet_format == self.FORMAT_CSV:
            return export.csv_response(filename)
        return export.xlsx_response(filename)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_forget"] = self.request.user.has_perm(ERASE_SIGNATURES)
        context["can_release"] = self.request.user.has_perm(RELEASE_SIGNATURES)
        return context


class SignatureInspectView(InspectView):
    """One signature in full. An address whose id is not a number is a 404, not a failed query."""

    def __init__(self, model_admin, instance_pk):
        if not _is_id(instance_pk):
            raise Http404
        super().__init__(model_admin, instance_pk)


class SignatureHistoryView(HistoryView):
    """What Wagtail's audit log recorded about one signature. modeladmin's own history view checks no
    permission at all (only admin access), so it is closed here like the inspect view."""

    def __init__(self, model_admin, instance_pk):
        if not _is_id(instance_pk):
            raise Http404
        super().__init__(model_admin, instance_pk)

    def check_action_permitted(self, user):
        return self.permission_helper.user_can_inspect_obj(user, self.instance)


def _is_id(text):
    return text.isascii() and text.isdigit()


class SignatureAdminMixin(WagtailAdminTemplateMixin):
    """Refuses users without `permission_required`; puts the Signatures area in the breadcrumbs."""

    permission_required = VIEW_SIGNATURES
    header_icon = "form"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(self.permission_required):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("campaigns_signature_modeladmin_index"), "label": _("Signatures")},
            {"url": "", "label": self.get_page_title()},
        ]


class ForgetForm(forms.Form):
    email = SignerEmailField(
        label=_("Email address"),
        help_text=_("Every signature made with this address, in every campaign and language, is deleted."),
    )


class ForgetPersonView(SignatureAdminMixin, TemplateView):
    """Erase a person on request. Step one shows what will go; step two (confirm) erases it.

    The address travels in POST bodies only, never in a URL, and is not logged.
    """

    permission_required = ERASE_SIGNATURES
    page_title = _("Forget a person")
    template_name = "campaigns/admin/forget.html"

    def get(self, request):
        return self.render_to_response(self.get_context_data(form=ForgetForm()))

    def post(self, request):
        form = ForgetForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        email = form.cleaned_data["email"]
        if "confirm" in request.POST:
            counts = audit.per_campaign(Signature.objects.filter(email_normalised=normalise_email(email)))
            erased = privacy.forget_person(email)
            audit.log_per_campaign(audit.ERASE_ACTION, counts, request.user, on_request=True)
            messages.success(
                request,
                ngettext("%(count)d signature was erased.", "%(count)d signatures were erased.", erased)
                % {"count": erased},
            )
            return redirect("campaigns_signature_modeladmin_index")
        signatures = Signature.objects.filter(email_normalised=normalise_email(email))
        keys = set(signatures.values_list("campaign_key", flat=True))
        return self.render_to_response(
            self.get_context_data(
                form=form,
                confirming=True,
                signature_count=signatures.count(),
                campaigns=sorted(page.title for page in CampaignPage.by_campaign_key(keys).values()),
            )
        )


class SummaryIndexView(SignatureAdminMixin, TemplateView):
    """Every campaign at a glance (as on the dashboard), each linking to its summary."""

    page_title = _("Campaign summaries")
    template_name = "campaigns/admin/summary_index.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(rows=reports.campaign_overview(), **kwargs)


class CampaignSummaryView(SignatureAdminMixin, TemplateView):
    """Totals, confirmed, per language, per country and per day for one campaign, with a chart."""

    page_title = _("Campaign summary")
    template_name = "campaigns/admin/summary.html"

    def get(self, request, page_id):
        # `id`, not `pk` (the page_ptr link): Django answers an id too large for the column with no row.
        self.campaign = get_object_or_404(CampaignPage, id=page_id)
        return super().get(request)

    def get_page_subtitle(self):
        return self.campaign.title

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("campaigns_signature_modeladmin_index"), "label": _("Signatures")},
            {"url": reverse("campaigns_signature_summaries"), "label": _("Campaign summaries")},
            {"url": "", "label": self.campaign.title},
        ]

    def get_context_data(self, **kwargs):
        key = self.campaign.translation_key
        listing = reverse("campaigns_signature_modeladmin_index")
        summary = reports.campaign_summary(key)
        # A goal crossed since signatures last looked (campaigns.goals.CHECK_INTERVAL) is recorded now.
        milestones.record_milestones(self.campaign, summary.public_count)
        return super().get_context_data(
            campaign=self.campaign,
            summary=summary,
            milestones=milestones.milestones(key),
            signatures_url=f"{listing}?campaign={key}",
            **kwargs,
        )


class SubmissionsDeleteView(wagtail_forms_views.DeleteSubmissionsView):
    """Wagtail's "delete submissions", made safe for petitions: only Signature managers may delete a
    petition's signatures, and they go through `privacy.erase_signatures`, so counted ones are taken off
    the public count. Other form pages keep Wagtail's behaviour."""

    def dispatch(self, request, *args, **kwargs):
        self.is_petition = CampaignPage.objects.filter(id=kwargs.get("page_id")).exists()
        if self.is_petition and not request.user.has_perm(ERASE_SIGNATURES):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        """The selected submissions; a selection that is not a submission id selects nothing."""
        ids = [value for value in self.request.GET.getlist("selected-submissions") if _is_id(value)]
        return self.page.get_submissions().filter(id__in=ids)

    def handle_delete(self, submissions):
        if not self.is_petition:
            return super().handle_delete(submissions)
        counts = audit.per_campaign(submissions)
        erased = privacy.erase_signatures(submissions)
        audit.log_per_campaign(audit.ERASE_ACTION, counts, self.request.user, on_request=True)
        messages.success(
            self.request,
            ngettext("One submission has been deleted.", "%(count)d submissions have been deleted.", erased)
            % {"count": erased},
        )
