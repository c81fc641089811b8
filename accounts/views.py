"""The admin's sign-in pages of our own: the second factor (its code, setting it up, backup codes) and
Wagtail's "Forgotten password?" with a limit on how often it mails.

Each page looks like Wagtail's sign-in page (templates/accounts/) and speaks the admin user's language.
"""

import base64
import hashlib
import hmac
import math

import segno
from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import devices_for_user, login, user_has_device, verify_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.admin.views.account import PasswordResetView

from accounts import notices
from accounts.forms import CodeForm
from accounts.twofactor import is_required
from campaigns import ratelimit

BACKUP_CODES = 10


def _next(request):
    """Where to go once done: the `next` the middleware gave, if it is an address on this site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("wagtailadmin_home")


def _throttled_for(user):
    """Seconds until a code may be tried again, when every device of `user` refuses tries for now
    (django-otp doubles the wait after each wrong code); 0 otherwise."""
    waits = []
    for device in devices_for_user(user, confirmed=True):
        allowed, data = device.verify_is_allowed()
        if allowed:
            return 0
        until = (data or {}).get("locked_until")
        waits.append((until - timezone.now()).total_seconds() if until else 1)
    return max(1, math.ceil(min(waits))) if waits else 0


@never_cache
@sensitive_post_parameters("code")
def verify(request):
    """Step two of signing in: a code from the authenticator app, or a backup code."""
    user = request.user
    if user.is_verified():
        return redirect(_next(request))
    if not user_has_device(user, confirmed=True):
        return redirect(f"{reverse('accounts_two_factor_setup')}?{request.GET.urlencode()}")
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        wait = _throttled_for(user)
        if wait:
            form.add_error(
                "code",
                ngettext(
                    "Too many wrong codes. Wait %(seconds)d second and try again.",
                    "Too many wrong codes. Wait %(seconds)d seconds and try again.",
                    wait,
                )
                % {"seconds": wait},
            )
            status = 429
        else:
            device = _device_accepting(user, form.cleaned_data["code"])
            if device is not None:
                _passed(request, device)
                if isinstance(device, StaticDevice):
                    left = device.token_set.count()
                    messages.warning(
                        request,
                        ngettext(
                            "You used a backup code: %(count)d is left. Make new ones on the two-factor page.",
                            "You used a backup code: %(count)d are left. Make new ones on the two-factor page.",
                            left,
                        )
                        % {"count": left},
                    )
                return redirect(_next(request))
            form.add_error("code", _("That code is not right, or has expired. Try the newest one."))
            status = 400
    elif request.method == "POST":
        status = 400
    return render(request, "accounts/verify.html", {"form": form, "next": _next(request)}, status=status)


def _passed(request, device):
    """The session passed its second factor: it gets a new key (a session id seen before this moment, by
    whoever saw it, is worth nothing now) and remembers the device (django-otp)."""
    request.session.cycle_key()
    login(request, device)


def _device_accepting(user, code):
    """The device that accepts `code`, each tried on its own (django-otp counts wrong codes per device)."""
    for device in devices_for_user(user, confirmed=True):
        accepted = verify_token(user, device.persistent_id, code)
        if accepted is not None:
            return accepted
    return None


@never_cache
@sensitive_post_parameters("code")
def set_up(request):
    """Setting up an authenticator app: a QR code (made here, nothing is fetched) and the same secret as
    text, then a code from the app to show it works; then the backup codes, shown once.

    A user who already has a device but has not passed it in this session is sent to the code page: setting
    up a new app must not be a way around the old one."""
    user = request.user
    if user_has_device(user, confirmed=True) and not user.is_verified():
        return redirect(f"{reverse('accounts_two_factor')}?{request.GET.urlencode()}")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            with transaction.atomic():
                if device.verify_token(form.cleaned_data["code"]):
                    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
                    device.confirmed = True
                    device.save()
                    _passed(request, device)
                    codes = _new_backup_codes(user)
                    notices.tell_owner(user, notices.TURNED_ON)
                    return _show_backup_codes(request, codes)
            form.add_error("code", _("That code is not right, or has expired. Try the newest one."))
    context = {
        "form": form,
        "next": _next(request),
        "required": is_required(user),
        "has_device": user_has_device(user, confirmed=True),
        "qr_code": segno.make(device.config_url, error="m").svg_inline(
            scale=5,
            omitsize=True,
            dark="#000",
            light="#fff",
            title=_("QR code to scan with your authenticator app"),
        ),
        "secret": _grouped(device),
    }
    return render(request, "accounts/set_up.html", context, status=status)


def _grouped(device):
    """The secret as authenticator apps take it typed in: base32, in groups of four."""
    text = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def _new_backup_codes(user):
    """Replace `user`'s backup codes with BACKUP_CODES new ones, each good once."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=_("Backup codes"), confirmed=True)
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def _show_backup_codes(request, codes):
    """The only time the codes are shown: answered to the post itself, never stored anywhere readable."""
    return render(request, "accounts/backup_codes.html", {"codes": codes, "next": _next(request)})


@never_cache
def backup_codes(request):
    """Make new backup codes (a POST from the set-up page); the old ones stop working."""
    if request.method != "POST" or not request.user.is_verified():
        return redirect("accounts_two_factor_setup")
    with transaction.atomic():
        codes = _new_backup_codes(request.user)
        notices.tell_owner(request.user, notices.NEW_BACKUP_CODES)
    return _show_backup_codes(request, codes)


class ThrottledPasswordResetView(PasswordResetView):
    """Wagtail's "Forgotten password?", mailing at most PASSWORD_RESET_RATE_PER_CLIENT times per client and
    PASSWORD_RESET_RATE_PER_ADDRESS times per address asked for, so that nobody can flood a manager's inbox
    or the mail relay through it. The answer is the same whether or not the address has an account; a
    request over either limit gets the form back with a 429 and says how long to wait."""

    def form_valid(self, form):
        address = form.cleaned_data["email"].strip().lower()
        address_key = hmac.digest(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hex()
        # Both are counted every time, so that asking for many addresses still counts against the client.
        wait = max(
            ratelimit.seconds_until_allowed(
                ratelimit.client_key(self.request),
                rate=settings.PASSWORD_RESET_RATE_PER_CLIENT,
                scope="password-reset-client",
            ),
            ratelimit.seconds_until_allowed(
                address_key, rate=settings.PASSWORD_RESET_RATE_PER_ADDRESS, scope="password-reset-address"
            ),
        )
        if not wait:
            return super().form_valid(form)
        minutes = math.ceil(wait / 60)
        form.add_error(
            None,
            ngettext(
                "Too many password reset requests. Try again in %(minutes)d minute.",
                "Too many password reset requests. Try again in %(minutes)d minutes.",
                minutes,
            )
            % {"minutes": minutes},
        )
        response = self.form_invalid(form)
        response.status_code = 429
        response["Retry-After"] = str(wait)
        return response
