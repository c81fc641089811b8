"""The campaign page's editing form where it is more than its fields: the embed snippet panel, the check
that no partner site is listed twice, and the refusal to publish a translation whose consent wording, letter or
call to action is untranslated (campaigns/translation_wording.py)."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import Panel

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

        def get_context_data(self, parent_context=None):
            from campaigns.embedding import snippets

            context = super().get_context_data(parent_context)
            context["snippets"] = snippets(self.instance) if self.instance.pk else []
            return context


class CampaignPageForm(WagtailAdminPageForm):
    """The campaign page's admin form (CampaignPage.base_form_class)."""

    def clean(self):
        cleaned_data = super().clean()
        self._refuse_partners_listed_twice()
        self._refuse_untranslated_wording(cleaned_data)
        return cleaned_data

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
