"""Small builders for tests: each fills sensible defaults that a test overrides with keyword arguments."""

from itertools import count

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from wagtail.models import Locale, Page, Site

from campaigns.confirmation import new_confirmation_key
from campaigns.models.counter import SignatureCounter
from campaigns.models.pages import CampaignIndexPage, CampaignPage
from campaigns.models.signature import Signature
from home.models import HomePage
from serving.apps import ensure_locales


def build_site(**kwargs):
    """An en-US home page as the default site's root (replacing Wagtail's welcome page)."""
    kwargs.setdefault("title", "Home")
    kwargs.setdefault("hero_heading", "Privacy is a right")
    kwargs.setdefault("slug", "home")
    ensure_locales(sender=None)  # a transactional test's flush empties the tables migrations filled
    root = Page.get_first_root_node() or Page.add_root(instance=Page(title="Root", slug="root"))
    Page.objects.filter(depth=2).delete()  # Wagtail's welcome page (and its Site)
    home = root.add_child(instance=HomePage(locale=Locale.get_default(), **kwargs))
    Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True)
    return home


def build_index(home, **kwargs):
    kwargs.setdefault("title", "Campaigns")
    kwargs.setdefault("slug", "campaigns")
    return home.add_child(instance=CampaignIndexPage(**kwargs))


def build_campaign(index, **kwargs):
    kwargs.setdefault("title", "Tell Amazon Ring: stop sharing footage with police")
    kwargs.setdefault("slug", "amazon-ring")
    kwargs.setdefault("summary", "Ring shares footage with police. Ask Amazon to stop.")
    kwargs.setdefault("target", "Amazon Ring")
    kwargs.setdefault("cta_heading", "Sign the letter to Amazon Ring")
    kwargs.setdefault("consent_text", "We will keep you updated about this campaign.")
    page = index.add_child(instance=CampaignPage(**kwargs))
    page.save_revision().publish()
    return CampaignPage.objects.get(pk=page.pk)  # as published (live, revision ids set)


def translate(page, language_code, **changes):
    """A published copy of `page` for another locale (its parent must already be translated)."""
    locale = Locale.objects.get(language_code=language_code)
    copy = page.copy_for_translation(locale, copy_parents=True)
    for field, value in changes.items():
        setattr(copy, field, value)
    copy.save_revision().publish()
    return Page.objects.get(pk=copy.pk).specific


_signature_numbers = count(1)


def build_signature(page, **kwargs):
    """A stored signature on `page` (a campaign's locale variant); the database counts a counted one.

    Stands in for the signing service where a test needs rows, not the signing rules. `submit_time`
    may be given to date the signature (the column is set on insert otherwise).
    """
    n = next(_signature_numbers)
    submit_time = kwargs.pop("submit_time", None)
    kwargs.setdefault("first_name", "Ada")
    kwargs.setdefault("last_name", f"Signer{n}")
    kwargs.setdefault("email", f"signer{n}@example.org")
    kwargs.setdefault("email_normalised", kwargs["email"].strip().lower())
    kwargs.setdefault("country", "GB")
    kwargs.setdefault("campaign_key", page.translation_key)
    kwargs.setdefault("locale", page.locale.language_code)
    kwargs.setdefault("consent_text", page.consent_text)
    kwargs.setdefault("consented_at", timezone.now())
    kwargs.setdefault("counted", True)
    kwargs.setdefault("confirmation_key", None if kwargs["counted"] else new_confirmation_key())
    kwargs.setdefault("form_data", {})
    signature = Signature.objects.create(page=page, **kwargs)
    if submit_time is not None:
        Signature.objects.filter(pk=signature.pk).update(submit_time=submit_time)
        signature.submit_time = submit_time
    return signature  # counted by the database if `counted` (campaigns/counting.py)


def set_count(page, count):
    """Give a campaign a public count without signature rows, as if `count` people had signed."""
    SignatureCounter.objects.filter(campaign_key=page.translation_key).delete()
    SignatureCounter.objects.create(campaign_key=page.translation_key, shard=0, count=count)


def log_in(client, group_name):
    """Log `client` in as a new user whose only role is the group `group_name` (see home/migrations/0002_roles.py)."""
    user = get_user_model().objects.create_user(group_name.replace(" ", "-").lower(), password="pw")
    user.groups.add(Group.objects.get(name=group_name))
    client.force_login(user)
    return client
