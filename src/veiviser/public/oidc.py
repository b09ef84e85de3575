"""The OpenID Connect client of "Min side" (authlib), configured from settings.YOUTH_OIDC.

ID-porten: authorization code flow with PKCE (S256), state and nonce; the ID token's `pid` claim
is the person's fødselsnummer or D-number. Authlib fetches the provider's metadata and signing
keys and checks the ID token (issuer, audience, expiry, nonce, signature).
"""

from functools import cache

from django.conf import settings


def enabled() -> bool:
    return bool(settings.YOUTH_OIDC.get("METADATA_URL"))


@cache
def _client(metadata_url: str, client_id: str):
    from authlib.integrations.django_client import OAuth

    oidc = settings.YOUTH_OIDC
    oauth = OAuth()
    oauth.register(
        name="idporten",
        client_id=client_id,
        client_secret=oidc["CLIENT_SECRET"],
        server_metadata_url=metadata_url,
        client_kwargs={
            "scope": oidc["SCOPE"],
            "code_challenge_method": "S256",
            "token_endpoint_auth_method": oidc["TOKEN_AUTH_METHOD"],
        },
    )
    return oauth.idporten


def client():
    oidc = settings.YOUTH_OIDC
    return _client(oidc["METADATA_URL"], oidc["CLIENT_ID"])


def login_redirect(request, redirect_uri: str):
    extra = {}
    if settings.YOUTH_OIDC.get("ACR_VALUES"):
        extra["acr_values"] = settings.YOUTH_OIDC["ACR_VALUES"]
    language = getattr(request, "LANGUAGE_CODE", "") or "nb"
    extra["ui_locales"] = "en" if language == "en" else "nb"
    return client().authorize_redirect(request, redirect_uri, **extra)


def identity_number(request) -> str:
    """Finish the login: the identity number from the verified ID token (raises on failure)."""
    token = client().authorize_access_token(request)
    claims = token.get("userinfo") or {}
    return str(claims.get(settings.YOUTH_OIDC["PID_CLAIM"], ""))
