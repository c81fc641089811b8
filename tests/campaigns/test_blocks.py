"""Every body block renders what a reader should see, and the References section links both ways."""

import datetime
import re

import pytest
from django.test import RequestFactory
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.rich_text import RichText

from campaigns.blocks import CampaignBodyBlock, LinkTargetBlock, ReferencesBlock
from campaigns.templatetags.campaign_tags import link_references
from tests.builders import build_campaign, build_index, build_site

pytestmark = pytest.mark.django_db

BODY = CampaignBodyBlock()


def render(block_type, raw, **context):
    """Render one body block from its raw (JSON-like) value, as the page would."""
    block = BODY.child_blocks[block_type]
    return block.render(block.to_python(raw), context=context)


@pytest.fixture
def site():
    home = build_site()
    index = build_index(home)
    return {"home": home, "index": index}


@pytest.fixture
def image():
    return get_image_model().objects.create(
        title="Doorbell", file=get_test_image_file(size=(1800, 1200)), description="A doorbell camera"
    )


def reference(number):
    return (
        "reference",
        {
            "title": f"Source {number}",
            "author": "",
            "publisher": f"Publisher {number}",
            "date": datetime.date(2020, 6, number),
            "url": f"https://example.org/source-{number}",
        },
    )


# Content blocks


def test_paragraph_markers_link_to_references_and_carry_back_anchors():
    html = link_references("<p>Ring shares footage.[1] Again [1], and [2]; not [3].</p>", 2)
    assert '<a id="cite-1" href="#ref-1"' in html
    assert '<a id="cite-1-2" href="#ref-1"' in html
    assert '<a id="cite-2" href="#ref-2"' in html
    assert "[3]" in html and 'href="#ref-3"' not in html  # no such reference: left as typed


def test_paragraph_markers_inside_tag_attributes_are_left_alone():
    html = link_references('<p><a href="https://example.org/?q=[1]">link</a> text[1]</p>', 1)
    assert 'href="https://example.org/?q=[1]"' in html
    assert html.count('href="#ref-1"') == 1


def test_paragraph_renders_rich_text():
    html = render("paragraph", "<p>Ring shares <b>footage</b>.</p>")
    assert 'class="block-paragraph rich-text"' in html
    assert "<b>footage</b>" in html


@pytest.mark.parametrize(("level", "tag"), [("h2", "h2"), ("h3", "h3")])
def test_heading_levels(level, tag):
    html = render("heading", {"text": "What we ask", "level": level})
    assert re.search(rf'<{tag} class="block-heading" id="section-what-we-ask">What we ask</{tag}>', html)


def test_image_has_alt_text_srcset_and_dimensions(image):
    html = render(
        "image", {"image": image.pk, "alt_text": "Camera by a door", "caption": "Seen", "credit": "EFF"}
    )
    img = re.search(r"<img [^>]*>", html).group(0)
    assert 'alt="Camera by a door"' in img
    assert re.search(r'srcset="[^"]+ 480w, [^"]+ 800w', img)
    assert 'sizes="' in img
    assert re.search(r'width="\d+"', img) and re.search(r'height="\d+"', img)
    assert 'loading="lazy"' in img
    assert "<figcaption>Seen" in html and "EFF" in html


def test_image_alt_falls_back_to_the_image_description(image):
    html = render("image", {"image": image.pk, "alt_text": ""})
    assert 'alt="A doorbell camera"' in html


def test_quote():
    html = render("quote", {"quote": "Don't mix.", "attribution": "The team"})
    assert "<blockquote><p>Don&#x27;t mix.</p></blockquote>" in html
    assert "<figcaption>— The team</figcaption>" in html


def test_video_is_a_notice_and_a_link_never_an_embed():
    html = render("video", {"video": "https://www.youtube.com/watch?v=abc", "caption": "How it works"})
    assert "<iframe" not in html and "<script" not in html
    assert 'href="https://www.youtube.com/watch?v=abc"' in html
    assert "youtube.com" in html
    assert "shares data with its host" in html
    assert "How it works" in html


# Action blocks


def test_sign_cta_jumps_to_the_form():
    html = render("sign_cta", {"heading": "Act now", "text": "", "button_label": "Sign the petition"})
    assert re.search(r'<a class="button button--primary" href="#sign">Sign the petition', html)
    assert "<h2>Act now</h2>" in html


