"""The words a translation may not publish untranslated: what signers agree to (the consent wording), what they
put their name to (the letter) and the call to action above the form.

A page in another language that still carries the source page's own text for one of them would show a German
reader English consent, or have them sign an English letter. A translation into the same language (en-GB from
en-US) may keep the wording word for word, so the rule compares languages, not locales: `en-gb` and `en-us`
are both English and are never refused. An empty field (the letter is optional) has nothing to translate.
"""

from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from wagtail.models import Locale
from wagtail_localize.models import TranslationSource

WORDING_FIELDS = ("cta_heading", "ask", "consent_text")  # in the order of the Petition tab


def _language(locale):
    return locale.language_code.split("-")[0].lower()


def source_page(page):
    """The page `page` was translated from: the locale wagtail-localize translated it from, or the default
    locale for a translation made by hand. None for a page in that locale itself."""
    source = (
        TranslationSource.objects.filter(
            object_id=page.translation_key, translations__target_locale=page.locale_id
        )
        .only("locale_id")
        .first()
    )
    locale_id = source.locale_id if source else Locale.get_default().pk
    if locale_id == page.locale_id:
        return None
    return type(page).objects.filter(translation_key=page.translation_key, locale_id=locale_id).first()


def untranslated_wording(page, values=None):
    """The wording fields of `page` (a CampaignPage, or a revision of one; any other page has none) that are
    still the source page's text, by name; empty when there is nothing to refuse. `values`
    (field name → text) stands for what a form is about to save instead of the page's own."""
    original = source_page(page)
    if original is None or _language(original.locale) == _language(page.locale):
        return []
    values = values or {}
    untranslated = []
    for name in WORDING_FIELDS:
        if not hasattr(page, name):  # another page type (a home page, the campaign list) has none of them
            continue
        text = str(values.get(name, getattr(page, name)) or "").strip()
        if text and text == str(getattr(original, name) or "").strip():
            untranslated.append(name)
    return untranslated


def refusal(page, untranslated):
    """What the admin says when `page` may not be published (or sent for review) because of the fields named
    in `untranslated`."""
    original = source_page(page)
    labels = [str(page._meta.get_field(name).verbose_name) for name in untranslated]
    return _(
        "“%(title)s” cannot be published in %(language)s yet: its %(fields)s still read as on the %(source)s "
        "page. Translate them, then publish or submit it again."
    ) % {
        "title": page.title,
        "language": page.locale.get_display_name(),
        "fields": get_text_list(labels, _("and")),
        "source": original.locale.get_display_name() if original else "",
    }
