"""The address a request came from, honouring trusted reverse proxies (docs/configuration.md).

Behind a reverse proxy every request arrives from the proxy's address (`REMOTE_ADDR`), and the
client's own address is in the `X-Forwarded-For` header the proxy appends to. The header can be
written by anyone, so it is believed only as far as it was written by proxies we trust
(`VEIVISER_TRUSTED_PROXIES`, addresses or networks):

- when `REMOTE_ADDR` is not a trusted proxy, the header is ignored entirely (a client talking to
  Veiviser directly could otherwise claim any address and dodge the lockout);
- otherwise the header is read from right to left, skipping addresses of trusted proxies; the
  first address that is not one is the client's. Entries to its left were written by the client
  (or by proxies we do not know) and are never believed.

With no trusted proxies (the default) the answer is `REMOTE_ADDR`. The login lockout, the public
pages' rate limit and the login audit events all use this one function.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest

MAX_LENGTH = 45  # the longest textual IPv6 address (with an embedded IPv4 part)


def _address(value: str):
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def _trusted(address, proxies) -> bool:
    return address is not None and any(address in network for network in proxies)


def client_address(request: HttpRequest) -> str:
    """The client's address as text (at most 45 characters), or "" when unknown."""
    remote = request.META.get("REMOTE_ADDR", "").strip()
    proxies = settings.TRUSTED_PROXIES
    if not proxies or not _trusted(_address(remote), proxies):
        return remote[:MAX_LENGTH]
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            # Not an address (garbage, or "unknown"): whatever stands to its left was not
            # written by a proxy we trust either, so the last trusted hop is the answer.
            break
        if not _trusted(address, proxies):
            return str(address)[:MAX_LENGTH]
        remote = str(address)
    # Every hop was a trusted proxy (or the header is missing or broken): the innermost
    # trusted address we reached is as close to the client as we can honestly get.
    return remote[:MAX_LENGTH]
