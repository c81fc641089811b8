"""The demo's PO files are checked before anything is published: no English may leak into a translation."""

import shutil
from io import StringIO

import polib
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from wagtail.models import Page

from campaigns.models.pages import CampaignPage
from home.demo import translating

pytestmark = pytest.mark.django_db


@pytest.fixture
def translations(tmp_path, monkeypatch):
    """A copy of the demo's PO files that a test may spoil."""
    copy = tmp_path / "translations"
    shutil.copytree(translating.TRANSLATIONS_DIR, copy)
    monkeypatch.setattr(translating, "TRANSLATIONS_DIR", copy)
    return copy


def test_an_untranslated_string_stops_the_load_and_leaves_nothing_behind(translations):
    po = polib.pofile(str(translations / "de" / "amazon-ring.po"))
    po.find("Thank you for signing!", by="msgid").msgstr = ""
    po.save()
    pages_before = Page.objects.count()

    with pytest.raises(CommandError, match="Thank you for signing!"):
        call_command("load_demo", stdout=StringIO())

    assert not CampaignPage.objects.exists()
    assert Page.objects.count() == pages_before


def test_a_po_file_that_no_longer_matches_the_page_stops_the_load(translations):
    po = polib.pofile(str(translations / "fr" / "home.po"))
    po.append(
        polib.POEntry(msgctxt="intro", msgid="A sentence the page does not have.", msgstr="Une phrase.")
    )
    po.save()

    with pytest.raises(CommandError, match="does not match"):
        call_command("load_demo", stdout=StringIO())


def test_a_locale_without_demo_translations_gets_no_demo_pages(translations):
    shutil.rmtree(translations / "es")

    out = StringIO()
    call_command("load_demo", stdout=out)

    assert "No demo translations for es" in out.getvalue()
    assert not CampaignPage.objects.filter(locale__language_code="es").exists()
    assert CampaignPage.objects.filter(locale__language_code="fr").count() == 3
