"""Signature managers may edit the integrity rules (Settings → Signature integrity) and release the signatures
they flag. Permission rows Django would create only after all migrations are created here, so the group is
complete on a fresh database (as home/migrations/0002_roles.py does)."""

from django.db import migrations

GRANTED = [
    ("integrity", "integritysettings", "change_integritysettings", "Can change signature integrity"),
    ("campaigns", "signature", "release_signature", "Can release a flagged signature"),
]


def _permission(apps, spec):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    app_label, model, codename, name = spec
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename=codename, defaults={"name": name}
    )
    return permission


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    group, _ = Group.objects.get_or_create(name="Signature managers")
    group.permissions.add(*[_permission(apps, spec) for spec in GRANTED])


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name="Signature managers"):
        group.permissions.remove(
            *Permission.objects.filter(codename__in=[codename for _a, _m, codename, _n in GRANTED])
        )


class Migration(migrations.Migration):
    dependencies = [
        ("integrity", "0001_initial"),
        ("campaigns", "0011_quarantine"),
        ("home", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
