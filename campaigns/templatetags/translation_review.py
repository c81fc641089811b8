"""The translation editor's footer (templates/wagtail_localize/admin/edit_translation.html)."""

from django import template

from campaigns.admin.translation_review import TranslationActions

register = template.Library()


@register.simple_tag(takes_context=True)
def translation_actions(context, page, translation):
    return TranslationActions(context["request"], page, translation).render_html()
