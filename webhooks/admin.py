"""The admin of webhooks: endpoints (add, change, pause, a new secret) and the delivery log (retry by hand).

Administrators (superusers) only: an endpoint decides where signers' details leave the site, and the log
shows what was sent where. Registered with Wagtail in webhooks/wagtail_hooks.py.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.tables import Column, StatusTagColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import BasePermissionPolicy

from campaigns.models.pages import CampaignPage
from webhooks import delivery, sending
from webhooks.models import EVENT_DETAILS, EVENTS, FORGET_EVENTS, Delivery, Endpoint, event_label, new_secret

SECRET_SESSION_KEY = "webhook-secret:%s"  # the secret waiting to be shown once, after a save


class AdministratorsOnly(BasePermissionPolicy):
    """Only active superusers may do anything, whatever their groups say. `actions` limits what even they may
    do (the delivery log is written by the worker, never by hand)."""

    def __init__(self, model, actions=("add", "change", "delete", "view")):
        super().__init__(model)
        self.actions = actions

    def user_has_permission(self, user, action):
        return user.is_active and user.is_superuser and action in self.actions

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions):
        if not set(actions) & set(self.actions):
            return get_user_model().objects.none()
        return get_user_model().objects.filter(is_active=True, is_superuser=True)

    def users_with_permission(self, action):
        return self.users_with_any_permission([action])


class HttpsURLField(forms.URLField):
    """An address typed without a scheme is taken as https://."""

    def __init__(self, **kwargs):
        super().__init__(assume_scheme="https", **kwargs)


class EndpointForm(WagtailAdminModelForm):
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=[
            (event, format_lazy(_("{label}: {details}."), label=label, details=EVENT_DETAILS[event]))
            for event, label in EVENTS.items()
        ],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("What this receiver is told about."),
    )
    campaigns = forms.MultipleChoiceField(
        label=_("Campaigns"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave all unticked for every campaign, including those launched later."),
    )

    class Meta:
        model = Endpoint
        fields = ["name", "url", "events", "campaigns", "personal_data", "active"]
        field_classes = {"url": HttpsURLField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaigns"].choices = sorted(
            ((str(key), page.title) for key, page in CampaignPage.by_campaign_key().items()),
            key=lambda choice: choice[1],
        )

    def clean_url(self):
        url = self.cleaned_data["url"]
        sending.check_url(url)
        return url

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("personal_data") and not set(FORGET_EVENTS) <= set(cleaned.get("events") or ()):
            raise ValidationError(
                _(
                    "A receiver of signers' details must also be told when to delete them: tick the two events "
                    "about erasing signatures and deleting details."
                )
            )
        return cleaned


def _show_secret_once(request, endpoint):
    request.session[SECRET_SESSION_KEY % endpoint.pk] = endpoint.secret


class EndpointCreateView(generic.CreateView):
    def get_success_url(self):
        return reverse(self.edit_url_name, args=[self.object.pk])

    def save_instance(self):
        endpoint = super().save_instance()
        _show_secret_once(self.request, endpoint)
        return endpoint


class EndpointEditView(generic.EditView):
    template_name = "webhooks/admin/endpoint_edit.html"

    def save_instance(self):
        endpoint = super().save_instance()
        if endpoint.active:  # deliveries that waited while it was paused go now
            for pk in endpoint.deliveries.filter(status=Delivery.Status.PENDING).values_list("pk", flat=True):
                delivery.deliver.enqueue(pk)
        return endpoint

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["secret"] = self.request.session.pop(SECRET_SESSION_KEY % self.object.pk, None)
        context["new_secret_url"] = reverse("webhooks_endpoint_new_secret", args=[self.object.pk])
        context["deliveries_url"] = reverse("webhooks_delivery:index") + f"?endpoint={self.object.pk}"
        return context


@require_POST
def new_secret_view(request, pk):
    """Replace an endpoint's secret and show the new one once. The receiver must switch to it."""
    if not request.user.is_superuser:
        raise PermissionDenied
    endpoint = get_object_or_404(Endpoint, pk=pk)
    endpoint.secret = new_secret()
    endpoint.save(update_fields=["secret"])
    _show_secret_once(request, endpoint)
    messages.warning(request, _("A new secret was made: the old one no longer signs anything."))
    return redirect("webhooks_endpoint:edit", pk)


@require_POST
def retry_view(request, pk):
    """An administrator's "retry now" on a delivery that failed or still waits."""
    if not request.user.is_superuser:
        raise PermissionDenied
    pending = get_object_or_404(Delivery, pk=pk)
    if pending.status == Delivery.Status.DELIVERED:
        messages.info(request, _("This delivery has already arrived: it is not sent again."))
    else:
        delivery.retry_now(pending)
        messages.success(request, _("The delivery was queued to be sent again."))
    # `next` brings the administrator back to the filtered listing they pressed it on; only an address on this
    # site is followed, so a crafted form cannot send an administrator elsewhere from a trusted page.
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("webhooks_delivery:index")
    return redirect(target)


class EventsColumn(Column):
    def get_value(self, instance):
        return ", ".join(str(event_label(event)) for event in instance.events)


class RetryColumn(Column):
    cell_template_name = "webhooks/admin/retry_cell.html"


class EndpointViewSet(ModelViewSet):
    model = Endpoint
    icon = "link-external"
    menu_label = _("Endpoints")
    add_view_class = EndpointCreateView
    edit_view_class = EndpointEditView
    copy_view_enabled = False
    list_display = ["name", "url", EventsColumn("events", label=_("Events")), "personal_data", "active"]

    def get_form_class(self, for_update=False):
        return EndpointForm


class DeliveryViewSet(ModelViewSet):
    model = Delivery
    icon = "history"
    menu_label = _("Deliveries")
    copy_view_enabled = False
    inspect_view_enabled = True
    list_filter = ["status", "event", "endpoint"]
    list_display = [
        "created_at",
        "endpoint",
        "event",  # shown by Delivery.get_event_display
        "subject",
        StatusTagColumn(
            "status",
            accessor="get_status_display",
            label=_("Status"),
            primary=lambda row: row.status == Delivery.Status.DELIVERED,
        ),
        "attempts",
        "last_status",
        "last_error",
        RetryColumn("retry", label=_("Retry")),
    ]
    inspect_view_fields = [
        "endpoint",
        "event",
        "subject",
        "created_at",
        "status",
        "attempts",
        "last_attempt_at",
        "next_attempt_at",
        "delivered_at",
        "last_status",
        "last_error",
    ]
    form_fields = []


class WebhooksGroup(ViewSetGroup):
    items = (EndpointViewSet("webhooks_endpoint"), DeliveryViewSet("webhooks_delivery"))
    menu_label = _("Webhooks")
    menu_icon = "link-external"
    add_to_admin_menu = True


def extra_urls():
    return [
        path("webhooks/endpoint/<int:pk>/new-secret/", new_secret_view, name="webhooks_endpoint_new_secret"),
        path("webhooks/delivery/<int:pk>/retry/", retry_view, name="webhooks_delivery_retry"),
    ]
