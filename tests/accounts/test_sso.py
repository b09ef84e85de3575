"""Staff single sign-on by OpenID Connect against a stand-in provider (no network).

The stand-in answers authlib's HTTP requests for https://idp.test (metadata, signing keys,
token endpoint) inside the test process, so the real flow runs: PKCE, state, nonce and the ID
token's signature, issuer, audience and expiry are checked by authlib as in production.
"""

import base64
import hashlib
import json
import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from authlib.jose import JsonWebKey, jwt
from django.conf import settings as django_settings
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.shortcuts import resolve_url
from django.urls import reverse

from veiviser.accounts.models import LoginAttempt
from veiviser.audit.models import AuditEvent
from veiviser.organisation import services as organisation
from veiviser.organisation.models import Role, User

ISSUER = "https://idp.test"
KEY = JsonWebKey.generate_key("RSA", 2048, is_private=True, options={"kid": "stand-in-1"})
OTHER_KEY = JsonWebKey.generate_key("RSA", 2048, is_private=True, options={"kid": "stand-in-1"})


class StandInProvider:
    """An OpenID Connect provider in the test process: it serves its metadata, its public key
    and a token endpoint that checks the code and the PKCE verifier and signs an ID token with
    the claims the test chose."""

    def __init__(self):
        self.claims: dict = {}
        self.nonce = ""
        self.code_challenge = ""
        self.signing_key = KEY
        self.audience = "veiviser"
        self.token_requests = 0

    def answer(self, request) -> requests.Response:
        path = urlsplit(request.url).path
        if path == "/.well-known/openid-configuration":
            return self._json(
                request,
                {
                    "issuer": ISSUER,
                    "authorization_endpoint": f"{ISSUER}/authorize",
                    "token_endpoint": f"{ISSUER}/token",
                    "jwks_uri": f"{ISSUER}/keys",
                    "response_types_supported": ["code"],
                    "subject_types_supported": ["pairwise"],
                    "id_token_signing_alg_values_supported": ["RS256"],
                },
            )
        if path == "/keys":
            return self._json(request, {"keys": [KEY.as_dict(is_private=False)]})
        if path == "/token" and request.method == "POST":
            self.token_requests += 1
            form = parse_qs(
                request.body if isinstance(request.body, str) else request.body.decode()
            )
            verifier = form.get("code_verifier", [""])[0]
            challenge = (
                base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
                .rstrip(b"=")
                .decode()
            )
            if form.get("code") != ["the-code"] or challenge != self.code_challenge:
                return self._json(request, {"error": "invalid_grant"}, status=400)
            now = int(time.time())
            payload = {
                "iss": ISSUER,
                "aud": self.audience,
                "sub": "pairwise-subject",
                "iat": now,
                "exp": now + 300,
                "nonce": self.nonce,
                **self.claims,
            }
            id_token = jwt.encode(
                {"alg": "RS256", "kid": "stand-in-1"}, payload, self.signing_key
            ).decode()
            return self._json(
                request,
                {
                    "access_token": "opaque",
                    "token_type": "Bearer",
                    "expires_in": 300,
                    "id_token": id_token,
                },
            )
        return self._json(request, {"error": "not_found"}, status=404)

    @staticmethod
    def _json(request, body: dict, status: int = 200) -> requests.Response:
        response = requests.Response()
        response.status_code = status
        response._content = json.dumps(body).encode()
        response.headers["Content-Type"] = "application/json"
        response.url = request.url
        response.request = request
        return response


@pytest.fixture
def provider(monkeypatch, settings):
    stand_in = StandInProvider()

    def send(adapter, request, **kwargs):
        if not request.url.startswith(ISSUER + "/"):
            raise AssertionError(f"no network in tests: {request.url}")
        return stand_in.answer(request)

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", send)
    settings.STAFF_OIDC = {
        **django_settings.STAFF_OIDC,
        "METADATA_URL": f"{ISSUER}/.well-known/openid-configuration",
        "CLIENT_ID": "veiviser",
        "CLIENT_SECRET": "stand-in-secret",
        "PROVIDER_NAME": "Stand-in ID",
        "CLAIM": "preferred_username",
        "USER_FIELD": "username",
        "TWO_FACTOR": "totp",
    }
    return stand_in


