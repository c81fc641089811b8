"""Mails that look like the organisation: its name and logo at the top, a greeting by first name, its contact
line at the bottom, as an HTML mail with a plain-text part (for mail programs that show only text).

Every mail to signers is written here: the confirmation link, the reminder, "you have already signed"
(campaigns/emails.py) and updates (updates/sending.py). The header and footer are one include each
(templates/includes/email_header.html, email_footer.html and email_footer.txt), so a line added to the
footer is in every mail.

The logo travels inside the mail (an inline image named by Content-ID, RFC 2392), not as a link:
a mail program shows it without "load remote images?", opening the mail makes no request (to us or a
CDN) that would tell anyone it was read or from where, and it works whatever serves the site's media. It
costs a few kilobytes per mail: the logo is scaled down to a small PNG once per batch of mails.
"""

import logging
import re
from dataclasses import dataclass
from email.mime.image import MIMEImage

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from wagtail.models import Site

from branding.models import Organisation

logger = logging.getLogger(__name__)

LOGO_CID = "logo"
# Twice the size it is shown at (LOGO_BOX), so it is sharp on high-density screens.
LOGO_RENDITION = "max-480x160|format-png"
LOGO_BOX = (240, 80)


@dataclass(frozen=True)
class Brand:
    """What every mail shows of the organisation; `logo` is the PNG's bytes, `logo_url` the same picture on
    this site, for the admin's preview (a browser cannot read a mail's inline parts)."""

    name: str
    contact: str = ""
    logo: bytes = b""
    logo_url: str = ""
    logo_width: int = 0
    logo_height: int = 0


def brand_for(site=None):
    """The Brand of `site` (the default site when None): the Organisation settings, the site's name when
    the organisation has none set."""
    site = site or Site.objects.filter(is_default_site=True).first()
    organisation = Organisation.for_site(site) if site is not None else None
    if organisation is None:
        return Brand(name=settings.WAGTAIL_SITE_NAME)
    name = organisation.name.strip() or settings.WAGTAIL_SITE_NAME
    logo = _logo(organisation.logo) if organisation.logo_id else {}
    return Brand(name=name, contact=organisation.contact.strip(), **logo)


def brand_of_page(page):
    """The Brand of the site `page` belongs to."""
    return brand_for(page.get_site() if page is not None else None)


def _logo(image):
    try:
        rendition = image.get_rendition(LOGO_RENDITION)
        with rendition.file.open("rb") as file:
            data = file.read()
    except Exception:  # a missing or broken file must not stop the mail: it goes without the logo
        logger.exception(
            "The organisation's logo (image %s) could not be read; mails go without it", image.pk
        )
        return {}
    scale = min(LOGO_BOX[0] / rendition.width, LOGO_BOX[1] / rendition.height, 1)
    return {
        "logo": data,
        "logo_url": rendition.url,
        "logo_width": round(rendition.width * scale),
        "logo_height": round(rendition.height * scale),
    }


def greeting(first_name):
    """ "Hello Ada," in the active language, or "Hello," when there is no first name to use."""
    name = " ".join((first_name or "").split())
    if name:
        return _("Hello %(name)s,") % {"name": name}
    return _("Hello,")


def context(brand, *, first_name="", test=False, preview=False):
    """What the mail layouts (templates/emails/layout.html and layout.txt) need, in the active language."""
    if brand.logo and not preview:
        logo_src = f"cid:{LOGO_CID}"
    else:
        logo_src = brand.logo_url
    return {"brand": brand, "logo_src": logo_src, "greeting": greeting(first_name), "test": test}


def message(template, context, *, subject, to, headers=None, connection=None):
    """The mail from templates `<template>.txt` and `<template>.html` (each extends the emails/layout one),
    with the logo inline when the context's brand has one. Call it in the recipient's language."""
    brand = context["brand"]
    text = tidy(render_to_string(f"{template}.txt", context))
    html = render_to_string(f"{template}.html", context)
    if context.get("test"):
        subject = _("[Test] %(subject)s") % {"subject": subject}
    email = EmailMultiAlternatives(
        " ".join(subject.split()), text, to=to, connection=connection, headers=headers
    )
    email.attach_alternative(html, "text/html")
    if context["logo_src"] == f"cid:{LOGO_CID}":
        email.mixed_subtype = "related"  # the HTML part refers to the image part by its Content-ID
        image = MIMEImage(brand.logo, _subtype="png")
        image.add_header("Content-ID", f"<{LOGO_CID}>")
        image.add_header("Content-Disposition", "inline", filename="logo.png")
        email.attach(image)
    return email


def tidy(text):
    """Plain text as written by a template: no blank runs longer than one line, no trailing spaces except
    the signature separator's ("-- ")."""
    lines = [line if line == "-- " else line.rstrip() for line in text.strip().splitlines()]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines))
    return re.sub(r"^-- \n\n", "-- \n", text, flags=re.MULTILINE) + "\n"
