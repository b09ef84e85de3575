"""The second wall for the tables of exams, preventive work and projects: on PostgreSQL an
unfiltered query sees only the session county's rows."""

from datetime import date

import pytest
from django.db import connection

from tests.tenancy.test_tenant_wall import ROLE, count, two_counties  # noqa: F401
from veiviser.exams import services as exams
from veiviser.exams.models import Subject
from veiviser.prevention import services as prevention
from veiviser.projects import services as projects
from veiviser.registry.models import Registration
from veiviser.tenancy.db import county_scope

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row-level security is PostgreSQL's"
    ),
]

TABLES = [
    "exams_examentry",
    "prevention_preventivecase",
    "prevention_clarificationmeeting",
    "projects_project",
    "projects_participant",
]


@pytest.fixture
def rows(two_counties):  # noqa: F811
    subject = Subject.objects.get(code="NOR1211")
    for registration in Registration.objects.all():
        exams.exam_entry_register(
            actor=None, registration=registration, subject=subject, exam_date=date(2025, 5, 30)
        )
        case = prevention.preventive_case_open(
            actor=None,
            registration=registration,
            kind="pupil",
            school="Skole",
            started_on=date(2024, 9, 5),
        )
        prevention.meeting_record(actor=None, case=case, held_on=date(2024, 10, 1), partners=[])
        project = projects.project_create(
            actor=None,
            county=registration.county,
            name="Prosjekt",
            starts_on=date(2024, 8, 1),
        )
        projects.participant_add(
            actor=None, project=project, registration=registration, joined_on=date(2024, 9, 5)
        )
    return two_counties


def test_each_table_shows_only_the_session_county(rows):
    vestfold, _telemark = rows
    with connection.cursor() as cursor:
        cursor.execute(f"DROP ROLE IF EXISTS {ROLE}")
        cursor.execute(f"CREATE ROLE {ROLE} NOSUPERUSER NOBYPASSRLS")
        cursor.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {ROLE}")
        cursor.execute(f"SET ROLE {ROLE}")
    try:
        for table in TABLES:
            assert count(f"SELECT count(*) FROM {table}") == 2, table
            with county_scope(vestfold.pk):
                assert count(f"SELECT count(*) FROM {table}") == 1, table
                assert count(f"SELECT min(county_id) FROM {table}") == vestfold.pk, table
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")
