"""What the Signatures area writes to Wagtail's audit log ("Logs" report, each campaign page's history): who
erased or exported how many signatures of which campaign, and when. Counts only, never whose: the log is read
by people who may not see signers. (Releases: campaigns.admin.release; the integrity rules' settings are
logged by Wagtail's own settings view; invalidation runs by integrity.invalidation.)"""

from django.db.models import Count
from wagtail.log_actions import log

from campaigns.models.pages import CampaignPage

ERASE_ACTION = "campaigns.erase_signatures"
EXPORT_ACTION = "campaigns.export_signatures"


def per_campaign(signatures):
    """{campaign key: how many} of a queryset of signatures (one grouped query)."""
    return dict(signatures.values_list("campaign_key").annotate(n=Count("pk")).order_by())


def log_per_campaign(action, counts, user, **data):
    """One entry of `action` on each campaign's page, with its number (`count`) and `data`."""
    pages = CampaignPage.by_campaign_key(counts)
    for key, number in counts.items():
        if key in pages:
            log(pages[key], action, user=user, data={"count": number, **data})
