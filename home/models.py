"""The home page: the root of each locale's tree."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from campaigns import social_proof
from campaigns.blocks import RICH_TEXT_FEATURES
from campaigns.models.pages import CampaignPage
from serving import site_structure


class HomePage(site_structure.KnownRestrictionsMixin, Page):
    """The front page of one language's site: a welcome, the featured campaign and the open campaigns."""

    hero_heading = models.CharField(
        _("welcome heading"),
        max_length=160,
        help_text=_(
            "The big heading at the top of the home page, for example 'Privacy is a right, not a product'."
        ),
    )
    intro = RichTextField(
        _("introduction"),
        blank=True,
        features=RICH_TEXT_FEATURES,
        help_text=_("A few sentences about your organisation and why people should act."),
    )
    featured_campaign = models.ForeignKey(
        "campaigns.CampaignPage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The campaign shown large at the top. Leave empty to show the newest open one."),
    )

    content_panels = Page.content_panels + [
        MultiFieldPanel([FieldPanel("hero_heading"), FieldPanel("intro")], heading=_("Welcome")),
        FieldPanel("featured_campaign"),
    ]
    search_fields = Page.search_fields + [index.SearchField("intro")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["campaigns.CampaignIndexPage", "campaigns.PrivacyPage"]

    class Meta:
        verbose_name = _("home page")

    def open_campaigns(self):
        return [campaign for campaign in CampaignPage.listed_under(self) if campaign.is_open]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        campaigns = self.open_campaigns()
        featured = self.featured_campaign
        if featured is not None:
            # The featured campaign in this page's language, from the campaigns already loaded where it is open.
            translation = site_structure.for_request(request).localized(featured)
            open_one = next((c for c in campaigns if c.pk == translation.pk), None)
            featured = open_one or (translation.specific if translation.live else None)
        if featured is None:
            featured = campaigns[0] if campaigns else None
        # Every card's count and goal in one query (campaigns.social_proof explains how fresh they are).
        social_proof.with_counts([featured, *campaigns])
        context["featured_campaign"] = featured
        context["other_campaigns"] = [c for c in campaigns if featured is None or c.pk != featured.pk]
        return context
