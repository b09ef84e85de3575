"""The API's authorization matrix: every route of the OpenAPI document × token (none, revoked,
expired, without the route's scope, with it) × a record of the client's own county or another county.
A route that is not in the table fails the suite, so no endpoint can be added without deciding
which scope it needs (docs/security.md and docs/api.md show the same table).

Outcomes: own county with the scope → 200/201; another county's record → 404 (a list simply
leaves it out; a reference in a body is a 422 on that field); without the scope → 403; no
token, a revoked or an expired one → 401.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.api.conftest import ALL_SCOPES, bearer, programme_records
from veiviser.api import services as api_services
from veiviser.api.api import api
from veiviser.api.models import ApiClient

pytestmark = pytest.mark.django_db

REG = "/api/v1/registrations/{registration_id}"

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
    ("get", f"{REG}/appointments"): ("appointments:read", "object"),
    ("post", f"{REG}/appointments"): ("appointments:write", "object"),
    ("put", f"{REG}/appointments/{{appointment_id}}/cancel"): ("appointments:write", "object"),
    ("get", "/api/v1/statistics"): ("statistics:read", "object"),
    # Measures, exams, preventive work and projects (veiviser.api.programmes)
    ("get", "/api/v1/measures"): ("measures:read", "list"),
    ("get", f"{REG}/enrolments"): ("measures:read", "object"),
    ("post", f"{REG}/enrolments"): ("measures:write", "object"),
    ("put", f"{REG}/enrolments/{{enrolment_id}}/end"): ("measures:write", "object"),
    ("get", f"{REG}/placements"): ("measures:read", "object"),
    ("post", f"{REG}/placements"): ("measures:write", "object"),
    ("get", f"{REG}/placements/{{placement_id}}/follow-ups"): ("measures:read", "object"),
    ("post", f"{REG}/placements/{{placement_id}}/follow-ups"): ("measures:write", "object"),
    ("get", "/api/v1/autumn-outcomes"): ("measures:read", "list"),
    ("put", f"{REG}/autumn-outcome"): ("measures:write", "object"),
    ("get", "/api/v1/exam-subjects"): ("exams:read", None),  # national, not a county's
    ("get", f"{REG}/exam-entries"): ("exams:read", "object"),
    ("post", f"{REG}/exam-entries"): ("exams:write", "object"),
    ("put", f"{REG}/exam-entries/{{entry_id}}/result"): ("exams:write", "object"),
    ("get", "/api/v1/preventive-cases"): ("prevention:read", "list"),
    ("get", f"{REG}/preventive-cases"): ("prevention:read", "object"),
    ("post", f"{REG}/preventive-cases"): ("prevention:write", "object"),
    ("get", f"{REG}/meetings"): ("prevention:read", "object"),
    ("post", f"{REG}/meetings"): ("prevention:write", "object"),
    ("get", "/api/v1/projects"): ("projects:read", "list"),
    ("get", "/api/v1/projects/{project_id}/participants"): ("projects:read", "object"),
    ("post", "/api/v1/projects/{project_id}/participants"): ("projects:write", "object"),
    ("put", "/api/v1/projects/{project_id}/participants/{participant_id}/outcome"): (
        "projects:write",
        "object",
    ),
    ("get", "/api/v1/statistics/reports/{report}"): ("statistics:read", None),
}

# The creates that the records of `programme_world` would make a second time (refused).
FIRST_TIME = {
    ("post", f"{REG}/preventive-cases"),
    ("post", "/api/v1/projects/{project_id}/participants"),
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
    records = world["records"][target]
    url = path.format(
        person_id=person.key,
        registration_id=registration.key,
        report="exams",
        **{name: value for name, value in records.items() if name.endswith("_id")},
    )
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
        f"{REG}/appointments": {
            "starts_at": (timezone.now() + timedelta(days=serial + 1)).isoformat(),
            "mode": "phone",
        },
        f"{REG}/appointments/{{appointment_id}}/cancel": {"reason": f"Avlyst {serial}"},
        f"{REG}/enrolments": {"measure": records["spare_measure"], "starts_on": "2024-10-01"},
        f"{REG}/enrolments/{{enrolment_id}}/end": {
            "ends_on": "2024-12-20",
            "end_reason": "completed",
        },
        f"{REG}/placements": {
            "employer_orgnr": "974760673",
            "employer_name": "Verksted AS",
            "starts_on": "2024-10-07",
            "hours_per_week": "15.5",
        },
        f"{REG}/placements/{{placement_id}}/follow-ups": {"on": "2024-10-20", "party": "employer"},
        f"{REG}/autumn-outcome": {"place": "work", "observed_on": "2025-09-15"},
        f"{REG}/exam-entries": {"subject": "NOR1211", "exam_date": "2025-05-20"},
        f"{REG}/exam-entries/{{entry_id}}/result": {"result": "passed", "grade": 4},
        f"{REG}/preventive-cases": {
            "kind": "pupil",
            "school": "Skolen vgs",
            "started_on": "2024-10-01",
        },
        f"{REG}/meetings": {"held_on": "2024-10-15", "partners": ["nav", "school"]},
        "/api/v1/projects/{project_id}/participants": {
            "registration": registration.key,
            "joined_on": "2024-10-01",
        },
        "/api/v1/projects/{project_id}/participants/{participant_id}/outcome": {
            "outcome": "job",
            "outcome_on": "2025-06-01",
        },
    }.get(path)
    headers = bearer(token) if token else {}
    if method == "get":
        params = {}
        if path == "/api/v1/statistics":
            params = {"school_year": 2024}
            if target == "other":
                params["unit"] = registration.unit.key
        if path == "/api/v1/statistics/reports/{report}":
            params = {"school_year": 2024}
        return client.get(url, params, **headers)
    send = client.put if method == "put" else client.post
    return send(url, body, content_type="application/json", **headers)


@pytest.mark.parametrize("route", sorted(ROUTES), ids=lambda r: f"{r[0]} {r[1]}")
def test_the_matrix(route, client, world, make_client):
    method, path = route
    scope, other_kind = ROUTES[route]
    vestfold = world["vestfold"]
    world["records"] = programme_records(world, first_time=route in FIRST_TIME)
    serial = iter(range(100))

    def call(token, target="own"):
        return _request(client, method, path, target, world, token, next(serial))

    # No token, a revoked token, an expired token: 401.
    assert call(None).status_code == 401
    revoked, revoked_token = make_client(vestfold, scopes=[scope])
    api_services.apiclient_revoke(actor=None, client=revoked)
    assert call(revoked_token).status_code == 401
    expired, expired_token = make_client(vestfold, scopes=[scope])
    ApiClient.objects.filter(pk=expired.pk).update(expires_at=timezone.now())
    assert call(expired_token).status_code == 401

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
