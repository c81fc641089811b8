"""The site's roles, as groups (docs: DESIGN.md, "People and permissions").

- Editors: the admin, pages (add, edit, publish) on the whole tree, images and documents. No signatures.
- Translators: the admin, translating through wagtail-localize, pages add/edit but not publish, choosing
  images and documents. No signatures.
- Signature managers: the admin and the Signature permissions: view (list, export, summaries, Wagtail's
  form submissions) and delete (forget a person). No page permissions.

Wagtail's own first migration already makes an "Editors" group: it is completed here, not replaced, and
any Signature permission it was given is taken away. Permission rows that Django would only create after
all migrations (post_migrate) are created here, so the groups are complete on a fresh database.
"""

from django.db import migrations

ADMIN = ("wagtailadmin", "admin", "access_admin", "Can access Wagtail admin")
SUBMIT_TRANSLATION = ("wagtail_localize", "translation", "submit_translation", "Can submit translations")
VIEW_SIGNATURE = ("campaigns", "signature", "view_signature", "Can view signature")
DELETE_SIGNATURE = ("campaigns", "signature", "delete_signature", "Can delete signature")
SIGNATURE_PERMISSIONS = [
    ("campaigns", "signature", f"{action}_signature", f"Can {action} signature")
    for action in ("add", "change", "delete", "view")
]


def page(codename, name):
    return ("wagtailcore", "page", f"{codename}_page", name)


def image(action):
    return ("wagtailimages", "image", f"{action}_image", f"Can {action} image")


def document(action):
    return ("wagtaildocs", "document", f"{action}_document", f"Can {action} document")


ADD_PAGE = page("add", "Can add page")
CHANGE_PAGE = page("change", "Can change page")
PUBLISH_PAGE = page("publish", "Publish any page")

ROLES = {
    "Editors": {
        "permissions": [ADMIN, SUBMIT_TRANSLATION],
        "pages": [ADD_PAGE, CHANGE_PAGE, PUBLISH_PAGE],
        "collections": [image(a) for a in ("add", "change", "delete", "choose")]
        + [document(a) for a in ("add", "change", "delete", "choose")],
    },
    "Translators": {
        "permissions": [ADMIN, SUBMIT_TRANSLATION],
        "pages": [ADD_PAGE, CHANGE_PAGE],
        "collections": [image("choose"), document("choose")],
    },
    "Signature managers": {
        "permissions": [ADMIN, VIEW_SIGNATURE, DELETE_SIGNATURE],
        "pages": [],
        "collections": [],
    },
}


def _permission(apps, spec):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    app_label, model, codename, name = spec
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename=codename, defaults={"name": name}
    )
    return permission


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Page = apps.get_model("wagtailcore", "Page")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    root_page = Page.objects.filter(depth=1).order_by("path").first()
    root_collection = Collection.objects.filter(depth=1).order_by("path").first()
    signature_permissions = [_permission(apps, spec) for spec in SIGNATURE_PERMISSIONS]

    for name, role in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.remove(*signature_permissions)  # only what the role lists below
        group.permissions.add(*[_permission(apps, spec) for spec in role["permissions"]])
        for spec in role["pages"]:
            GroupPagePermission.objects.get_or_create(
                group=group, page=root_page, permission=_permission(apps, spec)
            )
        for spec in role["collections"]:
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=root_collection, permission=_permission(apps, spec)
            )


def remove_roles(apps, schema_editor):
    """Delete the two groups made here; take back from Editors only what this migration added to
    Wagtail's default group (publishing)."""
    Group = apps.get_model("auth", "Group")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    Group.objects.filter(name__in=["Translators", "Signature managers"]).delete()
    GroupPagePermission.objects.filter(
        group__name="Editors", page__depth=1, permission__codename="publish_page"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0001_initial"),
        ("campaigns", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtail_localize", "0016_rename_page_revision_translationlog_revision"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
