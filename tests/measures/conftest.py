"""A small world for measures: a Tønsberg advisor's youth, a coordinator, a leader, a measure."""

from datetime import date

import pytest
from django.utils import translation

from veiviser.measures import services
from veiviser.organisation import services as organisation
from veiviser.organisation.models import Role
from veiviser.registry import services as registry


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _staff(username, role, county, unit=None):
    return organisation.staff_user_create(
        actor=None,
        username=username,
        password="not-a-real-password-1",
        role=role,
        county=county,
        unit=unit,
    )


@pytest.fixture
def coordinator(vestfold, tonsberg):
    return _staff("koord", Role.UNIT_COORDINATOR, vestfold, tonsberg)


@pytest.fixture
def leader(vestfold):
    return _staff("leder", Role.COUNTY_LEADER, vestfold)


@pytest.fixture
def office(vestfold):
    return _staff("kontor", Role.OFFICE, vestfold)


@pytest.fixture
def registration(make_person, tonsberg, advisor):
    person = make_person(birth_date=date(2006, 3, 14))
    reg = registry.registration_create(
        actor=None,
        person=person,
        school_year=2024,
        registered_on=date(2024, 8, 20),
        reason="dropped_out",
        unit=tonsberg,
    )
    registry.registration_assign(actor=None, registration=reg, advisor=advisor)
    registry.status_record(actor=None, registration=reg, code="OTOV", valid_from=date(2024, 8, 25))
    return reg


@pytest.fixture
def measure(vestfold, tonsberg, coordinator):
    return services.measure_create(
        actor=coordinator,
        county=vestfold,
        unit=tonsberg,
        name="Grunnleggende ferdigheter høst",
        kind="basic_skills",
        organiser="county",
        capacity=2,
        starts_on=date(2024, 9, 1),
        ends_on=date(2025, 6, 20),
        responsible=coordinator,
    )
