"""What an update's mail says: its message with every link absolute, as HTML and as text, in the update's
language. Used by the mail (updates.sending) and by the editor's preview (updates.models)."""

from urllib.parse import urljoin

from bs4 import BeautifulSoup
from django.conf import settings
from django.utils.safestring import mark_safe
from wagtail.rich_text import expand_db_html

from campaigns.models.pages import CampaignPage


def mail_context(update, unsubscribe_url):
    """What the update's mail (and its preview) shows, in the update's language."""
    campaign = update.campaign
    local = CampaignPage.objects.filter(
        translation_key=campaign.translation_key, locale=update.locale
    ).first()
    return {
        "update": update,
        "campaign": local or campaign,
        "unsubscribe_url": unsubscribe_url,
        "body_html": mark_safe(str(_body(update))),  # the editor's rich text, expanded by Wagtail
    }


def _body(update):
    """The update's message as parsed HTML, every link absolute. A mail has no address of its own to resolve
    `/en-us/ring/` (an internal page link, as Wagtail writes it) or `../ring/` against, so a mail program
    would open nothing or a file: each is resolved against BASE_URL, the site's public address."""
    soup = BeautifulSoup(expand_db_html(update.body), "html.parser")
    base = settings.BASE_URL.rstrip("/") + "/"
    for link in soup.find_all("a", href=True):
        link["href"] = urljoin(base, link["href"].strip())
    return soup


def body_text(update):
    """The message as plain text for the mail's text part, each link written out after its words."""
    soup = _body(update)
    for link in soup.find_all("a", href=True):
        words = link.get_text(" ", strip=True)
        link.replace_with(link["href"] if words in ("", link["href"]) else f"{words} ({link['href']})")
    for block in soup.find_all(["p", "li", "h2", "h3", "h4", "br"]):
        block.insert_after("\n")
    return "\n".join(line.strip() for line in soup.get_text().splitlines()).strip()
