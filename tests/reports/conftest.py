"""A county with three school years of random registrations (the statistics tests' world), for
the annual report: 2023/24 is the year reported on."""

from datetime import UTC, datetime

import pytest

from tests.exchange.files import lines
from tests.statistics.test_counts import three_years
from veiviser.exchange.importer import import_lines
from veiviser.organisation import services as organisation
from veiviser.organisation.models import Role

SCHOOL_YEAR = 2023
KNOWN_AT = datetime(2024, 8, 1, tzinfo=UTC)


def made(county, **kw):
    """A report of SCHOOL_YEAR made now by the system (HTML and as known at KNOWN_AT unless
    told otherwise)."""
    from veiviser.reports import services

    kw.setdefault("known_at", KNOWN_AT)
    kw.setdefault("output_format", "html")
    return services.report_make(actor=None, county=county, school_year=SCHOOL_YEAR, **kw)


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
