"""`veiviser demo`: builds the demo county through the importer, with staff users."""

import json
from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from veiviser.audit.models import AuditEvent
from veiviser.demo import generator
from veiviser.organisation import services as organisation
from veiviser.organisation.models import County, Municipality, Role, User
from veiviser.people.models import Guardian, Person
from veiviser.people.rules import is_minor
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

    # The small second county, to move youths to: its own file, units and municipalities.
    small = Counter(json.loads(line)["type"] for line in generator.generate(7, generator.TELEMARK))
    telemark = County.objects.get(number="40")
    assert telemark.name == "Telemark"
    assert telemark.units.count() == small["unit"] == 2
    assert Person.objects.filter(county=telemark).count() == small["person"]
    assert 20 <= small["person"] <= 80  # a few dozen youths
    assert Registration.objects.filter(county=telemark).count() == small["registration"]
    names = dict(Municipality.objects.filter(county=telemark).values_list("number", "name"))
    assert names == generator.TELEMARK.municipalities
    assert set(Municipality.objects.filter(county=telemark, unit__isnull=True)) == set()


@pytest.mark.django_db
def test_demo_creates_a_user_for_every_role_with_the_demo_password():
    output = run_demo("--seed", "7", "--scale", "0.05")

    # The API client's service user (tests/api) is not a staff member.
    users = {
        u.username: u for u in User.objects.select_related("unit").filter(api_client__isnull=True)
    }
    assert set(users) == {s.username for s in generator.STAFF + generator.TELEMARK.staff}
    in_vestfold = {name: u for name, u in users.items() if u.county.number == "39"}
    assert set(in_vestfold) == {staff.username for staff in generator.STAFF}
    assert {u.role for u in in_vestfold.values()} == set(Role.values)
    for user in users.values():
        assert user.check_password("demo")
        assert user.username in output
    # Telemark has the county's people and one unit's: enough to receive a youth who moved.
    telemark = {name: u for name, u in users.items() if u.county.number == "40"}
    assert {(u.role, u.unit.key if u.unit else None) for u in telemark.values()} == {
        (Role.COUNTY_LEADER, None),
        (Role.OFFICE, None),
        (Role.UNIT_COORDINATOR, "u-gren"),
        (Role.ADVISOR, "u-gren"),
        (Role.ADVISOR, "u-tele"),
    }
    assert {"leder-telemark", "kontor-telemark"} <= set(telemark)
    coordinators = [u for u in in_vestfold.values() if u.role == Role.UNIT_COORDINATOR]
    assert sorted(u.unit.name for u in coordinators) == [
        "Horten",
        "Larvik",
        "Sandefjord",
        "Tønsberg",
    ]
    assert users["admin"].is_superuser
    assert "password for all: demo" in output


@pytest.mark.django_db
def test_the_demo_youths_under_18_have_guardians_and_a_few_block_letters_to_them():
    """Addresses for every youth, guardians for those under 18 on their registration day in
    the latest school year (none for adults), and a few blocks (demo.households)."""
    run_demo("--seed", "7", "--scale", "0.1")
    county = County.objects.get(number="39")
    persons = Person.objects.filter(county=county).exclude(
        registrations__key__startswith="kvalitet-"
    )
    assert not persons.filter(address="").exists()
    assert all(
        a.split(", ")[-1] in generator.POST_CODES.values()
        for a in persons.values_list("address", flat=True)
    )
    latest = max(generator.SCHOOL_YEARS)
    minors, adults = set(), set()
    for registration in (
        Registration.objects.filter(county=county, school_year=latest)
        .exclude(key__startswith="kvalitet-")
        .select_related("person")
    ):
        person = registration.person
        (minors if is_minor(person.birth_date, registration.registered_on) else adults).add(person)
    assert minors and adults
    with_guardians = set(Person.objects.filter(county=county, guardians__isnull=False).distinct())
    assert with_guardians == minors
    assert {p.guardians.count() for p in minors} == {1, 2}
    assert all(
        g.name and g.address and g.relation in ("mor", "far") for g in Guardian.objects.all()
    )
    blocked = set(Person.objects.filter(county=county, letter_block__isnull=False))
    assert 1 <= len(blocked) <= 5 and blocked <= minors
    assert AuditEvent.objects.filter(action="letters.block.set").count() >= len(blocked)
    assert (
        AuditEvent.objects.filter(action="people.guardian.added").count()
        == Guardian.objects.count()
    )


def test_demo_refuses_a_scale_outside_0_to_1():
    for scale in ("0", "1.5", "-1"):
        with pytest.raises(CommandError, match="--scale"):
            run_demo("--scale", scale)


def test_demo_refuses_where_synthetic_numbers_are_not_allowed(settings):
    settings.ALLOW_SYNTHETIC_FNR = False
    with pytest.raises(CommandError, match="VEIVISER_ALLOW_SYNTHETIC_FNR=1"):
        run_demo()


@pytest.mark.django_db
@pytest.mark.parametrize("number", ["39", "40"])
def test_demo_if_empty_does_nothing_when_a_demo_county_exists(number):
    organisation.county_ensure(actor=None, number=number)
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
