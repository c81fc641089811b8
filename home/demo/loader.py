"""Build the demo site: the English (US) tree, its pictures, and its translations into every other locale.

Everything is looked up before it is made (pages by locale and slug, pictures by title, translations by
translation key), so loading twice changes nothing.
"""

import io
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.models import Locale, Page, Site

from branding.models import Organisation
from campaigns.models.pages import CampaignIndexPage, CampaignPage
from campaigns.models.privacy_page import PrivacyPage
from home.demo.artwork import draw_hero, draw_logo
from home.demo.campaigns import CAMPAIGNS
from home.demo.signatures import load_demo_signatures
from home.demo.site_pages import CAMPAIGN_INDEX, HOME, ORGANISATION, PRIVACY
from home.demo.streams import with_ids
from home.demo.translating import has_translations, translate_page
from home.models import HomePage
from serving.site_address import address_of


@dataclass
class LoadReport:
    """What one load created, so the command can say so."""

    pages: list = field(default_factory=list)
    images: list = field(default_factory=list)
    translations: list = field(default_factory=list)
    site: str = ""
    untranslated_locales: list = field(default_factory=list)
    signatures: dict = field(default_factory=dict)

    @property
    def nothing_created(self):
        return not (self.pages or self.images or self.translations or self.site)


@transaction.atomic
def load_demo():
    """Load the demo content; returns a LoadReport. Raises CommandError if a translation is incomplete."""
    report = LoadReport()
    home = _home_page(report)
    _default_site(home, report)
    _organisation(report)
    index = _child_page(home, CampaignIndexPage, CAMPAIGN_INDEX, report)
    pages = {HOME["key"]: home, CAMPAIGN_INDEX["key"]: index}
    for spec in CAMPAIGNS:
        pages[spec["key"]] = _campaign_page(index, spec, pages, report)
    pages[PRIVACY["key"]] = _child_page(home, PrivacyPage, PRIVACY, report)
    if HOME["key"] in report.pages and HOME.get("featured_campaign"):
        home.featured_campaign = pages[HOME["featured_campaign"]]
        home.save_revision().publish()

    for locale in Locale.objects.exclude(pk=Locale.get_default().pk).order_by("pk"):
        if not has_translations(locale):
            report.untranslated_locales.append(locale.language_code)
            continue
        # Parents before children: a translated campaign needs its translated campaign list.
        for key, page in pages.items():
            if page.get_translation_or_none(locale) is None:
                translate_page(page, key, locale)
                report.translations.append(f"{locale.language_code}/{key}")
    # Demo signers only for campaigns made now: once removed (remove_demo_signatures), they stay removed.
    new_campaigns = {spec["key"]: pages[spec["key"]] for spec in CAMPAIGNS if spec["key"] in report.pages}
    report.signatures = load_demo_signatures(new_campaigns)
    return report


def _home_page(report):
    default_locale = Locale.get_default()
    home = HomePage.objects.filter(depth=2, locale=default_locale, slug=HOME["slug"]).first()
    if home is not None:
        return home
    # Wagtail's "Welcome to your new Wagtail site!" placeholder: a plain Page with nothing under it.
    # Deleting it also deletes the Site that points at it; _default_site makes ours.
    Page.objects.filter(depth=2, numchild=0, content_type=ContentType.objects.get_for_model(Page)).delete()
    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(locale=default_locale, slug=HOME["slug"], **HOME["fields"]))
    home.save_revision().publish()
    report.pages.append(HOME["key"])
    return home


def _default_site(home, report):
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        hostname, port = address_of(settings.BASE_URL)
        Site.objects.create(
            hostname=hostname, port=port, root_page=home, is_default_site=True, site_name=ORGANISATION
        )
        report.site = "created"
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.site_name = site.site_name or ORGANISATION
        site.save()
        report.site = "pointed at the demo home page"


def _organisation(report):
    """The name, logo and contact line every mail shows (Settings → Organisation), unless someone set them."""
    organisation = Organisation.for_site(Site.objects.get(is_default_site=True))
    if organisation.name or organisation.logo_id:
        return
    Image = get_image_model()
    title = f"{ORGANISATION} logo"
    logo = Image.objects.filter(title=title).first()
    if logo is None:
        logo = Image.objects.create(
            title=title,
            description=f"{ORGANISATION}: a white shield with a tick on a teal square",
            file=ImageFile(io.BytesIO(draw_logo()), name="demo-logo.png"),
        )
        report.images.append(title)
    organisation.name, organisation.logo = ORGANISATION, logo
    organisation.contact = "10 Example Street, Springfield · hello@standupforprivacy.example"
    organisation.save()


def _child_page(parent, model, spec, report, **extra):
    page = model.objects.child_of(parent).filter(slug=spec["slug"]).first()
    if page is None:
        page = parent.add_child(instance=model(slug=spec["slug"], **spec["fields"], **extra))
        page.save_revision().publish()
        report.pages.append(spec["key"])
    return page


def _campaign_page(index, spec, pages, report):
    def page_id(block):
        if block[0] == "next_action":
            return (block[0], {**block[1], "page": pages[block[1]["page"]].pk})
        return block

    image = _hero_image(spec, report)
    extra = {
        "hero_image": image,
        "body": with_ids(spec["key"], "body", [page_id(block) for block in spec["body"]]),
        "references": with_ids(spec["key"], "references", spec["references"]),
    }
    if spec.get("closes_in_days"):
        last_day = timezone.localtime() + timedelta(days=spec["closes_in_days"])
        extra["closing_date"] = last_day.replace(hour=23, minute=59, second=0, microsecond=0)
    if spec.get("next_action_page"):
        extra["next_action_page"] = pages[spec["next_action_page"]]
    return _child_page(index, CampaignPage, spec, report, **extra)


def _hero_image(spec, report):
    Image = get_image_model()
    image = Image.objects.filter(title=spec["image_title"]).first()
    if image is None:
        data = draw_hero(spec["artwork"])
        image = Image.objects.create(
            title=spec["image_title"],
            description=spec["image_description"],
            file=ImageFile(io.BytesIO(data), name=f"demo-{spec['key']}.jpg"),
        )
        report.images.append(spec["image_title"])
    return image