def test_share_links_are_plain_links_without_scripts(site):
    campaign = build_campaign(site["index"], share_text="Stop Ring sharing footage")
    request = RequestFactory().get("/")
    html = render(
        "share_links",
        {"heading": "Spread the word", "networks": ["email", "bluesky", "x"]},
        page=campaign,
        request=request,
    )
    assert "<script" not in html and "<iframe" not in html
    assert 'href="mailto:?subject=' in html
    assert "https://bsky.app/intent/compose?text=Stop%20Ring%20sharing%20footage" in html
    assert "https://x.com/intent/post?" in html
    assert "amazon-ring" in html  # the campaign's own address is what gets shared
    assert "facebook" not in html  # only the networks the editor chose


def test_next_action_links_to_a_page_in_the_readers_language(site):
    other = build_campaign(site["index"], slug="face-recognition", title="Ban face recognition")
    html = render("next_action", {"page": other.pk, "url": "", "link_text": "Ban it", "heading": "Next"})
    assert f'href="{other.url}"' in html
    assert "Ban it" in html


def test_next_action_links_to_an_external_address():
    html = render(
        "next_action", {"page": None, "url": "https://example.org/act", "link_text": "Act", "heading": "Next"}
    )
    assert 'href="https://example.org/act"' in html


def test_donate_link():
    html = render(
        "donate",
        {
            "page": None,
            "url": "https://example.org/donate",
            "link_text": "Donate now",
            "heading": "Support us",
            "text": "No money from tech companies.",
        },
    )
    assert re.search(r'<a class="button button--donate" href="https://example.org/donate">Donate now', html)
    assert "No money from tech companies." in html


@pytest.mark.parametrize(
    "raw",
    [
        {"page": None, "url": "", "link_text": "Go"},  # neither
        {"page": "HOME", "url": "https://example.org", "link_text": "Go"},  # both
    ],
    ids=["neither", "both"],
)
def test_link_target_refuses_neither_or_both(site, raw):
    block = LinkTargetBlock()
    if raw["page"] == "HOME":
        raw = {**raw, "page": site["home"].pk}
    with pytest.raises(StructBlockValidationError):
        block.clean(block.to_python(raw))


@pytest.mark.parametrize("field", ["page", "url"])
def test_link_target_accepts_exactly_one(site, field):
    block = LinkTargetBlock()
    raw = {"page": None, "url": "", "link_text": "Go"}
    raw[field] = site["home"].pk if field == "page" else "https://example.org"
    assert block.clean(block.to_python(raw))["link_text"] == "Go"


# The page: body blocks without wrappers, references numbered and linked both ways


def test_references_section_is_numbered_with_links_both_ways(client, site):
    campaign = build_campaign(
        site["index"],
        body=[
            ("paragraph", RichText("<p>Ring works with police.[1] Footage is shared.[3]</p>")),
            ("quote", {"quote": "A perfect storm.[1]", "attribution": ""}),
        ],
        references=[reference(1), reference(2), reference(3)],
    )
    html = client.get(campaign.url).content.decode()
    section = html[html.index('<section class="references') :]
    assert '<h2 id="references-heading">References</h2>' in section
    items = re.findall(r'<li id="ref-(\d+)">', section)
    assert items == ["1", "2", "3"]
    assert '<a href="https://example.org/source-1" rel="noopener">Source 1</a>' in section
    # markers in the text link down, references link back up (only those cited)
    assert '<a id="cite-1" href="#ref-1"' in html
    assert '<a id="cite-1-2" href="#ref-1"' in html  # the quote's marker
    assert '<a id="cite-3" href="#ref-3"' in html
    assert 'href="#cite-1"' in section and 'href="#cite-3"' in section
    assert 'href="#cite-2"' not in section  # reference 2 is never cited: no dead back link


def test_body_blocks_render_without_wrapper_divs(client, site):
    campaign = build_campaign(
        site["index"], body=[("heading", {"text": "First", "level": "h2"}), ("quote", {"quote": "Q"})]
    )
    html = client.get(campaign.url).content.decode()
    body = html[html.index('class="campaign-body"') :]
    assert '<h2 class="block-heading"' in body
    # StreamField's own rendering would wrap each block in <div class="block-heading">…
    assert '<div class="block-heading">' not in body and '<div class="block-quote">' not in body


def test_references_block_renders_each_reference():
    block = ReferencesBlock()
    value = block.to_python([{"type": "reference", "value": reference(1)[1]}])
    html = block.render(value)
    assert "Publisher 1" in html and 'datetime="2020-06-01"' in html
