"""What every page view asks about the site, answered from memory once per content generation.

A page view needs to know which Site serves the host, which page a path leads to, each page's live
translations (hreflang, the language switcher), each language's home and campaign list (header, footer), and
whether a page is public. Asked of the database, that is a dozen queries per view. None of it changes unless
a page, a site, a locale or a view restriction changes, and each of those moves the content generation
(serving.generation). So each app process keeps one SiteStructure, built lazily for the current generation and
dropped when the generation moves, or after MAX_AGE seconds as a safety net for a change whose signal was
lost (a Redis outage while an editor published; several processes sharing no Redis).

Memory: one light row per live page (no StreamField bodies), fine for the hundreds or few thousands of pages
a campaign site has.
"""

import threading
import time
from functools import cached_property

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from django.utils import translation
from wagtail.models import Locale, Page, PageViewRestriction, Site, get_page_models

from ops import process_memory
from serving import generation

MAX_AGE = 10  # seconds

_current = None


def _forget():
    global _current
    _current = None


process_memory.register("serving.site_structure", _forget)


def for_request(request):
    """The SiteStructure of the request's generation (shared by the requests of this process)."""
    global _current
    number = generation.for_request(request)
    structure = _current
    if structure is None or structure.generation != number or structure.expired():
        structure = _current = SiteStructure(number)
    return structure


def current():
    """The SiteStructure this process used last, or None: for code that has no request at hand."""
    structure = _current
    return None if structure is None or structure.expired() else structure


class KnownRestrictionsMixin:
    """For page models: answer "which view restrictions apply?" from the site structure when it knows the page
    is public, instead of two queries on every view (Wagtail asks before serving any page)."""

    def get_view_restrictions(self):
        structure = current()
        if structure is not None and self.pk in structure.public_page_ids:
            return _no_restrictions()
        return super().get_view_restrictions()


_none = None


def _no_restrictions():
    """An empty queryset of restrictions, evaluated once: iterating or testing it costs nothing, where a new
    `none()` went through the SQL compiler on every page served (a tenth of a signature's CPU). Anything
    that refines it (`order_by`) gets a new queryset, as usual."""
    global _none
    if _none is None:
        empty = PageViewRestriction.objects.none()
        list(empty)  # evaluated: its (empty) result is kept
        _none = empty
    return _none


