"""Builders for StreamField data with stable block ids.

wagtail-localize names each translatable string after the block it sits in (`body.<block id>`), and the
demo's PO files refer to those names. Block ids are therefore derived from the page and the block's
position, so a fresh database gets the same ids every time and the PO files keep matching.
"""

import uuid

_NAMESPACE = uuid.UUID("6f1c9a52-3f0e-4c55-9d59-2f6d5ad4c1e7")


def with_ids(page_key, field_name, blocks):
    """Give each `(block type, value)` pair of a stream a stable id; returns Wagtail's raw stream data."""
    return [
        {
            "type": block_type,
            "value": value,
            "id": str(uuid.uuid5(_NAMESPACE, f"{page_key}:{field_name}:{n}")),
        }
        for n, (block_type, value) in enumerate(blocks)
    ]


def paragraph(html):
    return ("paragraph", html)


def heading(text, level="h2"):
    return ("heading", {"text": text, "level": level})


def quote(text, attribution=""):
    return ("quote", {"quote": text, "attribution": attribution})


def sign_cta(button_label, heading="", text=""):
    return ("sign_cta", {"heading": heading, "text": text, "button_label": button_label})


def share_links(heading, networks=("email", "whatsapp", "bluesky", "mastodon", "x", "facebook")):
    return ("share_links", {"heading": heading, "networks": list(networks)})


def next_action(page_key, link_text, heading, text=""):
    """A link to another demo page; `page_key` is replaced by the page's id when the page is built."""
    return (
        "next_action",
        {"page": page_key, "url": "", "link_text": link_text, "heading": heading, "text": text},
    )


def reference(title, publisher, url, author="", date=None):
    return (
        "reference",
        {"title": title, "author": author, "publisher": publisher, "date": date, "url": url},
    )
