"""The letters' small world: Kari (advisor, Tønsberg) with a minor and an adult youth."""

from datetime import date

import pytest
from django.utils import translation

from veiviser.organisation import services as organisation
from veiviser.organisation.models import Role
from veiviser.people.models import Guardian
from veiviser.registry import services as registry


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def per(vestfold, horten):
    """An advisor in another unit of the same county."""
    return organisation.staff_user_create(
        actor=None,
        username="per",
        password="pw-123456789",
        role=Role.ADVISOR,
        county=vestfold,
        unit=horten,
    )


@pytest.fixture
def leader(vestfold):
    return organisation.staff_user_create(
        actor=None,
        username="lise",
        password="pw-123456789",
        role=Role.COUNTY_LEADER,
        county=vestfold,
    )


def _register(person, unit, advisor, on=date(2025, 8, 20), year=2025):
    registration = registry.registration_create(
        actor=None,
        person=person,
        school_year=year,
        registered_on=on,
        reason="not_applied",
        unit=unit,
    )
    registry.registration_assign(actor=None, registration=registration, advisor=advisor)
    return registration


@pytest.fixture
def minor(make_person, tonsberg, advisor):
    """Mia, 16, with two guardians, in Kari's caseload."""
    person = make_person(
        birth_date=date(2009, 5, 2),
        given="Mia",
        family="Prøvesen",
        address="Storgata 1, 3110 Tønsberg",
    )
    Guardian.objects.create(person=person, name="Anne Prøvesen", address="Storgata 1")
    Guardian.objects.create(person=person, name="Bjørn Prøvesen", address="Lillegata 2")
    return _register(person, tonsberg, advisor)


@pytest.fixture
def adult(make_person, tonsberg, advisor):
    """Ola, 20, whose guardians get no letters (he is of age)."""
    person = make_person(birth_date=date(2005, 3, 14), given="Ola", family="Testesen")
    Guardian.objects.create(person=person, name="Gunn Testesen")
    return _register(person, tonsberg, advisor)
