"""The embeddable petition: partner sites that may frame a campaign's form, and how a framed form signs.

An editor switches embedding on for a campaign (CampaignPage.embed_enabled) and lists the partner sites
allowed to frame it (EmbedPartner: a name and an origin such as `https://privacy-alliance.org`). The admin
then shows a snippet to paste on the partner's page (templates/campaigns/admin/embed_snippet.html).

Addresses (campaigns/urls.py), in the language of the prefix:
- `/<language>/embed/<campaign key>/`: what the snippet's `<iframe>` opens. Its `referrerpolicy="origin"`
  makes the browser say which site framed it (the `Referer`, an origin only: never the partner page's
  path); a listed partner is redirected to its own address below. Without a listed referrer (a partner
  whose browser withheld it) the form is shown and signs without naming a partner.
- `/<language>/embed/<campaign key>/from/<partner>/` (and `…/thank-you/`): the form for one partner. Its
  `frame-ancestors` names that partner's origin alone, so the browser shows it framed by no other site:
  the partner in the address is checked by the browser, not taken on trust, and signatures made there
  record the partner (`source["partner"]`, its name, and `source["partner_origin"]`) for the campaign's
  summary and the webhooks. Someone who opens that address on its own (not framed) signs as if on the
  partner's site; that is no breach, only a signature counted for the partner.

Headers. Every other page of the site keeps `frame-ancestors 'none'` and `X-Frame-Options: DENY`
(config/settings/base.py). The embed addresses replace only `frame-ancestors`, with the campaign's listed
origins (`'none'` while embedding is off or nobody is listed: the address then answers 404 anyway), and
send no X-Frame-Options: it can name one site at most (`ALLOW-FROM` is gone from every browser) and a
browser that knows CSP ignores it when `frame-ancestors` is present. The page cache (serving/pagecache.py)
stores each address's response with its own headers, and each campaign and partner has its own address,
so no campaign's header is ever served for another's; a publish starts a new cache generation, so a
partner removed from the list can no longer frame the form once the page is published.

Cookies, CSRF and SameSite. A form in a frame of another site is a third-party context: browsers do not
send this site's `SameSite=Lax` cookies there (and Chromium is phasing out third-party cookies), so
Django's CSRF cookie and token cannot work in it. The embedded form does not need them, for the same reason
the site's own petition does not (serving.origin): signing reads no cookie, and a post is accepted when
the browser says it comes from this site. The framed document is this site's, so its post carries
`Origin: <this site>` and `Sec-Fetch-Site: same-origin`; a page on another site posting at the form
directly carries its own origin and is refused as before. The thank-you state is an address, not a
session. So nothing is relaxed for the main site: its session and CSRF cookies stay `SameSite=Lax`,
the admin cannot be framed, and no cookie is set for the embed. A partner must not put the `<iframe>` in a
`sandbox` without `allow-same-origin`: the frame would then post as `Origin: null` and be refused.
"""

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from csp.constants import NONE
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import punycode
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel
from wagtail.models import Orderable

from serving.site_address import DEFAULT_PORTS

# Hosts a partner may list with plain http: this machine, for trying the snippet out locally.
LOOPBACK_HOSTS = frozenset(("localhost", "127.0.0.1", "[::1]"))
# A host name as CSP's host-source allows it: labels of letters, digits and inner hyphens between dots.
HOST_NAME = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*")
# The script a partner's page loads to let the frame set its own height (static/js/petition-embed.js).
EMBED_SCRIPT = "js/petition-embed.js"


