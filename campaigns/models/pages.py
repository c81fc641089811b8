"""Page types: the campaign index and the campaign page, whose petition is the page's form.

A campaign page is a Wagtail form page (AbstractEmailForm) whose submissions are `Signature` rows, so
Wagtail's own Forms admin, submission listing and CSV/XLSX export work for petitions.

Longer than 400 lines, for a reason: a Wagtail page type is one class, its fields, help texts and panels
(what an editor sees on each tab) side by side, and CampaignPage has four tabs of them. What is not the page's
own lives elsewhere: the form (campaigns.forms), the signing (campaigns.signing), the views (campaigns.views),
the copy checklist (campaigns.copying), the panels' code (campaigns.panels).
"""

from datetime import UTC, datetime

from django.db import models
from django.db.models import Min
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    HelpPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.contrib.forms.models import AbstractEmailForm, AbstractFormField
from wagtail.contrib.forms.panels import FormSubmissionsPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Locale, Page, PagePermissionTester, TranslatableMixin
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField

from campaigns import goals
from campaigns.blocks import RICH_TEXT_FEATURES, CampaignBodyBlock, ReferencesBlock
from campaigns.copying import CampaignCopyForm
from campaigns.fields import LocalisedNumberField
from campaigns.forms import PetitionFormBuilder, likely_country, question_name
from campaigns.models.counter import signature_count, with_counts
from campaigns.models.signature import ERASE_SIGNATURES, Signature
from campaigns.new_campaigns import closing_notice
from campaigns.panels import CampaignPageForm, CopiedWordsPanel, EmbedSnippetPanel
from campaigns.signer_fields import DATA_COLUMNS
from serving import site_structure


class SignedPagesPermissionTester(PagePermissionTester):
    """Wagtail's page permissions, except that deleting a page that was signed on, or one above such pages,
    needs the permission to erase signatures: deleting a page deletes the signatures made on it (the
    database cascades). Editors may publish, and Wagtail lets whoever may publish a page delete it; they
    could otherwise erase signers they may not even see. A campaign nobody signed is deleted as any page."""

    def can_delete(self, ignore_bulk=False):
        return super().can_delete(ignore_bulk) and (
            self.user.has_perm(ERASE_SIGNATURES)
            or not Signature.objects.filter(page__path__startswith=self.page.path).exists()
        )


class CampaignIndexPage(site_structure.KnownRestrictionsMixin, Page):
    """Lists a locale's campaigns: open ones first, then closed ones."""

    intro = RichTextField(
        blank=True,
        features=RICH_TEXT_FEATURES,
        help_text=_("A short introduction shown above the list of campaigns."),
    )

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]

    parent_page_types = ["home.HomePage"]
    subpage_types = ["campaigns.CampaignPage"]

    class Meta:
        verbose_name = _("campaign list")

    def permissions_for_user(self, user):
        # Deleting the list deletes its campaigns and their signatures. Only a role with Wagtail's bulk_delete
        # (none of home's roles has it) may delete a page with children, and then not over signers either.
        return SignedPagesPermissionTester(user, self)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        campaigns = with_counts(CampaignPage.listed_under(self))
        context["open_campaigns"] = [c for c in campaigns if c.is_open]
        context["closed_campaigns"] = [c for c in campaigns if not c.is_open]
        return context


class FieldChoice(models.TextChoices):
    REQUIRED = "required", _("Shown and required")
    OPTIONAL = "optional", _("Shown, optional")
    HIDDEN = "hidden", _("Not shown")


def _field_choice(label, default, help_text):
    return models.CharField(
        label, max_length=10, choices=FieldChoice.choices, default=default, help_text=help_text
    )


class CampaignFormField(TranslatableMixin, AbstractFormField):
    """An extra question an editor adds to a petition (answers are stored in the signature's JSON)."""

    page = ParentalKey("campaigns.CampaignPage", on_delete=models.CASCADE, related_name="form_fields")

    class Meta(TranslatableMixin.Meta, AbstractFormField.Meta):
        verbose_name = _("extra question")
        verbose_name_plural = _("extra questions")


