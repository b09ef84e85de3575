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


def add_contact_points(county: County) -> None:
    """Invented phone numbers, addresses and e-mail for the contact page (phone first) and the
    letters: the county's letterhead and each unit's contact details, the post code being the
    one of the unit's first municipality. Settings an administrator keeps in the admin."""
    from veiviser.letters.models import Letterhead, UnitContact

    spec = next((c for c in generator.COUNTIES if c.number == county.number), None)
    post_codes = spec.post_codes if spec else {}
    # Vestfold keeps the numbers it has always had; another county gets its own series.
    series = "56" if county.number == generator.COUNTY_NUMBER else county.number
    domain = f"{county.name.lower()}.example.org"
    units = list(county.units.order_by("name"))
    numbers = {
        unit.pk: list(unit.municipalities.order_by("number").values_list("number", flat=True))
        for unit in units
    }
    places = {
        pk: next((post_codes[m] for m in found if m in post_codes), "")
        for pk, found in numbers.items()
    }
    seat = post_codes.get(spec.seat, "") if spec else ""
    Letterhead.objects.get_or_create(
        county=county,
        defaults={
            "sender": f"{county.name} fylkeskommune",
            "phone": f"12 34 {series} 70",
            "address": f"Postboks 100\n{seat}".strip(),
            "email": f"ot@{domain}",
        },
    )
    for n, unit in enumerate(units, start=1):
        place = places[unit.pk]
        UnitContact.objects.get_or_create(
            unit=unit,
            defaults={
                "phone": f"12 34 {series} 7{n}",
                "address": f"Skolegata {10 + n}\n{place}".strip(),
                "email": f"ot.{unit.key.removeprefix('u-')}@{domain}",
            },
        )


def prepare_minside(county: County, seed: int) -> str:
    """Give one youth of the latest school year who has an advisor a plan with a review date,
    so that "Min side" shows everything; returns that youth's (synthetic) identity number for
    the documented test login (docs/public.md)."""
    from datetime import timedelta

    from django.utils import timezone

    from veiviser.casework import services as casework
    from veiviser.registry.models import Registration

    latest = max(generator.SCHOOL_YEARS)
    candidates = list(
        Registration.objects.filter(
            county=county,
            school_year=latest,
            advisor__isnull=False,
            person__fnr__isnull=False,
            person__birth_date__lte=date(latest - 18, 1, 1),
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:200]
    )
    if not candidates:
        return ""
    registration = Registration.objects.select_related("person").get(
        pk=random.Random(f"minside-{seed}").choice(candidates)
    )
    today = timezone.localdate()
    casework.plan_save(
        actor=None,
        registration=registration,
        goals="Fullføre vg1 som privatist og søke læreplass.",
        steps="Ukentlig samtale. Opplæring i fag to dager i uka. Søke læreplass innen 1. mars.",
        agreed_on=today,
        review_on=today + timedelta(days=21),
    )
    return registration.person.fnr or ""
