"""The interface in German, French and Spanish: every string looked up while rendering is translated, the
visible interface of a campaign page differs from en-US's, numbers and dates follow the locale, every page
says its language and direction, and the catalogs are complete and compiled."""

import datetime
import re
from pathlib import Path

import polib
import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.core import mail
from django.template.loader import get_template
from django.utils import translation
from django_countries import Countries
from django_countries.data import COUNTRIES
from wagtail.rich_text import RichText

from ops import process_memory
from tests.builders import build_campaign, build_index, build_site, set_count, translate

pytestmark = pytest.mark.django_db

LANGUAGES = ["de", "fr", "es"]
ORIGIN = "http://testserver"
SIGNER = {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.org", "country": "GB"}

# Words a translator checked and kept: they are spelt the same as in English. Keep this list short.
SAME_AS_ENGLISH = {
    "de": set(),
    "fr": {"signature", "signatures", "Page"},
    "es": set(),
}
# Strings every locale must have looked up while rendering the pages below: proof that the views ran.
MUST_LOOK_UP = {
    "Sign the petition",  # the form
    "Thank you for signing!",  # the thank-you state
    "It no longer takes signatures. Thank you to everyone who signed.",  # the closed state
    "This field is required.",  # validation errors (Django's own catalog)
    "We couldn’t find that page",  # 404
    "Search results for “%(search_query)s”",  # search
    "Please wait a moment",  # 429
    "This form was sent from another website, so it was not accepted.",  # 403
    "What was sent could not be read, so it was not accepted.",  # 400 before any form
    "What was sent is far too large for a signature, so it was not accepted.",  # 413
    "Please confirm your signature: %(title)s",  # confirmation mail
    "Confirm my signature",  # the confirmation link's page
    "Thank you: your signature is confirmed",  # its button pressed
    "“%(title)s” closed before your signature was confirmed, so it could not be added. Thank you for your "
    "support all the same.",  # pressed too late
    "This link does not work",  # a broken confirmation link
    "You have already signed: %(title)s",  # the repeat signer's mail
}


def reference():
    return (
        "reference",
        {
            "title": "Ring’s police partnerships",
            "author": "",
            "publisher": "EFF",
            "date": datetime.date(2020, 6, 25),
            "url": "https://example.org/ring",
        },
    )


@pytest.fixture
def site():
    """An en-US site with an open campaign, a closed one and one that asks signers to confirm by email,
    each translated (content unchanged: only the interface differs) into every other locale."""
    home = build_site()
    index = build_index(home)
    campaign = build_campaign(
        index,
        body=[("paragraph", RichText("<p>Ring shares footage with police.[1]</p>"))],
        references=[reference()],
    )
    closed = build_campaign(index, slug="closed", title="A closed campaign", closed=True)
    confirming = build_campaign(
        index, slug="confirm", title="A campaign to confirm", confirmation_required=True
    )
    pages = {"en-us": {"campaign": campaign, "closed": closed, "confirming": confirming, "home": home}}
    for language in ["en-gb", *LANGUAGES]:
        pages[language] = {
            "campaign": translate(campaign, language),
            "closed": translate(closed, language),
            "confirming": translate(confirming, language),
        }
        pages[language]["home"] = pages[language]["campaign"].get_parent().get_parent().specific
    set_count(campaign, 1300)
    return pages


# Recording every gettext lookup


class Lookups:
    """Every gettext/ngettext/pgettext/npgettext call made through django.utils.translation, with its result."""

    NAMES = ("gettext", "ngettext", "pgettext", "npgettext")

    def __init__(self, monkeypatch):
        self.calls = []
        trans = translation._trans
        real = {name: getattr(trans, name) for name in self.NAMES}

        def gettext(message):
            result = real["gettext"](message)
            self.calls.append((str(message), (str(message),), result))
            return result

        def ngettext(singular, plural, number):
            result = real["ngettext"](singular, plural, number)
            self.calls.append((str(singular), (str(singular), str(plural)), result))
            return result

        def pgettext(context, message):
            result = real["pgettext"](context, message)
            self.calls.append((str(message), (str(message),), result))
            return result

        def npgettext(context, singular, plural, number):
            result = real["npgettext"](context, singular, plural, number)
            self.calls.append((str(singular), (str(singular), str(plural)), result))
            return result

        for name, function in zip(self.NAMES, (gettext, ngettext, pgettext, npgettext), strict=True):
            monkeypatch.setattr(trans, name, function)

    def msgids(self):
        return {msgid for msgid, _sources, _result in self.calls}

    def untranslated(self, allowed):
        """The msgids whose lookup came back as the English source, less country names (django-countries
        translates those; many are spelt alike, "Angola") and the allowed words."""
        return sorted(
            {
                msgid
                for msgid, sources, result in self.calls
                if result in sources and msgid not in COUNTRY_NAMES and msgid not in allowed
            }
        )


with translation.override(None):  # the English names django-countries looks up: official, common and old
    COUNTRY_NAMES = {
        *(str(name) for name in COUNTRIES.values()),
        *(str(name) for name in Countries.COMMON_NAMES.values()),
        *(str(name) for names in Countries.OLD_NAMES.values() for name in names),
    }


def visit_everything(client, pages, settings):
    """Render, in one locale, every page and mail a visitor can meet."""
    campaign, closed, confirming = pages["campaign"], pages["closed"], pages["confirming"]
    prefix = campaign.url.split("/")[1]
    responses = [
        client.get(pages["home"].url),
        client.get(campaign.get_parent().url),
        client.get(campaign.url),
        client.get(campaign.url + "thank-you/"),
        client.get(closed.url),
        client.post(campaign.url, {"email": "not an address"}, HTTP_ORIGIN=ORIGIN, HTTP_ACCEPT="text/html"),
        client.get(f"/{prefix}/no-such-page/"),
        client.get(f"/{prefix}/search/", {"q": "Ring"}),
        client.get(f"/{prefix}/search/"),
        client.post(campaign.url, SIGNER, HTTP_ORIGIN="https://elsewhere.example", HTTP_ACCEPT="text/html"),
        client.get(f"/{prefix}/sign/confirm/not-a-token/"),
        client.post(campaign.url, SIGNER, HTTP_ORIGIN=ORIGIN, CONTENT_LENGTH="abc", HTTP_ACCEPT="text/html"),
        client.post(campaign.url, {"comment": "x" * 70_000}, HTTP_ORIGIN=ORIGIN, HTTP_ACCEPT="text/html"),
    ]
    assert [r.status_code for r in responses] == [
        200,
        200,
        200,
        200,
        200,
        400,
        404,
        200,
        200,
        403,
        404,
        400,
        413,
    ]

    # Signing where confirmation is required sends the mail; its link opens a page whose button confirms.
    assert client.post(confirming.url, SIGNER, HTTP_ORIGIN=ORIGIN).status_code == 303
    late_signer = {**SIGNER, "email": "grace@example.org"}
    assert client.post(confirming.url, late_signer, HTTP_ORIGIN=ORIGIN).status_code == 303
    confirmation, too_late = [
        "/" + re.search(r"https?://\S+/sign/confirm/\S+/", message.body).group(0).split("/", 3)[3]
        for message in mail.outbox
    ]
    assert client.get(confirmation).status_code == 200
    assert client.post(confirmation, HTTP_ORIGIN=ORIGIN).status_code == 200
    # A link pressed after the petition closed is answered kindly.
    confirming.closed = True
    confirming.save(update_fields=["closed"])
    assert client.post(too_late, HTTP_ORIGIN=ORIGIN).status_code == 409
    # Signing an open petition twice: the repeat signer hears it by mail.
    assert client.post(campaign.url, SIGNER, HTTP_ORIGIN=ORIGIN).status_code == 303
    assert client.post(campaign.url, SIGNER, HTTP_ORIGIN=ORIGIN).status_code == 303
    assert len(mail.outbox) == 3
    # One attempt too many gets the 429 page.
    settings.SIGN_RATE_LIMIT = "1/10m"
    process_memory.forget_all()
    client.post(campaign.url, SIGNER, HTTP_ORIGIN=ORIGIN)
    assert client.post(campaign.url, SIGNER, HTTP_ORIGIN=ORIGIN, HTTP_ACCEPT="text/html").status_code == 429
    return responses, mail.outbox


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_looked_up_while_rendering_is_translated(client, site, settings, monkeypatch, language):
    lookups = Lookups(monkeypatch)

    _responses, outbox = visit_everything(client, site[language], settings)

    missing_views = MUST_LOOK_UP - lookups.msgids()
    assert not missing_views, f"never looked up, so never rendered: {sorted(missing_views)}"
    untranslated = lookups.untranslated(SAME_AS_ENGLISH[language])
    assert not untranslated, f"untranslated in {language}:\n" + "\n".join(untranslated)
    # The mails are in the signer's language too (their lookups are among those above).
    assert all(message.subject for message in outbox)


def test_the_lookup_check_catches_an_untranslated_string(client, site, monkeypatch):
    """The recorder sees a string missing from the catalog: the check above can fail."""
    lookups = Lookups(monkeypatch)
    with translation.override("de"):
        translation.gettext("A sentence nobody translated")
        translation.gettext("Sign the petition")

    assert lookups.untranslated(set()) == ["A sentence nobody translated"]


# The visible interface differs from en-US's


def content_strings(page):
    """What the editor wrote (the same in every locale here) and names that are never translated."""
    return [
        page.title,
        page.summary,
        page.target,
        page.cta_heading,
        page.consent_text,
        "Ring shares footage with police.",
        "Ring’s police partnerships",
        "EFF",
        settings.WAGTAIL_SITE_NAME,
        *(name for _code, name in settings.LANGUAGES),
        *("WhatsApp", "Bluesky", "Mastodon", "Facebook", "LinkedIn"),
    ]


ATTRIBUTES = ("aria-label", "placeholder", "title", "data-one", "data-other")


def interface_texts(html, content):
    """Each visible text in <body> (an element's own text, or a labelling attribute) in document order,
    with what the editor wrote removed; country options are django-countries' business."""
    soup = BeautifulSoup(html, "html.parser")
    texts = []
    for element in soup.body.find_all(True):
        if element.name in {"script", "style", "option"}:
            continue
        own = " ".join(s.strip() for s in element.find_all(string=True, recursive=False) if s.strip())
        candidates = [(element.name, own)] + [
            (f"{element.name}[{a}]", element.get(a, "")) for a in ATTRIBUTES
        ]
        for where, text in candidates:
            for string in sorted(content, key=len, reverse=True):
                text = text.replace(string, "")
            if re.search(r"[^\W\d_]", text) and not re.fullmatch(r"\W*X\W*", text):
                texts.append((where, " ".join(text.split())))
    return texts


@pytest.mark.parametrize("state", ["form", "thank_you", "closed"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_interface_of_a_campaign_page_is_not_english(client, site, language, state):
    def html(pages):
        page = pages["closed" if state == "closed" else "campaign"]
        return client.get(page.url + ("thank-you/" if state == "thank_you" else "")).content.decode()

    page = "closed" if state == "closed" else "campaign"
    english = interface_texts(html(site["en-us"]), content_strings(site["en-us"][page]))
    translated = interface_texts(html(site[language]), content_strings(site[language][page]))

    assert [where for where, _ in english] == [where for where, _ in translated]
    same = [
        f"<{where}> {text}"
        for (where, text), (_, other) in zip(english, translated, strict=True)
        if text == other
    ]
    same = [text for text in same if text.split("> ", 1)[1] not in SAME_AS_ENGLISH[language]]
    assert not same, f"still in English on the {language} page:\n" + "\n".join(same)
    assert len(english) > 25  # labels, buttons, headings, header and footer were all compared


# Numbers, dates, language and direction


NUMBERS = {
    "en-us": "1,300",
    "en-gb": "1,300",
    "de": "1.300",
    "fr": ("1\u202f300", "1\u00a0300"),
    "es": ("1\u202f300", "1\u00a0300", "1.300"),
}
GOALS = {
    "en-us": "Help us reach 10,000.",
    "en-gb": "Help us reach 10,000.",
    "de": "Helfen Sie uns, 10.000 zu erreichen.",
}
DATES = {
    "en-us": "June 25, 2020",
    "en-gb": "25 Jun 2020",
    "de": "25. Juni 2020",
    "fr": "25 juin 2020",
    "es": "25 de junio de 2020",
}


@pytest.mark.parametrize("language", ["en-us", "en-gb", *LANGUAGES])
def test_counts_and_dates_follow_the_locale_but_machine_values_do_not(client, site, language):
    html = client.get(site[language]["campaign"].url).content.decode()
    soup = BeautifulSoup(html, "html.parser")

    count = soup.select_one("[data-signature-count]")
    expected = NUMBERS[language]
    assert count.get_text() in (expected if isinstance(expected, tuple) else (expected,))
    assert count["data-signature-count"] == "1300"
    progress = soup.select_one("progress")
    assert (progress["value"], progress["max"]) == ("1300", "10000")
    if language in GOALS:
        assert soup.select_one(".petition-count__goal").get_text(strip=True) == GOALS[language]
    time = soup.select_one(".references time")
    assert (time.get_text(), time["datetime"]) == (DATES[language], "2020-06-25")


def test_the_confirmation_mail_is_in_the_signers_language(client, site):
    client.post(site["de"]["confirming"].url, SIGNER, HTTP_ORIGIN=ORIGIN)

    [message] = mail.outbox
    assert message.subject == "Bitte bestätigen Sie Ihre Unterschrift: A campaign to confirm"
    assert message.body.startswith("Hallo Ada,")
    assert "Der Link gilt 7 Tage." in message.body


@pytest.mark.parametrize("language", ["en-us", "en-gb", *LANGUAGES])
def test_every_page_says_its_language_and_direction(client, site, language):
    pages = site[language]
    prefix = pages["campaign"].url.split("/")[1]
    urls = [
        pages["home"].url,
        pages["campaign"].url,
        pages["campaign"].url + "thank-you/",
        f"/{prefix}/search/?q=Ring",
        f"/{prefix}/no-such-page/",
        f"/{prefix}/sign/confirm/not-a-token/",
    ]
    for url in urls:
        html = client.get(url).content.decode()
        assert f'<html lang="{language}" dir="ltr">' in html, url


@pytest.mark.parametrize("language", ["en-gb", *LANGUAGES])
def test_the_500_page_says_its_language(language):
    with translation.override(language):
        html = get_template("500.html").render()

    assert f'<html lang="{language}" dir="ltr">' in html
    assert "Something went wrong on our side" not in html or language == "en-gb"


def test_a_right_to_left_language_would_get_dir_rtl():
    with translation.override("ar"):
        html = get_template("500.html").render()

    assert '<html lang="ar" dir="rtl">' in html


# The catalogs


CATALOGS = sorted(Path(settings.BASE_DIR, "locale").glob("*/LC_MESSAGES/*.po"))
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def test_there_is_a_catalog_for_every_language_but_the_source():
    languages = {path.parts[-3] for path in CATALOGS}

    assert languages == {"de", "fr", "es", "en_GB"}


@pytest.mark.parametrize("path", CATALOGS, ids=lambda path: path.parts[-3])
def test_catalog_is_complete_and_well_formed(path):
    catalog = polib.pofile(str(path))
    language = path.parts[-3]
    active = [entry for entry in catalog if not entry.obsolete]

    assert not [entry.msgid for entry in active if "fuzzy" in entry.flags], "fuzzy entries"
    if language != "en_GB":  # British English translates only what differs from the US source
        assert not [entry.msgid for entry in active if not entry.translated()], "untranslated entries"
    expected_plurals = "nplurals=2; plural=(n > 1);" if language == "fr" else "nplurals=2; plural=(n != 1);"
    assert catalog.metadata["Plural-Forms"] == expected_plurals
    for entry in active:
        wanted = set(PLACEHOLDER.findall(entry.msgid)) | set(PLACEHOLDER.findall(entry.msgid_plural or ""))
        for text in [entry.msgstr, *entry.msgstr_plural.values()]:
            if text:
                assert set(PLACEHOLDER.findall(text)) <= wanted, (entry.msgid, text)
                if not entry.msgid_plural:
                    assert set(PLACEHOLDER.findall(text)) == wanted, (entry.msgid, text)


@pytest.mark.parametrize("path", CATALOGS, ids=lambda path: path.parts[-3])
def test_compiled_catalog_matches_its_po_file(path):
    """make run/test compile the .po files (manage.py compile_catalogs); a stale .mo means a stale site."""
    mo_path = path.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} missing: run `make messages`"

    def entries(catalog):
        return {
            (entry.msgctxt, entry.msgid): (entry.msgstr, tuple(sorted(entry.msgstr_plural.items())))
            for entry in catalog
            if entry.msgid and (entry.msgstr or any(entry.msgstr_plural.values())) and not entry.obsolete
        }

    assert entries(polib.mofile(str(mo_path))) == entries(polib.pofile(str(path))), (
        f"{mo_path} is stale: run `make messages`"
    )


@pytest.mark.parametrize(("language", "label"), [("en-us", "Postal code"), ("en-gb", "Postcode")])
def test_british_english_says_postcode(client, site, language, label):
    html = client.get(site[language]["campaign"].url).content.decode()

    assert f'<label for="id_postal_code">{label}</label>' in html


QUOTED_TITLES = {
    "en-us": "“Ring’s police partnerships,” EFF",
    "en-gb": "‘Ring’s police partnerships’, EFF",
    "de": "„Ring’s police partnerships“, EFF",
    "fr": "«\u00a0Ring’s police partnerships\u00a0», EFF",
    "es": "«Ring’s police partnerships», EFF",
}


@pytest.mark.parametrize("language", ["en-us", "en-gb", *LANGUAGES])
def test_references_quote_titles_as_the_language_does(client, site, language):
    html = client.get(site[language]["campaign"].url).content.decode()

    text = BeautifulSoup(html, "html.parser").select_one(".reference__text").get_text()
    assert text.startswith(QUOTED_TITLES[language])
