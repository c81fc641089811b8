"""The admin's invalidation pages, for Signature managers only (those who may release flagged signatures):
the runs so far, a new run's description, its preview (the exact number and a sample), its progress (a page
that refreshes itself, no script needed) with Cancel, and Reinstate. The work is integrity.invalidation's."""

import uuid

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.generic import TemplateView, View

from campaigns.admin.release import rule_label
from campaigns.admin.views import SignatureAdminMixin
from campaigns.models.pages import CampaignPage
from campaigns.models.signature import RELEASE_SIGNATURES
from integrity import invalidation as runs
from integrity.forms import CriteriaForm
from integrity.models import Invalidation

# What a link may fill in on the new-invalidation form (integrity.trends.invalidation_url); the manager still
# sends it, and only then is it validated.
PREFILLED = ("campaign", "network", "email_domain", "country", "source", "signed_after", "signed_before")
REFRESH_SECONDS = 2  # how often a running run's page reloads itself
LISTED = 50


def masked_email(address):
    """'a…@example.org': enough to recognise a pattern in a sample, not to read someone's address."""
    name, _at, domain = (address or "").partition("@")
    return f"{name[:1]}…@{domain}" if domain else "…"


def describe(criteria):
    """[(label, value)] of a run's criteria, in the admin's language."""
    form = CriteriaForm()
    rows = []
    for name, value in criteria.items():
        if name == "campaign":
            page = CampaignPage.by_campaign_key([value]).get(uuid.UUID(value))
            value = page.title if page else value
        elif name == "country":
            value = dict(form.fields["country"].choices).get(value, value)
        elif name == "rule":
            value = rule_label(value)
        elif name == "unconfirmed":
            value = _("yes")
        rows.append((form.fields[name].label, value))
    return rows


class InvalidationAdminMixin(SignatureAdminMixin):
    permission_required = RELEASE_SIGNATURES
    header_icon = "warning"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("campaigns_signature_modeladmin_index"), "label": _("Signatures")},
            {"url": reverse("integrity_invalidations"), "label": _("Invalidations")},
            {"url": "", "label": self.get_page_title()},
        ]


class InvalidationListView(InvalidationAdminMixin, TemplateView):
    page_title = _("Invalidations")
    template_name = "integrity/admin/invalidation_list.html"

    def get_breadcrumbs_items(self):
        return SignatureAdminMixin.get_breadcrumbs_items(self)

    def get_context_data(self, **kwargs):
        invalidations = list(Invalidation.objects.select_related("created_by")[:LISTED])
        titles = {
            str(key): page.title
            for key, page in CampaignPage.by_campaign_key({i.campaign_key for i in invalidations}).items()
        }
        rows = [(i, titles.get(str(i.campaign_key), "")) for i in invalidations]
        return super().get_context_data(rows=rows, **kwargs)


class NewInvalidationView(InvalidationAdminMixin, TemplateView):
    """GET: the description form; POST: a valid one is recorded and previewed, an invalid one shown again."""

    page_title = _("New invalidation")
    template_name = "integrity/admin/invalidation_new.html"

    def get(self, request):
        initial = {name: request.GET[name] for name in PREFILLED if name in request.GET}
        return self.render_to_response(self.get_context_data(form=CriteriaForm(initial=initial)))

    def post(self, request):
        form = CriteriaForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        invalidation = runs.preview(form.criteria(), form.cleaned_data["reason"], request.user)
        return redirect("integrity_invalidation", invalidation_id=invalidation.pk)


class InvalidationView(InvalidationAdminMixin, TemplateView):
    """One run, as its state has it: the preview, the progress, or what it did."""

    template_name = "integrity/admin/invalidation.html"

    def get(self, request, invalidation_id):
        self.invalidation = get_object_or_404(Invalidation, id=invalidation_id)
        return super().get(request)

    def get_page_title(self):
        return _("Invalidation %(number)s") % {"number": self.invalidation.pk}

    def get_context_data(self, **kwargs):
        invalidation = self.invalidation
        sample = []
        if invalidation.state == Invalidation.State.PREVIEWED:
            sample = [
                (masked_email(s.email), s.get_country_display(), s.submit_time, s.counted)
                for s in runs.sample(invalidation)
            ]
        done = invalidation.reinstated if invalidation.state == Invalidation.State.REINSTATING else None
        return super().get_context_data(
            invalidation=invalidation,
            criteria=describe(invalidation.criteria),
            sample=sample,
            refresh=REFRESH_SECONDS if invalidation.busy else None,
            reinstating_done=done,
            percent=min(100, invalidation.invalidated * 100 // invalidation.matched)
            if invalidation.matched
            else 0,
            **kwargs,
        )


class InvalidationActionView(InvalidationAdminMixin, View):
    """POST only: run, cancel or reinstate a run, then back to its page with what happened."""

    http_method_names = ["post"]
    ACTIONS = {"run": runs.run, "cancel": runs.cancel, "reinstate": runs.reinstate}

    def post(self, request, invalidation_id, action):
        if action not in self.ACTIONS:
            raise Http404
        invalidation = get_object_or_404(Invalidation, id=invalidation_id)
        if self.ACTIONS[action](invalidation, request.user):
            messages.success(request, self.said(action, invalidation))
        else:
            messages.warning(request, _("This run has moved on meanwhile: here is where it is now."))
        return redirect("integrity_invalidation", invalidation_id=invalidation.pk)

    def said(self, action, invalidation):
        if action == "run":
            return ngettext(
                "Invalidating %(count)d signature.",
                "Invalidating %(count)d signatures.",
                invalidation.matched,
            ) % {"count": invalidation.matched}
        if action == "cancel":
            return _("Canceled. What it took so far stays invalidated until you reinstate it.")
        return _("Reinstating the signatures this run invalidated.")
