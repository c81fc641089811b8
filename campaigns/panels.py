"""The campaign page's editing form where it is more than its fields: the embed snippet panel, the checklist of
what a copy still says as its source does (and the confirmation it asks before publishing), the check
that no partner site is listed twice, an address held by a draft that was never published, and the refusal
to publish a translation whose consent wording, letter or call to action is untranslated
(campaigns/translation_wording.py)."""

import copy

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import Panel

from campaigns import new_campaigns
from campaigns.copying import CHECKED_FIELDS, copied_words, free_address, make_room, unpublished_draft_at
from campaigns.embedding import snippets
from campaigns.translation_wording import WORDING_FIELDS, untranslated_wording

# The page editor's buttons that make a page public now or ask for it to be: a draft may stay untranslated.
PUBLISHING_ACTIONS = ("action-publish", "action-submit")


class EmbedSnippetPanel(Panel):
    """The code partners paste to show the petition on their site, one per published language
    (campaigns.embedding.snippets), or what to do first while there is none."""

    def __init__(self, **kwargs):
        kwargs.setdefault("heading", _("Code for partner sites"))
        super().__init__(**kwargs)

    class BoundPanel(Panel.BoundPanel):
        template_name = "campaigns/admin/embed_snippet.html"

        class Media:
            js = ["js/admin-copy.js"]  # the Copy buttons

        def get_context_data(self, parent_context=None):

            context = super().get_context_data(parent_context)
            context["snippets"] = snippets(self.instance) if self.instance.pk else []
            return context


class CopiedWordsPanel(Panel):
    """A copy's launch checklist, at the top of its edit view until it is first published: each field still
    the same as in the campaign it was copied from, with a link to it, and the box to tick to publish it
    like that anyway."""

    def __init__(self, **kwargs):
        kwargs.setdefault("heading", _("Still the same as in the campaign you copied"))
        super().__init__(**kwargs)

    def get_form_options(self):
        # Claims the confirmation box, which Wagtail would otherwise render again, bare, below the tabs.
        return {"fields": ["confirm_copied_words"]}

    class BoundPanel(Panel.BoundPanel):
        template_name = "campaigns/admin/copied_words.html"

        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.items, self.source = copied_words(self.instance) if self.instance.pk else ([], None)

        def is_shown(self):
            return bool(self.items)

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context.update(
                items=self.items, source=self.source, confirmation=self.form["confirm_copied_words"]
            )
            return context


class CampaignPageForm(WagtailAdminPageForm):
    """The campaign page's admin form (CampaignPage.base_form_class)."""

    # Rendered by CopiedWordsPanel, and only there: a page that was not copied never needs it.
    confirm_copied_words = forms.BooleanField(
        required=False,
        label=_("Publish these as they are"),
        help_text=_(
            "Tick if the new campaign should say exactly what the one you copied says in these places."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk and not self.is_bound:  # a new campaign starts lawful, in its own language
            for name, value in new_campaigns.initial_values(self.instance).items():
                if name in self.fields and not getattr(self.instance, name, None):
                    self.initial[name] = value
        if "closing_date" in self.fields:
            self.fields["closing_date"].help_text = _("%(help)s Times are in %(zone)s.") % {
                "help": self.fields["closing_date"].help_text,
                "zone": new_campaigns.time_zone_label(),
            }

    def clean(self):
        slug = self.cleaned_data.get("slug")  # Wagtail's clean() drops it when another page has it
        cleaned_data = super().clean()
        self._refuse_partners_listed_twice()
        self._ask_to_confirm_copied_words()
        self._refuse_untranslated_wording(cleaned_data)
        abandoned = self._an_unpublished_draft_has_the_address(slug)
        make_room(self, abandoned, self.for_user)
        return cleaned_data

    def _an_unpublished_draft_has_the_address(self, slug):
        """An earlier attempt at a new page, left as a draft, does not silently block this page's address:
        campaigns.copying.free_address frees it or says whose it is."""
        if "slug" not in self.errors or not slug or self.parent_page is None:
            return None
        holder = unpublished_draft_at(self.parent_page, slug, self.instance)
        if holder is None:
            return None
        if self.instance.pk:
            next_url = reverse("wagtailadmin_pages:edit", args=[self.instance.pk])
        else:
            meta = self.instance._meta
            next_url = reverse(
                "wagtailadmin_pages:add", args=[meta.app_label, meta.model_name, self.parent_page.pk]
            )
        return free_address(self, "slug", slug, holder, self.for_user, next_url)

    def _ask_to_confirm_copied_words(self):
        """Publishing a copy that still has the source's words in places, or submitting it to be approved and
        published, needs the box ticked; saving a draft never does. The comparison is with what is being
        published: a field changed in this very submission counts as changed."""
        publishing = any(action in self.data for action in PUBLISHING_ACTIONS)
        if not publishing or self.cleaned_data.get("confirm_copied_words"):
            return
        page = copy.copy(self.instance)
        for name, _label in CHECKED_FIELDS:
            if name in self.cleaned_data:
                setattr(page, name, self.cleaned_data[name])
        if "body" in self.cleaned_data:
            page.body = self.cleaned_data["body"]
        items, source = copied_words(page)
        if items:
            self.add_error(
                "confirm_copied_words",
                _(
                    "Some of this campaign still says what “%(source)s” says (listed above). Change it, or "
                    "tick this box to publish it as it is."
                )
                % {"source": source.get_admin_display_title()},
            )

    def _refuse_untranslated_wording(self, cleaned_data):
        """Publishing, submitting for review or approving a translation (edited in Wagtail's own editor once
        its synced translation is stopped) with untranslated wording is refused on the fields concerned;
        saving a draft is not. Synced translations are checked in campaigns/admin/translation_review.py."""
        approving = self.data.get("workflow-action-name") == "approve"
        if not (approving or any(action in self.data for action in PUBLISHING_ACTIONS)):
            return
        if not self.instance.pk:
            return
        values = {name: cleaned_data.get(name) for name in WORDING_FIELDS if name in cleaned_data}
        for name in untranslated_wording(self.instance, values):
            if name in self.fields:
                self.add_error(
                    name, _("This is still the source page's text: translate it before publishing.")
                )

    def _refuse_partners_listed_twice(self):
        """The same site twice (as typed, or once normalised: `HTTPS://A.org/` is `https://a.org`) would make
        the second row a dead letter: say so on it. Each row's own check (EmbedPartner.clean) runs first."""
        formset = self.formsets.get("embed_partners")
        if formset is None:
            return
        seen = set()
        for form in formset.forms:
            if not form.is_valid() or form.cleaned_data.get("DELETE") or not form.cleaned_data.get("origin"):
                continue
            origin = form.instance.origin  # normalised by EmbedPartner.clean
            if origin in seen:
                form.add_error("origin", _("This site is already listed."))
            seen.add(origin)
