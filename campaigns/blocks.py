"""StreamField blocks for a campaign's body and its references.

Each block names its own template (templates/blocks/<name>.html), icon, description and preview value,
so the editor sees in the block picker what a block is for before adding it.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock

from serving import site_structure

RICH_TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul", "h3", "h4", "hr"]


class ParagraphBlock(blocks.RichTextBlock):
    """Body text. `[1]`, `[2]`… in the text become links to the numbered references."""

    def __init__(self, **kwargs):
        kwargs.setdefault("features", RICH_TEXT_FEATURES)
        super().__init__(**kwargs)

    class Meta:
        icon = "pilcrow"
        template = "blocks/paragraph.html"
        label = _("Text")
        description = _("Paragraphs of text. Type [1], [2]… to point readers to the numbered references.")
        preview_value = "<p>Amazon's Ring shares footage with more than 1,300 police departments.[1]</p>"


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Heading"), max_length=120)
    level = blocks.ChoiceBlock(
        choices=[("h2", _("Section heading")), ("h3", _("Sub-heading"))],
        default="h2",
        label=_("Size"),
        help_text=_("Use 'Section heading' for main parts of the page, 'Sub-heading' inside them."),
    )

    class Meta:
        icon = "title"
        template = "blocks/heading.html"
        label = _("Heading")
        description = _("A heading that starts a new section of the page.")
        preview_value = {"text": "What we are asking for", "level": "h2"}


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"))
    alt_text = blocks.CharBlock(
        required=False,
        max_length=250,
        label=_("Alternative text"),
        help_text=_(
            "Describe the image for people who cannot see it. Leave empty to use the image's own description; "
            "leave both empty only if the image is purely decorative."
        ),
    )
    caption = blocks.CharBlock(required=False, max_length=250, label=_("Caption"))
    credit = blocks.CharBlock(required=False, max_length=120, label=_("Photo credit"))

    class Meta:
        icon = "image"
        template = "blocks/image.html"
        label = _("Image")
        description = _("A picture across the width of the text, with an optional caption and credit.")


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(label=_("Quote"))
    attribution = blocks.CharBlock(required=False, max_length=160, label=_("Who said it"))

    class Meta:
        icon = "openquote"
        template = "blocks/quote.html"
        label = _("Quote")
        description = _("A highlighted quotation, with who said it.")
        preview_value = {
            "quote": "Facial recognition and law enforcement just don't mix.",
            "attribution": "The campaign team",
        }


class VideoBlock(blocks.StructBlock):
    video = EmbedBlock(
        label=_("Video address"),
        help_text=_("Paste the address of a video page (for example on YouTube or Vimeo)."),
    )
    caption = blocks.CharBlock(required=False, max_length=250, label=_("Caption"))

    class Meta:
        icon = "media"
        template = "blocks/video.html"
        label = _("Video")
        description = _("An embedded video. It loads only when the visitor chooses to play it.")


class SignCallToActionBlock(blocks.StructBlock):
    heading = blocks.CharBlock(required=False, max_length=120, label=_("Heading"))
    text = blocks.TextBlock(required=False, label=_("Text"))
    button_label = blocks.CharBlock(max_length=60, default=_("Sign the petition"), label=_("Button label"))

    class Meta:
        icon = "pick"
        template = "blocks/sign_cta.html"
        label = _("Sign button")
        description = _("A button that takes the reader straight to the petition form on this page.")
        preview_value = {"heading": "", "text": "", "button_label": "Sign the petition"}


class ShareLinksBlock(blocks.StructBlock):
    heading = blocks.CharBlock(
        required=False, max_length=120, default=_("Spread the word"), label=_("Heading")
    )
    networks = blocks.MultipleChoiceBlock(
        choices=[
            ("email", _("Email")),
            ("whatsapp", "WhatsApp"),
            ("bluesky", "Bluesky"),
            ("mastodon", "Mastodon"),
            ("x", "X (Twitter)"),
            ("facebook", "Facebook"),
            ("linkedin", "LinkedIn"),
        ],
        default=["email", "whatsapp", "bluesky", "mastodon", "x", "facebook"],
        label=_("Where to share"),
        help_text=_("Plain links: no third-party buttons or scripts are loaded on the page."),
    )

    class Meta:
        icon = "link"
        template = "blocks/share_links.html"
        label = _("Share links")
        description = _("Links that let readers share this campaign; the text comes from the Promote tab.")


class LinkTargetBlock(blocks.StructBlock):
    """A link to a page on this site or to an external address, never both, never neither."""

    page = blocks.PageChooserBlock(required=False, label=_("Page on this site"))
    url = blocks.URLBlock(required=False, label=_("Or an external address"))
    link_text = blocks.CharBlock(max_length=80, label=_("Link text"))

    def clean(self, value):
        value = super().clean(value)
        errors = {}
        if value.get("page") and value.get("url"):
            message = _("Choose a page or enter an address, not both.")
            errors["page"] = errors["url"] = ValidationError(message)
        elif not value.get("page") and not value.get("url"):
            errors["page"] = ValidationError(_("Choose a page or enter an address."))
        if errors:
            raise StructBlockValidationError(block_errors=errors)
        return value

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        page = value.get("page")
        if page:
            request = (parent_context or {}).get("request")
            page = site_structure.for_request(request).localized(page)
        context["href"] = page.get_url((parent_context or {}).get("request")) if page else value.get("url")
        return context


class NextActionBlock(LinkTargetBlock):
    heading = blocks.CharBlock(max_length=120, default=_("Take the next action"), label=_("Heading"))
    text = blocks.TextBlock(required=False, label=_("Why it matters"))

    class Meta:
        icon = "arrow-right"
        template = "blocks/next_action.html"
        label = _("Next action")
        description = _("Points readers to another campaign or action once they have read this one.")


class DonateBlock(LinkTargetBlock):
    heading = blocks.CharBlock(max_length=120, default=_("Support our work"), label=_("Heading"))
    text = blocks.TextBlock(required=False, label=_("Text"))

    class Meta:
        icon = "pick"
        template = "blocks/donate.html"
        label = _("Donate link")
        description = _("Invites readers to donate, linking to your donation page.")


class CampaignBodyBlock(blocks.StreamBlock):
    """The body of a campaign page: content blocks and action blocks."""

    paragraph = ParagraphBlock()
    heading = HeadingBlock()
    image = ImageBlock()
    quote = QuoteBlock()
    video = VideoBlock()
    sign_cta = SignCallToActionBlock()
    share_links = ShareLinksBlock()
    next_action = NextActionBlock()
    donate = DonateBlock()


class ReferenceBlock(blocks.StructBlock):
    """One source in the numbered References section."""

    title = blocks.CharBlock(max_length=300, label=_("Title"), help_text=_("The article's or page's title."))
    author = blocks.CharBlock(required=False, max_length=160, label=_("Author"))
    publisher = blocks.CharBlock(
        max_length=160, label=_("Publisher"), help_text=_("For example: EFF blog, The Guardian.")
    )
    date = blocks.DateBlock(required=False, label=_("Date published"))
    url = blocks.URLBlock(label=_("Address"), help_text=_("Where readers can read the source."))

    class Meta:
        icon = "doc-full"
        template = "blocks/reference.html"
        label = _("Reference")


class ReferencesBlock(blocks.StreamBlock):
    reference = ReferenceBlock()

    class Meta:
        block_counts = {}
