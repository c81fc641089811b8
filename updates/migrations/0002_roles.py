"""Who may do what with updates (see home/migrations/0002_roles.py for the roles): Editors write, translate
and send them; Translators translate them (wagtail-localize needs add and change on the snippet). Signature
managers need nothing here."""

from django.db import migrations

UPDATE_PERMISSIONS = {
    "add_update": "Can add update",
    "change_update": "Can change update",
    "delete_update": "Can delete update",
    "view_update": "Can view update",
    "send_update": "Can send updates to signers",
}
ROLES = {
    "Editors": list(UPDATE_PERMISSIONS),
    "Translators": ["add_update", "change_update", "view_update"],
}


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    content_type, _ = ContentType.objects.get_or_create(app_label="updates", model="update")
    permissions = {
        codename: Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": name}
        )[0]
        for codename, name in UPDATE_PERMISSIONS.items()
    }
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*[permissions[codename] for codename in codenames])


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name__in=ROLES):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="updates", codename__in=UPDATE_PERMISSIONS)
        )


class Migration(migrations.Migration):
    dependencies = [("updates", "0001_initial"), ("home", "0002_roles")]

    operations = [migrations.RunPython(grant, revoke)]
