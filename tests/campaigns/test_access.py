"""Who may see signers' personal data, checked address by address and role by role.

Every admin URL that shows or changes signatures, the project's and Wagtail's own forms views alike, is
requested with the query strings and forms that matter (search, filters, exports, erasure) as an anonymous
visitor, as each role without the Signature permissions (Editors, Translators and Wagtail's Moderators) and
as a Signature manager. The first three are refused and learn nothing (the signer's address is nowhere in
the reply, nothing is erased); the manager gets the page, whose reply does hold the address, so a refusal
is never mistaken for an empty page. `tests/test_admin_access.py` walks every other admin URL the same way.
"""

import io
import zipfile
from dataclasses import dataclass

import openpyxl
import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from wagtail.models import GroupPagePermission, Page

from campaigns.models.counter import signature_count
from campaigns.models.signature import Signature
from tests.builders import build_campaign, build_index, build_signature, build_site, log_in

pytestmark = pytest.mark.django_db

EMAIL = "ada.private@example.org"
REFUSED = ["anonymous", "Editors", "Translators", "Moderators"]


@dataclass(frozen=True)
class Address:
    name: str
    path: str  # formatted with the campaign's page id {page}, its key {key} and the signature's id {pk}
    method: str = "get"
    data: tuple = ()
    erases: bool = False  # a manager's request deletes the signature

    def request(self, client, campaign, signature):
        path = self.path.format(page=campaign.pk, key=campaign.translation_key, pk=signature.pk)
        data = {
            name: value.format(pk=signature.pk, key=campaign.translation_key) for name, value in self.data
        }
        return getattr(client, self.method)(path, data)


LISTING = "/admin/campaigns/signature/"
SUBMISSIONS = "/admin/forms/submissions/{page}/"
ADDRESSES = [
    Address("signatures listing", LISTING),
    Address("signatures searched", LISTING, data=(("q", "ada.private"),)),
    Address("signatures filtered", LISTING, data=(("campaign", "{key}"), ("country", "GB"))),
    Address("signatures csv export", LISTING, data=(("export", "csv"),)),
    Address("signatures xlsx export", LISTING, data=(("export", "xlsx"),)),
    Address("signature inspected", LISTING + "inspect/{pk}/"),
    Address("signature history", LISTING + "history/{pk}/"),
    Address("campaign summaries", "/admin/campaigns/signature/summary/"),
    Address("campaign summary", "/admin/campaigns/signature/summary/{page}/"),
    Address("flagged signatures", "/admin/campaigns/signature/flagged/"),
    Address("forget a person: form", "/admin/campaigns/signature/forget/"),
    Address("forget a person: what goes", "/admin/campaigns/signature/forget/", "post", (("email", EMAIL),)),
    Address(
        "forget a person: erase",
        "/admin/campaigns/signature/forget/",
        "post",
        (("email", EMAIL), ("confirm", "1")),
        erases=True,
    ),
    Address("wagtail submissions", SUBMISSIONS),
    Address("wagtail submissions results", SUBMISSIONS + "results/"),
    Address("wagtail submissions csv export", SUBMISSIONS, data=(("export", "csv"),)),
    Address("wagtail submissions xlsx export", SUBMISSIONS, data=(("export", "xlsx"),)),
    Address("wagtail delete: confirm", SUBMISSIONS + "delete/", data=(("selected-submissions", "{pk}"),)),
    Address(
        "wagtail delete",
        SUBMISSIONS + "delete/?selected-submissions={pk}",
        "post",
        erases=True,
    ),
]
# Pages that show no signer's address even to a manager (counts, titles, a form), closed to others all the same.
NO_ADDRESS_SHOWN = {
    "signature history",  # what the audit log recorded, under the signature's title, which names no one
    "campaign summaries",
    "campaign summary",
    "forget a person: form",
    "wagtail delete: confirm",
    "flagged signatures",  # lists only held signatures, and this one is not held (tests/integrity hold some)
}


@pytest.fixture
def campaign():
    return build_campaign(build_index(build_site()), title="Ban face recognition")


@pytest.fixture
def signature(campaign):
    return build_signature(campaign, first_name="Ada", last_name="Private", email=EMAIL, country="GB")


def as_role(client, role):
    return client if role == "anonymous" else log_in(client, role)


def text_of(response):
    """What a reply shows: its HTML or CSV, or every cell of an XLSX workbook."""
    data = b"".join(response.streaming_content) if response.streaming else response.content
    if zipfile.is_zipfile(io.BytesIO(data)):
        workbook = openpyxl.load_workbook(io.BytesIO(data))
        return " ".join(str(cell) for row in workbook.active.iter_rows(values_only=True) for cell in row)
    return data.decode()


