"""Roles made by home/migrations/0002_roles.py, proven from the admin URLs each one may or may not use.

Who may see and erase signatures is proven URL by URL in test_access.py."""

import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.urls import reverse

from tests.builders import build_campaign, build_index, build_site, log_in

pytestmark = pytest.mark.django_db

roles_migration = importlib.import_module("home.migrations.0002_roles")


@pytest.fixture
def campaign():
    return build_campaign(build_index(build_site()))


def test_signature_managers_do_not_edit_pages(client, campaign):
    log_in(client, "Signature managers")
    response = client.get(reverse("wagtailadmin_pages:edit", args=[campaign.pk]))
    assert response.status_code in (302, 403)


def test_editors_edit_and_publish_pages(client, campaign):
    log_in(client, "Editors")
    response = client.get(reverse("wagtailadmin_pages:edit", args=[campaign.pk]))
    assert response.status_code == 200
    assert 'name="action-publish"' in response.content.decode()
    assert campaign.permissions_for_user(response.wsgi_request.user).can_publish()


def test_translators_edit_pages_but_cannot_publish(client, campaign):
    log_in(client, "Translators")
    response = client.get(reverse("wagtailadmin_pages:edit", args=[campaign.pk]))
    assert response.status_code == 200
    assert 'name="action-publish"' not in response.content.decode()
    user = response.wsgi_request.user
    assert campaign.permissions_for_user(user).can_edit()
    assert not campaign.permissions_for_user(user).can_publish()
    translate = client.get(reverse("wagtail_localize:submit_page_translation", args=[campaign.pk]))
    assert translate.status_code == 200


def test_only_signature_managers_hold_signature_permissions():
    holders = Group.objects.filter(
        permissions__content_type__app_label="campaigns", permissions__codename__endswith="_signature"
    )
    assert set(holders.values_list("name", flat=True)) == {"Signature managers"}
    managers = Group.objects.get(name="Signature managers")
    assert set(managers.permissions.values_list("codename", flat=True)) == {
        "access_admin",
        "view_signature",
        "delete_signature",
        "release_signature",  # a signature an integrity rule flagged (integrity/migrations/0002)
        "change_integritysettings",  # the integrity rules (Settings → Signature integrity)
        "view_trendalert",  # the trending sources (integrity/migrations/0003)
    }
    assert not managers.page_permissions.exists()


def test_roles_migration_reverses_and_reapplies():
    roles_migration.remove_roles(apps, None)
    assert not Group.objects.filter(name__in=["Translators", "Signature managers"]).exists()
    assert (
        not Group.objects.get(name="Editors")
        .page_permissions.filter(permission__codename="publish_page")
        .exists()
    )

    roles_migration.create_roles(apps, None)
    roles_migration.create_roles(apps, None)  # twice: nothing doubles
    assert Group.objects.filter(name__in=["Editors", "Translators", "Signature managers"]).count() == 3
    editors = Group.objects.get(name="Editors")
    assert sorted(editors.page_permissions.values_list("permission__codename", flat=True)) == [
        "add_page",
        "change_page",
        "publish_page",
    ]
