from datetime import date

import pytest
from django.core.cache import cache

from tests.conftest import synthetic_fnr
from veiviser.organisation import services as organisation
from veiviser.organisation.models import Role


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def coordinator(vestfold, tonsberg):
    return organisation.staff_user_create(
        actor=None,
        username="trine",
        password="pw-123456789",
        role=Role.UNIT_COORDINATOR,
        county=vestfold,
        unit=tonsberg,
    )


@pytest.fixture
def horten_coordinator(vestfold, horten):
    return organisation.staff_user_create(
        actor=None,
        username="hanne",
        password="pw-123456789",
        role=Role.UNIT_COORDINATOR,
        county=vestfold,
        unit=horten,
    )


BIRTH = date(2007, 5, 17)


@pytest.fixture
def form_data():
    """A valid request from a youth in Tønsberg (municipality 3905), invented name."""

    def make(**changes):
        data = {
            "given_name": "Mia",
            "family_name": "Prøvesen",
            "birth_date": BIRTH.isoformat(),
            "fnr": "",
            "municipality": "3905",
            "reach_by": "sms",
            "reach_at": "40000000",
            "need": "Vil tilbake på skolen",
            "asker": "self",
            "website": "",
        }
        data.update(changes)
        return data

    return make


@pytest.fixture
def birth_fnr():
    return synthetic_fnr(BIRTH)