@pytest.mark.parametrize("role", REFUSED)
@pytest.mark.parametrize("address", ADDRESSES, ids=lambda address: address.name)
def test_roles_without_signature_permissions_are_refused(client, campaign, signature, role, address):
    response = address.request(as_role(client, role), campaign, signature)
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        expected = "/admin/login/" if role == "anonymous" else "/admin/"
        assert response["Location"].split("?")[0] == expected
    assert EMAIL not in text_of(response)
    assert Signature.objects.filter(pk=signature.pk).exists()
    assert signature_count(campaign.translation_key) == 1


@pytest.mark.parametrize("address", ADDRESSES, ids=lambda address: address.name)
def test_signature_managers_get_every_address(client, campaign, signature, address):
    response = address.request(log_in(client, "Signature managers"), campaign, signature)
    if address.erases:
        assert response.status_code == 302
        assert not Signature.objects.filter(pk=signature.pk).exists()
        assert signature_count(campaign.translation_key) == 0
        return
    assert response.status_code == 200
    if address.name not in NO_ADDRESS_SHOWN:
        assert EMAIL in text_of(response)


@pytest.mark.parametrize("role", ["Editors", "Translators", "Moderators"])
def test_wagtails_forms_index_lists_no_petition_to_other_roles(client, campaign, signature, role):
    """Wagtail opens its Forms index to everyone who may edit pages; it must list no petition for them."""
    response = log_in(client, role).get("/admin/forms/")
    assert response.status_code in (200, 302, 403)
    assert campaign.title not in text_of(response)


def test_the_admin_menu_offers_signatures_and_no_second_forms_menu(client, campaign, signature):
    """Wagtail's "Forms" menu would list the petitions a second time, beside Signatures."""
    response = log_in(client, "Signature managers").get("/admin/")
    page = response.content.decode()
    assert "/admin/campaigns/signature/" in page
    assert "/admin/forms/" not in page


def test_the_list_of_addresses_covers_every_signatures_admin_url():
    """A new admin view over signatures must be added above: every URL named in campaigns/admin/urls.py,
    the modeladmin listing's and Wagtail's forms URLs are in ADDRESSES."""
    from campaigns.admin.urls import urlpatterns

    covered = {address.path.split("?")[0] for address in ADDRESSES}
    for pattern in urlpatterns:
        path = "/admin/" + str(pattern.pattern).replace("<int:page_id>", "{page}")
        assert path in covered, path
    for name in ("list_submissions", "list_submissions_results", "delete_submissions"):
        path = reverse(f"wagtailforms:{name}", args=[1])
        assert path.replace("/1/", "/{page}/") in covered, name


def test_a_signature_is_titled_without_its_signers_name_or_address(campaign, signature):
    """The title is what Wagtail shows on history pages and writes into audit-log labels."""
    assert str(signature) == f"Signature {signature.pk} on “Ban face recognition”"


def test_editors_may_delete_a_campaign_nobody_signed_but_not_one_people_signed(client, campaign, signature):
    """Deleting a page deletes the signatures made on it: that is erasing signers, for Signature managers."""
    unsigned = build_campaign(campaign.get_parent(), title="A draft nobody signed", slug="draft")
    log_in(client, "Editors")

    client.post(f"/admin/pages/{unsigned.pk}/delete/")
    client.post(f"/admin/pages/{campaign.pk}/delete/")

    assert not Page.objects.filter(pk=unsigned.pk).exists()
    assert Page.objects.filter(pk=campaign.pk).exists()
    assert Signature.objects.filter(pk=signature.pk).exists()


@pytest.mark.parametrize("view", ["inspect", "history", "edit", "delete"])
def test_other_roles_cannot_tell_which_signature_ids_exist(client, signature, view):
    """A refusal for an id that exists and a 404 for one that does not would count the signatures."""
    log_in(client, "Editors")

    existing = client.get(f"{LISTING}{view}/{signature.pk}/")
    missing = client.get(f"{LISTING}{view}/{signature.pk + 1000}/")

    assert existing.status_code == missing.status_code == 302
    assert existing["Location"] == missing["Location"] == "/admin/"


def test_a_page_above_signed_campaigns_is_not_deleted_by_a_role_that_may_not_erase(
    client, campaign, signature
):
    """A role given Wagtail's bulk_delete (none of ours has it) could delete a whole tree: not over signers."""
    editors = Group.objects.get(name="Editors")
    bulk_delete = Permission.objects.get(content_type__app_label="wagtailcore", codename="bulk_delete_page")
    GroupPagePermission.objects.create(group=editors, page=Page.get_first_root_node(), permission=bulk_delete)
    index = campaign.get_parent()
    log_in(client, "Editors")

    client.post(f"/admin/pages/{index.pk}/delete/")

    assert Page.objects.filter(pk=index.pk).exists()
    assert Signature.objects.filter(pk=signature.pk).exists()
