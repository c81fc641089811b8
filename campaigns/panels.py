"""Admin panels of the campaign page that are more than a field: the embed snippet."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import Panel


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
