"""Roles made by home/migrations/0002_roles.py, proven from the admin URLs each one may or may not use."""

import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.urls import reverse

from campaigns.signatures import Signature, signature_count
from tests.builders import build_campaign, build_index, build_signature, build_site, log_in

pytestmark = pytest.mark.django_db

roles_migration = importlib.import_module("home.migrations.0002_roles")


@pytest.fixture
def campaign():
    return build_campaign(build_index(build_site()))


@pytest.fixture
def signature(campaign):
    return build_signature(campaign, first_name="Ada", email="ada@example.org")


def personal_data_urls(campaign):
    listing = "/admin/campaigns/signature/"
    return {
        "listing": listing,
        "csv export": f"{listing}?export=csv",
        "xlsx export": f"{listing}?export=xlsx",
        "summaries": reverse("campaigns_signature_summaries"),
        "summary": reverse("campaigns_signature_summary", args=[campaign.pk]),
        "forget": reverse("campaigns_signature_forget"),
        "form submissions": f"/admin/forms/submissions/{campaign.pk}/",
    }


def test_signature_managers_see_personal_data(client, campaign, signature):
    log_in(client, "Signature managers")
    for name, url in personal_data_urls(campaign).items():
        response = client.get(url)
        assert response.status_code == 200, name
    listing = client.get("/admin/campaigns/signature/").content.decode()
    submissions = client.get(f"/admin/forms/submissions/{campaign.pk}/").content.decode()
    assert "ada@example.org" in listing and "ada@example.org" in submissions


@pytest.mark.parametrize("group_name", ["Editors", "Translators"])
def test_editors_and_translators_see_no_personal_data(client, campaign, signature, group_name):
    log_in(client, group_name)
    for name, url in personal_data_urls(campaign).items():
        response = client.get(url)
        assert response.status_code in (302, 403), name
        assert "ada@example.org" not in response.content.decode(), name
        if response.status_code == 302:
            assert response["Location"] == "/admin/", name  # Wagtail's "permission denied" redirect
    forms_index = client.get("/admin/forms/").content.decode()
    assert campaign.title not in forms_index


@pytest.mark.parametrize("group_name", ["Editors", "Translators"])
def test_editors_and_translators_cannot_erase(client, campaign, signature, group_name):
    log_in(client, group_name)
    forget = client.post(reverse("campaigns_signature_forget"), {"email": "ada@example.org", "confirm": "1"})
    delete_url = reverse("wagtailforms:delete_submissions", args=[campaign.pk])
    delete = client.post(f"{delete_url}?selected-submissions={signature.pk}")
    assert forget.status_code in (302, 403) and delete.status_code in (302, 403)
    assert Signature.objects.filter(pk=signature.pk).exists()
    assert signature_count(campaign.translation_key) == 1


def test_signature_managers_can_erase(client, campaign, signature):
    log_in(client, "Signature managers")
    response = client.post(
        reverse("campaigns_signature_forget"), {"email": "ada@example.org", "confirm": "1"}
    )
    assert response.status_code == 302
    assert not Signature.objects.filter(pk=signature.pk).exists()
    assert signature_count(campaign.translation_key) == 0


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
