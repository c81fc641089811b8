"""Updates in Wagtail's admin: the snippet editors write and translators translate (with its preview), and the
Send page: a test to addresses the editor types, then the mailing to the campaign's signers, now or at a
chosen time (updates/scheduling.py), and its progress.

Editors (and administrators) may send: the `updates.send_update` permission (home's roles, updates/migrations).
Nobody here sees a signer's address: the page shows counts only.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.snippets.views.snippets import SnippetViewSet

from updates import recipients, scheduling, sending
from updates.forms import SendForm, TestSendForm
from updates.models import Mailing, Update

SEND_UPDATES = "updates.send_update"
# Messages to the editor use gettext, not the lazy _: a lazy one is read when the response is finished, after
# Wagtail has switched back from the editor's admin language to the site's default.


class UpdateViewSet(SnippetViewSet):
    model = Update
    icon = "mail"
    menu_label = _("Updates")
    menu_order = 260
    add_to_admin_menu = True
    list_display = ["subject", "campaign", "locale"]
    list_filter = ["locale"]


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
        return self.render_to_response(self.get_context_data())

    def post(self, request, update_id):
        self.load(update_id)
        if "test" in request.POST:
            return self.send_test(request)
        if "cancel" in request.POST:
            return self.cancel(request)
        scheduling_it = "schedule" in request.POST
        form = SendForm(request.POST, scheduling=scheduling_it)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        if scheduling_it:
            row = scheduling.schedule(self.update, form.cleaned_data["send_at"], request.user)
            messages.success(request, _("Scheduled for %(when)s.") % {"when": when(row.send_at)})
            return redirect(request.path)
        try:
            scheduling.cancel(self.update)  # sending now replaces a time chosen before
        except scheduling.AlreadyStarted:
            pass  # its time came meanwhile: sending again reaches only those who have not had it
        sending.start_mailing(self.update, request.user)
        messages.success(
            request, gettext("The update is being sent. The counts below show how far it has got.")
        )
        return redirect(request.path)

    def send_test(self, request):
        form = TestSendForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(test_form=form), status=400)
        addresses = form.cleaned_data["addresses"]
        try:
            sending.send_test(self.update, request.user, addresses)
        except OSError:  # smtplib's errors included: the mail server is down or refused an address
            messages.error(
                request,
                gettext("The mail server did not take the test, so it was not sent. Try again in a moment."),
            )
            return redirect(request.path)
        messages.success(
            request, _("A test was sent to %(addresses)s.") % {"addresses": ", ".join(addresses)}
        )
        return redirect(request.path)

    def cancel(self, request):
        try:
            cancelled = scheduling.cancel(self.update)
        except scheduling.AlreadyStarted:
            messages.error(
                request, gettext("It has already started to go out: it can no longer be cancelled.")
            )
        else:
            if cancelled:
                messages.success(request, gettext("The schedule is cancelled: nothing will be sent."))
        return redirect(request.path)

    def get_context_data(self, **kwargs):
        key = self.update.campaign.translation_key
        schedule = scheduling.current(self.update)
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
            schedule=schedule,
            schedule_when=when(schedule.send_at) if schedule else "",
            schedule_started=when(schedule.started_at) if schedule and schedule.started_at else "",
            form=kwargs.pop("form", None) or SendForm(initial=_moving(schedule)),
            test_form=kwargs.pop("test_form", None)
            or TestSendForm(initial={"addresses": self.request.user.email}),
            progress=sending.progress(mailing) if mailing else None,
            edit_url=reverse("wagtailsnippets_updates_update:edit", args=[self.update.pk]),
            **kwargs,
        )


def _moving(schedule):
    """The time a waiting schedule has, as the form's starting value: moving it starts from there."""
    if schedule is None or schedule.started_at is not None:
        return {}
    return {"send_at": timezone.localtime(schedule.send_at)}


def when(moment):
    """A moment as the Send page shows it: date and time in the current time zone, and that zone's name."""
    local = timezone.localtime(moment)
    return f"{formats.date_format(local, 'DATETIME_FORMAT')} ({timezone.get_current_timezone_name()})"


def urlpatterns():
    return [path("updates/<int:update_id>/send/", SendView.as_view(), name="updates_send")]
