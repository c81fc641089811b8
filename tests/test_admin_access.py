"""Every admin URL, for every role, GET and POST: no 500, and no signer's personal data to whoever may not see it.

The URLs are not a hand list: they are read from Django's URL resolver, so every view that Wagtail,
wagtail-localize, wagtail-modeladmin and each of the project's apps register under the admin is requested,
including views added later. Path parameters are filled with ids of real objects made here: a campaign page
and its German translation, a signer with a distinctive name and address, and the objects that lead to a
signer (an update's delivery, a webhook delivery, a petition document naming them, an audit-log entry about
the signature, an editing session on it). Views that address any model by its app and name are pointed at
the signature, since that is where a careless generic view would show it.

Each role (anonymous, a logged-in user without admin access, Editors, Translators, Wagtail's Moderators,
Signature managers, and a superuser as a reference) requests every URL with GET and with an empty POST. No
answer may be a 500 (but the upstream ones listed in `UPSTREAM_500`, each with its reason). A role without the
Signature permission gets no signer's name or address in any answer (body or headers), and no request of
theirs changes or deletes anything of the signer's. Each request runs in a savepoint that is rolled back, so
what one request does (an Editor may unpublish the page) does not change what the next one sees. Every
listing, search, chooser and history is also searched for the signer's name. The objects are made once for all
roles (a module-scoped fixture in a transaction rolled back at the end): the walk is about 3,800 requests.

A URL whose parameters cannot be filled from the objects below makes the test fail until `by_url()` (or,
for a parameter met for the first time, `by_parameter()`) says what to put there: a new admin view is never
left out in silence. `tests/campaigns/test_access.py` complements this with the query strings that matter
for the Signatures area (search, filters, exports, erasure) and checks that Signature managers do get the data.
"""

import io
import re
import zipfile
from dataclasses import dataclass
from datetime import timedelta

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import override_settings
from django.urls import URLResolver, get_resolver, resolve, reverse
from django.utils import timezone
from PIL import Image as PillowImage
from wagtail.admin.models import EditingSession
from wagtail.contrib.redirects.models import Redirect
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.log_actions import log
from wagtail.models import Collection, Locale, Page, Site, Task, UploadedFile, Workflow
from wagtail_localize.models import OverridableSegment, StringSegment, Translation, TranslationSource
from wagtail_localize.operations import TranslationCreator

from campaigns.models.signature import Signature
from delivery.models import PetitionDocument
from integrity.models import Invalidation
from tests.builders import build_campaign, build_index, build_signature, build_site
from updates.models import Delivery as UpdateDelivery
from updates.models import Mailing, Update
from webhooks.models import SIGNATURE_CREATED, Endpoint
from webhooks.models import Delivery as WebhookDelivery

pytestmark = pytest.mark.django_db

# What identifies the signer, looked for case-insensitively (an address may also appear as %40 in a URL).
FIRST_NAME, LAST_NAME, EMAIL = "Zebediah", "Quillfeather", "zeb.quillfeather@example.net"
SIGNER_MARKS = ("zebediah", "quillfeather")

# The roles of home/migrations/0002_roles.py and Wagtail's Moderators, plus two without admin access.
MAY_SEE_SIGNERS = ("Signature managers", "superuser")
NO_ADMIN_ACCESS = ("anonymous", "no admin access")
ROLES = (*NO_ADMIN_ACCESS, "Editors", "Translators", "Moderators", *MAY_SEE_SIGNERS)


