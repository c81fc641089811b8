"""The privacy notice: a page in each language that says who holds signers' data, why, for how long, what
signers may ask and whom to ask. Every consent line of the petition form, the form itself, every mail to a
signer and the site's footer link to it, in the signer's language (`privacy_notice`).

It lives in campaigns, not home, because what it promises is the petition's: the form and the mails that
link to it are campaigns', and so are the retention rules it states (campaigns.privacy). campaigns never
imports home, so the page the campaigns link to must be theirs.

How long details are kept is not typed by the editor: the notice reads it from the campaigns themselves
(each campaign's "keep signers' details for" setting) and from the rules in campaigns.privacy, so it can
never promise what the site does not do.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, HelpPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Locale, Page
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField

from campaigns.blocks import RICH_TEXT_FEATURES
from campaigns.models.pages import CampaignPage
from campaigns.models.signature import CONFIRMATION_MAX_AGE, UNCONFIRMED_GRACE


class PrivacyPage(Page):
    """The organisation's privacy notice for signers (one per language; wagtail-localize translates it)."""

    controller_name = models.CharField(
        _("who is responsible"),
        max_length=160,
        help_text=_(
            "The organisation that decides what happens to signers' data (the 'data controller'), "
            "for example 'Stand Up For Privacy e.V.'."
        ),
    )
    controller_address = models.TextField(
        _("postal address"),
        help_text=_("The organisation's postal address, as on official letters."),
    )
    contact_email = models.EmailField(
        _("contact email"),
        help_text=_(
            "Where signers write to see, correct or delete their data, for example privacy@example.org."
        ),
    )
    intro = RichTextField(
        _("introduction"),
        blank=True,
        features=RICH_TEXT_FEATURES,
        help_text=_("A sentence or two in plain words: what this notice covers."),
    )
    purposes = RichTextField(
        _("what we collect and why"),
        features=RICH_TEXT_FEATURES,
        help_text=_(
            "Which details signers give (name, email, country…), what you use each for, and on what legal "
            "basis (consent for newsletters and updates). Say who else receives them, if anyone."
        ),
    )
    rights = RichTextField(
        _("signers' rights"),
        features=RICH_TEXT_FEATURES,
        help_text=_(
            "What signers may ask: to see their data, correct it, have it deleted, withdraw consent, and "
            "complain to a data protection authority (name yours)."
        ),
    )

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [FieldPanel("controller_name"), FieldPanel("controller_address"), FieldPanel("contact_email")],
            heading=_("Who is responsible"),
        ),
        FieldPanel("intro"),
        FieldPanel("purposes"),
        HelpPanel(
            content=_(
                "<p>How long signers' details are kept is not written here: the page lists it for each "
                "campaign from the campaign's own setting, so it always says what the site does.</p>"
            )
        ),
        FieldPanel("rights"),
    ]
    search_fields = Page.search_fields + [index.SearchField("purposes"), index.SearchField("rights")]
    # The organisation's address and mailbox are facts, the same in every language.
    override_translatable_fields = [
        SynchronizedField("controller_address"),
        SynchronizedField("contact_email"),
    ]

    parent_page_types = ["home.HomePage"]
    subpage_types = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("privacy notice")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["retention"] = self.retention()
        context["unconfirmed_days"] = (CONFIRMATION_MAX_AGE + UNCONFIRMED_GRACE).days
        return context

    def retention(self):
        """[(campaign, days or None)] for the live campaigns in this notice's language, newest first: how long
        each keeps its signers' details after it closes (None: until the organisation deletes them)."""
        campaigns = (
            CampaignPage.objects.live()
            .public()
            .filter(locale_id=self.locale_id)
            .only("title", "retention_days", "url_path", "locale_id")
            .order_by("-first_published_at")
        )
        return [(campaign, campaign.retention_days) for campaign in campaigns]


def privacy_notice(locale=None):
    """The live privacy notice in `locale` (the active language's by default), else the default locale's,
    else None: a new site without one links nowhere rather than to a missing page."""
    locale = locale or Locale.get_active()
    notices = PrivacyPage.objects.live().public().select_related("locale")
    notice = notices.filter(locale=locale).first()
    if notice is None:
        notice = notices.filter(locale__language_code=Locale.get_default().language_code).first()
    return notice
