"""Known faults in the demo county, so the pre-submission check has something to show
(docs/quality.md, "In the demo").

`seed_faults` adds a few registrations to the latest school year, each with exactly one fault
at the school year's last counting date (15 June), and returns their keys by rule
(`seeded_keys`). `demo_faults` adds the faults the generator makes on purpose
(`demo.generator.known_faults`): together, everything the check finds in the demo county. Everything
else about them is in order: a recent status with the contact that established it, a unit, a
valid synthetic identity number, a unique name. The rule "group 3 code without a measure" gets
no fault until the measures app exists (`quality.measures`).
"""

import random
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from veiviser.casework import services as casework
from veiviser.casework.models import Channel, Outcome
from veiviser.organisation.models import County
from veiviser.people import identity
from veiviser.people import services as people
from veiviser.people.models import Person
from veiviser.registry import services as registry

OSLO = ZoneInfo("Europe/Oslo")
SCHOOL_YEAR = 2024
CHECK_DATE = date(2025, 6, 15)
# Invented names, none from the seeds.
GIVEN = ("Tuva", "Sander", "Ylva", "Brage", "Idun", "Vetle", "Frøya", "Eirik", "Maiken", "Olav")
FAMILY = ("Kvalheim", "Rydland", "Steinsvik", "Aasmundstad", "Hovdenak", "Lyngmo", "Brekkhus")
# How many registrations each fault is seeded on (a likely duplicate is a pair).
FAULTS = {
    "otuk_past_deadline": 2,
    "stale_status": 2,
    "no_identity_number": 2,
    "likely_duplicate": 2,
    "birth_date_mismatch": 1,
    "outside_age_in_groups_1_4": 1,
    "no_unit": 1,
}


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour, 0), OSLO)


def _number(county: County, birth_date: date, rng: random.Random) -> str:
    """A synthetic number not yet in the county (individual numbers from the top of the
    century's range, where the generator seldom goes)."""
    low, high = (500, 999) if birth_date.year >= 2000 else (0, 499)
    while True:
        number = identity.synthetic_number(birth_date, rng.randint(low, high))
        if number and not Person.objects.filter(county=county, fnr=number).exists():
            return number


def seeded_keys() -> dict[str, list[str]]:
    """{rule key: the keys of the registrations `seed_faults` makes faulty under it}."""
    return {
        rule: [f"kvalitet-{rule}-{n}" for n in range(1, count + 1)]
        for rule, count in FAULTS.items()
    }


def demo_faults(seed: int, *, scale: float = 1.0) -> dict[str, set[str]]:
    """Every fault the pre-submission check finds in the built demo county (`veiviser demo
    --seed SEED --scale SCALE`) at CHECK_DATE, by rule: the generator's own, which its
    simulation makes on purpose (`generator.known_faults`), and the ones seeded here. Nothing
    else is faulty there (tests/quality/test_demo.py)."""
    from veiviser.demo import generator
    from veiviser.duties.engine import Deadlines

    spec = generator.VESTFOLD.scaled(scale) if scale != 1 else generator.VESTFOLD
    days = Deadlines().first_contact_days  # the demo county keeps the default deadlines
    faults = generator.known_faults(seed, spec, on=CHECK_DATE, first_contact_days=days)
    for rule, keys in seeded_keys().items():
        faults.setdefault(rule, set()).update(keys)
    return faults


def seed_faults(county: County, *, seed: int) -> dict[str, list[str]]:
    """Add the demo's known faults to `county`; returns {rule key: [registration keys]}."""
    rng = random.Random(f"quality-{seed}")
    units = list(county.units.order_by("name"))
    names = iter(rng.sample([(g, f) for g in GIVEN for f in FAMILY], k=20))
    seeded: dict[str, list[str]] = {}

    def youth(rule, n, *, birth_date=None, fnr=True, name=None, unit=True, registered_on=None):
        given, family = name or next(names)
        birth_date = birth_date or date(2007, rng.randint(1, 12), rng.randint(1, 28))
        person = people.person_create(
            actor=None,
            county=county,
            birth_date=birth_date,
            given_name=given,
            family_name=family,
            fnr=_number(county, birth_date, rng) if fnr else None,
        )
        registered_on = registered_on or date(2025, 5, 12)
        registration = registry.registration_create(
            actor=None,
            person=person,
            school_year=SCHOOL_YEAR,
            registered_on=registered_on,
            reason="other",
            source="self_referral",
            unit=rng.choice(units) if unit and units else None,
            recorded_at=_at(registered_on, 9),
            key=f"kvalitet-{rule}-{n}",
        )
        seeded.setdefault(rule, []).append(registration.key)
        return registration

    def contact(registration, code, day):
        registry.status_record(
            actor=None, registration=registration, code=code, valid_from=day, recorded_at=_at(day)
        )
        casework.contact_record(
            actor=None,
            registration=registration,
            at=_at(day),
            channel=Channel.MEETING,
            outcome=Outcome.REACHED,
        )

    for n in range(FAULTS["otuk_past_deadline"]):
        # Registered in April and never reached: still OTUK in June.
        youth("otuk_past_deadline", n + 1, registered_on=date(2025, 4, 1 + 7 * n))
    for n in range(FAULTS["stale_status"]):
        # Reached in September, nothing since: OTOV is more than six months old in June.
        registration = youth("stale_status", n + 1, registered_on=date(2024, 9, 2 + n))
        contact(registration, "OTOV", date(2024, 9, 16 + n))
    for n in range(FAULTS["no_identity_number"]):
        contact(youth("no_identity_number", n + 1, fnr=False), "OTOV", date(2025, 5, 19))
    twin_name, twin_birth = next(names), date(2007, 6, 6)
    for n in range(FAULTS["likely_duplicate"]):
        # The same youth registered twice, with two (synthetic) numbers.
        registration = youth("likely_duplicate", n + 1, name=twin_name, birth_date=twin_birth)
        contact(registration, "OTOV", date(2025, 5, 19))
    for n in range(FAULTS["birth_date_mismatch"]):
        registration = youth("birth_date_mismatch", n + 1)
        contact(registration, "OTOV", date(2025, 5, 19))
        person = registration.person
        # Legacy data from before the identity check: the services refuse a birth date that
        # disagrees with the number, so the fault is written directly (a day off, same year).
        Person.objects.filter(pk=person.pk).update(
            birth_date=date(person.birth_date.year, person.birth_date.month, 28)
            if person.birth_date.day != 28
            else date(person.birth_date.year, person.birth_date.month, 27)
        )
    for n in range(FAULTS["outside_age_in_groups_1_4"]):
        registration = youth("outside_age_in_groups_1_4", n + 1, birth_date=date(1998, 3, 3))
        contact(registration, "OTOV", date(2025, 5, 19))
    for n in range(FAULTS["no_unit"]):
        contact(youth("no_unit", n + 1, unit=False), "OTOV", date(2025, 5, 19))
    return seeded