def sign_in(client, provider, claims: dict, next_url: str = ""):
    """Click the button, let the stand-in log the person in, come back: the callback's answer."""
    query = {"next": next_url} if next_url else {}
    response = client.get(reverse("sso-login"), query)
    assert response.status_code == 302
    sent = parse_qs(urlsplit(response.url).query)
    assert response.url.startswith(f"{ISSUER}/authorize?")
    assert sent["code_challenge_method"] == ["S256"]
    provider.nonce = sent["nonce"][0]
    provider.code_challenge = sent["code_challenge"][0]
    provider.claims = claims
    return client.get(reverse("sso-callback"), {"code": "the-code", "state": sent["state"][0]})


def logged_in_as(client):
    return client.session.get("_auth_user_id")


def test_the_login_page_offers_the_provider_only_when_configured(client, provider, settings):
    page = client.get(reverse("login")).content.decode()
    assert reverse("sso-login") in page
    assert "Logg inn med Stand-in ID" in page
    settings.STAFF_OIDC = {**settings.STAFF_OIDC, "METADATA_URL": ""}
    page = client.get(reverse("login")).content.decode()
    assert reverse("sso-login") not in page
    assert client.get(reverse("sso-login")).status_code == 404
    assert client.get(reverse("sso-callback"), {"state": "x"}).status_code == 404


def test_a_known_user_is_logged_in_by_the_claim_and_audited(client, provider, advisor):
    response = sign_in(client, provider, {"preferred_username": "KARI"}, next_url="/ungdom/ny/")
    assert response.status_code == 302
    assert response.url == "/ungdom/ny/"
    assert logged_in_as(client) == str(advisor.pk)
    event = AuditEvent.objects.get(action="accounts.login.succeeded")
    assert event.data["method"] == "oidc"
    assert event.data["username"] == "kari"
    assert LoginAttempt.objects.filter(username="kari", succeeded=True).count() == 1
    assert provider.token_requests == 1


def test_an_outside_next_address_is_not_followed(client, provider, advisor):
    response = sign_in(client, provider, {"preferred_username": "kari"}, "https://evil.test/")
    assert response.url == resolve_url(django_settings.LOGIN_REDIRECT_URL)


def test_an_unknown_person_is_refused_audited_and_not_created(client, provider, advisor):
    users = User.objects.count()
    response = sign_in(client, provider, {"preferred_username": "ola@fylke.test"})
    assert response.status_code == 302
    assert response.url == reverse("login")
    assert logged_in_as(client) is None
    assert User.objects.count() == users
    event = AuditEvent.objects.get(action="accounts.login.sso_refused")
    assert event.data["value"] == "ola@fylke.test"
    assert event.data["claim"] == "preferred_username"
    # Not a password guess: the username's lock is not fed.
    assert not LoginAttempt.objects.exists()


def test_a_missing_claim_is_refused(client, provider, advisor):
    sign_in(client, provider, {"email": "kari@fylke.test"})
    assert logged_in_as(client) is None
    assert AuditEvent.objects.filter(action="accounts.login.sso_refused").count() == 1


def test_an_inactive_user_is_refused(client, provider, advisor):
    advisor.is_active = False
    advisor.save()
    sign_in(client, provider, {"preferred_username": "kari"})
    assert logged_in_as(client) is None


def test_by_email_exactly_one_user_must_match(client, provider, advisor, vestfold, settings):
    settings.STAFF_OIDC = {**settings.STAFF_OIDC, "CLAIM": "email", "USER_FIELD": "email"}
    advisor.email = "kari@fylke.test"
    advisor.save()
    sign_in(client, provider, {"email": "Kari@Fylke.test"})
    assert logged_in_as(client) == str(advisor.pk)
    client.logout()
    other = organisation.staff_user_create(
        actor=None, username="kari2", password="pw-123456789", role=Role.OFFICE, county=vestfold
    )
    other.email = "kari@fylke.test"
    other.save()
    sign_in(client, provider, {"email": "kari@fylke.test"})
    assert logged_in_as(client) is None


def test_an_api_clients_service_user_cannot_sign_in(client, provider, vestfold):
    from veiviser.api import services as api

    api.apiclient_create(
        actor=None, name="vis", county=vestfold, scopes=["registry:read"], purpose="test"
    )
    sign_in(client, provider, {"preferred_username": "api-vis"})
    assert logged_in_as(client) is None


def test_a_token_signed_by_another_key_is_refused(client, provider, advisor):
    provider.signing_key = OTHER_KEY
    response = sign_in(client, provider, {"preferred_username": "kari"})
    assert provider.token_requests == 1
    assert response.url == reverse("login")
    assert logged_in_as(client) is None
    assert AuditEvent.objects.filter(action="accounts.login.sso_failed").count() == 1


