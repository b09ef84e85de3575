"""OpenID Connect with authlib: the client both logins use, and the staff single sign-on.

`oauth_client(name, config)` registers a provider from a settings dict (METADATA_URL,
CLIENT_ID, CLIENT_SECRET, SCOPE, TOKEN_AUTH_METHOD): authorization code flow with PKCE (S256),
state and nonce. Authlib fetches the provider's metadata and signing keys and checks the ID
token (issuer, audience, expiry, nonce, signature). "Min side" (`veiviser.public.oidc`,
ID-porten, settings.YOUTH_OIDC) and the staff login (below, settings.STAFF_OIDC, docs/sso.md)
both use it.
"""

from functools import cache

from django.conf import settings


@cache
def _registered(
    name: str,
    metadata_url: str,
    client_id: str,
    client_secret: str,
    scope: str,
    token_auth_method: str,
):
    from authlib.integrations.django_client import OAuth

    oauth = OAuth()
    oauth.register(
        name=name,
        client_id=client_id,
        client_secret=client_secret,
        server_metadata_url=metadata_url,
        client_kwargs={
            "scope": scope,
            "code_challenge_method": "S256",
            "token_endpoint_auth_method": token_auth_method,
        },
    )
    return oauth.create_client(name)


def oauth_client(name: str, config: dict):
    """The authlib client of the provider in `config` (one per configuration)."""
    return _registered(
        name,
        config["METADATA_URL"],
        config["CLIENT_ID"],
        config["CLIENT_SECRET"],
        config["SCOPE"],
        config["TOKEN_AUTH_METHOD"],
    )


# The staff login.


def enabled() -> bool:
    return bool(settings.STAFF_OIDC.get("METADATA_URL"))


def provider_name() -> str:
    return settings.STAFF_OIDC.get("PROVIDER_NAME") or "OpenID Connect"


def client():
    return oauth_client("staff", settings.STAFF_OIDC)


def login_redirect(request, redirect_uri: str):
    return client().authorize_redirect(request, redirect_uri)


def claims(request) -> dict:
    """Finish the login: the claims of the verified ID token (raises on any failure)."""
    token = client().authorize_access_token(request)
    return dict(token.get("userinfo") or {})


def provider_did_mfa(claims: dict) -> bool:
    """May the provider's multi-factor login stand in for Veiviser's own code
    (settings.STAFF_OIDC["TWO_FACTOR"])? "idp": always (the provider enforces it for this
    application); "amr": when the ID token's `amr` claim names "mfa"; "totp": never."""
    mode = settings.STAFF_OIDC.get("TWO_FACTOR", "totp")
    if mode == "idp":
        return True
    if mode == "amr":
        amr = claims.get("amr") or []
        if isinstance(amr, str):
            amr = [amr]
        return "mfa" in amr
    return False
