from datetime import date

import pytest

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
def staff(vestfold):
    from veiviser.organisation import services as organisation

    def make(username, role, unit=None, county=vestfold):
        return organisation.staff_user_create(
            actor=None,
            username=username,
            password="pw-123456789",
            role=role,
            county=county,
            unit=unit,
        )

    return make


@pytest.fixture
def pia(staff):
    from veiviser.organisation.models import Role

    return staff("pia", Role.PROJECT_WORKER)


@pytest.fixture
def project(vestfold, tonsberg, pia):
    from veiviser.projects import services

    return services.project_create(
        actor=None,
        county=vestfold,
        unit=tonsberg,
        name="Overgangsprosjektet",
        starts_on=date(2022, 1, 1),
        partners="NAV, ungdomsskolene",
        workers=[pia],
    )
