"""The admin dashboard tells administrators when mails are not going out (the operator's view of what
/readyz reports): how many wait to be tried again, how many failed for good, and the last error's kind."""

from wagtail import hooks
from wagtail.admin.ui.components import Component

from ops import tasks


class MailDeliveryPanel(Component):
    template_name = "ops/admin/mail_delivery_panel.html"
    order = 50  # above the dashboard's own panels

    def __init__(self, failing):
        self.failing = failing

    def get_context_data(self, parent_context=None):
        return {"failing": self.failing}


@hooks.register("construct_homepage_panels")
def warn_about_failing_mail(request, panels):
    if not request.user.is_superuser or not tasks.uses_database_queue():
        return
    failing = tasks.failing_summary()
    if failing.retrying or failing.failed:
        panels.append(MailDeliveryPanel(failing))
