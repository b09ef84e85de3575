"""The access policy: who sees and changes which youth. One behaviour per test, in the small
named world: Kari (advisor, Tønsberg), Per (advisor, Horten), Trine (coordinator, Tønsberg),
Lise (county leader), Ola (office), Siv (administrator), and Gro (advisor in Telemark)."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from veiviser import policy
from veiviser.organisation import services as organisation
from veiviser.organisation.models import Role
from veiviser.registry import services as registry
from veiviser.registry.models import Registration

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(vestfold, telemark, tonsberg, horten, advisor, make_person):
    grenland, _ = organisation.unit_upsert(
        actor=None, county=telemark, key="u-gren", name="Grenland", municipalities=["4003"]
    )

    def staff(username, role, county=vestfold, unit=None):
        return organisation.staff_user_create(
            actor=None,
            username=username,
            password="pw-123456789",
            role=role,
            county=county,
            unit=unit,
        )

    people = {
        "kari": advisor,
        "per": staff("per", Role.ADVISOR, unit=horten),
        "trine": staff("trine", Role.UNIT_COORDINATOR, unit=tonsberg),
        "lise": staff("lise", Role.COUNTY_LEADER),
        "ola": staff("ola", Role.OFFICE),
        "siv": staff("siv", Role.ADMINISTRATOR),
        "gro": staff("gro", Role.ADVISOR, county=telemark, unit=grenland),
    }

    def register(unit, advisor_user=None, county=vestfold, birth=date(2006, 1, 1)):
        person = make_person(birth_date=birth, county=county)
        registration = registry.registration_create(
            actor=None,
            person=person,
            school_year=2024,
            registered_on=date(2024, 8, 20),
            reason="not_applied",
            unit=unit,
        )
        if advisor_user:
            registry.registration_assign(
                actor=None, registration=registration, advisor=advisor_user
            )
        return registration

    regs = {
        "karis": register(tonsberg, advisor, birth=date(2006, 1, 1)),
        "tonsberg_unassigned": register(tonsberg, None, birth=date(2006, 1, 2)),
        "pers": register(horten, people["per"], birth=date(2006, 1, 3)),
        "telemark": register(grenland, people["gro"], county=telemark, birth=date(2006, 1, 4)),
    }
    return people, regs


# who: (can view, can change, can assign) for each registration
EXPECTED = {
    "kari": {"karis": "VC-", "tonsberg_unassigned": "VC-", "pers": "---", "telemark": "---"},
    "per": {"karis": "---", "tonsberg_unassigned": "---", "pers": "VC-", "telemark": "---"},
    "trine": {"karis": "VCA", "tonsberg_unassigned": "VCA", "pers": "---", "telemark": "---"},
    "lise": {"karis": "V-A", "tonsberg_unassigned": "V-A", "pers": "V-A", "telemark": "---"},
    "ola": {"karis": "VCA", "tonsberg_unassigned": "VCA", "pers": "VCA", "telemark": "---"},
    "siv": {"karis": "---", "tonsberg_unassigned": "---", "pers": "---", "telemark": "---"},
    "gro": {"karis": "---", "tonsberg_unassigned": "---", "pers": "---", "telemark": "VC-"},
}


def test_the_policy_matrix(world):
    people, regs = world
    for who, row in EXPECTED.items():
        for what, expected in row.items():
            got = "".join(
                letter if policy.can(people[who], action, regs[what]) else "-"
                for letter, action in (
                    ("V", policy.VIEW),
                    ("C", policy.CHANGE),
                    ("A", policy.ASSIGN),
                )
            )
            assert got == expected, f"{who} on {what}"


def test_list_scope_agrees_with_single_checks(world):
    people, regs = world
    for who, user in people.items():
        visible = set(Registration.objects.filter(policy.registrations_q(user, policy.VIEW)))
        expected = {regs[what] for what, rights in EXPECTED[who].items() if "V" in rights}
        assert visible == expected, who


def test_annotated_rights_agree_with_single_checks(world, tonsberg):
    """`annotate_rights` (the youth page's rights for all its registrations in one query)
    gives what `can` gives, row by row, for every role, the system actor and an inactive user."""
    people, _ = world
    users = dict(people)
    users["pia"] = organisation.staff_user_create(
        actor=None,
        username="pia",
        password="pw-123456789",
        role=Role.PROJECT_WORKER,
        county=people["kari"].county,
        unit=tonsberg,
    )
    users["inactive"] = organisation.staff_user_create(
        actor=None,
        username="ada",
        password="pw-123456789",
        role=Role.OFFICE,
        county=people["kari"].county,
    )
    users["inactive"].is_active = False
    users["inactive"].save()
    users["system"] = None
    actions = (policy.VIEW, policy.CHANGE, policy.ASSIGN, policy.CONFIDENTIAL)
    for who, user in users.items():
        rows = policy.annotate_rights(Registration.objects.order_by("pk"), user, *actions)
        for row in rows:
            for action in actions:
                assert getattr(row, f"may_{action}") == policy.can(user, action, row), (
                    f"{who} {action} on {row.pk}"
                )


def test_advisor_cannot_record_status_for_another_units_youth(world):
    people, regs = world
    with pytest.raises(PermissionDenied):
        registry.status_record(
            actor=people["kari"],
            registration=regs["pers"],
            code="OTOV",
            valid_from=date(2024, 9, 1),
        )


def test_advisor_cannot_see_other_county_youth(world):
    people, regs = world
    assert not policy.can(people["kari"], policy.VIEW, regs["telemark"].person)


def test_inactive_user_sees_nothing(world):
    people, regs = world
    kari = people["kari"]
    kari.is_active = False
    assert not policy.can(kari, policy.VIEW, regs["karis"])


def test_system_actor_passes(world):
    _, regs = world
    assert policy.can(None, policy.CHANGE, regs["telemark"])


def test_advisor_registers_only_into_own_unit(world, tonsberg, horten):
    people, _ = world
    assert policy.can(people["kari"], policy.REGISTER, tonsberg)
    assert not policy.can(people["kari"], policy.REGISTER, horten)
    assert policy.can(people["ola"], policy.REGISTER, horten)
    assert not policy.can(people["lise"], policy.REGISTER, horten)
