"""The integrity app in Wagtail's admin: the dashboard's trending sources (integrity.panels) and how the audit
log names a trend alert (integrity.trends)."""

from django.utils.translation import gettext, gettext_lazy
from wagtail import hooks
from wagtail.log_actions import LogFormatter

from integrity import panels, trends

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
