"""The Deliver page of a campaign, in the Signatures area: make the PDF, download it, mark it delivered.

Signature managers only (the document names signers): Editors and Translators are refused. The rules live in
delivery/documents.py (what the PDF says) and delivery/marking.py (delivery on every language).
"""

import io

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView, View

from campaigns.admin.views import SignatureAdminMixin
from campaigns.models.counter import signature_count
from campaigns.models.pages import CampaignPage
from delivery import documents, marking
from delivery.forms import DeliveredForm, DocumentForm
from delivery.models import PetitionDocument


class DeliverView(SignatureAdminMixin, TemplateView):
    page_title = _("Deliver the petition")
    template_name = "delivery/admin/deliver.html"

    def load(self, page_id):
        # `id`, not `pk` (the page_ptr link): Django answers an id too large for the column with no row.
        self.campaign = get_object_or_404(CampaignPage, id=page_id)
        self.key = self.campaign.translation_key

    def get_page_subtitle(self):
        return self.campaign.title

    def get(self, request, page_id):
        self.load(page_id)
        return self.render_to_response(self.get_context_data())

    def post(self, request, page_id):
        self.load(page_id)
        variants = documents.variants(self.key)
        if "mark_delivered" in request.POST:
            form = DeliveredForm(request.POST)
            if not form.is_valid():
                return self.render_to_response(self.get_context_data(delivered_form=form), status=400)
            marking.mark_delivered(self.key, **form.cleaned_data, user=request.user)
            messages.success(request, _("Every language of the campaign now says it was delivered."))
        else:
            form = DocumentForm(request.POST, variants=variants)
            if not form.is_valid():
                return self.render_to_response(self.get_context_data(document_form=form), status=400)
            documents.request_document(self.key, form.cleaned_data["language"], request.user)
            messages.success(request, _("The petition is being made. Its progress is shown below."))
        return redirect(request.path)

    def get_context_data(self, **kwargs):
        variants = documents.variants(self.key)
        kwargs.setdefault("document_form", DocumentForm(variants=variants))
        kwargs.setdefault(
            "delivered_form",
            DeliveredForm(
                initial={
                    "delivered_on": self.campaign.delivered_on or timezone.localdate(),
                    "delivered_to": self.campaign.delivered_to or self.campaign.target,
                }
            ),
        )
        return super().get_context_data(
            campaign=self.campaign,
            published=bool(variants),
            count=signature_count(self.key),
            names=documents.handed_over(self.key).count(),
            documents=documents.kept().filter(campaign_key=self.key).defer("pdf"),
            summary_url=reverse("campaigns_signature_summary", args=[self.campaign.pk]),
            **kwargs,
        )


class DownloadView(SignatureAdminMixin, View):
    """The PDF of a ready document. One asked for more than a week ago is refused even before the clock has
    deleted it (410), and one deleted already gets the same explanation (404), not a bare error page."""

    page_title = _("Petition document")
    template_name = "delivery/admin/document_gone.html"

    def get(self, request, document_id):
        document = PetitionDocument.objects.filter(pk=document_id).defer("pdf").first()
        if document is None:
            return self.gone(status=404)
        page = CampaignPage.by_campaign_key([document.campaign_key]).get(document.campaign_key)
        if documents.expired().filter(pk=document.pk).exists():
            return self.gone(page, status=410)
        pdf = PetitionDocument.objects.filter(
            pk=document.pk, status=PetitionDocument.Status.READY
        ).values_list("pdf", flat=True)
        content = next(iter(pdf), None)
        if content is None:
            raise Http404
        name = f"petition-{slugify(page.title if page else 'campaign')[:60]}-{document.requested_at:%Y-%m-%d}.pdf"
        # The admin's middleware marks it private and no-store, as every admin answer.
        return FileResponse(
            io.BytesIO(content), as_attachment=True, filename=name, content_type="application/pdf"
        )

    def gone(self, page=None, status=410):
        deliver_url = reverse("delivery_deliver", args=[page.pk]) if page else None
        return self.render_to_response(self.get_context_data(deliver_url=deliver_url), status=status)
