"""A trending source (integrity.trends) mailed to every active Signature manager, each in their admin language.

One task per alert and manager, queued when the alert is announced (after its commit): a task takes ids only,
and a mail server that fails one manager's mail retries that one (ops/tasks.py), not the others'. The mail is
in the organisation's layout (branding.mail), like the signers' mails, and names no signer: the source, the
counts and a link to the hour's signatures in the admin.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.template.defaultfilters import floatformat
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django_tasks import task
from wagtail.users.models import UserProfile

from branding import mail as branding
from campaigns.models.pages import CampaignPage
from integrity import trends
from integrity.models import TrendAlert
from ops import mail

MANAGERS = "Signature managers"


def managers():
    """The active Signature managers who have an address to mail."""
    return get_user_model().objects.filter(groups__name=MANAGERS, is_active=True).exclude(email="").distinct()


@task(takes_context=True)
def mail_manager(context, alert_id, user_id):
    """Mail one Signature manager about one trending source, in their admin language."""
    alert = TrendAlert.objects.filter(pk=alert_id).first()
    user = managers().filter(pk=user_id).first()
    if alert is None or user is None:  # the alert deleted, the manager left the group meanwhile
        return
    campaign = CampaignPage.by_campaign_key([alert.campaign_key]).get(alert.campaign_key)
    # The manager's own choice, else the site's default: never the language this process happens to have
    # active (Wagtail's get_preferred_language falls back to it, which in a worker is the last task's).
    language = UserProfile.get_for_user(user).preferred_language or settings.LANGUAGE_CODE
    hour = timezone.localtime(alert.hour)
    with translation.override(language):
        values = {
            "alert": alert,
            "campaign": campaign.title if campaign else str(alert.campaign_key),
            "hour": f"{formats.date_format(hour, 'DATETIME_FORMAT')} ({hour.tzname()})",
            "share": floatformat(alert.share * 100, 0),
            "usual_share": floatformat(alert.usual_share * 100, -1),
            "signatures_url": settings.BASE_URL.rstrip("/") + trends.signatures_url(alert),
        }
        subject = " ".join(render_to_string("integrity/emails/trend_alert_subject.txt", values).split())
        body = render_to_string("integrity/emails/trend_alert_body.txt", values).strip()
        brand = branding.brand_of_page(campaign)
        layout = branding.context(brand, first_name=user.first_name)
        message = branding.message(
            "emails/signer",
            {**layout, "subject": subject, "body_text": body},
            subject=subject,
            to=[user.email],
            headers={
                "Auto-Submitted": "auto-generated",
                "Message-ID": mail.message_id(context.task_result.task.name, context.task_result.id),
            },
        )
    message.send()


def _on_trend_alert(alert, **kwargs):
    for user_id in managers().values_list("pk", flat=True):
        mail_manager.enqueue(alert.pk, user_id)


def connect():
    trends.trend_alert.connect(_on_trend_alert, dispatch_uid="integrity-mail-managers")
