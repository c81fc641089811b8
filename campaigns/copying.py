"""Launching a campaign by copying another: what the copy still says in the source's words.

A campaigner copies last month's petition to keep its settings, then rewrites what it says. Whatever they
miss goes out in the old campaign's words: the old target in the letter, the old share text on social
media, a closing date already past. `unchanged_fields` lists what is still the same as the source, for the
edit view's checklist (campaigns.panels.CopiedWordsPanel) and the confirmation asked before publishing
(campaigns.panels.CampaignPageForm, and campaigns.wagtail_hooks for bulk publishing).

Also here: Wagtail's Copy form as campaigns use it (CampaignCopyForm: the address follows the new title, a
copy starts as a draft), what the copy view records (record_copy), and what happens when a draft that was
never published already has the address a new page asks for (free_address), in the copy form and in the
campaign's own form alike.
"""

import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html, strip_tags
from django.utils.text import Truncator, slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.actions.delete_page import DeletePageAction
from wagtail.admin.forms.pages import CopyForm
from wagtail.models import PageLogEntry


@dataclass(frozen=True)
class Unchanged:
    """One thing the copy still says as the source does: `label` for the editor, `anchor` the id of the element
    the checklist's link takes them to (a field's label in the edit form)."""

    name: str
    label: str
    anchor: str
    shown: str = ""  # what it says, shortened, so the editor recognises it without opening the field
    quoted: bool = True  # words are shown in quotation marks; a number or a date is not


# The source's words and figures a copy should not keep unseen, in the order of the edit form's tabs
# (Content, Petition, Promote). The summary and the hero image are in it because an empty share text and
# social image fall back to them.
CHECKED_FIELDS = [
    ("title", _("Title")),
    ("summary", _("Summary")),
    ("hero_image", _("Hero image")),
    ("target", _("Target")),
    ("cta_heading", _("Call to action")),
    ("ask", _("Petition text (the letter)")),
    ("signature_goal", _("Signature goal")),
    ("closing_date", _("Closing date")),
    ("thank_you_heading", _("Thank-you heading")),
    ("thank_you_text", _("Thank-you text")),
    ("share_text", _("Share text")),
    ("social_image", _("Social image")),
]
SIGN_BUTTONS = "sign_buttons"
BLOCK_KEY = re.compile(r'\s+data-block-key="[^"]*"')
# Wagtail labels each field with `id_<name>-label`; the body, a StreamField, has only its panel's heading.
BODY_ANCHOR = "panel-child-content-body-heading"


def unchanged_fields(copy, source):
    """What `copy` (a CampaignPage as it is being edited) still has exactly as `source` has it, as a list of
    Unchanged. Empty values are left out: a copy without a closing date carries nothing of the source's."""
    found = []
    for name, label in CHECKED_FIELDS:
        value = _comparable(copy, name)
        if value not in (None, "") and value == _comparable(source, name):
            shown = _shown(copy, name)
            quoted = not isinstance(getattr(copy, name), (int, datetime))
            found.append(Unchanged(name, label, f"id_{name}-label", shown, quoted))
        if name == "hero_image":  # the body, with its sign buttons, comes next in the form
            found.extend(_sign_buttons(copy, source))
    return found


def copied_words(page):
    """What `page`, a campaign copied from another and not yet published, still says as the campaign it was
    copied from does (unchanged_fields), with that source; ([], None) for any other page or once it is out."""
    if page.copied_from_id is None or _ever_published(page):
        return [], None
    source = page.copied_from.specific
    return unchanged_fields(page, source), source


def _ever_published(page):
    """Whether the page itself was ever published, read from its row: `page` may be its latest revision, and
    Wagtail copies the source's revisions with the copy, so a copy of a campaign that had a draft on top of its
    published version opens with a revision that still carries the source's first publication date."""
    if page.pk is None:
        return False
    return type(page).objects.filter(pk=page.pk, first_published_at__isnull=False).exists()


def _comparable(page, name):
    """The field's value as the editor sees it: rich text without the block keys the editor adds on each save,
    a moment to the minute the form shows."""
    field = page._meta.get_field(name)
    if field.is_relation:
        return getattr(page, field.attname)
    value = getattr(page, name)
    if isinstance(value, datetime):
        return value.replace(second=0, microsecond=0)
    if isinstance(value, str):
        return BLOCK_KEY.sub("", value).strip()
    return value


def _shown(page, name):
    value = getattr(page, name)
    if isinstance(value, datetime):
        shown = formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")
        if value <= timezone.now():
            return gettext("%(date)s, already past: the petition would open closed") % {"date": shown}
        return shown
    if isinstance(value, int):
        return formats.number_format(value, force_grouping=True)
    if isinstance(value, str):
        text = " ".join(strip_tags(value.replace("</", " </")).split())  # paragraphs apart, not run together
        return Truncator(text).chars(80)
    return str(value)  # an image: its title


def _sign_buttons(copy, source):
    """The body's sign buttons whose heading and text are still the source's (a button with only the standard
    label says nothing of the source campaign)."""
    theirs = {_button_words(block) for block in source.body if block.block_type == "sign_cta"}
    for block in copy.body:
        if block.block_type != "sign_cta":
            continue
        words = _button_words(block)
        if (words[0] or words[1]) and words in theirs:
            shown = Truncator(words[0] or words[1]).chars(80)
            return [Unchanged(SIGN_BUTTONS, _("Sign buttons in the body"), BODY_ANCHOR, shown)]
    return []


def _button_words(block):
    value = block.value
    return (value.get("heading") or "").strip(), (value.get("text") or "").strip(), value.get("button_label")


