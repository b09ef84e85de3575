"""The demo's households: an invented address for every youth, guardians for the youths under 18,
and a few youths whose record blocks letters to their guardians (docs/letters.md, "The demo
county's letters").

The exchange file has no addresses or guardians (EXCHANGE.md §1), so `veiviser demo` adds them
after the import, deterministically from the seed. Everything is invented: street names are
common ones combined with a random number and the real post code of the youth's municipality,
guardians get names from the generator's lists (most share the youth's family name). A
guardian has no identity number in Veiviser (people.models.Guardian), so none is made up.

A youth is "under 18" here on the day of their registration in the latest school year: the day
the duty to inform the guardians is decided (docs/duties.md). Adults get no guardians.

The addresses are written in bulk with one audit event per county (as the importer logs one
event per file); each guardian and each block goes through its service and is audited.
"""

import random

from veiviser.audit import services as audit
from veiviser.demo import generator
from veiviser.letters import services as letters
from veiviser.organisation.models import County
from veiviser.people import services as people
from veiviser.people.models import Person
from veiviser.people.rules import is_minor
from veiviser.registry.models import Registration

STREETS = (
    "Storgata", "Kirkegata", "Skolegata", "Jernbanegata", "Kongens gate", "Bjørkeveien",
    "Granveien", "Furuveien", "Solveien", "Åsveien", "Haugveien", "Bakkeveien", "Eikeveien",
    "Lindeveien", "Fjellveien", "Parkveien", "Stasjonsveien", "Fjordveien", "Strandveien",
    "Kløverveien", "Rognveien", "Lønneveien", "Blåbærstien", "Tyttebærveien", "Gartnerveien",
    "Sjøgata", "Torggata", "Møllebakken", "Nordre gate", "Søndre vei",
)  # fmt: skip
TWO_GUARDIANS = 0.6  # share of minors with two guardians recorded; the rest have one
SAME_FAMILY_NAME = 0.75  # a guardian who has the youth's family name
ELSEWHERE = 0.2  # a guardian who lives at another address than the youth
BLOCKS = 5  # youths whose record blocks letters to their guardians (at Vestfold's size)
BLOCK_REASONS = (
    "Fortrolig adresse: foresatte skal ikke få vite hvor ungdommen bor.",
    "Barnevernet har bedt om at foresatte ikke kontaktes.",
    "Ungdommen bor ikke hjemme og har bedt om at foresatte ikke får brev.",
)


def _address(rng: random.Random, municipality: str, spec: generator.DemoCounty) -> str:
    place = spec.post_codes.get(municipality) or rng.choice(list(spec.post_codes.values()))
    return f"{rng.choice(STREETS)} {rng.randint(1, 80)}, {place}"


def add_households(county: County, spec: generator.DemoCounty, seed: int) -> dict:
    """Add the addresses, guardians and blocks to the demo county `county` (built from
    `spec`); returns the counts."""
    rng = random.Random(f"households-{seed}-{spec.number}")
    persons = list(Person.objects.filter(county=county).order_by("pk"))
    for person in persons:
        person.address = _address(rng, person.municipality, spec)
    Person.objects.bulk_update(persons, ["address"], batch_size=500)
    audit.log(None, "demo.addresses.added", county=county.number, data={"persons": len(persons)})

    latest = max(generator.SCHOOL_YEARS)
    minors = [
        registration.person
        for registration in Registration.objects.filter(county=county, school_year=latest)
        .select_related("person")
        .order_by("pk")
        if is_minor(registration.person.birth_date, registration.registered_on)
    ]
    guardians = 0
    for person in minors:
        roles = [("mor", generator._GIVEN_FEMALE), ("far", generator._GIVEN_MALE)]
        if rng.random() >= TWO_GUARDIANS:
            roles = [rng.choice(roles)]
        for relation, given_names in roles:
            family = (
                person.family_name
                if rng.random() < SAME_FAMILY_NAME
                else rng.choice(generator._FAMILY)
            )
            address = (
                _address(rng, person.municipality, spec)
                if rng.random() < ELSEWHERE
                else person.address
            )
            people.guardian_add(
                actor=None,
                person=person,
                name=f"{rng.choice(given_names)} {family}",
                relation=relation,
                address=address,
            )
            guardians += 1
    blocks = min(len(minors), max(1, round(BLOCKS * spec.scale))) if minors else 0
    for person in rng.sample(minors, blocks):
        letters.letter_block_set(actor=None, person=person, reason=rng.choice(BLOCK_REASONS))
    return {"addresses": len(persons), "guardians": guardians, "blocks": blocks}
