"""`tables.in_county` reads a registration's county as known at K through its county changes:
the `from_county` of its first move recorded after K, else its county now. Checked against
that rule written out in Python, on random chains of moves back and forth."""

import random
from datetime import UTC, datetime, timedelta

import pytest

from tests.statistics.test_reconcile import load, person, registration
from veiviser.organisation.models import County
from veiviser.registry.models import CountyChange, Registration
from veiviser.statistics.tables import in_county

pytestmark = pytest.mark.django_db

START = datetime(2024, 1, 1, tzinfo=UTC)


def county_then(reg: Registration, changes: list[CountyChange], known_at) -> str:
    later = sorted(
        (c for c in changes if c.registration_id == reg.pk and c.recorded_at > known_at),
        key=lambda c: (c.recorded_at, c.pk),
    )
    return later[0].from_county.number if later else reg.county.number


@pytest.mark.parametrize("seed", range(4))
def test_in_county_follows_the_first_move_after_k(telemark, seed):
    rng = random.Random(seed)
    load(*[r for n in range(12) for r in (person(n, "Test", "Person"), registration(n))])
    counties = {c.number: c for c in County.objects.filter(number__in=["39", "40"])}
    for reg in Registration.objects.all():
        where = "39"
        at = START
        for _ in range(rng.randint(0, 3)):
            # Same instant now and then: the tie is broken by the change's pk.
            at += timedelta(days=rng.choice([0, 5, 30]))
            to = "40" if where == "39" else "39"
            CountyChange.objects.create(
                registration=reg,
                from_county=counties[where],
                to_county=counties[to],
                recorded_at=at,
            )
            where = to
        Registration.objects.filter(pk=reg.pk).update(county=counties[where])
    changes = list(CountyChange.objects.select_related("from_county"))
    registrations = list(Registration.objects.select_related("county"))
    instants = [START - timedelta(days=1)] + [c.recorded_at for c in changes]
    instants += [START + timedelta(days=400)]
    for known_at in instants:
        for number in ("39", "40"):
            expected = {r.key for r in registrations if county_then(r, changes, known_at) == number}
            got = set(in_county(number, known_at).values_list("key", flat=True))
            assert got == expected, (number, known_at)
    for number in ("39", "40"):
        now = {r.key for r in registrations if r.county.number == number}
        assert set(in_county(number, None).values_list("key", flat=True)) == now
