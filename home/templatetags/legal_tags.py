"""The privacy notice's address and closing times, for pages and mails (campaigns.models.privacy_page, campaigns.new_campaigns).

Here beside site_tags rather than in campaigns: a page view finds the notice in the site structure held in
memory (no query on a page the footer and the form both link from), and campaigns never import home.
"""

from django import template
from django.conf import settings
from django.utils import translation
from wagtail.models import Locale

from campaigns.models.privacy_page import PrivacyPage, privacy_notice
from campaigns.new_campaigns import closing_moment, time_zone_label
from serving import site_structure

register = template.Library()


@register.simple_tag(takes_context=True)
def privacy_notice_url(context, full=False):
    """The address of the privacy notice in the active language (a page's, or the language a mail is written
    in), else in the default language, or "" when the site has none yet: templates then leave the link out.
    `full` gives the absolute address a mail needs."""
    request = context.get("request")
    if request is None or full:  # a mail: no request, and once per mail
        notice = privacy_notice(Locale.get_active())
        return "" if notice is None else notice.get_full_url()
    structure = site_structure.for_request(request)
    notice = structure.first_of_type(PrivacyPage, translation.get_language()) or structure.first_of_type(
        PrivacyPage, settings.LANGUAGE_CODE
    )
    return notice.get_url(request) if notice else ""


@register.filter
def closing_time(moment):
    """A closing date in the site's time zone, in the active language, with the zone's name:
    '31 January 2027, 23:59 GMT'."""
    return closing_moment(moment) if moment else ""


@register.simple_tag
def site_time_zone(moment=None):
    """The site's time zone, named: 'Europe/London (GMT)'."""
    return time_zone_label(moment)
