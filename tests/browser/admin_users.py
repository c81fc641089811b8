"""The people of the admin in browser tests: a user in one of the site's roles (home/migrations/0002_roles.py),
and their sign-in through Wagtail's login form."""

import re
import uuid

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from playwright.sync_api import expect
from wagtail.users.models import UserProfile

PASSWORD = "correct horse battery staple"


def user_in_role(role, admin_language="en"):
    """A new user in the group `role` ("Editors", "Translators", "Signature managers") whose admin speaks
    `admin_language`."""
    username = f"{role.split()[0].lower()}-{uuid.uuid4().hex[:8]}"
    user = get_user_model().objects.create_user(username, f"{username}@example.org", PASSWORD)
    user.groups.add(Group.objects.get(name=role))
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = admin_language
    profile.save()
    return user


def log_in(page, user):
    """Sign in through the admin's login form; the page is left on the admin's dashboard."""
    page.goto("/admin/login/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("form [type=submit]").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
