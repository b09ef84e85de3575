from datetime import date

import pytest

from veiviser.exams.models import Subject
from veiviser.registry import services as registry


@pytest.fixture
def register(tonsberg, advisor, make_person):
    """A youth registered in Tønsberg for a school year, in the advisor's caseload."""
    counter = iter(range(1, 500))

    def make(school_year=2023, unit=tonsberg, owner=advisor, **kw):
        n = next(counter)
        person = make_person(birth_date=date(2005, 1 + n % 12, 1 + n % 28), given=f"Ung{n}")
        registration = registry.registration_create(
            actor=None,
            person=person,
            school_year=school_year,
            registered_on=date(school_year, 8, 20),
            reason="not_applied",
            unit=unit,
        )
        if owner is not None:
            registry.registration_assign(actor=None, registration=registration, advisor=owner)
        return registration

    return make


@pytest.fixture
def norsk(db):
    return Subject.objects.get(code="NOR1211")


@pytest.fixture
def matte(db):
    return Subject.objects.get(code="MAT1001")
