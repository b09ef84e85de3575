"""`veiviser demo`: builds the demo county through the importer, with staff users."""

import json
from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from veiviser.demo import generator
from veiviser.organisation import services as organisation
from veiviser.organisation.models import County, Municipality, Role, User
from veiviser.people.models import Person
from veiviser.registry.models import ReasonFact, Registration, StatusFact


def run_demo(*args: str) -> str:
    out = StringIO()
    call_command("demo", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.mark.django_db
def test_demo_builds_the_county_from_the_generated_file():
    output = run_demo("--seed", "7")

    expected = Counter(json.loads(line)["type"] for line in generator.generate(7))
    county = County.objects.get(number="39")
    assert county.name == "Vestfold"
    assert county.units.count() == expected["unit"] == 4
    # Besides the generated file, the demo adds the data-quality check's known faults
    # (quality.demo, registrations keyed "kvalitet-…"; tests/quality/test_demo.py).
    seeded = "kvalitet-"
    persons = Person.objects.filter(county=county).exclude(registrations__key__startswith=seeded)
    assert persons.count() == expected["person"]
    registrations = Registration.objects.filter(county=county).exclude(key__startswith=seeded)
    assert registrations.count() == expected["registration"]
    assert ReasonFact.objects.filter(county=county).count() == expected["reason"]
    statuses = StatusFact.objects.filter(county=county)
    assert statuses.exclude(registration__key__startswith=seeded).count() == expected["status"]
    names = dict(Municipality.objects.filter(county=county).values_list("number", "name"))
    assert names == generator.MUNICIPALITIES
    assert f"{expected['person']} young people" in output


@pytest.mark.django_db
def test_demo_creates_a_user_for_every_role_with_the_demo_password():
    output = run_demo("--seed", "7")

    # The API client's service user (tests/api) is not a staff member.
    users = {
        u.username: u for u in User.objects.select_related("unit").filter(api_client__isnull=True)
    }
    assert set(users) == {staff.username for staff in generator.STAFF}
    assert {u.role for u in users.values()} == set(Role.values)
    for user in users.values():
        assert user.check_password("demo")
        assert user.county.number == "39"
        assert user.username in output
    coordinators = [u for u in users.values() if u.role == Role.UNIT_COORDINATOR]
    assert sorted(u.unit.name for u in coordinators) == [
        "Horten",
        "Larvik",
        "Sandefjord",
        "Tønsberg",
    ]
    assert users["admin"].is_superuser
    assert "password for all: demo" in output


def test_demo_refuses_where_synthetic_numbers_are_not_allowed(settings):
    settings.ALLOW_SYNTHETIC_FNR = False
    with pytest.raises(CommandError, match="VEIVISER_ALLOW_SYNTHETIC_FNR=1"):
        run_demo()


@pytest.mark.django_db
def test_demo_if_empty_does_nothing_when_the_county_exists():
    organisation.county_ensure(actor=None, number="39", name="Vestfold")
    output = run_demo("--if-empty")
    assert "nothing done" in output
    assert not Person.objects.exists()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_demo_refuses_a_database_that_holds_people(make_person):
    make_person()
    with pytest.raises(CommandError, match="--if-empty"):
        run_demo()
    assert Person.objects.count() == 1