class CampaignPage(site_structure.KnownRestrictionsMixin, RoutablePageMixin, AbstractEmailForm):
    """A campaign: the story (Content), the petition (Petition) and how it is shared (Promote).

    The petition is the page's Wagtail form: PetitionFormBuilder builds it, the petition route hands each
    post to campaigns.views.petition, which has campaigns.signing.sign decide (not Wagtail's
    process_form_submission), and its rows are Signatures. Routes: the page itself (form, or closed) and
    `thank-you/` (the state after signing, reached by post/redirect/get).
    """

    # Content
    hero_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The large picture at the top of the page. Landscape, at least 1600 pixels wide."),
    )
    summary = models.TextField(
        max_length=400,
        help_text=_(
            "One or two sentences that say what the campaign asks. Shown in lists and search results."
        ),
    )
    body = StreamField(
        CampaignBodyBlock(),
        blank=True,
        help_text=_(
            "The story of the campaign. Type [1], [2]… in the text to point to the references below."
        ),
    )
    references = StreamField(
        ReferencesBlock(),
        blank=True,
        help_text=_("Sources for the facts in the text, in the order of their numbers [1], [2]…"),
    )

    # Petition
    target = models.CharField(
        _("target"),
        max_length=160,
        help_text=_("Who the petition is addressed to, for example 'Amazon Ring'."),
    )
    cta_heading = models.CharField(
        _("call to action"),
        max_length=160,
        help_text=_("The heading above the form, for example 'Sign the letter to Amazon Ring'."),
    )
    ask = RichTextField(
        _("petition text"),
        blank=True,
        features=RICH_TEXT_FEATURES,
        help_text=_("The letter or demand that signers put their name to, shown beside the form."),
    )
    signature_goal = LocalisedNumberField(
        _("signature goal"),
        default=10000,
        help_text=_(
            "The number of signatures you aim for. The progress bar fills up towards it. "
            "Translators may set a different goal for their language."
        ),
    )
    goal_steps_up = models.BooleanField(
        _("raise the goal as it is reached"),
        default=False,
        help_text=_(
            "Once 90 % of the goal have signed, the page shows the next round number as the goal: "
            "100 → 250 → 500 → 1,000 → 2,500 → 5,000 → 10,000, and so on. A goal of 1,000 becomes 2,500 when "
            "900 have signed. Each goal reached is listed with its date in the campaign summary."
        ),
    )
    closing_date = models.DateTimeField(
        _("closing date"),
        null=True,
        blank=True,
        help_text=_(
            "After this moment the form disappears and the final count is shown. Leave empty to keep it open."
        ),
    )
    show_latest_signers = models.BooleanField(
        _("show the latest signers"),
        default=False,
        help_text=_(
            "Show the five latest people who signed (and are counted) beside the form, by first name and "
            "country only, for example 'Ada from United Kingdom signed'. Never their last name, email, postal "
            "code or comment. Signers whose details were deleted are never shown."
        ),
    )
    closed = models.BooleanField(
        _("close the petition now"),
        default=False,
        help_text=_("Tick to stop collecting signatures straight away, whatever the closing date."),
    )
    confirmation_required = models.BooleanField(
        _("ask signers to confirm by email"),
        default=False,
        help_text=_(
            "Signers get an email with a link to click. Only confirmed signatures are counted. "
            "Recommended for petitions that will be handed over officially."
        ),
    )
    confirmation_reminder_hours = models.PositiveSmallIntegerField(
        _("remind after (hours)"),
        default=24,
        help_text=_(
            "Signers who have not clicked their confirmation link get one reminder this many hours after "
            "signing. 0: no reminder."
        ),
    )
    first_name_field = _field_choice(
        _("first name"), FieldChoice.REQUIRED, _("Ask for the signer's first name?")
    )
    last_name_field = _field_choice(
        _("last name"), FieldChoice.REQUIRED, _("Ask for the signer's last name?")
    )
    country_field = _field_choice(
        _("country"), FieldChoice.REQUIRED, _("Ask which country the signer lives in?")
    )
    postal_code_field = _field_choice(
        _("postal code"), FieldChoice.OPTIONAL, _("Ask for a postal code (useful to group signers by area)?")
    )
    comment_field = _field_choice(
        _("comment"), FieldChoice.HIDDEN, _("Let signers add a personal message to the target?")
    )
    newsletter_opt_in = models.BooleanField(
        _("offer the newsletter"),
        default=True,
        help_text=_("Show an unticked box that signers can tick to get news from you by email."),
    )
    newsletter_opt_in_label = models.CharField(
        _("newsletter box text"),
        max_length=255,
        blank=True,
        help_text=_("The words beside the newsletter box. Leave empty for the standard wording."),
    )
    updates_opt_in = models.BooleanField(
        _("offer updates about this petition"),
        default=True,
        help_text=_(
            "Show an unticked box that signers can tick to get emails about this petition: when it is handed "
            "over, what the target answers. Updates go only to those who ticked it and confirmed their "
            "address, so 'ask signers to confirm by email' must be on too; the box is shown only then."
        ),
    )
    updates_opt_in_label = models.CharField(
        _("updates box text"),
        max_length=255,
        blank=True,
        help_text=_("The words beside the updates box. Leave empty for the standard wording."),
    )
    name_handover = models.BooleanField(
        _("ask to hand signers' names to the target"),
        default=False,
        help_text=_(
            "Show an unticked box: 'Hand my name and country to the target with the petition.' Only the "
            "names and countries of those who tick it are printed in the petition you deliver; everyone "
            "else is only counted. Never their email or postal address."
        ),
    )
    name_handover_label = models.CharField(
        _("name box text"),
        max_length=255,
        blank=True,
        help_text=_("The words beside the name box. Leave empty for the standard wording."),
    )
    consent_text = models.TextField(
        _("consent wording"),
        help_text=_(
            "Shown above the sign button and stored with every signature, so you can prove what people agreed to. "
            "Say what you will do with their data and link to your privacy notice."
        ),
    )
    thank_you_heading = models.CharField(
        _("thank-you heading"),
        max_length=160,
        blank=True,
        help_text=_("Shown after signing. Leave empty for 'Thank you for signing!'."),
    )
    thank_you_text = RichTextField(
        _("thank-you text"),
        blank=True,
        features=RICH_TEXT_FEATURES,
        help_text=_(
            "Shown after signing, above the share links. Ask signers to share or take the next step."
        ),
    )
    share_step = models.BooleanField(
        _("ask signers to share"),
        default=True,
        help_text=_(
            "After signing, show the share step: the phone's own share menu where there is one, otherwise "
            "links to email, WhatsApp, Mastodon, Bluesky, X and Facebook, and a 'copy link' button. The "
            "message is the share text under Promote."
        ),
    )
    donate_url = models.URLField(
        _("donation link"),
        blank=True,
        help_text=_(
            "Where signers can give, for example https://example.org/donate. After sharing, signers are "
            "asked to donate. Leave empty to leave the donation ask out."
        ),
    )
    donate_text = models.CharField(
        _("donation ask"),
        max_length=240,
        blank=True,
        help_text=_(
            "A sentence or two above the donate button, for example 'We are funded by people like you. "
            "Can you chip in €5 to keep this campaign going?'. Leave empty for the standard wording."
        ),
    )
    next_action_page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("next action"),
        help_text=_("A campaign or page to suggest once someone has signed."),
    )
    next_action_text = models.CharField(
        _("next action text"),
        max_length=160,
        blank=True,
        help_text=_(
            "The link's words, for example 'Now ask your MP to act'. Leave empty to use the page title."
        ),
    )
    delivered_on = models.DateField(
        _("delivered on"),
        null=True,
        blank=True,
        help_text=_(
            "The day you handed the petition over. Once set and published, the page says 'Delivered to … "
            "on …' in every language. Leave empty until then."
        ),
    )
    delivered_to = models.CharField(
        _("delivered to"),
        max_length=160,
        blank=True,
        help_text=_(
            "Who received it, for example 'Amazon'. The same in every language; leave empty to use each "
            "language's target."
        ),
    )
    embed_enabled = models.BooleanField(
        _("let partner sites embed the petition"),
        default=False,
        help_text=_(
            "Partner organisations can then show this petition's form on their own web pages. Only the "
            "sites listed below can, and only once you publish. Signatures made there count like any "
            "other, and the summary says which partner's site they came from. A copy of this campaign "
            "starts with embedding off."
        ),
    )
    retention_days = models.PositiveIntegerField(
        _("keep signers' details for (days)"),
        null=True,
        blank=True,
        help_text=_(
            "Signers' names and email addresses are deleted this many days after the petition closes; "
            "the counts stay. Leave empty to keep them until you delete them."
        ),
    )

    # Promote
    share_text = models.CharField(
        _("share text"),
        max_length=240,
        blank=True,
        help_text=_("The message people post when they share the campaign. Leave empty to use the summary."),
    )
    social_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "Shown when the page is shared on social media (1200×630 works best). Defaults to the hero image."
        ),
    )

    # Which campaign this one was copied from (campaigns.copying), so the edit view can list the words still
    # the same as there. Not an editor's field: the copy view sets it, and it empties if the source goes.
    copied_from = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("copied from"),
    )

    content_panels = (
        [CopiedWordsPanel()]
        + Page.content_panels
        + [
            FieldPanel("summary"),
            FieldPanel("hero_image"),
            FieldPanel("body"),
            FieldPanel("references"),
        ]
    )
    petition_panels = [
        HelpPanel(
            content=_(
                "<p>The petition is the form at the bottom of the page. Set who it is addressed to, what it asks, "
                "which details signers give, and what they see after signing.</p>"
            )
        ),
        MultiFieldPanel(
            [
                FieldPanel("target"),
                FieldPanel("cta_heading"),
                FieldPanel("ask"),
                FieldPanel("signature_goal"),
                FieldPanel("goal_steps_up"),
                FieldPanel("show_latest_signers"),
            ],
            heading=_("The ask"),
        ),
        MultiFieldPanel(
            [FieldPanel("closing_date"), FieldPanel("closed")],
            heading=_("Opening and closing"),
        ),
        MultiFieldPanel(
            [FieldPanel("confirmation_required"), FieldPanel("confirmation_reminder_hours")],
            heading=_("Confirmation by email"),
            help_text=_(
                "With confirmation on, signers are told to check their inbox and can have the email sent "
                "again. Signatures whose link was never clicked are deleted a day after the link expires "
                "(after 7 days)."
            ),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("first_name_field"), FieldPanel("last_name_field")]),
                FieldRowPanel([FieldPanel("country_field"), FieldPanel("postal_code_field")]),
                FieldPanel("comment_field"),
                FieldPanel("newsletter_opt_in"),
                FieldPanel("newsletter_opt_in_label"),
                FieldPanel("updates_opt_in"),
                FieldPanel("updates_opt_in_label"),
                FieldPanel("name_handover"),
                FieldPanel("name_handover_label"),
                FieldPanel("consent_text"),
            ],
            heading=_("What signers fill in"),
            help_text=_("Email address is always asked for: it makes sure each person signs only once."),
        ),
        InlinePanel("form_fields", heading=_("Extra questions"), label=_("Question")),
        MultiFieldPanel(
            [
                FieldPanel("thank_you_heading"),
                FieldPanel("thank_you_text"),
                FieldPanel("share_step"),
                FieldPanel("donate_url"),
                FieldPanel("donate_text"),
                FieldPanel("next_action_page"),
                FieldPanel("next_action_text"),
            ],
            heading=_("After signing"),
            help_text=_(
                "After signing, people see these steps in this order: share, donate, the next action. "
                "Each is shown only when it is set."
            ),
        ),
        MultiFieldPanel(
            [FieldPanel("delivered_on"), FieldPanel("delivered_to")],
            heading=_("Delivery"),
            help_text=_(
                "Signature managers make the petition to hand over (a PDF) with the button Deliver the "
                "petition at the top of this page, and mark it delivered there. You may also say so here."
            ),
        ),
        MultiFieldPanel(
            [
                FieldPanel("embed_enabled"),
                InlinePanel(
                    "embed_partners",
                    heading=_("Partner sites"),
                    label=_("Partner site"),
                    help_text=_(
                        "Each site that may show the petition: a name for the summary and the site's "
                        "address (https://…, no page path, no wildcards)."
                    ),
                ),
                EmbedSnippetPanel(),
            ],
            heading=_("Embedding on partner sites"),
            help_text=_(
                "Let the coalition's partners show this petition on their own sites. After you publish, "
                "copy the code below and send it to them: they paste it into their page."
            ),
            classname="collapsed",
        ),
        # Legal and operations settings: how long personal data is kept and who receives every signer's
        # details by mail are decisions for an administrator, not for every editor of the page's words.
        # The permission is on each field, which leaves it out of other users' forms (on a group it would
        # only hide it, and saving the page would then blank it).
        MultiFieldPanel(
            [FieldPanel("retention_days", permission="superuser")],
            heading=_("Personal data"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("to_address", permission="superuser"),
                FieldPanel("from_address", permission="superuser"),
                FieldPanel("subject", permission="superuser"),
            ],
            heading=_("Notify your team"),
            help_text=_("Optional: email these addresses about every new signature. Leave empty for none."),
            classname="collapsed",
        ),
        FormSubmissionsPanel(),
    ]
    promote_panels = [
        MultiFieldPanel([FieldPanel("share_text"), FieldPanel("social_image")], heading=_("Sharing")),
    ] + Page.promote_panels

    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading=_("Content")),
            ObjectList(petition_panels, heading=_("Petition")),
            ObjectList(promote_panels, heading=_("Promote")),
            ObjectList(Page.settings_panels, heading=_("Settings")),
        ]
    )

    search_fields = Page.search_fields + [
        index.SearchField("summary", boost=2),
        index.SearchField("body"),
        index.SearchField("target"),
        index.SearchField("ask"),
    ]

    parent_page_types = ["campaigns.CampaignIndexPage"]
    subpage_types = []

    # Whether and how a campaign collects signatures is one decision for all its languages: these fields
    # are copied to every translation and never overridden (campaigns/signals.py copies them on publish,
    # too, so closing one language closes them all). Text fields (target, consent wording, share text,
    # the story and its figures) are translated, reference links can be overridden, and the goal is a
    # LocalisedNumberField: each is a fact a locale may state its own way.
    CAMPAIGN_WIDE_FIELDS = [
        "closed",
        "closing_date",
        "confirmation_required",
        "confirmation_reminder_hours",
        "retention_days",
        "delivered_on",
        "delivered_to",
        "embed_enabled",
        "show_latest_signers",
    ]
    # A copy made in the admin is a new campaign: it has not been delivered. (A translation is the same
    # campaign: campaigns/signals.py gives it these from the page it was translated from.)
    # Nor is it embedded anywhere yet: embedding starts off, and its partner list (kept, since coalitions
    # often run the next campaign together) does nothing until an editor switches it on. Nor closed by
    # hand: a copy of a closed petition is the next one, open (its closing date is on its checklist).
    NOT_COPIED_TO_NEW_CAMPAIGNS = ["delivered_on", "delivered_to", "embed_enabled", "closed"]
    # Where a page was copied from is set on each copy (campaigns.copying.record_copy), and a translation
    # of a copy is no copy of anything: it starts without one.
    exclude_fields_in_copy = NOT_COPIED_TO_NEW_CAMPAIGNS + ["copied_from"]
    override_translatable_fields = [
        SynchronizedField(name, overridable=False) for name in [*CAMPAIGN_WIDE_FIELDS, "embed_partners"]
    ]

    class Meta:
        verbose_name = _("campaign")

    form_builder = PetitionFormBuilder
    base_form_class = CampaignPageForm
    copy_form_class = CampaignCopyForm
    takes_posts = True  # its petition: serving.views.serve_page refuses posts to other pages
    # Fetched with the page when it is served (serving.site_structure.route): the hero is on every view.
    serve_select_related = ["locale", "hero_image", "next_action_page"]
    preview_modes = [("form", _("Petition")), ("landing", _("Thank you"))]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["reference_count"] = len(self.references)
        # The petition block's state picks its partial (templates/campaigns/petition/petition.html).
        context["petition_state"] = "form" if self.is_open else "closed"
        # A few counter rows summed: the page never reads the signatures table.
        context["signature_count"] = count = signature_count(self.translation_key)
        context["signature_goal"] = self.current_goal(count)
        context["closing_notice"] = closing_notice(self)
        return context

    # The petition, through Wagtail's form-page override points.

    # The views are imported when called, not at the top: they import Wagtail's page view, which needs every
    # app's models loaded, and this module is imported while Django loads them.

    @path("")
    def petition(self, request):
        from campaigns.views import petition as views  # here: see above

        return views.petition(request, self)

    @path("thank-you/")
    def thank_you(self, request):
        from campaigns.views import petition as views  # here: see above

        return views.thank_you(request, self)

    def serve_preview(self, request, mode_name):
        if mode_name == "landing":
            return self.thank_you(request)
        return super().serve_preview(request, mode_name)

    def get_form_class(self):
        return self.form_builder(self).get_form_class()

    # What the server renders and checks before it forks its workers (ops.warmup), so none starts cold.
    warm_up_routes = ("thank_you",)
    WARM_UP_SIGNER = {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "email": "warm-up@example.org",
        "postal_code": "10001",
    }

    def warm_up_post(self, request):
        """Validate (never store) a signing form with every kind of field a signer fills in (ops.warmup)."""
        data = {**self.WARM_UP_SIGNER, "country": likely_country(self.locale.language_code) or "US"}
        self.petition_form(request, data).is_valid()

    def petition_form(self, request, *args):
        """The signing form for a request. Its class is built once per page and content generation (the page's
        settings and questions only change with a save, which starts a new generation), except in a preview,
        whose unsaved settings are the point."""
        if getattr(request, "is_preview", False):
            form_class = self.get_form_class()
        else:
            memo = site_structure.for_request(request).memo
            key = ("petition-form", self.pk)
            if key not in memo:
                memo[key] = self.get_form_class()
            form_class = memo[key]
        return form_class(*args, page=self, **self.get_form_parameters())

    def get_submission_class(self):
        return Signature

    def permissions_for_user(self, user):
        return SignedPagesPermissionTester(user, self)

    def get_submissions_list_view_class(self):
        """Wagtail's submissions listing and export, with formulas defused."""
        # Imported here, not at the top: Wagtail's admin views need every app's models loaded, and this
        # module is imported while Django loads them.
        from campaigns.formula_safe import SubmissionsListView

        return SubmissionsListView

    def get_data_fields(self):
        """Columns of Wagtail's Forms listing and CSV/XLSX export: the signer's details, then the answers."""
        fields = [("submit_time", _("Signed at"))]
        fields += [(name, capfirst(Signature._meta.get_field(name).verbose_name)) for name in DATA_COLUMNS]
        fields += [(question_name(field.clean_name), field.label) for field in self.get_form_fields()]
        return fields

    def process_form_submission(self, form):
        """Not the petition's path, and refused so that nobody takes it for one: Wagtail calls this hook from
        FormMixin.serve, which this page does not use (its routes, above, serve the petition). A signature is
        stored by campaigns.signing.sign, called by campaigns.views.petition with the client's rate-limit key,
        which this hook has no request to compute."""
        raise NotImplementedError(
            "Signatures are stored by campaigns.signing.sign (see campaigns.views.petition)."
        )

    @classmethod
    def listed_under(cls, page):
        """Live, public campaigns below `page` for listings, newest first (open or closed: see is_open)."""
        return (
            cls.objects.live()
            .public()
            .descendant_of(page)
            .select_related("hero_image")
            .order_by("-first_published_at")
        )

    # What a campaign's row in the admin shows (campaigns.reports.campaign_overview), read with its title.
    OVERVIEW_FIELDS = (
        "title",
        "translation_key",
        "locale",
        "live",
        "closed",
        "closing_date",
        "signature_goal",
        "goal_steps_up",
    )

    @classmethod
    def by_campaign_key(cls, keys=None):
        """{translation key: the locale variant that names the campaign}, for titles in the admin and in
        commands' reports: the default locale's variant, else the oldest. `keys` limits the result to
        those campaigns; by default every campaign is included."""
        pages = cls.objects.only(*cls.OVERVIEW_FIELDS).order_by("pk")
        if keys is not None:
            pages = pages.filter(translation_key__in=keys)
        default = Locale.get_default().pk
        campaigns = {}
        for page in pages:
            current = campaigns.get(page.translation_key)
            if current is None or (page.locale_id == default and current.locale_id != default):
                campaigns[page.translation_key] = page
        return campaigns

    @classmethod
    def next_change_at(cls, now):
        """The next closing date of a live campaign still open (serving.site_structure: cached pages expire then)."""
        moment = datetime.fromtimestamp(now, tz=UTC)
        pending = cls.objects.live().filter(closed=False, closing_date__gt=moment)
        return pending.aggregate(first=Min("closing_date"))["first"]

    def get_cached_paths(self):
        """The URLs a CDN may hold for this page (serving.invalidation purges them): the page and its thank-you state."""
        return ["/", "/" + self.reverse_subpage("thank_you")]

    def current_goal(self, count):
        """The goal shown beside `count`: the editor's, or the round number it stepped up to (campaigns.goals)."""
        return goals.current_goal(self.signature_goal, count, self.goal_steps_up)

    @property
    def offers_updates(self):
        """Whether the form shows the updates box: updates go only to confirmed addresses."""
        return self.updates_opt_in and self.confirmation_required

    @property
    def delivered_to_name(self):
        return self.delivered_to or self.target

    @property
    def is_open(self):
        """Whether the petition still takes signatures: not closed by hand and before its closing date."""
        if self.closed:
            return False
        return self.closing_date is None or timezone.now() < self.closing_date
