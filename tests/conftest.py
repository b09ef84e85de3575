"""The small named test world (STYLE.md habit 8): county 39 with two units, a county next door.

Names and numbers are invented; identity numbers are synthetic (month + 80).
"""

from datetime import UTC, date, datetime

import pytest

from veiviser.organisation import services as organisation
from veiviser.organisation.models import Role
from veiviser.people import identity
from veiviser.people import services as people


def synthetic_fnr(birth_date: date, start: int | None = None) -> str:
    """The first valid synthetic number for `birth_date` from individual number `start` on
    (by default the first of the birth century's range: 000 for 1900–1999, 500 from 2000)."""
    if start is None:
        start = 500 if birth_date.year >= 2000 else 0
    end = 1000 if birth_date.year >= 2000 else 500
    for individual in range(start, end):
        number = identity.synthetic_number(birth_date, individual)
        if number is not None:
            return number
    raise AssertionError(f"no synthetic number for {birth_date}")


def at(text: str) -> datetime:
    """An instant in UTC from 'YYYY-MM-DD HH:MM'."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.fixture
def vestfold(db):
    return organisation.county_ensure(actor=None, number="39", name="Vestfold")


@pytest.fixture
def telemark(db):
    return organisation.county_ensure(actor=None, number="40", name="Telemark")


@pytest.fixture
def tonsberg(vestfold):
    unit, _ = organisation.unit_upsert(
        actor=None, county=vestfold, key="u-tbg", name="Tønsberg", municipalities=["3905"]
    )
    return unit


@pytest.fixture
def horten(vestfold):
    unit, _ = organisation.unit_upsert(
        actor=None, county=vestfold, key="u-hor", name="Horten", municipalities=["3901"]
    )
    return unit


@pytest.fixture
def advisor(vestfold, tonsberg):
    return organisation.staff_user_create(
        actor=None,
        username="kari",
        password="not-a-real-password-1",
        role=Role.ADVISOR,
        county=vestfold,
        unit=tonsberg,
    )


@pytest.fixture
def make_person(vestfold):
    def make(birth_date=date(2006, 3, 14), given="Ola", family="Testesen", fnr=..., **kw):
        if fnr is ...:
            fnr = synthetic_fnr(birth_date)
        return people.person_create(
            actor=None,
            county=kw.pop("county", vestfold),
            birth_date=birth_date,
            given_name=given,
            family_name=family,
            fnr=fnr,
            **kw,
        )

    return make
