"""Browser tests: Debian's Chromium driven by Playwright against one live server with the demo site.

Playwright's own browser download cannot work here, so Chromium is launched from /usr/bin/chromium with the
flags a closed network needs. Every module here sets `pytestmark = pytest.mark.browser`: without Chromium
its tests skip locally and fail in CI (tests/conftest.py).

One browser and one server serve the whole session, and the demo site (`manage.py load_demo`: three
campaigns in five languages, with their pictures) is loaded once, when the first browser test needs it.
That is what keeps dozens of pages × five languages × two widths affordable. The price: what one test
stores (a signature, a copied campaign) stays for the tests after it, so each test signs with addresses
of its own and reads counts relative to what it found. These tests ask for no database fixture, so
pytest-django runs them after the tests that flush the database, and nothing flushes the demo away.

Every page a test opens records its requests: a request to any other origin fails the test (`open_page`).
"""

import os
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import CHROMIUM

# Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from such a thread
# unless told that it is safe, which it is here: the test thread and the live server never share a connection.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
# The two screens every page must work on: a phone and a laptop.
WIDTHS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}
LOCALES = ["en-us", "en-gb", "de", "fr", "es"]
# What a visitor's browser in each language asks for (Accept-Language, Intl formats).
BROWSER_LOCALES = {"en-us": "en-US", "en-gb": "en-GB", "de": "de-DE", "fr": "fr-FR", "es": "es-ES"}
# Screenshots of the journeys' key states: git-ignored, named in the test output (pytest_terminal_summary).
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.fixture(scope="session")
def chromium():
    if not os.path.exists(CHROMIUM):
        pytest.skip("Chromium is not installed")  # turned into a failure in CI by tests/conftest.py
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class DemoSite:
    """The live server and where the demo's pages are: `path("amazon-ring", "de")` is the German Ring page."""

    url: str
    paths: dict = field(default_factory=dict)
    pks: dict = field(default_factory=dict)

    def path(self, key, locale="en-us"):
        return self.paths[key, locale]

    def page_url(self, key, locale="en-us"):
        return self.url + self.path(key, locale)

    def page(self, key, locale="en-us"):
        from wagtail.models import Page

        return Page.objects.get(pk=self.pks[key, locale]).specific


def _rebuild_what_a_flush_removed():
    """A transactional test's flush empties every table, including what migrations filled: the locales,
    the root page and collection, the roles (home's, updates' and integrity's) and the review workflow. Put them back as a fresh database has them."""
    import importlib

    from django.apps import apps
    from wagtail.models import Collection, Page

    from serving.apps import ensure_locales

    ensure_locales(sender=None)
    if Page.get_first_root_node() is None:
        Page.add_root(instance=Page(title="Root", slug="root"))
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    importlib.import_module("home.migrations.0002_roles").create_roles(apps, None)
    importlib.import_module("home.migrations.0003_editor_review").create_editor_review(apps, None)
    importlib.import_module("updates.migrations.0002_roles").grant(apps, None)
    importlib.import_module("integrity.migrations.0002_signature_managers").grant(apps, None)
    importlib.import_module("integrity.migrations.0003_trending").grant(apps, None)


def _load_demo(server_url):
    """The demo site, pointed at the live server; the goal of face surveillance is reached (a state of its
    own on the page); returns the path and id of every page by demo key and locale."""
    import io

    from django.core.management import call_command
    from wagtail.models import Page

    from campaigns.models.pages import CampaignPage
    from home.demo.campaigns import CAMPAIGNS
    from home.demo.site_pages import CAMPAIGN_INDEX, HOME
    from serving.site_address import point_default_site_at
    from tests.builders import set_count

    _rebuild_what_a_flush_removed()
    call_command("load_demo", stdout=io.StringIO())
    point_default_site_at(server_url)

    paths, pks = {}, {}
    for spec in [HOME, CAMPAIGN_INDEX, *CAMPAIGNS]:
        original = Page.objects.get(locale__language_code="en-us", slug=spec["slug"], depth__gte=2)
        for page in Page.objects.filter(translation_key=original.translation_key).select_related("locale"):
            code = page.locale.language_code
            paths[spec["key"], code] = urlsplit(page.get_url()).path
            pks[spec["key"], code] = page.pk
    surveillance = CampaignPage.objects.get(locale__language_code="en-us", slug="face-surveillance")
    set_count(surveillance, surveillance.signature_goal + 1200)
    return paths, pks


def _asks_for_a_database(item):
    fixtures = getattr(item, "fixturenames", ())
    return item.get_closest_marker("django_db") or {"db", "transactional_db", "live_server"} & set(fixtures)