def test_a_token_for_another_application_is_refused(client, provider, advisor):
    provider.audience = "another-app"
    sign_in(client, provider, {"preferred_username": "kari"})
    assert logged_in_as(client) is None
    assert provider.token_requests == 1  # refused for the token, not before it
    assert AuditEvent.objects.filter(action="accounts.login.sso_failed").count() == 1


def test_a_replayed_nonce_is_refused(client, provider, advisor):
    response = client.get(reverse("sso-login"))
    sent = parse_qs(urlsplit(response.url).query)
    provider.nonce = "an-old-nonce"
    provider.code_challenge = sent["code_challenge"][0]
    provider.claims = {"preferred_username": "kari"}
    client.get(reverse("sso-callback"), {"code": "the-code", "state": sent["state"][0]})
    assert logged_in_as(client) is None
    assert provider.token_requests == 1
    assert AuditEvent.objects.filter(action="accounts.login.sso_failed").count() == 1


def test_a_forged_state_is_audited_and_not_an_error_page(client, provider, advisor):
    response = client.get(reverse("sso-callback"), {"code": "the-code", "state": "forged"})
    assert response.status_code == 302
    assert logged_in_as(client) is None
    event = AuditEvent.objects.get(action="accounts.login.sso_failed")
    assert event.data["error"]


@pytest.fixture
def totp_for_advisors(settings):
    settings.VEIVISER_TWO_FACTOR_ROLES = ["advisor"]


def home(client):
    return client.get(resolve_url(django_settings.LOGIN_REDIRECT_URL))


def test_by_default_the_code_is_still_asked_after_sign_on(
    client, provider, advisor, totp_for_advisors
):
    sign_in(client, provider, {"preferred_username": "kari", "amr": ["pwd", "mfa"]})
    response = home(client)
    assert response.status_code == 302
    assert reverse("two-factor-setup") in response.url


def test_amr_mode_trusts_the_providers_mfa_only_when_it_says_so(
    client, provider, advisor, totp_for_advisors, settings
):
    settings.STAFF_OIDC = {**settings.STAFF_OIDC, "TWO_FACTOR": "amr"}
    sign_in(client, provider, {"preferred_username": "kari", "amr": ["pwd"]})
    assert reverse("two-factor-setup") in home(client).url
    client.post(reverse("logout"))
    sign_in(client, provider, {"preferred_username": "kari", "amr": ["pwd", "mfa"]})
    assert home(client).status_code == 200


def test_idp_mode_replaces_the_code(client, provider, advisor, totp_for_advisors, settings):
    settings.STAFF_OIDC = {**settings.STAFF_OIDC, "TWO_FACTOR": "idp"}
    sign_in(client, provider, {"preferred_username": "kari"})
    assert home(client).status_code == 200


def test_the_password_login_still_asks_for_the_code_in_idp_mode(
    client, provider, advisor, totp_for_advisors, settings
):
    settings.STAFF_OIDC = {**settings.STAFF_OIDC, "TWO_FACTOR": "idp"}
    client.post(reverse("login"), {"username": "kari", "password": "not-a-real-password-1"})
    assert logged_in_as(client) == str(advisor.pk)
    assert reverse("two-factor-setup") in home(client).url


def test_the_deploy_check_wants_the_client_secret(settings):
    settings.STAFF_OIDC = {
        **django_settings.STAFF_OIDC,
        "METADATA_URL": f"{ISSUER}/.well-known/openid-configuration",
        "CLIENT_ID": "veiviser",
        "CLIENT_SECRET": "",
    }
    with pytest.raises(SystemCheckError, match=r"veiviser\.E002"):
        call_command("check", "--deploy", "--fail-level", "ERROR", "--tag", "security")


def test_the_admins_own_login_sends_to_veiviser_login(client, advisor):
    """The Django admin's login page would check passwords without the lockout or the audit."""
    response = client.get("/admin/login/", {"next": "/admin/"})
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next=/admin/"
    advisor.is_staff = True
    advisor.save()
    client.post("/admin/login/", {"username": "kari", "password": "not-a-real-password-1"})
    assert logged_in_as(client) is None


def test_a_password_login_after_a_sign_on_owes_the_code_again(
    client, provider, advisor, totp_for_advisors, settings
):
    settings.STAFF_OIDC = {**settings.STAFF_OIDC, "TWO_FACTOR": "idp"}
    sign_in(client, provider, {"preferred_username": "kari"})
    assert home(client).status_code == 200
    client.post(reverse("login"), {"username": "kari", "password": "not-a-real-password-1"})
    assert reverse("two-factor-setup") in home(client).url
