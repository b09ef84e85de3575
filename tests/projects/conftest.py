from datetime import date

import pytest

from tests.exams.conftest import register  # noqa: F401  (the shared youth factory)


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
