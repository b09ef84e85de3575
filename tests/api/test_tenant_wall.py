"""On PostgreSQL an API request is walled to its client's county like a logged-in user's, and
the stored idempotent replies (which hold a youth's data) have the same row-level security."""

import pytest
from django.db import connection

from tests.api.conftest import bearer

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row-level security is PostgreSQL's"
    ),
]


def test_stored_replies_have_the_wall():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relrowsecurity AND relforcerowsecurity FROM pg_class "
            "WHERE relname = 'api_idempotentreply'"
        )
        assert cursor.fetchone() == (True,)


def test_an_api_request_is_walled_to_the_clients_county(client, world, make_client, monkeypatch):
    from veiviser.api import api as api_module

    seen = {}
    original = api_module.need

    def spy(request, scope):
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('veiviser.county_id', true)")
            seen["county"] = cursor.fetchone()[0]
        return original(request, scope)

    monkeypatch.setattr(api_module, "need", spy)
    _, token = make_client(world["telemark"])
    assert client.get("/api/v1/persons", **bearer(token)).status_code == 200
    assert seen["county"] == str(world["telemark"].pk)
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('veiviser.county_id', true)")
        assert cursor.fetchone()[0] == ""
