"""Template helpers for campaign pages: reference markers and the share links."""

import re
from urllib.parse import quote, urlsplit

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()

# "[3]" in body text, but not inside a tag's attributes: the marker must sit in text between tags.
MARKER = re.compile(r"\[(\d{1,3})\](?![^<]*>)")


@register.filter(needs_autoescape=False)
def link_references(html, count):
    """Turn `[n]` markers into links to reference n (for n up to `count`), each with an id to link back to.

    The first marker of a reference gets id `cite-n`, which the reference's back link points to; later
    markers of the same reference get `cite-n-2`, `cite-n-3`…
    """
    seen = {}

    def replace(match):
        number = int(match.group(1))
        if not 1 <= number <= int(count or 0):
            return match.group(0)
        seen[number] = seen.get(number, 0) + 1
        anchor = f"cite-{number}" if seen[number] == 1 else f"cite-{number}-{seen[number]}"
        # A word joiner (U+2060) keeps the marker on the line of the word it follows.
        return format_html(
            '\u2060<sup class="ref-marker"><a id="{}" href="#ref-{}" aria-label="{}">[{}]</a></sup>',
            anchor,
            number,
            _("Reference %(number)s") % {"number": number},
            number,
        )

    return mark_safe(MARKER.sub(replace, str(html)))


SHARE_URLS = {
    "email": "mailto:?subject={title}&body={text}%20{url}",
    "whatsapp": "https://wa.me/?text={text}%20{url}",
    "bluesky": "https://bsky.app/intent/compose?text={text}%20{url}",
    "mastodon": "https://mastodonshare.com/?text={text}&url={url}",
    "x": "https://x.com/intent/post?text={text}&url={url}",
    "facebook": "https://www.facebook.com/sharer/sharer.php?u={url}",
    "linkedin": "https://www.linkedin.com/sharing/share-offsite/?url={url}",
}
SHARE_NAMES = {
    "email": "Email",
    "whatsapp": "WhatsApp",
    "bluesky": "Bluesky",
    "mastodon": "Mastodon",
    "x": "X",
    "facebook": "Facebook",
    "linkedin": "LinkedIn",
}


@register.simple_tag(takes_context=True)
def share_target(context):
    """What sharing the current page passes on: {"url", "text", "title"} (the editor's share text, else the
    summary), for the share links and the browser's own share menu (static/js/petition.js)."""
    page = context.get("page")
    if page is None:
        return None
    return {
        "url": page.get_full_url(context.get("request")) or "",
        "text": getattr(page, "share_text", "") or getattr(page, "summary", "") or page.title,
        "title": page.title,
    }


@register.simple_tag(takes_context=True)
def share_links(context, networks=None):
    """Plain share links for the current page: no third-party script is ever loaded. `networks`: a list, or
    their names in one string separated by spaces ("email whatsapp"); all of them by default."""
    target = share_target(context)
    if target is None:
        return []
    values = {name: quote(value, safe="") for name, value in target.items()}
    chosen = networks.split() if isinstance(networks, str) else networks or list(SHARE_URLS)
    return [
        {
            "network": network,
            "name": _("Email") if network == "email" else SHARE_NAMES[network],
            "href": SHARE_URLS[network].format(**values),
        }
        for network in chosen
        if network in SHARE_URLS
    ]


@register.simple_tag
def cited_references(body):
    """The reference numbers that `[n]` markers in `body` (a StreamValue) point to.

    The References section shows a back link only for these: a reference never cited in the text has no
    `cite-n` anchor to go back to.
    """
    numbers = set()
    for block in body or []:
        value = block.value
        if hasattr(value, "source"):  # rich text
            texts = [value.source]
        elif hasattr(value, "values"):  # a struct block: its plain-text fields (a quote, a caption…)
            texts = [text for text in value.values() if isinstance(text, str)]
        else:
            texts = [value] if isinstance(value, str) else []
        for text in texts:
            numbers.update(int(number) for number in MARKER.findall(text))
    return numbers


@register.filter
def url_host(url):
    """The host a link leads to, without "www." ("youtube.com"), so visitors know where they are going."""
    host = urlsplit(str(url or "")).hostname or ""
    return host.removeprefix("www.")
