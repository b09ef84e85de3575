"""An intake run keeps its file's identity numbers and names until applied: on PostgreSQL its
table has the tenant wall, so a query that forgets the county cannot read another county's."""

import pytest
from django.db import connection

from tests.intake.conftest import csv_bytes, row
from tests.tenancy.test_tenant_wall import count, ordinary_role  # noqa: F401 (fixture)
from veiviser.intake import services
from veiviser.organisation import services as organisation
from veiviser.tenancy.db import county_scope

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row-level security is PostgreSQL's"
    ),
]


@pytest.fixture
def two_runs(vestfold, telemark, tonsberg, office, telemark_office):
    organisation.unit_upsert(
        actor=None, county=telemark, key="u-gren", name="Grenland", municipalities=["4003"]
    )
    services.run_preview(actor=office, county=vestfold, filename="a.csv", data=csv_bytes([row()]))
    services.run_preview(
        actor=telemark_office,
        county=telemark,
        filename="b.csv",
        data=csv_bytes([row(municipality="4003")]),
    )
    return vestfold, telemark


def test_an_unfiltered_query_sees_only_the_session_countys_runs(
    two_runs,
    ordinary_role,  # noqa: F811
):
    vestfold, telemark = two_runs
    with county_scope(vestfold.pk):
        assert count("SELECT count(*) FROM intake_intakerun") == 1
    with county_scope(telemark.pk):
        assert count("SELECT count(*) FROM intake_intakerun") == 1
