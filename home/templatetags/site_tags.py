"""Template tags every page uses: language alternates (hreflang), the language switcher, site-wide links
and the bits of social metadata that need computing."""

from django import template
from django.conf import settings
from django.utils import translation
from wagtail.admin.templatetags.wagtailuserbar import wagtailuserbar

from campaigns.models.pages import CampaignIndexPage
from serving import site_structure

register = template.Library()


def _live_translations(request, page):
    """The live, public versions of `page` in every locale, keyed by language code (the page itself included)."""
    if page is None or not getattr(page, "pk", None):
        return {}
    return site_structure.for_request(request).live_translations(page)


def _locale_homes(request):
    """The live home page of each locale, keyed by language code."""
    return site_structure.for_request(request).locale_homes(request)


@register.inclusion_tag("includes/hreflang.html", takes_context=True)
def hreflang_links(context, page=None):
    """`<link rel=alternate hreflang>` for each published translation, plus x-default (the default locale)."""
    request = context.get("request")
    translations = _live_translations(request, page)
    alternates = [
        {"hreflang": code, "href": translations[code].get_full_url(request)}
        for code, _name in settings.LANGUAGES
        if code in translations
    ]
    default = translations.get(settings.LANGUAGE_CODE) or next(iter(translations.values()), None)
    return {"alternates": alternates, "x_default": default.get_full_url(request) if default else None}


@register.inclusion_tag("includes/language_switcher.html", takes_context=True)
def language_switcher(context, page=None):
    """Links to this page in each locale, or to that locale's home page where it is not translated."""
    request = context.get("request")
    translations = _live_translations(request, page)
    homes = _locale_homes(request)
    current = translation.get_language()
    links = []
    for code, name in settings.LANGUAGES:
        target = translations.get(code) or homes.get(code)
        if target is None:
            continue
        links.append(
            {
                "code": code,
                "name": name,
                "url": target.get_url(request),
                "current": code == current,
                "is_translation": code in translations,
            }
        )
    return {
        "links": links,
        "current_code": current,
        "current_name": dict(settings.LANGUAGES).get(current, current),
    }


@register.simple_tag(takes_context=True)
def locale_home_url(context):
    """The URL of the current locale's home page (falls back to the default locale's)."""
    request = context.get("request")
    homes = _locale_homes(request)
    home = homes.get(translation.get_language()) or homes.get(settings.LANGUAGE_CODE)
    return home.get_url(request) if home else "/"


@register.simple_tag(takes_context=True)
def localized_page(context, page):
    """The live translation of `page` in the active language, or `page` itself where there is none."""
    return site_structure.for_request(context.get("request")).localized(page)


@register.simple_tag(takes_context=True)
def editor_userbar(context):
    """Wagtail's userbar, for people who may have logged in (a session cookie) and nobody else.

    Asking who the visitor is reads the session and makes the answer vary on the Cookie header, which
    would keep every anonymous page out of shared caches (serving.pagecache, a CDN). Without a session
    cookie nobody is logged in, so there is nothing to ask.
    """
    request = context.get("request")
    if request is None or settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return ""
    return wagtailuserbar(context)


@register.simple_tag
def site_name():
    """The organisation's name from settings: usable where no request context exists (the 500 page)."""
    return settings.WAGTAIL_SITE_NAME


@register.simple_tag(takes_context=True)
def absolute_url(context, url):
    """`url` made absolute for social metadata; URLs that already are absolute (a media CDN) stay as they are."""
    request = context.get("request")
    if not url or request is None:
        return url or ""
    return request.build_absolute_uri(url)


@register.simple_tag
def og_locale():
    """The active language as Open Graph wants it: "en-gb" becomes "en_GB", "de" stays "de"."""
    language, _sep, region = (translation.get_language() or settings.LANGUAGE_CODE).partition("-")
    return f"{language}_{region.upper()}" if region else language


@register.simple_tag(takes_context=True)
def campaign_index_url(context):
    """The URL of the current locale's campaign list, or "" when there is none (header and footer links)."""
    request = context.get("request")
    index = site_structure.for_request(request).first_of_type(CampaignIndexPage, translation.get_language())
    return index.get_url(request) if index else ""


@register.simple_tag
def social_card(page):
    """Title, description and image for a page's Open Graph/Twitter metadata, whatever its type.

    Campaigns offer a social image, a hero image and a summary; other pages may have none of these.
    """
    specific = getattr(page, "specific", page)
    description = (
        getattr(specific, "search_description", "")
        or getattr(specific, "summary", "")
        or getattr(specific, "hero_heading", "")
    )
    return {
        "title": getattr(specific, "seo_title", "") or specific.title,
        "description": description,
        "image": getattr(specific, "social_image", None) or getattr(specific, "hero_image", None),
    }