def build_world():
    """The objects whose ids fill the admin's URLs, by name."""
    home = build_site()
    index = build_index(home)
    image = get_image_model().objects.create(title="Doorbell", file=_png())
    campaign = build_campaign(index, title="Stop the doorbell dragnet", hero_image=image)
    superuser = get_user_model().objects.create_superuser("root", "root@example.org", "pw")
    signature = build_signature(
        campaign,
        first_name=FIRST_NAME,
        last_name=LAST_NAME,
        email=EMAIL,
        postal_code="QF1 9ZZ",
        comment=f"Signed by {FIRST_NAME} {LAST_NAME}",
    )
    # An audit-log entry about the signature, as any action on it would write: its label is the
    # signature's __str__ at the time, shown in its history and in the site history report.
    log(instance=signature, action="wagtail.edit", user=superuser)

    german = Locale.objects.get(language_code="de")
    TranslationCreator(superuser, [german]).create_translations(campaign)
    source = TranslationSource.objects.get(object_id=campaign.translation_key)

    update = Update.objects.create(
        campaign=campaign, locale=campaign.locale, subject="We handed it over", body="<p>Amazon has it.</p>"
    )
    mailing = Mailing.objects.create(update=update, campaign_key=campaign.translation_key)
    UpdateDelivery.objects.create(mailing=mailing, signature=signature, status="sent")
    endpoint = Endpoint.objects.create(
        name="CRM", url="https://crm.example.org/hooks", events=[SIGNATURE_CREATED]
    )
    workflow = Workflow.objects.get(name="Moderators approval")
    workflow_state = workflow.start(campaign, superuser)
    return {
        "home": home,
        "campaign": campaign,
        "signature": signature,
        "superuser": superuser,
        "image": image,
        "document": get_document_model().objects.create(title="Letter", file=ContentFile(b"x", "letter.txt")),
        "source": source,
        "translation": Translation.objects.get(source=source, target_locale=german),
        "string_segment": StringSegment.objects.filter(source=source).first(),
        "overridable_segment": OverridableSegment.objects.filter(source=source).first(),
        "german": german,
        "update": update,
        "endpoint": endpoint,
        "webhook_delivery": WebhookDelivery.objects.create(
            endpoint=endpoint,
            event=SIGNATURE_CREATED,
            subject=f"signature:{signature.pk}",
            signature_id=signature.pk,
            payload={},
        ),
        # The made petition names the signer (delivery/documents.py); plain text here, so a leak is readable.
        "petition_document": PetitionDocument.objects.create(
            campaign_key=campaign.translation_key,
            languages=["en-us"],
            status=PetitionDocument.Status.READY,
            names_total=1,
            names_done=1,
            pdf=f"%PDF-1.4\n% {FIRST_NAME} {LAST_NAME}\n%%EOF".encode(),
            requested_by=superuser,
            finished_at=timezone.now(),
        ),
        "workflow": workflow,
        "workflow_state": workflow_state,
        "task_state": workflow_state.current_task_state,
        "editing_session": EditingSession.objects.create(
            user=superuser,
            content_type=ContentType.objects.get_for_model(Signature),
            object_id=str(signature.pk),
            last_seen_at=timezone.now() - timedelta(seconds=5),
        ),
        "upload": UploadedFile.objects.create(
            for_content_type=ContentType.objects.get_for_model(get_image_model()),
            file=_png(),
            uploaded_by_user=superuser,
        ),
        "redirect": Redirect.objects.create(old_path="/old", redirect_link="https://example.org/"),
        # A previewed invalidation run that would take the signer (integrity.views shows a sample of it).
        "invalidation": Invalidation.objects.create(
            campaign_key=campaign.translation_key,
            criteria={"campaign": str(campaign.translation_key), "postal_code": "QF1*"},
            reason="Test",
            up_to=signature.pk,
            matched=1,
        ),
    }


def by_model(o):
    """The object a `pk` names, by the model of the view that takes it."""
    return {
        Page: o["campaign"],
        Collection: Collection.get_first_root_node(),
        Workflow: o["workflow"],
        Task: o["task_state"].task,
        Redirect: o["redirect"],
        Update: o["update"],
        Endpoint: o["endpoint"],
        WebhookDelivery: o["webhook_delivery"],
        Locale: o["german"],
        Site: Site.objects.get(),
        get_user_model(): o["superuser"],
        Group: Group.objects.get(name="Signature managers"),
        get_document_model(): o["document"],
        get_image_model(): o["image"],
    }


