"""Two-factor authentication in the admin: with REQUIRE_TWO_FACTOR on, Signature managers and superusers set
up an authenticator app before they see any admin page and give its code at every sign-in; Editors are not
made to, but may; backup codes work once each; an administrator can reset a lost device."""

import base64
import re
from io import StringIO
from urllib.parse import quote

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.db.models import F
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.users.models import UserProfile

pytestmark = pytest.mark.django_db

LISTING = "/admin/campaigns/signature/"
SET_UP = "/admin/two-factor/set-up/"
VERIFY = "/admin/two-factor/"
PASSWORD = "correct horse battery staple"


@pytest.fixture
def required(settings):
    settings.REQUIRE_TWO_FACTOR = True


def person(role, username=None):
    username = username or role.split()[0].lower()
    user = get_user_model().objects.create_user(username, f"{username}@example.org", PASSWORD)
    user.groups.add(Group.objects.get(name=role))
    return user


def code_for(device):
    """What the authenticator app shows now for `device`."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"


def next_code(device):
    """The app's code in the next 30 seconds: a code already used is refused (django-otp remembers the last
    time step it accepted), so the device's clock is moved on one step instead of sleeping."""
    TOTPDevice.objects.filter(pk=device.pk).update(t0=F("t0") - device.step)  # only the clock, nothing else
    device.refresh_from_db()
    return code_for(device)


def sign_in(client, user):
    """Step one, the password, through Wagtail's login form."""
    response = client.post(
        "/admin/login/", {"username": user.username, "password": PASSWORD, "next": LISTING}
    )
    assert response.status_code == 302
    return response


def set_up_authenticator(client, next_url=LISTING):
    """Scan the QR code (read the device it shows), enter the app's code; return the backup codes shown."""
    page = client.get(f"{SET_UP}?next={quote(next_url)}")
    assert page.status_code == 200
    device = TOTPDevice.objects.get(confirmed=False)
    done = client.post(SET_UP, {"code": code_for(device), "next": next_url})
    assert done.status_code == 200
    return re.findall(r"<li><code>([a-z2-7]{8})</code></li>", done.content.decode())