def normalise_origin(value):
    """The origin (`scheme://host[:port]`) an editor typed, in the form browsers send it, or ValidationError.

    An origin names a whole site: no path, query, fragment, user name or wildcard (to allow another site,
    list it too). https only, except on this machine (localhost), where http is allowed for trying it out.
    The host is lower-cased and put in its ASCII (IDNA) form, a default port is dropped, and a trailing
    slash is forgiven: `HTTPS://Bücher.example:443/` is `https://xn--bcher-kva.example`.
    """
    text = (value or "").strip()
    if "*" in text:
        raise ValidationError(
            _("Wildcards are not allowed: list each partner site by its full address."), code="wildcard"
        )
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        parts, port = None, None
    scheme = parts.scheme.lower() if parts else ""
    if not parts or scheme not in DEFAULT_PORTS or not parts.hostname:
        raise ValidationError(
            _("Enter the partner site's address, for example https://privacy-alliance.org"), code="invalid"
        )
    if parts.username or parts.password or parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ValidationError(
            _(
                "Enter only the site's address, without a page's path: https://privacy-alliance.org, "
                "not https://privacy-alliance.org/campaigns/"
            ),
            code="path",
        )
    host = _origin_host(parts.hostname)
    if scheme == "http" and host not in LOOPBACK_HOSTS:
        raise ValidationError(
            _("Partner sites must use https (http is allowed only for localhost, to try it out)."),
            code="insecure",
        )
    netloc = host if port in (None, DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    return f"{scheme}://{netloc}"


def _origin_host(host):
    """The host of an origin as browsers write it: an IPv6 address in brackets, a name in ASCII (IDNA)."""
    try:
        address = ipaddress.IPv6Address(host)
    except ValueError:
        address = None
    if address is not None:
        if address.scope_id is not None:
            raise ValidationError(_("This is not a valid site address."), code="invalid")
        return f"[{address.compressed}]"
    try:
        host = punycode(host)
    except UnicodeError:
        raise ValidationError(_("This is not a valid site address."), code="invalid") from None
    # The origin goes into a Content-Security-Policy header, where a `;` would start a directive of the
    # editor's choosing and a quote or a comma another source or policy: a host name is letters, digits and
    # hyphens between dots (as CSP's own grammar has it), nothing else.
    if not HOST_NAME.fullmatch(host):
        raise ValidationError(
            _(
                "A site's name has only letters, digits, hyphens and dots: take out any space, quote, "
                "semicolon, comma or other sign."
            ),
            code="host",
        )
    return host


def is_origin(value):
    """Whether `value` is an origin exactly as normalise_origin writes it, and so safe in a header."""
    try:
        return normalise_origin(value) == value
    except ValidationError:
        return False


def origin_of(url):
    """The origin of a URL (a Referer), normalised as normalise_origin does, or None."""
    try:
        parts = urlsplit(url or "")
    except ValueError:
        return None
    if not parts.scheme or not parts.netloc:
        return None
    try:
        return normalise_origin(f"{parts.scheme}://{parts.netloc}")
    except ValidationError:
        return None


def partner_key(origin):
    """The partner's part of its embed address: the origin's host and port, `privacy-alliance.org` or
    `localhost-8123` (only loopback hosts may differ from another listed origin by scheme alone)."""
    parts = urlsplit(origin)
    host = re.sub(r"[^a-z0-9.-]", "-", parts.hostname.lower())
    return f"{host}-{parts.port}" if parts.port else host


class EmbedPartner(Orderable):
    """A partner site allowed to frame a campaign's petition (CampaignPage.embed_partners).

    Not translated: the list is the same in every language of the campaign (campaigns/signals.py copies it
    to the other languages when a page is published)."""

    page = ParentalKey("campaigns.CampaignPage", on_delete=models.CASCADE, related_name="embed_partners")
    name = models.CharField(
        _("partner's name"),
        max_length=100,
        help_text=_(
            "How the campaign's summary names signatures made on this site, for example 'Privacy Alliance'."
        ),
    )
    origin = models.CharField(
        _("site address"),
        max_length=200,
        help_text=_(
            "The address of the partner's site, without a page: for example https://privacy-alliance.org. "
            "Pages of that site only may show the petition; list www.privacy-alliance.org separately if "
            "the partner uses it too."
        ),
    )

    panels = [FieldPanel("name"), FieldPanel("origin")]

    class Meta(Orderable.Meta):
        verbose_name = _("partner site")
        verbose_name_plural = _("partner sites")

    def __str__(self):
        return f"{self.name} ({self.origin})"

    def clean(self):
        super().clean()
        try:
            self.origin = normalise_origin(self.origin)
        except ValidationError as error:
            raise ValidationError({"origin": error}) from None

    @property
    def key(self):
        return partner_key(self.origin)


def partners(page):
    """The partners allowed to frame `page`'s petition: none while embedding is off. A partner whose stored
    address is not an origin (saved before the check was strict, or around it) is left out, from the
    header and the addresses alike, until an editor corrects it: the page editor then asks them to."""
    if not page.embed_enabled:
        return []
    return [partner for partner in page.embed_partners.all() if is_origin(partner.origin)]


def partner_for_key(page, key):
    """The listed partner whose embed address part is `key`, or None."""
    return next((partner for partner in partners(page) if partner.key == key), None)


def partner_for_origin(page, origin):
    """The listed partner whose site is `origin`, or None."""
    return next((partner for partner in partners(page) if partner.origin == origin), None)


def allow_framing(response, origins):
    """Let exactly `origins` frame `response` (`frame-ancestors`, replacing the site-wide 'none'), and drop
    X-Frame-Options, which cannot name them (see the module's docstring).

    An origin that is not one normalise_origin would keep as it is (one stored before that check was strict
    enough, or written around the admin form) is left out rather than written into the header, where it could
    add a directive of its own: that partner can no longer frame the petition until an editor corrects it."""
    response._csp_replace = {
        **(getattr(response, "_csp_replace", None) or {}),
        "frame-ancestors": sorted({origin for origin in origins if is_origin(origin)}) or [NONE],
    }
    response.xframe_options_exempt = True
    return response


@dataclass(frozen=True)
class Snippet:
    """What a partner pastes to show the petition in one language."""

    language_code: str
    language_name: str
    frame_url: str
    code: str


# The frame's height before its script says how tall the form is (and for ever without JavaScript).
FRAME_HEIGHT = 760


def frame_path(campaign_key, language_code, partner=None):
    """The embed address of a campaign in a language: for the snippet (no partner) or for one partner."""
    with translation.override(language_code):
        if partner is None:
            return reverse("campaigns:embed", args=[campaign_key])
        return reverse("campaigns:embed_partner", args=[campaign_key, partner.key])


def snippets(page):
    """The snippet of each published language of `page`'s campaign, this page's language first; none while
    embedding is off, nobody is listed or the campaign is not published."""
    if not page.live or not partners(page):
        return []
    root_url = page.get_site().root_url
    script_url = urljoin(root_url, settings.STATIC_URL + EMBED_SCRIPT)  # unhashed: stable across releases
    languages = dict(settings.LANGUAGES)
    variants = (
        type(page)
        .objects.live()
        .filter(translation_key=page.translation_key, embed_enabled=True)
        .select_related("locale")
    )
    found = []
    for variant in sorted(variants, key=lambda p: (p.pk != page.pk, p.locale.language_code)):
        code = variant.locale.language_code
        frame_url = root_url + frame_path(page.translation_key, code)
        found.append(
            Snippet(
                language_code=code,
                language_name=languages.get(code, code),
                frame_url=frame_url,
                code=format_html(
                    '<iframe src="{}" title="{}" width="100%" height="{}" frameborder="0" '
                    'referrerpolicy="origin" data-campaigns-embed></iframe>\n'
                    '<script src="{}" async></script>',
                    frame_url,
                    variant.cta_heading,
                    FRAME_HEIGHT,
                    script_url,
                ),
            )
        )
    return found
