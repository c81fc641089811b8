"""What a new campaign starts with, and what the editor is told when a choice hides another.

A campaign an editor creates starts lawful in its own language: the consent wording is filled in (in the
page's language, whatever the editor's admin language), and email confirmation is on, because the updates
box, on by default, is shown only to signers whose address can be confirmed (CampaignPage.offers_updates).
Saving a page whose choices hide part of the form says so (`hidden_by_choices`), instead of leaving the
editor to find the missing box on the public page.

Times an editor types are in the site's time zone (settings.TIME_ZONE); `time_zone_label` names it.
"""

from django.conf import settings
from django.utils import timezone, translation
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def default_consent_text(language_code, organisation=None):
    """The consent wording a new campaign in `language_code` starts with: who asks, what for, how long, and
    where the privacy notice is (the form links to it below the wording)."""
    with translation.override(language_code):
        return _(
            "%(organisation)s will use your name and email address for this petition only: to count your "
            "signature and, if you tick a box above, to email you. We delete your details when the campaign "
            "ends. Our privacy notice explains your rights."
        ) % {"organisation": organisation or settings.WAGTAIL_SITE_NAME}


def initial_values(page):
    """{field: value} for the admin form of a campaign page being created, in the page's language."""
    return {
        "consent_text": default_consent_text(page.locale.language_code),
        "confirmation_required": True,
    }


def hidden_by_choices(page):
    """Sentences for the editor, one per part of the form this page's settings hide without saying so."""
    hidden = []
    if page.updates_opt_in and not page.confirmation_required:
        hidden.append(
            _(
                "The box 'offer updates about this petition' is ticked, but signers will not see it: updates "
                "go only to confirmed addresses. Turn on 'ask signers to confirm by email' to show it, or "
                "untick the updates box."
            )
        )
    return hidden


def time_zone_label(moment=None):
    """The site's time zone as a reader knows it: 'Europe/London (GMT)', or 'UTC'."""
    zone = timezone.get_current_timezone()
    name = str(zone)
    abbreviation = timezone.localtime(moment or timezone.now(), zone).tzname()
    return name if abbreviation in (None, name) else f"{name} ({abbreviation})"


def closing_moment(moment):
    """`moment` in the site's time zone, in the active language, with the zone's abbreviation:
    '31 January 2027, 23:59 GMT' (en-GB), '31. Januar 2027, 23:59 GMT' (de)."""
    local = timezone.localtime(moment)
    return f"{date_format(local, 'DATE_FORMAT')}, {time_format(local, 'TIME_FORMAT')} {local.tzname()}"


def closing_notice(page, now=None):
    """ "Closes in 3 days", "Closes tomorrow" or "Closes today" for an open campaign with a closing date, in
    the site's time zone (days are calendar days there); None when there is nothing to say."""
    if page.closing_date is None or not page.is_open:
        return None
    now = timezone.localtime(now or timezone.now())
    days = (timezone.localtime(page.closing_date).date() - now.date()).days
    if days <= 0:
        return _("Closes today")
    if days == 1:
        return _("Closes tomorrow")
    return ngettext("Closes in %(days)d day", "Closes in %(days)d days", days) % {"days": days}
