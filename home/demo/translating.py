"""Translate a demo page into another locale the way a translator does in wagtail-localize.

The page is submitted for translation (a TranslationSource and a Translation), the translator's PO file
is uploaded (`Translation.import_po`) and the translation is published (`Translation.save_target`). The
PO files live in `translations/<locale>/<page key>.po`; their entries are what wagtail-localize exports
for the page (msgctxt = the field or block, msgid = the English text, msgstr = the translation).

wagtail-localize publishes untranslated strings in English, silently. The demo must not, so a PO file
that leaves a string untranslated, or that no longer matches the English page, stops the load.
"""

from pathlib import Path

import polib
from django.core.management.base import CommandError
from wagtail_localize.models import StringSegment, Translation, TranslationSource

TRANSLATIONS_DIR = Path(__file__).resolve().parent / "translations"


def has_translations(locale):
    """Whether the demo is translated into `locale` (a locale added later simply gets no demo pages)."""
    return (TRANSLATIONS_DIR / locale.language_code).is_dir()


def po_path(locale, page_key):
    return TRANSLATIONS_DIR / locale.language_code / f"{page_key}.po"


def translate_page(page, page_key, locale):
    """Create and publish `page`'s translation into `locale` from its PO file; return the translated page."""
    path = po_path(locale, page_key)
    if not path.exists():
        raise CommandError(f"No translation of the demo page '{page_key}' into {locale}: {path} is missing.")

    source, _created = TranslationSource.get_or_create_from_instance(page)
    translation, _created = Translation.objects.get_or_create(source=source, target_locale=locale)

    po = polib.pofile(str(path))
    # A PO file exported from one translation names it; ours serve every fresh database.
    po.metadata.pop("X-WagtailLocalize-TranslationID", None)
    warnings = translation.import_po(po, tool_name="load_demo")
    if warnings:
        problems = "\n  ".join(repr(warning) for warning in warnings)
        raise CommandError(f"{path} does not match the English page '{page_key}':\n  {problems}")

    missing = (
        StringSegment.objects.filter(source=source)
        .annotate_translation(locale)
        .filter(translation__isnull=True)
        .select_related("string", "context")
    )
    if missing:
        untranslated = "\n  ".join(f"{s.context.path}: {s.string.data!r}" for s in missing)
        raise CommandError(f"{path} leaves strings of '{page_key}' untranslated:\n  {untranslated}")

    # save_target(publish=True) would publish once the transaction commits, from the page as it was then:
    # with the whole load in one transaction, a translated parent published last would forget the
    # translated children made after it. So save the translation, then publish it straight away.
    translation.save_target(publish=False)
    translated = page.get_translation(locale)
    translated.get_latest_revision().publish()
    return translated