def by_parameter(o):
    """Parameters that mean one thing wherever they appear."""
    return {
        "page_id": o["campaign"].pk,
        "parent_page_id": o["campaign"].pk,
        "page_to_move_id": o["campaign"].pk,
        "page_pk": o["campaign"].pk,
        "destination_id": o["home"].pk,
        "revision_id": o["campaign"].latest_revision_id,
        "revision_id_a": "earliest",
        "revision_id_b": "latest",
        "workflow_state_id": o["workflow_state"].pk,
        "task_state_id": o["task_state"].pk,
        "task_id": o["task_state"].task_id,
        "workflow_pk": o["workflow"].pk,
        "action_name": "approve",
        "collection_id": Collection.get_first_root_node().pk,
        "image_id": o["image"].pk,
        "doc_id": o["document"].pk,
        "uploaded_file_id": o["upload"].pk,
        "redirect_id": o["redirect"].pk,
        "invalidation_id": o["invalidation"].pk,
        "update_id": o["update"].pk,
        "filter_spec": "original",
        "mode": "landing",
        "translation_id": o["translation"].pk,
        "translation_source_id": o["source"].pk,
        "string_segment_id": o["string_segment"].pk,
        # The campaign's hero image is its one overridable segment.
        "overridable_segment_id": o["overridable_segment"].pk,
        "session_id": o["editing_session"].pk,
        # Views that take any model by its app and name, and an object's id: pointed at the signature.
        "app_label": "campaigns",
        "app_name": "campaigns",
        "model_name": "signature",
        "object_id": str(o["signature"].pk),
        "instance_pk": str(o["signature"].pk),
        "action": "delete",
        # Views that take a page type: the campaign's.
        "content_type_app_name": "campaigns",
        "content_type_model_name": "campaignpage",
        # Wagtail's password reset link: any value makes a link that fails, a public page all the same.
        "uidb64": "MQ",
        "token": "set-password",
    }


def by_url(o):
    """Parameters of views whose class names no model, or another model than the one the URL's id names."""
    return {
        "wagtailadmin_api:pages:detail": {"pk": o["campaign"].pk},
        "wagtailadmin_api:pages:action": {"pk": o["campaign"].pk, "action_name": "unpublish"},
        "wagtailadmin_api:documents:detail": {"pk": o["document"].pk},
        "wagtailadmin_api:images:detail": {"pk": o["image"].pk},
        "wagtailadmin_pages:revisions_compare": {"pk": o["campaign"].pk},
        "wagtailadmin_workflows:enable": {"pk": o["workflow"].pk},
        "wagtailadmin_workflows:usage": {"pk": o["workflow"].pk},
        "wagtailadmin_workflows:usage_results": {"pk": o["workflow"].pk},
        "wagtailadmin_workflows:edit_task": {"pk": o["task_state"].task_id},
        "wagtailadmin_workflows:enable_task": {"pk": o["task_state"].task_id},
        "wagtaildocs:edit": {"document_id": o["document"].pk},
        "wagtaildocs:delete": {"document_id": o["document"].pk},
        "wagtaildocs:document_usage": {"document_id": o["document"].pk},
        "wagtaildocs_chooser:chosen": {"pk": o["document"].pk},
        "wagtailimages:edit": {"image_id": o["image"].pk},
        "delivery_download": {"document_id": o["petition_document"].pk},
        "webhooks_endpoint_new_secret": {"pk": o["endpoint"].pk},
        "webhooks_delivery_retry": {"pk": o["webhook_delivery"].pk},
        "integrity_invalidation_action": {"invalidation_id": o["invalidation"].pk, "action": "run"},
        # Views that address any model by app, name and id: the signature.
        "wagtailsettings:edit": {"pk": o["signature"].pk},
        "wagtailsettings:preview_on_edit": {"pk": o["signature"].pk},
        "wagtail_localize:submit_snippet_translation": {"pk": o["signature"].pk},
        "wagtail_localize:snippets_api_detail": {"pk": o["signature"].pk},
        "simple_translation:submit_snippet_translation": {"pk": o["signature"].pk},
    }


# Views of Wagtail and wagtail-localize that answer an empty POST with a 500: each reads a field of its
# form without checking that it was sent. A browser always sends it, and only a user already allowed in
# reaches them; they are not this project's to mend. Any other 500 fails the test.
UPSTREAM_500 = {
    (
        "wagtailadmin_error_test",
        "get",
    ): "Wagtail's /admin/failwhale/ raises on purpose, to test error reports",
    ("wagtailadmin_error_test", "post"): "the same",
    ("wagtailadmin_pages:edit", "post"): "the body StreamField's widget reads `body-count`",
    ("wagtailadmin_pages:revisions_revert", "post"): "the same form as editing",
    ("wagtailadmin_pages:copy", "post"): "reads `new_parent_page`",
    ("wagtailadmin_choose_page_external_link", "post"): "calls .startswith on the missing `url`",
    ("wagtail_localize:upload_pofile", "post"): "reads request.FILES['file']",
    ("wagtailredirects:process_import", "post"): "reads the import's format from a form never filled",
    ("wagtailsnippetchoosers_updates_update:create", "post"): "validates a form it did not build",
}


