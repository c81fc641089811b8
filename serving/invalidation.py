"""When content changes, forget what was cached about it: here, in every app process, and at the CDN.

Any change that can alter what a visitor sees moves the content generation (serving.generation) once its
transaction commits: a page saved, published, unpublished, moved or deleted (drafts and wagtail-localize syncs
save pages too), a site, a locale, a view restriction or an image changed. Every cached page and every
SiteStructure of the old generation is then ignored by every process sharing the cache.

When a CDN is configured (WAGTAILFRONTENDCACHE, see config/settings/base.py), publishing or unpublishing a page
also asks it to purge the page in every language, and the pages that list it (its ancestors: the campaign
list and the home page of each language). The CDN keeps pages only seconds anyway (serving.pagecache sets
max-age), so a purge that fails costs little.
"""

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from wagtail.contrib.frontend_cache.utils import PurgeBatch
from wagtail.images import get_image_model
from wagtail.models import Locale, Page, PageViewRestriction, Site, get_page_models
from wagtail.signals import page_published, page_unpublished, post_page_move

from serving import generation


def content_changed(**kwargs):
    """Move the generation now, and again once the change commits: a request that rendered the old state in
    between cannot have its copy served under the new generation."""
    generation.bump()
    transaction.on_commit(generation.bump)


def purge_from_cdn(instance, **kwargs):
    """Purge a published or unpublished page from the CDN in every language, with the pages that list it."""
    if not getattr(settings, "WAGTAILFRONTENDCACHE", None):
        return
    page_pk = instance.pk
    transaction.on_commit(lambda: _purge(page_pk))


def _purge(page_pk):

    page = Page.objects.filter(pk=page_pk).first()
    if page is None:
        return
    pages = {}
    for translation in page.get_translations(inclusive=True).live():
        pages[translation.pk] = translation
        for ancestor in translation.get_ancestors().filter(depth__gt=1).live():
            pages[ancestor.pk] = ancestor
    batch = PurgeBatch()
    batch.add_pages(pages.values())
    batch.purge()


def connect():
    for model in get_page_models():
        post_save.connect(content_changed, sender=model, dispatch_uid=f"generation-save-{model._meta.label}")
        post_delete.connect(content_changed, sender=model, dispatch_uid=f"generation-del-{model._meta.label}")
    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(content_changed, dispatch_uid=f"generation-{id(signal)}")
    for model in (Site, Locale, PageViewRestriction, get_image_model()):
        post_save.connect(content_changed, sender=model, dispatch_uid=f"generation-save-{model._meta.label}")
        post_delete.connect(content_changed, sender=model, dispatch_uid=f"generation-del-{model._meta.label}")
    page_published.connect(purge_from_cdn, dispatch_uid="cdn-purge-published")
    page_unpublished.connect(purge_from_cdn, dispatch_uid="cdn-purge-unpublished")
