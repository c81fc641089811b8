"""Who must confirm an admin sign-in with a second factor, and the middleware that sends them to do it.

With REQUIRE_TWO_FACTOR on (production's default), superusers and everyone who may see signatures (the
Signature managers) reach no admin page until this session has passed a second factor: an authenticator
app's code (TOTP) or one of their backup codes. Without a device yet, they are taken to set one up first.
Editors and Translators are not made to, but may; whoever has set one up is asked for it at every sign-in,
required or not, or it would protect nothing.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django_otp import user_has_device

from campaigns.models.signature import VIEW_SIGNATURES

# Admin addresses a signed-in but not yet verified user may still open: signing in and out, the password
# reset, the two-factor pages themselves, and the icons every admin page loads (sprite/).
OPEN_BEFORE_VERIFYING = ("login/", "logout/", "password_reset/", "two-factor/", "jsi18n/", "sprite/")


def is_required(user):
    """Whether `user` must have a second factor (REQUIRE_TWO_FACTOR, and what they may see)."""
    return bool(settings.REQUIRE_TWO_FACTOR) and (user.is_superuser or user.has_perm(VIEW_SIGNATURES))


def needs_verifying(user):
    """Whether this session's user must still pass a second factor before the admin."""
    if not user.is_authenticated or user.is_verified():
        return False
    return is_required(user) or user_has_device(user, confirmed=True)


class TwoFactorMiddleware:
    """After django-otp's OTPMiddleware: an admin request from a user who must still pass a second factor is
    redirected to the code page (or to setting one up), with `next` bringing them back afterwards."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        prefix = f"/{settings.ADMIN_PATH}/"
        if request.path.startswith(prefix):
            rest = request.path[len(prefix) :]
            user = getattr(request, "user", None)
            if user is not None and not rest.startswith(OPEN_BEFORE_VERIFYING) and needs_verifying(user):
                has_device = user_has_device(user, confirmed=True)
                target = reverse("accounts_two_factor" if has_device else "accounts_two_factor_setup")
                return redirect(f"{target}?{urlencode({'next': request.get_full_path()}, safe='/')}")
        return self.get_response(request)