class SiteStructure:
    """Answers about the site's pages for one content generation. Built lazily: each part on first use."""

    def __init__(self, number):
        self.generation = number
        self.built_at = time.monotonic()
        self._sites = {}
        self._routes = {}
        self._threads = threading.local()
        self._next_change = None
        self.memo = {}  # other modules' per-generation answers (campaigns.forms keeps form classes here)

    def expired(self):
        return time.monotonic() - self.built_at > MAX_AGE

    # Sites and locales

    def site_for(self, request):
        """Wagtail's Site for the request's host and port, remembered per (host, port); the default site
        where there is no request (a mail rendered by the worker)."""
        if request is None:
            if None not in self._sites:
                self._sites[None] = (
                    Site.objects.select_related("root_page").filter(is_default_site=True).first()
                )
            return self._sites[None]
        key = (request._get_raw_host(), request.get_port())
        if key not in self._sites:
            self._sites[key] = Site._find_for_request(request)
        request._wagtail_site = self._sites[key]
        return self._sites[key]

    @cached_property
    def locales(self):
        return {locale.language_code: locale for locale in Locale.objects.all()}

    def active_locale(self):
        return self.locales.get(translation.get_language()) or self.locales.get(settings.LANGUAGE_CODE)

    # Live, public pages

    @cached_property
    def restricted_paths(self):
        return tuple(PageViewRestriction.objects.values_list("page__path", flat=True))

    def is_public(self, page):
        """Whether neither the page nor any of its ancestors has a view restriction."""
        return not any(page.path.startswith(path) for path in self.restricted_paths)

    @cached_property
    def _live_pages(self):
        pages = Page.objects.live().select_related("locale").order_by("path")
        return [page for page in pages if self.is_public(page)]

    @cached_property
    def public_page_ids(self):
        return frozenset(page.pk for page in self._live_pages)

    @cached_property
    def _translations(self):
        by_key = {}
        for page in self._live_pages:
            by_key.setdefault(page.translation_key, {})[page.locale.language_code] = page
        return by_key

    def live_translations(self, page):
        """The live, public versions of `page` in each language (the page itself included), by language code."""
        if page is None or not getattr(page, "translation_key", None):
            return {}
        return self._translations.get(page.translation_key, {})

    def localized(self, page):
        """The live translation of `page` in the active language; `page` itself where there is none."""
        if page is None:
            return None
        locale = self.active_locale()
        if locale is None or locale.pk == page.locale_id:
            return page
        return self.live_translations(page).get(locale.language_code, page)

    def locale_homes(self, request):
        """The live home page of each language of the request's site, by language code."""
        site = self.site_for(request)
        return self.live_translations(site.root_page) if site else {}

    @cached_property
    def _pages_by_type(self):
        by_type = {}
        for page in self._live_pages:
            by_type.setdefault(page.content_type_id, []).append(page)
        return by_type

    def first_of_type(self, model, language_code):
        """The first live page of `model` (in tree order) in a language, or None: the campaign list of a locale."""

        content_type = ContentType.objects.get_for_model(model)
        for page in self._pages_by_type.get(content_type.pk, []):
            if page.locale.language_code == language_code:
                return page
        return None

    # Time

    def next_change_at(self, now):
        """The next moment (a UNIX time) a live page changes by itself, with no publish, or None.

        A page model that changes with time (a campaign closing by date) says when, through a classmethod
        `next_change_at(now)` returning an aware datetime or None. Cached pages never outlive that moment.
        """
        if self._next_change is None or (self._next_change[0] is not None and self._next_change[0] <= now):
            moments = []
            for model in get_page_models():
                # Asked of the model that defines it, not again of each subclass.
                moment = model.next_change_at(now) if "next_change_at" in model.__dict__ else None
                if moment is not None:
                    moments.append(moment.timestamp())
            self._next_change = (min(moments) if moments else None,)
        return self._next_change[0]

    # Routing

    @cached_property
    def _by_url_path(self):
        return {page.url_path: page for page in self._live_pages}

    def route(self, request, path):
        """Wagtail's page route for `path`: (page, args, kwargs), the page fetched in one query at most.

        Wagtail walks the tree from the site's root, a query per level. Here the live, public page whose
        address is the longest prefix of the path is found in memory, fetched as its specific type (once per
        structure and thread: the same object, only read, serves this generation's requests, so a signature
        costs no query to find its page), and asked to route the rest itself (a RoutablePageMixin subpath such as `thank-you/`), so its own rules (live,
        its routes) still decide. Where a page on the way routes its children's paths itself (it overrides
        `route`), or the path leads to no page known here (a restricted or draft page), Wagtail's own walk
        decides. Raises Http404 where Wagtail would.
        """
        site = self.site_for(request)
        if site is None:
            raise Http404
        root = self.localized(site.root_page)
        components = [component for component in path.split("/") if component]
        for consumed in range(len(components), -1, -1):
            page = self._by_url_path.get(root.url_path + "".join(f"{c}/" for c in components[:consumed]))
            if page is not None:
                break
        if page is None or not self._routes_children_plainly(page, root):
            return root.specific.route(request, components)
        # One object per thread: a page renders its body lazily, and two threads rendering one object at once
        # could trip over each other.
        objects = self._threads.__dict__.setdefault("specific", {})
        specific = objects.get(page.pk)
        if specific is None:
            model = page.specific_class
            related = getattr(model, "serve_select_related", ())
            specific = model.objects.select_related(*related).filter(pk=page.pk).first()
            if specific is None:  # deleted since this structure was built
                raise Http404
            objects[page.pk] = specific
        return specific.route(request, components[consumed:])

    @cached_property
    def _by_path(self):
        return {page.path: page for page in self._live_pages}

    def _routes_children_plainly(self, page, root):
        """Whether every page from `root` down to `page`'s parent leaves the routing of its children to Wagtail."""
        key = (page.path, root.path)
        if key not in self._routes:
            lengths = range(len(root.path), len(page.path), Page.steplen)
            ancestors = [self._by_path.get(page.path[:length]) for length in lengths]
            self._routes[key] = all(
                ancestor is not None and ancestor.specific_class.route is Page.route for ancestor in ancestors
            )
        return self._routes[key]
