"""The reports and narratives behind PostgreSQL row-level security, like the youths' records."""

from datetime import UTC, datetime

import pytest
from django.db import connection

from veiviser.reports.models import Narrative, Report
from veiviser.tenancy.db import county_scope

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row-level security is PostgreSQL's"
    ),
]

ROLE = "veiviser_rls_probe_reports"


@pytest.fixture
def ordinary_role():
    with connection.cursor() as cursor:
        cursor.execute(f"DROP ROLE IF EXISTS {ROLE}")
        cursor.execute(f"CREATE ROLE {ROLE} NOSUPERUSER NOBYPASSRLS")
        cursor.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {ROLE}")
        cursor.execute(f"SET ROLE {ROLE}")
    yield
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")


def test_a_county_sees_only_its_own_reports_and_texts(vestfold, telemark, ordinary_role):
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")
    for county in (vestfold, telemark):
        Report.objects.create(
            county=county, school_year=2023, known_at=datetime(2024, 8, 1, tzinfo=UTC)
        )
        Narrative.objects.create(county=county, key="introduction", version=1, body="x")
    with connection.cursor() as cursor:
        cursor.execute(f"SET ROLE {ROLE}")
    with county_scope(vestfold.pk):
        assert set(Report.objects.values_list("county_id", flat=True)) == {vestfold.pk}
        assert set(Narrative.objects.values_list("county_id", flat=True)) == {vestfold.pk}
    assert Report.objects.count() == 2
