"""A small world for the API: Vestfold (Tønsberg, Horten) and Telemark (Grenland), one youth
registered in each county, and a helper that makes a client with chosen scopes."""

from datetime import date

import pytest

from veiviser.api import services as api_services
from veiviser.api.models import SCOPES
from veiviser.organisation import services as organisation
from veiviser.registry import services as registry

ALL_SCOPES = sorted(SCOPES)


@pytest.fixture
def grenland(telemark):
    unit, _ = organisation.unit_upsert(
        actor=None, county=telemark, key="u-gren", name="Grenland", municipalities=["4003"]
    )
    return unit


@pytest.fixture
def make_client(db):
    """make_client(county, scopes=ALL_SCOPES, name=...) → (client, token)."""
    counter = iter(range(1, 1000))

    def make(county, scopes=None, name=None, rate_limit=10_000):
        return api_services.apiclient_create(
            actor=None,
            name=name or f"system-{next(counter)}",
            county=county,
            scopes=ALL_SCOPES if scopes is None else scopes,
            purpose="Inntak fra fylkeskommunens inntakskontor",
            rate_limit=rate_limit,
        )

    return make


@pytest.fixture
def world(vestfold, telemark, tonsberg, horten, grenland, make_person):
    """One registered youth in Vestfold (Tønsberg) and one in Telemark (Grenland)."""
    own_person = make_person(birth_date=date(2006, 3, 14), municipality="3905")
    own = registry.registration_create(
        actor=None,
        person=own_person,
        school_year=2024,
        registered_on=date(2024, 9, 2),
        reason="dropped_out",
        unit=tonsberg,
    )
    registry.status_record(actor=None, registration=own, code="OTOV", valid_from=date(2024, 9, 10))
    other_person = make_person(
        county=telemark, birth_date=date(2007, 1, 2), given="Kari", family="Prøvesen"
    )
    other = registry.registration_create(
        actor=None,
        person=other_person,
        school_year=2024,
        registered_on=date(2024, 9, 3),
        reason="declined",
        unit=grenland,
    )
    return {"own": own, "other": other, "vestfold": vestfold, "telemark": telemark}


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}
