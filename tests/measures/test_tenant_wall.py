"""On PostgreSQL every measures table is behind the tenant wall (migration measures 0002),
follow-ups and the catalogue too, though they do not point at a youth directly."""

import pytest
from django.db import connection

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row-level security is PostgreSQL's"
    ),
]


def test_every_measures_table_has_the_wall():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relrowsecurity AND relforcerowsecurity "
            "AND relname LIKE 'measures_%%'"
        )
        walled = {row[0] for row in cursor.fetchall()}
    assert walled == {
        "measures_measure",
        "measures_enrolment",
        "measures_placement",
        "measures_followup",
        "measures_autumnoutcome",
    }
