"""Two-factor login with a time-based one-time code (TOTP, RFC 6238) through django-otp.

Who must: the roles in `settings.VEIVISER_TWO_FACTOR_ROLES` (in production by default the
roles that see many youths, and the administrator; docs/security.md), and anyone who has set
up an authenticator app of their own accord; not after a single sign-on whose provider's
multi-factor login the installation accepts instead (docs/sso.md). After the password, such a
user reaches nothing but the code page (or, the first time, the set-up page) and logging out,
until the code is right: `TwoFactorMiddleware` sends every other request there.

Wrong codes are throttled by django-otp (a growing delay per device) and every set-up, code
and failure is in the audit trail.
"""

from urllib.parse import quote

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from veiviser.audit import services as audit

DEVICE_NAME = "Veiviser"


# Whether the logged-in user has an authenticator app, remembered in the session at login
# (any login: ours, the admin's) so that ordinary requests cost no query.
SESSION_KEY = "veiviser_has_totp"
# Set by the single sign-on when the provider's multi-factor login stands in for the code
# (settings.STAFF_OIDC["TWO_FACTOR"], docs/sso.md); only the callback sets it.
PROVIDER_MFA_SESSION_KEY = "veiviser_provider_mfa"


def required(user) -> bool:
    """Must `user` give a code after the password?"""
    if not user.is_authenticated:
        return False
    if user.role in settings.VEIVISER_TWO_FACTOR_ROLES:
        return True
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def required_in_session(request) -> bool:
    user = request.user
    if request.session.get(PROVIDER_MFA_SESSION_KEY):
        return False
    if user.role in settings.VEIVISER_TWO_FACTOR_ROLES:
        return True
    if SESSION_KEY not in request.session:
        request.session[SESSION_KEY] = required(user)
    return request.session[SESSION_KEY]


@receiver(user_logged_in)
def remember_at_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_device(user) -> TOTPDevice:
    """The user's device being set up (not yet confirmed), made on first asking."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def qr_svg(device: TOTPDevice) -> str:
    """The QR code of the device's otpauth:// address (issuer `OTP_TOTP_ISSUER`, the user
    name as label) as inline SVG: no image request, no inline style."""
    import segno
    from django.utils.translation import gettext as _

    return segno.make(device.config_url, error="m").svg_inline(
        scale=5, dark="#111", light="#fff", title=_("QR code for the authenticator app")
    )


def confirm(request, device: TOTPDevice, token: str) -> bool:
    """Confirm a new device with its first code; the session is then verified."""
    if not device.verify_token(token):
        audit.log(request.user, "accounts.two_factor.failed", request.user, data={"setup": True})
        return False
    with transaction.atomic():
        TOTPDevice.objects.filter(user=request.user, confirmed=True).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit.log(request.user, "accounts.two_factor.enrolled", request.user)
    request.session[SESSION_KEY] = True
    otp_login(request, device)
    return True


def verify(request, token: str) -> bool:
    """Check a code against the user's device; the session is then verified."""
    device = confirmed_device(request.user)
    if device is None:
        return False
    allowed, _ = device.verify_is_allowed()
    if allowed and device.verify_token(token):
        otp_login(request, device)
        audit.log(request.user, "accounts.two_factor.verified", request.user)
        return True
    audit.log(
        request.user,
        "accounts.two_factor.failed",
        request.user,
        data={"throttled": not allowed},
    )
    return False


class TwoFactorMiddleware:
    """Send a user who owes a code to the code page (after django_otp's OTPMiddleware). In
    `process_view`, where the URL has been resolved."""

    EXEMPT = {"two-factor", "two-factor-setup", "logout", "login", "sso-login", "sso-callback"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if hasattr(request, "api_client"):
            return None  # an API client authenticates with its token (veiviser.api), not here
        user = request.user
        if (
            user.is_authenticated
            and not user.is_verified()
            and request.resolver_match.url_name not in self.EXEMPT
            and required_in_session(request)
        ):
            target = "two-factor" if confirmed_device(user) else "two-factor-setup"
            return redirect(f"{reverse(target)}?next={quote(request.get_full_path())}")
        return None
