"""The privacy notice's address and closing times, for pages and mails (campaigns.legal, campaigns.new_campaigns)."""

from django import template

from campaigns.legal import privacy_notice
from campaigns.new_campaigns import closing_moment, time_zone_label

register = template.Library()


@register.simple_tag(takes_context=True)
def privacy_notice_url(context, full=False):
    """The address of the privacy notice in the language of the page being shown (or, in a mail, the language
    it is written in), or "" when the site has none yet: templates then leave the link out. `full` gives the
    absolute address a mail needs."""
    page = context.get("page")
    locale = getattr(page, "locale", None) if page is not None else None
    notice = privacy_notice(locale)
    if notice is None:
        return ""
    if full:
        return notice.get_full_url()
    return notice.get_url(context.get("request"))


@register.filter
def closing_time(moment):
    """A closing date in the site's time zone, in the active language, with the zone's name:
    '31 January 2027, 23:59 GMT'."""
    return closing_moment(moment) if moment else ""


@register.simple_tag
def site_time_zone(moment=None):
    """The site's time zone, named: 'Europe/London (GMT)'."""
    return time_zone_label(moment)
