"""Rate limiting of the public form per client address, in Django's cache (no outside service).

A fixed window: at most `VEIVISER_PUBLIC_RATE_LIMIT` submissions per address in
`VEIVISER_PUBLIC_RATE_WINDOW` seconds. The address is kept only as a keyed hash in the cache,
never in the database or the logs. Behind a reverse proxy the address is the client's only when
the proxy is listed in `VEIVISER_TRUSTED_PROXIES` (veiviser.clientaddress). With several app servers the cache must be shared
(`VEIVISER_CACHE_BACKEND`, docs/public.md), or each server counts on its own.
"""

import hashlib
import hmac

from django.conf import settings
from django.core.cache import cache

from veiviser.clientaddress import client_address


def _key(address: str) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256)
    return f"veiviser:public-rate:{digest.hexdigest()[:32]}"


def allow(request) -> bool:
    """Count one submission from the request's address; False when over the limit."""
    limit = settings.PUBLIC_RATE_LIMIT
    if limit <= 0:
        return True
    key = _key(client_address(request))
    cache.add(key, 0, timeout=settings.PUBLIC_RATE_WINDOW)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=settings.PUBLIC_RATE_WINDOW)
        count = 1
    return count <= limit
