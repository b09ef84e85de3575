from datetime import date

import pytest
from django.utils import translation

from tests.conftest import at
from veiviser.casework import services as casework
from veiviser.organisation import services as organisation
from veiviser.organisation.models import Role
from veiviser.people import services as people
from veiviser.registry import services as registry


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def leader(vestfold):
    return organisation.staff_user_create(
        actor=None,
        username="lise",
        password="pw-123456789",
        role=Role.COUNTY_LEADER,
        county=vestfold,
    )


@pytest.fixture
def youth(make_person, tonsberg, advisor):
    """A youth with two school years of OT and casework of every kind."""
    person = make_person(
        birth_date=date(2007, 5, 2), given="Mira", family="Fjellheim", phone="40000001"
    )
    people.guardian_add(actor=None, person=person, name="Rune Fjellheim", phone="40000002")
    first = registry.registration_create(
        actor=None,
        person=person,
        school_year=2023,
        registered_on=date(2023, 9, 1),
        reason="not_applied",
        unit=tonsberg,
        recorded_at=at("2023-09-01 08:00"),
    )
    registry.registration_assign(actor=None, registration=first, advisor=advisor)
    registry.status_record(
        actor=None,
        registration=first,
        code="OTUK",
        valid_from=date(2023, 9, 1),
        recorded_at=at("2023-09-01 08:01"),
    )
    casework.contact_record(
        actor=None,
        registration=first,
        at=at("2023-09-04 10:00"),
        channel="phone",
        outcome="reached",
        note="Talked about the carpentry course",
    )
    casework.note_add(
        actor=None, registration=first, text="Mentions a difficult home", confidential=True
    )
    casework.plan_save(
        actor=None,
        registration=first,
        goals="Start a course in January",
        steps="Visit the centre",
        agreed_on=date(2023, 9, 20),
    )
    return person
