"""The second wall: on PostgreSQL a query that forgets to filter by county still cannot read
another county's rows. (SQLite has no row-level security; there the access policy is the wall.)"""

from datetime import date

import pytest
from django.apps import apps
from django.db import connection

from veiviser.organisation import services as organisation
from veiviser.people.models import Person
from veiviser.registry import services as registry
from veiviser.registry.models import Registration
from veiviser.tenancy.db import county_scope

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row-level security is PostgreSQL's"
    ),
]

ROLE = "veiviser_rls_probe"


@pytest.fixture
def two_counties(vestfold, telemark, tonsberg, make_person):
    grenland, _ = organisation.unit_upsert(
        actor=None, county=telemark, key="u-gren", name="Grenland", municipalities=["4003"]
    )
    for county, unit, birth in (
        (vestfold, tonsberg, date(2006, 1, 1)),
        (telemark, grenland, date(2006, 1, 2)),
    ):
        person = make_person(county=county, birth_date=birth)
        registry.registration_create(
            actor=None,
            person=person,
            school_year=2024,
            registered_on=date(2024, 9, 1),
            reason="other",
            unit=unit,
        )
    return vestfold, telemark


@pytest.fixture
def ordinary_role():
    """Row-level security binds ordinary roles only (not the superuser the tests connect as):
    query as one, like a production app role."""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP ROLE IF EXISTS {ROLE}")
        cursor.execute(f"CREATE ROLE {ROLE} NOSUPERUSER NOBYPASSRLS")
        cursor.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {ROLE}")
        cursor.execute(f"SET ROLE {ROLE}")
    yield
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")


def count(sql: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def test_an_unfiltered_query_sees_only_the_session_county(two_counties, ordinary_role):
    vestfold, telemark = two_counties
    with county_scope(vestfold.pk):
        assert count("SELECT count(*) FROM people_person") == 1
        assert count("SELECT count(*) FROM registry_registration") == 1
        assert set(Person.objects.values_list("county_id", flat=True)) == {vestfold.pk}
    with county_scope(telemark.pk):
        assert set(Registration.objects.values_list("county_id", flat=True)) == {telemark.pk}


def test_without_a_county_the_operator_sees_every_county(two_counties, ordinary_role):
    assert count("SELECT count(*) FROM people_person") == 2


def test_a_web_request_is_walled_to_the_users_county(two_counties, client, advisor):
    from veiviser.tenancy.middleware import TenantWallMiddleware

    seen = {}

    def view(request):
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('veiviser.county_id', true)")
            seen["county"] = cursor.fetchone()[0]
        return None

    class Request:
        user = advisor

    TenantWallMiddleware(view)(Request())
    assert seen["county"] == str(advisor.county_id)
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('veiviser.county_id', true)")
        assert cursor.fetchone()[0] == ""


def test_every_table_with_a_county_has_the_wall():
    walled = {
        row[0]
        for row in connection.cursor()
        .execute("SELECT relname FROM pg_class WHERE relrowsecurity AND relforcerowsecurity")
        .fetchall()
    }

    def personal(model) -> bool:
        """A youth's data: the person, a registration, or a row that refers to either."""
        if model in (Person, Registration):
            return True
        return any(
            f.is_relation and f.related_model in (Person, Registration) for f in model._meta.fields
        )

    missing = [
        model._meta.db_table
        for model in apps.get_models()
        if personal(model)
        and any(f.name == "county" and f.is_relation for f in model._meta.fields)
        and model._meta.db_table not in walled
    ]
    assert missing == [], f"tables with personal data but no row-level security: {missing}"
