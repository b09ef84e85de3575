"""The OpenID Connect client of "Min side" (authlib), configured from settings.YOUTH_OIDC.

ID-porten: authorization code flow with PKCE (S256), state and nonce; the ID token's `pid` claim
is the person's fødselsnummer or D-number. Authlib fetches the provider's metadata and signing
keys and checks the ID token (issuer, audience, expiry, nonce, signature).
"""

from django.conf import settings

from veiviser.accounts.oidc import oauth_client


def enabled() -> bool:
    return bool(settings.YOUTH_OIDC.get("METADATA_URL"))


def client():
    return oauth_client("idporten", settings.YOUTH_OIDC)


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
