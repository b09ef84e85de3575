import pytest
from django.utils import translation

from veiviser.organisation import services as organisation
from veiviser.organisation.models import Role


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def staff(vestfold):
    """Make a staff user of Vestfold with `role` (and `unit`)."""

    def make(username, role, unit=None, county=None):
        return organisation.staff_user_create(
            actor=None,
            username=username,
            password="not-a-real-password-1",
            role=role,
            county=county or vestfold,
            unit=unit,
        )

    return make


@pytest.fixture
def office(staff):
    return staff("ola", Role.OFFICE)


@pytest.fixture
def coordinator(staff, tonsberg):
    return staff("trine", Role.UNIT_COORDINATOR, tonsberg)
