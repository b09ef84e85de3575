"""Reads of API clients."""

from veiviser.api.models import TOKEN_PREFIX, ApiClient
from veiviser.api.services import token_hash


def client_for_token(token: str) -> ApiClient | None:
    """The active client whose token this is, or None (unknown, malformed or revoked). An
    expired token's client is returned too: the caller tells its holder that it expired
    (`ApiClient.is_expired`) and lets nothing through."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    return (
        ApiClient.objects.select_related("user", "county")
        .filter(token_hash=token_hash(token), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
