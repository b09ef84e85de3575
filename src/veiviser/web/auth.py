"""Logging in and out of the staff web app, with the lockout of veiviser.accounts.

Included at the site root: `path("", include(auth_urlpatterns))` gives /logg-inn/ (login),
/logg-ut/ (logout), and the staff single sign-on /logg-inn/sso/ with its answer
/logg-inn/sso/svar/ (docs/sso.md). A wrong password, an unknown or inactive user and a locked
account all get the same message, so the page never tells whether a username exists.
"""

import logging
from urllib.parse import quote

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from veiviser.accounts import oidc as sso
from veiviser.accounts import services as accounts
from veiviser.accounts import two_factor
from veiviser.clientaddress import client_address

log = logging.getLogger(__name__)

REFUSED = gettext_lazy(
    "Wrong username or password, or the account is temporarily locked. Try again later."
)


class LoginForm(forms.Form):
    username = forms.CharField(
        label=gettext_lazy("Username"),
        max_length=accounts.USERNAME_MAX_LENGTH,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    password = forms.CharField(
        label=gettext_lazy("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and request.method != "POST":
        return redirect(_next_url(request))
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        address = client_address(request)
        # The lock is checked first: a locked account's password is not even tried.
        if accounts.is_locked(username, address):
            accounts.login_refused_locked(username=username, address=address)
            form.add_error(None, REFUSED)
        else:
            user = authenticate(request, username=username, password=form.cleaned_data["password"])
            if user is None:
                accounts.login_failed(username=username, address=address)
                form.add_error(None, REFUSED)
            else:
                login(request, user)
                # A password login owes the code, whatever a single sign-on before it proved.
                request.session.pop(two_factor.PROVIDER_MFA_SESSION_KEY, None)
                accounts.login_succeeded(user=user, username=username, address=address)
                return redirect(_next_url(request))
    return render(
        request,
        "web/login.html",
        {
            "form": form,
            "next": request.POST.get("next") or request.GET.get("next", ""),
            "sso_provider": sso.provider_name() if sso.enabled() else "",
        },
    )


# Where to go after the single sign-on, kept in the session across the round trip.
SSO_NEXT_KEY = "veiviser_sso_next"


@never_cache
def sso_login_view(request: HttpRequest) -> HttpResponse:
    """Send the user to the OpenID Connect provider (docs/sso.md); 404 when not configured."""
    if not sso.enabled():
        raise Http404
    request.session[SSO_NEXT_KEY] = _next_url(request)
    return sso.login_redirect(request, request.build_absolute_uri(reverse("sso-callback")))


@never_cache
def sso_callback_view(request: HttpRequest) -> HttpResponse:
    """The provider's answer: log in the one active staff user the ID token names, or refuse
    (audited either way). Nobody is created."""
    if not sso.enabled():
        raise Http404
    address = client_address(request)
    try:
        claims = sso.claims(request)
    except Exception as exc:  # authlib raises several kinds; none may become a 500
        log.warning("Single sign-on failed: %s", type(exc).__name__)
        accounts.sso_failed(error=type(exc).__name__, address=address)
        messages.error(request, _("The login did not succeed. Please try again."))
        return redirect("login")
    user = accounts.sso_user(claims)
    if user is None:
        accounts.sso_refused(claims=claims, address=address)
        messages.error(
            request,
            _(
                "Your %(provider)s account is not linked to a user in Veiviser. "
                "Ask the administrator."
            )
            % {"provider": sso.provider_name()},
        )
        return redirect("login")
    target = request.session.pop(SSO_NEXT_KEY, "") or resolve_url(settings.LOGIN_REDIRECT_URL)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    accounts.login_succeeded(
        user=user, username=user.get_username(), address=address, method="oidc"
    )
    if sso.provider_did_mfa(claims):
        request.session[two_factor.PROVIDER_MFA_SESSION_KEY] = True
    return redirect(target)


def admin_login_view(request: HttpRequest) -> HttpResponse:
    """The Django admin's own login page would check passwords without the lockout and the
    audit trail: it sends to Veiviser's login instead."""
    target = request.GET.get("next") or reverse("admin:index")
    return redirect(f"{reverse('login')}?next={quote(target)}")


@require_POST
@csrf_protect
@never_cache
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        accounts.logout_recorded(user=request.user)
    logout(request)
    messages.success(request, _("You are logged out."))
    return redirect(resolve_url(settings.LOGOUT_REDIRECT_URL or "login"))


class CodeForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("Code from the authenticator app"),
        min_length=6,
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]*"}
        ),
    )

    def clean_token(self):
        return self.cleaned_data["token"].replace(" ", "")


WRONG_CODE = gettext_lazy("The code is wrong or too old. Wait for a new code and try again.")


@csrf_protect
@never_cache
def two_factor_view(request: HttpRequest) -> HttpResponse:
    """After the password: the code from the user's authenticator app."""
    if not request.user.is_authenticated:
        return redirect("login")
    if two_factor.confirmed_device(request.user) is None:
        return redirect("two-factor-setup")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if two_factor.verify(request, form.cleaned_data["token"]):
            return redirect(_next_url(request))
        form.add_error("token", WRONG_CODE)
    return render(
        request,
        "web/two_factor.html",
        {"form": form, "next": request.POST.get("next") or request.GET.get("next", "")},
    )


@csrf_protect
@never_cache
def two_factor_setup_view(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: scan the QR code (or type the key), give the first code.
    Also how a user replaces their app: the new one takes over once confirmed."""
    if not request.user.is_authenticated:
        return redirect("login")
    if two_factor.confirmed_device(request.user) and not request.user.is_verified():
        return redirect("two-factor")  # replacing an app needs the old one first
    device = two_factor.pending_device(request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if two_factor.confirm(request, device, form.cleaned_data["token"]):
            messages.success(request, _("Two-factor login is set up."))
            return redirect(_next_url(request))
        form.add_error("token", WRONG_CODE)
    from base64 import b32encode

    return render(
        request,
        "web/two_factor_setup.html",
        {
            "form": form,
            "qr": two_factor.qr_svg(device),
            "key": b32encode(device.bin_key).decode(),
            "next": request.POST.get("next") or request.GET.get("next", ""),
        },
    )


auth_urlpatterns = [
    path("logg-inn/", login_view, name="login"),
    path("logg-inn/kode/", two_factor_view, name="two-factor"),
    path("logg-inn/tofaktor/", two_factor_setup_view, name="two-factor-setup"),
    path("logg-inn/sso/", sso_login_view, name="sso-login"),
    path("logg-inn/sso/svar/", sso_callback_view, name="sso-callback"),
    path("logg-ut/", logout_view, name="logout"),
]
