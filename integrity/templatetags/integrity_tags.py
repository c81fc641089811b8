"""`{% removed_signatures page as removals %}`: the public integrity report of a campaign page
(integrity.report), for templates/integrity/removals.html."""

from django import template

from integrity import report

register = template.Library()


@register.simple_tag
def removed_signatures(page):
    return report.removals_of(page.translation_key)
