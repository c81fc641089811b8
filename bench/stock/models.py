"""The baseline and the ceilings of `make bench` (never installed outside bench/settings.py).

- StockFormPage: a stock Wagtail AbstractEmailForm, built as Wagtail's documentation shows ("Form builder"),
  with the six fields a campaign's petition shows. What a Wagtail site does for a petition out of the box.
- CeilingRow: one bare row, for the view that does nothing but one INSERT (the practical ceiling of a post).
"""

from django.db import models
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.contrib.forms.models import AbstractEmailForm, AbstractFormField
from wagtail.fields import RichTextField


class StockFormField(AbstractFormField):
    page = ParentalKey("StockFormPage", on_delete=models.CASCADE, related_name="form_fields")


class StockFormPage(AbstractEmailForm):
    intro = RichTextField(blank=True)
    thank_you_text = RichTextField(blank=True)

    content_panels = AbstractEmailForm.content_panels + [
        FieldPanel("intro"),
        InlinePanel("form_fields", label="Form fields"),
        FieldPanel("thank_you_text"),
    ]


class CeilingRow(models.Model):
    value = models.CharField(max_length=254)

    def __str__(self):
        return self.value
