"""The demo county's API client, so that `make demo` can be tried with curl at once.

Its token is random like every token (a token derived from the seed would be a published
secret) and is printed by `veiviser demo`, once.
"""

from veiviser.api import services
from veiviser.api.models import SCOPES, ApiClient
from veiviser.organisation.models import County

DEMO_CLIENT = "demo-integrasjon"


def demo_clients(county: County) -> list[tuple[ApiClient, str]]:
    """One client with every scope, for the demo county."""
    return [
        services.apiclient_create(
            actor=None,
            name=DEMO_CLIENT,
            county=county,
            scopes=sorted(SCOPES),
            purpose="Demo: prøve API-et mot det oppdiktede demofylket",
        )
    ]