def test_a_signature_manager_without_a_device_is_sent_to_set_one_up_first(client, required):
    manager = person("Signature managers")
    client.force_login(manager)

    for url in (LISTING, "/admin/", f"{LISTING}export/?format=csv"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"{SET_UP}?next={quote(url, safe='/')}"


def test_the_set_up_page_shows_a_qr_code_made_here_and_the_key_as_text(client, required):
    client.force_login(person("Signature managers"))

    page = client.get(SET_UP).content.decode()

    device = TOTPDevice.objects.get(confirmed=False)
    assert "<svg" in page and "QR code to scan with your authenticator app" in page
    secret = re.search(r"<code>([A-Z2-7 ]+)</code>", page).group(1)
    assert secret.replace(" ", "") == base64.b32encode(device.bin_key).decode().rstrip("=")
    assert not re.search(r"""src=["']https?://""", page)  # nothing fetched from elsewhere


def test_after_setting_up_with_a_real_code_the_manager_gets_in_and_sees_backup_codes_once(client, required):
    client.force_login(person("Signature managers"))

    wrong = client.post(SET_UP, {"code": "000000"})
    assert wrong.status_code == 400 and "That code is not right" in wrong.content.decode()
    assert client.get(LISTING).status_code == 302
    TOTPDevice.objects.get().throttle_reset()  # django-otp makes the next try wait a second after a wrong code

    codes = set_up_authenticator(client)

    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get(LISTING).status_code == 200
    assert TOTPDevice.objects.get().confirmed
    assert StaticDevice.objects.get().token_set.count() == 10
    assert not any(code in client.get(SET_UP).content.decode() for code in codes)  # shown once
    [notice] = mail.outbox  # the owner hears of it, without a code or the key
    assert notice.to == ["signature@example.org"]
    assert notice.subject == "Two-factor authentication changed on your Stand Up For Privacy account"
    assert "turned on for your account" in notice.body and "tell an administrator at once" in notice.body
    assert not any(code in notice.body for code in codes)
    assert TOTPDevice.objects.get(confirmed=True).key not in notice.body


def test_new_backup_codes_replace_the_old_ones_and_the_owner_hears_of_it(client, required):
    client.force_login(person("Signature managers"))
    old = set_up_authenticator(client)
    mail.outbox.clear()

    page = client.post("/admin/two-factor/backup-codes/")

    new = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", page.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    assert set(StaticDevice.objects.get().token_set.values_list("token", flat=True)) == set(new)
    assert "New backup codes were made" in mail.outbox[0].body


def test_each_sign_in_asks_for_the_code_and_a_wrong_one_keeps_the_door_shut(client, required):
    manager = person("Signature managers")
    client.force_login(manager)
    set_up_authenticator(client)
    client.post("/admin/logout/")

    sign_in(client, manager)
    assert client.get(LISTING)["Location"] == f"{VERIFY}?next={quote(LISTING, safe='/')}"
    wrong = client.post(VERIFY, {"code": "123456", "next": LISTING})
    assert wrong.status_code == 400 and "That code is not right" in wrong.content.decode()
    assert client.get(LISTING).status_code == 302

    device = TOTPDevice.objects.get()
    device.throttle_reset()  # django-otp makes the next try wait a second after a wrong code
    before = client.cookies["sessionid"].value
    right = client.post(VERIFY, {"code": next_code(device), "next": LISTING})

    assert right.status_code == 302 and right["Location"] == LISTING
    assert client.get(LISTING).status_code == 200
    assert client.cookies["sessionid"].value != before  # a session id known before the code is worth nothing


def test_a_user_with_a_device_cannot_set_up_another_to_get_round_it(client, required):
    manager = person("Signature managers")
    client.force_login(manager)
    set_up_authenticator(client)
    client.post("/admin/logout/")
    sign_in(client, manager)

    response = client.get(SET_UP)

    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    assert client.post(SET_UP, {"code": "123456"}).status_code == 302
    assert TOTPDevice.objects.count() == 1


def test_a_backup_code_works_once(client, required):
    manager = person("Signature managers")
    client.force_login(manager)
    codes = set_up_authenticator(client)

    for attempt in range(2):
        client.post("/admin/logout/")
        sign_in(client, manager)
        StaticDevice.objects.get().throttle_reset()
        response = client.post(VERIFY, {"code": codes[0].upper(), "next": LISTING})
        if attempt == 0:
            assert response.status_code == 302
            home = client.get("/admin/")
            assert home.status_code == 200 and "You used a backup code: 9 are left" in home.content.decode()
        else:
            assert response.status_code == 400 and client.get(LISTING).status_code == 302


def test_guessing_codes_is_slowed_down(client, required, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = settings.OTP_STATIC_THROTTLE_FACTOR = 3600  # a wait no test outlasts
    manager = person("Signature managers")
    client.force_login(manager)
    set_up_authenticator(client)
    client.post("/admin/logout/")
    sign_in(client, manager)
    device = TOTPDevice.objects.get()

    assert client.post(VERIFY, {"code": "123456"}).status_code == 400
    right_too_soon = client.post(VERIFY, {"code": next_code(device)})

    assert right_too_soon.status_code == 429 and "Too many wrong codes" in right_too_soon.content.decode()
    assert client.get(LISTING).status_code == 302


def test_a_superuser_must_set_it_up_too(client, required):
    client.force_login(get_user_model().objects.create_superuser("root", password=PASSWORD))

    assert client.get("/admin/webhooks_endpoint/")["Location"].startswith(SET_UP)


@pytest.mark.parametrize("role", ["Editors", "Translators"])
def test_editors_and_translators_are_not_made_to(client, required, role):
    client.force_login(person(role))

    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/pages/").status_code == 200


def test_an_editor_who_set_it_up_is_asked_for_it_even_when_not_required(client):
    editor = person("Editors")
    client.force_login(editor)
    assert client.get("/admin/").status_code == 200
    set_up_authenticator(client, next_url="/admin/")
    client.post("/admin/logout/")

    sign_in(client, editor)

    assert client.get("/admin/pages/")["Location"].startswith(VERIFY)


def test_with_the_setting_off_nothing_changes_for_a_signature_manager(client, settings):
    settings.REQUIRE_TWO_FACTOR = False
    client.force_login(person("Signature managers"))

    assert client.get(LISTING).status_code == 200


def test_production_requires_it_unless_told_otherwise():
    import subprocess
    import sys

    def production_value(extra):
        env = {
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "SECRET_KEY": "x" * 50,
            "DATABASE_URL": "sqlite:///:memory:",
            "REDIS_URL": "redis://127.0.0.1:6379/15",
            "ALLOWED_HOSTS": "example.org",
            "BASE_URL": "https://example.org",
            "DEFAULT_FROM_EMAIL": "a@example.org",
            "EMAIL_URL": "smtp://relay.example.org",
            "AWS_STORAGE_BUCKET_NAME": "media",  # production refuses to start without one
            **extra,
        }
        code = "import django; django.setup(); from django.conf import settings; print(settings.REQUIRE_TWO_FACTOR)"
        result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr  # a settings error, not a wrong answer
        return result.stdout.strip()

    assert production_value({}) == "True"
    assert production_value({"REQUIRE_TWO_FACTOR": "false"}) == "False"


def test_an_administrator_resets_a_lost_device(client, required):
    manager = person("Signature managers", username="lost-phone")
    client.force_login(manager)
    set_up_authenticator(client)
    assert client.get(LISTING).status_code == 200

    out = StringIO()
    call_command("reset_two_factor", "lost-phone", stdout=out)

    assert "Removed 2 two-factor device(s) of lost-phone" in out.getvalue()
    assert "An administrator removed your two-factor authentication" in mail.outbox[-1].body
    assert not TOTPDevice.objects.exists() and not StaticDevice.objects.exists()
    assert client.get(LISTING)["Location"].startswith(SET_UP)  # even this session must set up anew


def test_the_pages_speak_the_admin_users_language(client, required):
    manager = person("Signature managers")
    profile = UserProfile.get_for_user(manager)
    profile.preferred_language = "de"
    profile.save()
    client.force_login(manager)

    page = client.get(SET_UP).content.decode()
    set_up_authenticator(client)

    assert "Zwei-Faktor-Authentifizierung" in page
    assert mail.outbox[0].subject.startswith("Zwei-Faktor-Authentifizierung Ihres Kontos")


def test_a_new_client_signs_in_with_password_and_code_through_the_forms(required):
    """The whole way, as a person does it: password, set up, sign out; password, code, the listing."""
    client = Client()
    manager = person("Signature managers")
    sign_in(client, manager)
    assert client.get(LISTING)["Location"].startswith(SET_UP)
    set_up_authenticator(client)
    client.post("/admin/logout/")

    sign_in(client, manager)
    assert (
        client.post(VERIFY, {"code": next_code(TOTPDevice.objects.get()), "next": LISTING}).status_code == 302
    )
    assert client.get(LISTING).status_code == 200


def test_the_account_page_leads_to_it(client):
    client.force_login(person("Editors"))

    page = client.get("/admin/account/").content.decode()

    assert "Two-factor authentication" in page and SET_UP in page
