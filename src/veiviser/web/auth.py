"""Logging in and out of the staff web app, with the lockout of veiviser.accounts.

Included at the site root: `path("", include(auth_urlpatterns))` gives /logg-inn/ (login) and
/logg-ut/ (logout). A wrong password, an unknown or inactive user and a locked account all get
the same message, so the page never tells whether a username exists.
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import path
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from veiviser.accounts import services as accounts
from veiviser.accounts import two_factor

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


def client_address(request: HttpRequest) -> str:
    """The address the request came from. Behind a reverse proxy this is the proxy's: then
    the per-address limit counts all users together (docs: VEIVISER_BEHIND_TLS_PROXY)."""
    return request.META.get("REMOTE_ADDR", "")[:45]


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
                accounts.login_succeeded(user=user, username=username, address=address)
                return redirect(_next_url(request))
    return render(
        request,
        "web/login.html",
        {"form": form, "next": request.POST.get("next") or request.GET.get("next", "")},
    )


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
    path("logg-ut/", logout_view, name="logout"),
]
