"""Wagtail's page chooser, opening at the campaigns when only a campaign may be chosen.

Wagtail opens it at the first common ancestor of the pages of the type asked for: with campaigns in
several languages that is the root of the tree, and an editor choosing an update's campaign clicks through
a language's home and its campaign index first. Mounted in config/urls.py over Wagtail's own address.
"""

from django.views.decorators.cache import never_cache
from wagtail.admin.auth import require_admin_access
from wagtail.admin.views import chooser
from wagtail.coreutils import resolve_model_string
from wagtail.models import Locale

from campaigns.models.pages import CampaignIndexPage, CampaignPage


class CampaignChooserBrowseView(chooser.BrowseView):
    """Asked for campaigns only (the `page_type` a chooser for a CampaignPage field sends), with no page to
    start from, it opens at the campaign index in the admin's language, else in the default language.
    Everything else is Wagtail's browse view unchanged."""

    def get(self, request, parent_page_id=None):
        if parent_page_id is None and _asks_for_campaigns_only(request):
            index = _campaign_index()
            if index is not None:
                parent_page_id = index.pk
        return super().get(request, parent_page_id)


def _asks_for_campaigns_only(request):
    names = [name for name in request.GET.get("page_type", "").split(",") if name]
    try:
        return [resolve_model_string(name) for name in names] == [CampaignPage]
    except (ValueError, LookupError):
        return False  # Wagtail's own view answers with its 404


def _campaign_index():
    indexes = CampaignIndexPage.objects.order_by("path")
    return (
        indexes.filter(locale=Locale.get_active()).first()
        or indexes.filter(locale=Locale.get_default()).first()
        or indexes.first()
    )


browse = never_cache(require_admin_access(CampaignChooserBrowseView.as_view()))
