"""A county with three school years of random registrations (the statistics tests' world), for
the annual report: 2023/24 is the year reported on."""

import pytest

from tests.exchange.files import lines
from tests.statistics.test_counts import three_years
from veiviser.exchange.importer import import_lines
from veiviser.organisation import services as organisation
from veiviser.organisation.models import Role

SCHOOL_YEAR = 2023


@pytest.fixture
def report_world(vestfold):
    import_lines(lines(three_years(11, SCHOOL_YEAR)), county="39", actor=None)
    vestfold.refresh_from_db()
    return vestfold


@pytest.fixture
def leader(vestfold):
    return organisation.staff_user_create(
        actor=None,
        username="lise",
        password="pw-123456789",
        role=Role.COUNTY_LEADER,
        county=vestfold,
    )
