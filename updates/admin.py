"""Updates in Wagtail's admin: the snippet editors write and translators translate (with its preview), and the
Send page: a test to oneself, then the mailing to the campaign's signers and its progress.

Editors (and administrators) may send: the `updates.send_update` permission (home's roles, updates/migrations).
Nobody here sees a signer's address: the page shows counts only.
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.snippets.views.snippets import SnippetViewSet

from updates import recipients, sending
from updates.models import Mailing, Update

SEND_UPDATES = "updates.send_update"


class UpdateViewSet(SnippetViewSet):
    model = Update
    icon = "mail"
    menu_label = _("Updates")
    menu_order = 260
    add_to_admin_menu = True
    list_display = ["subject", "campaign", "locale"]
    list_filter = ["locale"]


class SendForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Yes, send it to every signer listed above"),
        error_messages={"required": _("Tick the box to say you mean to send it to the signers.")},
    )


class SendView(WagtailAdminTemplateMixin, TemplateView):
    page_title = _("Send an update")
    header_icon = "mail"
    template_name = "updates/admin/send.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(SEND_UPDATES):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def load(self, update_id):
        self.update = get_object_or_404(Update.objects.select_related("locale", "campaign"), pk=update_id)

    def get_page_title(self):
        return _("Send “%(subject)s”") % {"subject": self.update.subject}

    def get_page_subtitle(self):
        # Two campaigns may have updates with the same subject ("We handed it over"): say whose signers.
        return _("to the signers of “%(campaign)s”") % {"campaign": self.update.campaign.title}

    def get(self, request, update_id):
        self.load(update_id)
        return self.render_to_response(self.get_context_data(form=SendForm()))

    def post(self, request, update_id):
        self.load(update_id)
        if "test" in request.POST:
            if not request.user.email:
                messages.error(
                    request, _("Your account has no email address: add one in your account settings.")
                )
            else:
                sending.send_test(self.update, request.user)
                messages.success(request, _("A test was sent to %(email)s.") % {"email": request.user.email})
            return redirect(request.path)
        form = SendForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        sending.start_mailing(self.update, request.user)
        messages.success(request, _("The update is being sent. The counts below show how far it has got."))
        return redirect(request.path)

    def get_context_data(self, **kwargs):
        key = self.update.campaign.translation_key
        mailing = Mailing.objects.filter(update__translation_key=self.update.translation_key).first()
        waiting = recipients.recipients(key)
        if mailing is not None:
            waiting = waiting.exclude(pk__in=mailing.deliveries.exclude(signature=None).values("signature"))
        fallback = recipients.source_language(key)
        translated = set(
            Update.objects.filter(translation_key=self.update.translation_key).values_list(
                "locale__language_code", flat=True
            )
        )
        names = dict(settings.LANGUAGES)  # languages by name, as the team speaks of them
        per_language = []
        for language, n in waiting.values_list("locale").annotate(n=Count("pk")).order_by("-n", "locale"):
            sent_in = language if language in translated else fallback
            per_language.append((language, names.get(language, language), names.get(sent_in, sent_in), n))
        return super().get_context_data(
            update=self.update,
            waiting=sum(row[-1] for row in per_language),
            per_language=per_language,
            mailing=mailing,
            progress=sending.progress(mailing) if mailing else None,
            edit_url=reverse("wagtailsnippets_updates_update:edit", args=[self.update.pk]),
            **kwargs,
        )


def urlpatterns():
    return [path("updates/<int:update_id>/send/", SendView.as_view(), name="updates_send")]