@dataclass
class World:
    objects: dict
    by_model: dict
    by_parameter: dict
    by_url: dict
    files: list  # (storage, name, content) of the uploaded files, put back when a request deleted one

    @property
    def signature(self):
        return self.objects["signature"]

    def restore_files(self):
        for storage, name, content in self.files:
            if not storage.exists(name):
                storage.save(name, ContentFile(content))


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Made once for every role, in a transaction rolled back after the last."""
    media = override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("media")))
    with django_db_blocker.unblock(), transaction.atomic(), media:
        objects = build_world()
        files = [
            (field.storage, field.name, field.read())
            for field in (objects["image"].file, objects["document"].file, objects["upload"].file)
        ]
        yield World(objects, by_model(objects), by_parameter(objects), by_url(objects), files)
        transaction.set_rollback(True)


def _png():
    data = io.BytesIO()
    PillowImage.new("RGB", (4, 4), "white").save(data, "PNG")
    return ContentFile(data.getvalue(), "doorbell.png")


@dataclass(frozen=True)
class AdminURL:
    name: str  # namespaced, e.g. "wagtailadmin_pages:edit"; "" for the two unnamed patterns
    route: str  # as written in the resolver, for messages
    parameters: tuple

    def path(self, world):
        if not self.name:
            # The admin's catch-all (`^.*/$`, Wagtail's 404 page) and its test 404: no parameter.
            return "/" + self.route.replace("^.*/$", "no-such-page/")
        kwargs = {name: self.value(name, world) for name in self.parameters}
        return reverse(self.name, kwargs=kwargs)

    def value(self, parameter, world):
        if parameter in world.by_url.get(self.name, {}):
            return world.by_url[self.name][parameter]
        if parameter == "pk":
            model = _view_model(self)
            if model in world.by_model:
                return world.by_model[model].pk
            raise LookupError(f"{self.route}: which object does `pk` name? Add {self.name!r} to by_url()")
        if parameter in world.by_parameter:
            return world.by_parameter[parameter]
        raise LookupError(f"{self.route}: no value for `{parameter}`: add it to by_parameter() or by_url()")


def _view_model(url):
    callback = resolve(f"/admin/{_sample(url)}").func
    model = getattr(callback, "view_initkwargs", {}).get("model") or getattr(
        getattr(callback, "view_class", None), "model", None
    )
    return model if isinstance(model, type) else None


def _sample(url):
    """A path of `url` with every parameter set to 1, enough to find its view."""
    route = url.route.removeprefix("admin/").replace("^", "").replace("$", "")
    return re.sub(r"<[^>]+>|\(\?P<[^>]+>[^)]*\)", "1", route)


def admin_urls():
    """Every URL pattern under the admin, with its namespaced name and parameters."""

    def walk(patterns, route, namespaces):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = (*namespaces, pattern.namespace) if pattern.namespace else namespaces
                yield from walk(pattern.url_patterns, route + str(pattern.pattern), inner)
            else:
                full = route + str(pattern.pattern)
                name = ":".join((*namespaces, pattern.name)) if pattern.name else ""
                parameters = tuple(pattern.pattern.converters) or tuple(pattern.pattern.regex.groupindex)
                yield AdminURL(name, full, parameters)

    return [url for url in walk(get_resolver().url_patterns, "", ()) if url.route.startswith("admin/")]


def as_role(client, role):
    if role == "anonymous":
        return client
    if role == "superuser":
        user = get_user_model().objects.create_superuser("reference", "reference@example.org", "pw")
    else:
        user = get_user_model().objects.create_user(role.replace(" ", "-"), password="pw")
        if role != "no admin access":
            user.groups.add(Group.objects.get(name=role))
    client.force_login(user)
    return client


def text_of(response):
    """Everything a reply shows: headers, and its HTML, JSON, CSV, PDF or every cell of an XLSX workbook."""
    data = b"".join(response.streaming_content) if response.streaming else response.content
    headers = " ".join(f"{name}: {value}" for name, value in response.items())
    if zipfile.is_zipfile(io.BytesIO(data)):
        workbook = openpyxl.load_workbook(io.BytesIO(data))
        data = " ".join(
            str(cell) for row in workbook.active.iter_rows(values_only=True) for cell in row
        ).encode()
    return f"{headers}\n{data.decode(errors='replace')}"


def signers_data(world):
    """What the site holds of the signer: unchanged by any request of a role without the Signature
    permissions. (Not the update's delivery rows: they name no one, and go with the update, which Editors
    may delete.)"""
    signature = world.signature
    return (
        list(Signature.objects.filter(pk=signature.pk).values()),
        list(WebhookDelivery.objects.filter(signature_id=signature.pk).values("pk", "status")),
        list(PetitionDocument.objects.values_list("pk", "status")),
    )


@pytest.mark.parametrize("role", ROLES)
def test_every_admin_url_answers_every_role_and_shows_signers_only_to_those_who_may_see_them(
    world, client, role
):
    client = as_role(client, role)
    may_see = role in MAY_SEE_SIGNERS
    before = signers_data(world)
    urls = admin_urls()
    problems, statuses, showing = [], {}, set()
    for url in urls:
        path = url.path(world)
        for method in ("get", "post"):
            cookies = client.cookies  # a POST to log out ends the session: the next request has it back
            client.cookies = cookies.__class__(cookies)
            world.restore_files()  # deleting an image or document deletes its file, which no rollback restores
            savepoint = transaction.savepoint()
            try:
                status, problem, shows_signer = answer(client, method, path, url)
                if shows_signer and not may_see:
                    problem = f"{status} shows the signer"
                if not may_see and signers_data(world) != before:
                    problem = problem or "changed or deleted the signer's data"
            finally:
                transaction.savepoint_rollback(savepoint)
                client.cookies = cookies
            statuses[method, url.name] = status
            if shows_signer:
                showing.add(url.name)
            if problem:
                problems.append(f"{method.upper()} {path} ({url.name or url.route}): {problem}")

    assert not problems, f"{role}:\n" + "\n".join(problems)
    assert len(urls) > 250  # Wagtail's, wagtail-localize's, modeladmin's and the apps' own were all found
    # The walk saw what the role sees: the dashboard (so the login took), and for those who may see
    # signers, the signer (so a leak would have been recognised).
    assert statuses["get", "wagtailadmin_home"] == (302 if role in NO_ADMIN_ACCESS else 200)
    if may_see:
        assert {"campaigns_signature_modeladmin_inspect", "wagtailforms:list_submissions"} <= showing


def answer(client, method, path, url):
    """(status, what is wrong or None, whether the answer shows the signer) for one request."""
    try:
        response = getattr(client, method)(path)
    except Exception as error:  # the test client raises what a server would answer with a 500
        problem = None if (url.name, method) in UPSTREAM_500 else f"{type(error).__name__}: {error}"
        return 500, problem, False
    problem = f"{response.status_code}" if response.status_code >= 500 else None
    return response.status_code, problem, any(mark in text_of(response).lower() for mark in SIGNER_MARKS)


# Views that list, search or choose: each is also searched for the signer (`?q=` their last name).
SEARCHABLE = re.compile(r"search|index|list|choose|explore|history")


@pytest.mark.parametrize("role", ROLES)
def test_no_admin_search_finds_the_signer_for_a_role_that_may_not_see_them(world, client, role):
    """Every listing, search, chooser and history of the admin, searched for the signer's last name: the
    answer holds their address only for a role that may see signers. (The name itself may be echoed back
    in the search box; the address is not.)"""
    client = as_role(client, role)
    urls = [url for url in admin_urls() if SEARCHABLE.search(url.name.rsplit(":", 1)[-1])]
    found, problems = set(), []
    for url in urls:
        path = url.path(world)
        try:
            response = client.get(path, {"q": LAST_NAME})
        except Exception as error:  # a 500 from the test client
            problems.append(f"GET {path}?q=…: {type(error).__name__}: {error}")
            continue
        if response.status_code >= 500:
            problems.append(f"GET {path}?q=…: {response.status_code}")
        elif EMAIL in text_of(response).replace("%40", "@"):
            found.add(url.name)

    assert not problems, "\n".join(problems)
    if role in MAY_SEE_SIGNERS:  # the search reaches the signer where it should, so it would elsewhere
        assert "campaigns_signature_modeladmin_index" in found
    else:
        assert not found


def test_every_known_upstream_500_names_an_admin_url():
    """An entry left behind when Wagtail renames a view would excuse nothing, silently: each must name one."""
    names = {url.name for url in admin_urls()}
    assert {name for name, _method in UPSTREAM_500} <= names


def test_a_url_nobody_described_fails_the_walk(world):
    """A new view whose id the walk cannot fill fails it, with a message saying where to describe it."""
    new = AdminURL("reports:new_report", "admin/reports/new/<int:report_id>/", ("report_id",))
    with pytest.raises(LookupError, match="add it to by_parameter"):
        new.path(world)
