"""Demo data of the public contact page: a handful of pending requests in the demo county.

Deterministic from the demo's seed; every name is drawn from the generator's invented lists and
no identity number is given, so nobody real can be named.
"""

import random
from datetime import date

from veiviser.demo import generator
from veiviser.organisation.models import County, Municipality
from veiviser.public import services
from veiviser.public.models import Asker, ReachBy

REQUESTS = 12  # about a week of requests in a county of Vestfold's size

_NEEDS = (
    "",
    "Jeg vil begynne på skolen igjen.",
    "Trenger hjelp til å finne læreplass.",
    "Vil gjerne snakke med noen om jobb.",
    "Sønnen min har sluttet på skolen og trenger hjelp.",
)


def add_referrals(county: County, seed: int) -> int:
    """Create REQUESTS pending referrals in `county`; returns how many."""
    rng = random.Random(f"public-{seed}")
    municipalities = list(
        Municipality.objects.filter(county=county, unit__isnull=False)
        .order_by("number")
        .values_list("number", flat=True)
    )
    if not municipalities:
        return 0
    latest = max(generator.SCHOOL_YEARS)
    for n in range(REQUESTS):
        asker = rng.choice([Asker.SELF] * 3 + [Asker.GUARDIAN, Asker.SCHOOL, Asker.NAV])
        reach_by = rng.choice(list(ReachBy.values))
        given = rng.choice(generator._GIVEN_FEMALE + generator._GIVEN_MALE)
        family = rng.choice(generator._FAMILY)
        reach_at = (
            f"{given.lower()}.{n}@example.org"
            if reach_by == ReachBy.EMAIL
            else f"4{rng.randrange(1000000, 9999999)}"
        )
        services.referral_receive(
            county=county,
            municipality=rng.choice(municipalities),
            given_name=given,
            family_name=family,
            birth_date=date(
                latest - rng.randrange(16, 22), rng.randrange(1, 13), rng.randrange(1, 29)
            ),
            reach_by=reach_by,
            reach_at=reach_at,
            asker=asker,
            need=rng.choice(_NEEDS),
            consent_confirmed=asker != Asker.SELF,
        )
    return REQUESTS