class CampaignCopyForm(CopyForm):
    """Wagtail's "Copy" form for a campaign (CampaignPage.copy_form_class).

    - The address (slug) follows the new title as the editor types, with the slug sync Wagtail's own
      create view uses; left empty, it is made from the title. Wagtail fills in the source's address,
      which is always taken when copying beside the source.
    - A copy starts as a draft: no "publish the copy" or "alias" choice, so its words are checked in the
      edit view (the checklist there) before anyone can see them.
    - An abandoned copy does not keep its address from the next attempt: the editor's own copy that nobody
      has saved since it was made gives way to the new one; any other draft that was never published is
      named in the error, with links to continue editing it or delete it.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.pop("publish_copies", None)
        self.fields.pop("alias", None)
        self.abandoned_copy = None
        slug = self.fields["new_slug"]
        slug.initial = ""
        slug.required = False
        slug.help_text = _("The page's address. It follows the new title as you type; you may change it.")
        self.fields["new_title"].help_text = _(
            "Give the new campaign its own title: the copy keeps everything else, which you then rewrite."
        )
        # The same attributes as Wagtail's TitleFieldPanel, which the copy form has no panel for.
        self.fields["new_title"].widget.attrs.update(
            {
                "data-controller": "w-sync",
                "data-action": "focus->w-sync#check blur->w-sync#apply change->w-sync#apply keyup->w-sync#apply",
                "data-w-sync-target-value": "#id_new_slug",
            }
        )

    def clean_new_slug(self):
        slug = self.cleaned_data.get("new_slug")
        if not slug:
            allow_unicode = getattr(settings, "WAGTAIL_ALLOW_UNICODE_SLUGS", True)
            slug = slugify(self.cleaned_data.get("new_title", ""), allow_unicode=allow_unicode)
        if not slug:
            raise ValidationError(_("Give the copy a title or an address made of letters or digits."))
        return slug

    def clean(self):
        slug = self.cleaned_data.get("new_slug")  # Wagtail's clean() drops it when another page has it
        cleaned_data = super().clean()
        if "new_slug" in self.errors and slug:
            parent = cleaned_data.get("new_parent_page") or self.page.get_parent()
            holder = parent.get_children().filter(slug=slug).first()
            if holder is None:
                pass
            elif not holder.live and holder.first_published_at is None:
                next_url = reverse("wagtailadmin_pages:copy", args=[self.page.pk])
                self.abandoned_copy = free_address(self, "new_slug", slug, holder, self.user, next_url)
            else:
                self.errors["new_slug"] = self.error_class(
                    [
                        gettext("“%(title)s” already has this address: give the copy its own title.")
                        % {"title": holder.get_admin_display_title()}
                    ]
                )
        make_room(self, self.abandoned_copy, self.user)
        return cleaned_data


def unpublished_draft_at(parent, slug, page=None):
    """The sibling under `parent` that has the address `slug` and was never published, if any (`page`, the
    one being saved, left out)."""
    siblings = parent.get_children().filter(slug=slug, live=False, first_published_at__isnull=True)
    if page is not None and page.pk:
        siblings = siblings.exclude(pk=page.pk)
    return siblings.first()


def free_address(form, field, slug, holder, user, next_url):
    """`holder`, a draft never published, has the address `slug` that `form`'s `field` asks for. The user's
    own copy that nobody has saved since it was made gives way (returned, for make_room to delete once
    the form is valid): it holds nothing anyone wrote. Any other draft keeps its address, and the error
    says whose it is with links to continue editing it or delete it (then back to `next_url`)."""
    if holder.owner_id == user.pk and _untouched_copy(holder):
        del form.errors[field]
        form.cleaned_data[field] = slug
        return holder
    title = holder.get_admin_display_title()
    edit_url = reverse("wagtailadmin_pages:edit", args=[holder.pk])
    if holder.permissions_for_user(user).can_delete():
        delete_url = reverse("wagtailadmin_pages:delete", args=[holder.pk])
        message = format_html(
            gettext(
                "“{title}”, a draft that was never published, already has this address. "
                '<a href="{edit_url}">Continue editing it</a>, <a href="{delete_url}">delete it</a>, '
                "or choose another title or address."
            ),
            title=title,
            edit_url=edit_url,
            delete_url=f"{delete_url}?{urlencode({'next': next_url})}",
        )
    else:
        message = format_html(
            gettext(
                "“{title}”, a draft that was never published, already has this address. "
                '<a href="{edit_url}">Continue editing it</a>, or choose another title or address.'
            ),
            title=title,
            edit_url=edit_url,
        )
    form.errors[field] = form.error_class([message])
    return None


def make_room(form, abandoned, user):
    """Delete `abandoned` (see free_address) once `form` is otherwise valid. Wagtail's views save as soon as
    the form is valid, with no step in between, so the address has to be free by then."""
    if abandoned is not None and not form.errors:
        DeletePageAction(abandoned, user=user).execute(skip_permission_checks=True)


def _untouched_copy(page):
    """Whether `page` is a copy that nobody has saved, published or otherwise changed since it was made (its
    only entries in Wagtail's history are the copy's own: the copy and the page's creation in the tree)."""
    entries = set(PageLogEntry.objects.filter(page=page).values_list("action", flat=True))
    return "wagtail.copy" in entries and entries <= {"wagtail.copy", "wagtail.create"}


def record_copy(source, copy):
    """Remember on `copy` (just made by Wagtail's copy view) which campaign it came from, for its checklist.
    The edit view shows the latest revision, so the revision the copy view made is told too."""
    CampaignPage = type(copy)
    CampaignPage.objects.filter(pk=copy.pk).update(copied_from=source.pk)
    revision = copy.latest_revision
    if revision is not None:
        revision.content["copied_from"] = source.pk
        revision.save(update_fields=["content"])
