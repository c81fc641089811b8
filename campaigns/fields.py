"""Model fields with behaviour of their own."""

import re

from django.db import models


class LocalisedNumberField(models.PositiveIntegerField):
    """A whole number that each locale's translator may change, such as a campaign's signature goal.

    wagtail-localize can override text, links and images per locale, but not numbers: it only
    synchronises them. This field offers its value to translators as a string to translate, so the
    translation editor and PO files carry it, a change in the source shows as out of date, and a
    locale's own figure (a UK goal of 20,000 beside a US goal of 50,000) survives every sync. When the
    source's figure changes, translators see it as out of date, like any changed sentence, and the new
    figure shows until they confirm or replace it.
    """

    def get_translatable_segments(self, value):
        from wagtail_localize.segments import StringSegmentValue  # loads models: not at import time

        return [] if value is None else [StringSegmentValue("", str(value))]

    def restore_translated_segments(self, value, segments):
        """The translated number; digits only, so "20 000", "20.000" and "20,000" all read 20000.

        A translation without digits keeps the source's number rather than breaking the page.
        """
        digits = re.sub(r"\D", "", segments[0].string.render_text()) if segments else ""
        return int(digits) if digits else value
