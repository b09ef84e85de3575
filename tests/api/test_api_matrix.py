"""The API's authorization matrix: every route of the OpenAPI document × token (none, revoked,
without the route's scope, with it) × a record of the client's own county or another county.
A route that is not in the table fails the suite, so no endpoint can be added without deciding
which scope it needs (docs/security.md and docs/api.md show the same table).

Outcomes: own county with the scope → 200/201; another county's record → 404 (a list simply
leaves it out; a reference in a body is a 422 on that field); without the scope → 403; no
token or a revoked one → 401.
"""

import pytest

from tests.api.conftest import ALL_SCOPES, bearer
from veiviser.api import services as api_services
from veiviser.api.api import api

pytestmark = pytest.mark.django_db

# (method, path) → (the scope it needs, what "another county" means for it)
ROUTES = {
    ("get", "/api/v1/persons"): ("registry:read", "list"),
    ("post", "/api/v1/persons"): ("registry:write", None),  # creates in the token's county
    ("get", "/api/v1/persons/{person_id}"): ("registry:read", "object"),
    ("get", "/api/v1/registrations"): ("registry:read", "list"),
    ("post", "/api/v1/registrations"): ("registry:write", "reference"),
    ("get", "/api/v1/registrations/{registration_id}"): ("registry:read", "object"),
    ("get", "/api/v1/registrations/{registration_id}/statuses"): ("registry:read", "object"),
    ("post", "/api/v1/registrations/{registration_id}/statuses"): ("registry:write", "object"),
    ("get", "/api/v1/registrations/{registration_id}/reasons"): ("registry:read", "object"),
    ("post", "/api/v1/registrations/{registration_id}/reasons"): ("registry:write", "object"),
    ("get", "/api/v1/registrations/{registration_id}/contacts"): ("contacts:read", "object"),
    ("post", "/api/v1/registrations/{registration_id}/contacts"): ("contacts:write", "object"),
    ("get", "/api/v1/statistics"): ("statistics:read", "object"),
}

PUBLIC = {("get", "/api/v1/openapi.json"), ("get", "/api/v1/docs")}


def test_every_route_of_the_api_is_in_the_matrix():
    schema = api.get_openapi_schema()
    routes = {
        (method, path)
        for path, operations in schema["paths"].items()
        for method in operations
        if method in ("get", "post", "put", "patch", "delete")
    }
    assert routes == set(ROUTES), "add new API routes to ROUTES (and docs/api.md)"


def _request(client, method, path, target, world, token, serial):
    registration = world[target]
    person = registration.person
    url = path.format(person_id=person.key, registration_id=registration.key)
    body = {
        "/api/v1/persons": {
            "birth_date": "2006-06-06",
            "given_name": "Matrise",
            "family_name": f"Test{serial}",
        },
        "/api/v1/registrations": {
            "person": person.key,
            "school_year": 2025,
            "registered_on": "2025-09-01",
            "reason": "other",
        },
        "/api/v1/registrations/{registration_id}/statuses": {
            "code": "OTOV",
            "valid_from": f"2024-11-{serial % 28 + 1:02d}",
        },
        "/api/v1/registrations/{registration_id}/reasons": {
            "reason": "other",
            "valid_from": f"2024-12-{serial % 28 + 1:02d}",
        },
        "/api/v1/registrations/{registration_id}/contacts": {
            "at": "2024-10-01T10:00:00+02:00",
            "channel": "phone",
            "outcome": "no_answer",
        },
    }.get(path)
    headers = bearer(token) if token else {}
    if method == "get":
        params = {}
        if path == "/api/v1/statistics":
            params = {"school_year": 2024}
            if target == "other":
                params["unit"] = registration.unit.key
        return client.get(url, params, **headers)
    return client.post(url, body, content_type="application/json", **headers)


@pytest.mark.parametrize("route", sorted(ROUTES), ids=lambda r: f"{r[0]} {r[1]}")
def test_the_matrix(route, client, world, make_client):
    method, path = route
    scope, other_kind = ROUTES[route]
    vestfold = world["vestfold"]
    serial = iter(range(100))

    def call(token, target="own"):
        return _request(client, method, path, target, world, token, next(serial))

    # No token, a revoked token: 401.
    assert call(None).status_code == 401
    revoked, revoked_token = make_client(vestfold, scopes=[scope])
    api_services.apiclient_revoke(actor=None, client=revoked)
    assert call(revoked_token).status_code == 401

    # Every scope but this one: 403, for own and other county alike.
    _, without = make_client(vestfold, scopes=[s for s in ALL_SCOPES if s != scope])
    assert call(without).status_code == 403
    assert call(without, "other").status_code == 403

    # Only this scope: own county allowed.
    _, only = make_client(vestfold, scopes=[scope])
    own = call(only)
    assert own.status_code == (201 if method == "post" else 200), own.content

    # Another county's record.
    if other_kind is None:
        return
    other = call(only, "other")
    if other_kind == "object":
        assert other.status_code == 404, other.content
    elif other_kind == "reference":
        assert other.status_code == 422
        assert other.json()["errors"][0]["field"] == "person"
    else:
        assert other.status_code == 200
        ids = {item["id"] for item in other.json()["items"]}
        assert world["other"].key not in ids and world["other"].person.key not in ids
        assert ids


def test_the_docs_and_the_schema_are_public(client, world):
    for _, path in sorted(PUBLIC):
        assert client.get(path).status_code == 200