@contextmanager
def _test_database(session):
    """pytest-django creates the test database only if a collected test asks for it (a django_db mark or
    a db fixture). These tests reach it through the live server instead, so when they run alone they
    create it themselves."""
    if any(_asks_for_a_database(item) for item in session.items):
        yield
        return
    from django.test.utils import setup_databases, teardown_databases

    created = setup_databases(verbosity=0, interactive=False, aliases={"default"})
    try:
        yield
    finally:
        teardown_databases(created, verbosity=0)


@pytest.fixture(scope="session")
def demo_site(request, django_db_setup, django_db_blocker):
    """The demo site on a live server of its own, for the whole session (see the module's docstring)."""
    from django.test.utils import override_settings
    from pytest_django.live_server_helper import LiveServer

    media = tempfile.mkdtemp(prefix="browser-media-")
    with django_db_blocker.unblock(), _test_database(request.session):
        server = LiveServer("127.0.0.1:0")
        url = server.url
        # Links in mails and canonical links name this server; uploads of the session live in one folder.
        settings = override_settings(BASE_URL=url, WAGTAILADMIN_BASE_URL=url, MEDIA_ROOT=media)
        settings.enable()
        try:
            paths, pks = _load_demo(url)
            site = DemoSite(url=url, paths=paths, pks=pks)
            yield site
        finally:
            server.stop()
            settings.disable()
            shutil.rmtree(media, ignore_errors=True)


@pytest.fixture(autouse=True)
def _database(request, django_db_blocker):
    """The live server's threads and the test both use the database while a browser test runs."""
    if "demo_site" not in request.fixturenames:
        yield
        return
    with django_db_blocker.unblock():
        yield


@pytest.fixture(autouse=True)
def _media_root(request, settings, tmp_path):
    """Uploads stay in the session's folder for tests on the demo site (its pictures are there);
    other browser tests get a folder of their own, as every test outside this package does."""
    if "demo_site" not in request.fixturenames:
        settings.MEDIA_ROOT = str(tmp_path / "media")


class ForeignRequests(AssertionError):
    pass


@contextmanager
def open_page(chromium, site_url, *, width="phone", locale="en-us", allow=(), **options):
    """A new browser context with one page, `width` wide ("phone" or "desktop"), asking for `locale`.

    Records every request the page makes; on leaving, fails if any went to another origin than `site_url`
    (or the origins in `allow`, which a test fulfils itself). Extra options go to new_context
    (java_script_enabled, reduced_motion…)."""
    context = chromium.new_context(
        viewport=WIDTHS[width], locale=BROWSER_LOCALES[locale], base_url=site_url, **options
    )
    origins = {_origin(site_url), *(_origin(url) for url in allow)}
    with _no_other_origin(context, lambda url: _origin(url) in origins):
        page = context.new_page()
        page.width_name = width
        yield page


@contextmanager
def _no_other_origin(context, allowed):
    """Records the requests of every page in `context`; on leaving, closes it and fails if any went to a
    URL that `allowed` refuses."""
    foreign = []

    def record(request):
        if urlsplit(request.url).scheme in ("http", "https", "ws", "wss") and not allowed(request.url):
            foreign.append(f"{request.method} {request.url}")

    context.on("request", record)
    try:
        yield
    finally:
        context.close()
    if foreign:
        raise ForeignRequests("requests to another origin:\n" + "\n".join(foreign))


def _origin(url):
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _on_this_machine(url):
    """The live servers of tests that build their own site listen on the loopback address."""
    return urlsplit(url).hostname in ("127.0.0.1", "localhost")


@contextmanager
def _page(chromium, width, **options):
    context = chromium.new_context(viewport=width, **options)
    with _no_other_origin(context, _on_this_machine):
        yield context.new_page()


@pytest.fixture
def phone(chromium):
    """A 390 px wide page with JavaScript, as on a phone (no demo site: tests that build their own pages).
    Like open_page's, it fails the test if it asks anything of another host."""
    with _page(chromium, WIDTHS["phone"], locale="en-US") as page:
        yield page


@pytest.fixture
def desktop(chromium):
    with _page(chromium, {"width": 1280, "height": 900}, locale="en-US") as page:
        yield page


@pytest.fixture
def no_js(chromium):
    """A page with JavaScript turned off: every journey must still work."""
    with _page(chromium, WIDTHS["phone"], java_script_enabled=False) as page:
        yield page


_screenshots_taken = []


def screenshot(page, name):
    """Save what `page` shows (its first screen) as var/screenshots/<name>-<width>.png."""
    if not _screenshots_taken and SCREENSHOTS.exists():
        shutil.rmtree(SCREENSHOTS)  # this session's pictures only
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}-{page.width_name}.png"
    page.screenshot(path=path)
    _screenshots_taken.append(path)
    return path


def pytest_terminal_summary(terminalreporter):
    if _screenshots_taken:
        terminalreporter.write_line(
            f"Browser screenshots ({len(_screenshots_taken)}) of the journeys' key states: {SCREENSHOTS}"
        )
