"""The integrity app's registrations with Wagtail's admin: the dashboard's trending sources (integrity.panels),
the invalidation pages (integrity.views) and their menu entry for Signature managers, and how the audit log
words a trend alert (integrity.trends) and an invalidation run."""

from django.urls import path, reverse
from django.utils.translation import gettext, gettext_lazy, ngettext
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.log_actions import LogFormatter

from campaigns.models.signature import RELEASE_SIGNATURES
from integrity import invalidation, panels, trends, views

hooks.register("construct_homepage_panels", panels.add_panel)


@hooks.register("register_log_actions")
def trend_log_actions(actions):
    """A trend alert as the "Logs" report says it: the source and the counts, never a signer."""

    @actions.register_action(trends.ALERT_ACTION)
    class TrendAlerted(LogFormatter):
        label = gettext_lazy("Source trending")

        def format_message(self, log_entry):
            data = log_entry.data
            return gettext("%(count)s of %(total)s signatures in an hour from one %(dimension)s") % {
                "count": data.get("count", 0),
                "total": data.get("total", 0),
                "dimension": dict(trends.Dimension.choices).get(data.get("dimension"), ""),
            }


@hooks.register("register_admin_urls")
def register_invalidation_urls():
    return [
        path(
            "integrity/invalidations/", views.InvalidationListView.as_view(), name="integrity_invalidations"
        ),
        path(
            "integrity/invalidations/new/",
            views.NewInvalidationView.as_view(),
            name="integrity_invalidation_new",
        ),
        path(
            "integrity/invalidations/<int:invalidation_id>/",
            views.InvalidationView.as_view(),
            name="integrity_invalidation",
        ),
        path(
            "integrity/invalidations/<int:invalidation_id>/<str:action>/",
            views.InvalidationActionView.as_view(),
            name="integrity_invalidation_action",
        ),
    ]


class PolicingMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(RELEASE_SIGNATURES)


@hooks.register("register_admin_menu_item")
def invalidations_menu_item():
    return PolicingMenuItem(
        gettext_lazy("Invalidations"), reverse("integrity_invalidations"), icon_name="warning", order=310
    )


@hooks.register("register_log_actions")
def invalidation_log_actions(actions):
    """Invalidation runs (integrity.invalidation), as the campaign page's history and the "Logs" report say
    it: which run and how many, never whose."""

    @actions.register_action(invalidation.INVALIDATE_ACTION)
    class Invalidate(LogFormatter):
        label = gettext_lazy("Invalidate signatures")

        def format_message(self, log_entry):
            number = log_entry.data.get("invalidated", 0)
            message = ngettext(
                "Invalidated %(number)d signature (run %(run)s)",
                "Invalidated %(number)d signatures (run %(run)s)",
                number,
            ) % {"number": number, "run": log_entry.data.get("run")}
            if log_entry.data.get("cancelled"):
                message += " " + str(gettext_lazy("(canceled)"))
            return message

    @actions.register_action(invalidation.REINSTATE_ACTION)
    class Reinstate(LogFormatter):
        label = gettext_lazy("Reinstate signatures")

        def format_message(self, log_entry):
            number = log_entry.data.get("reinstated", 0)
            return ngettext(
                "Reinstated %(number)d invalidated signature (run %(run)s)",
                "Reinstated %(number)d invalidated signatures (run %(run)s)",
                number,
            ) % {"number": number, "run": log_entry.data.get("run")}
