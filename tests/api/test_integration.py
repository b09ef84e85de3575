"""An integration client over real HTTP (pytest-django's live server): it creates a youth, a
registration and status facts, and /api/v1/statistics changes accordingly, giving exactly the
JSON of `veiviser stats`."""

import io
import json
import urllib.error
import urllib.request
from datetime import date

import pytest
from django.core.management import call_command

from tests.conftest import synthetic_fnr
from veiviser.audit.models import AuditEvent

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


class Http:
    def __init__(self, base: str, token: str):
        self.base, self.token = base + "/api/v1", token

    def call(self, method: str, path: str, body=None, headers=None):
        request = urllib.request.Request(
            self.base + path,
            method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={
                "Authorization": f"Bearer {self.token}",
                "Content-Type": "application/json",
                **(headers or {}),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())


def june_table2(http: Http) -> dict:
    status, body = http.call("GET", "/statistics?school_year=2024&date=2025-06-15")
    assert status == 200, body
    return body["counting_dates"][0]["table2"]


def test_a_client_registers_a_youth_and_the_statistics_follow(
    live_server, vestfold, tonsberg, make_client
):
    api_client, token = make_client(vestfold)
    http = Http(live_server.url, token)
    before = june_table2(http)
    assert before["total"] == 0

    status, person = http.call(
        "POST",
        "/persons",
        {
            "fnr": synthetic_fnr(date(2007, 4, 2)),
            "birth_date": "2007-04-02",
            "given_name": "Test",
            "family_name": "Integrasjonsen",
            "municipality": "3905",
        },
    )
    assert status == 201, person
    status, registration = http.call(
        "POST",
        "/registrations",
        {
            "person": person["id"],
            "school_year": 2024,
            "registered_on": "2024-10-01",
            "reason": "dropped_out",
        },
        headers={"Idempotency-Key": "intake-1"},
    )
    assert status == 201, registration
    assert registration["unit"] == "u-tbg"
    after_registration = june_table2(http)
    assert after_registration["total"] == 1
    assert after_registration["group1"] == 1  # OTUK until a status is recorded

    facts = f"/registrations/{registration['id']}/statuses"
    status, fact = http.call("POST", facts, {"code": "OTOV", "valid_from": "2024-10-15"})
    assert status == 201, fact
    status, fact = http.call("POST", facts, {"code": "OTAR", "valid_from": "2025-03-01"})
    assert status == 201, fact
    after_status = june_table2(http)
    assert (after_status["group1"], after_status["group3"]) == (0, 1)
    assert after_status["target_group"] == 1

    # Retrying the registration with the same key creates nothing new.
    status, again = http.call(
        "POST",
        "/registrations",
        {
            "person": person["id"],
            "school_year": 2024,
            "registered_on": "2024-10-01",
            "reason": "dropped_out",
        },
        headers={"Idempotency-Key": "intake-1"},
    )
    assert (status, again) == (201, registration)

    # The same function as `veiviser stats`: the same JSON, byte for byte once parsed.
    status, document = http.call("GET", "/statistics?school_year=2024")
    out = io.StringIO()
    call_command("stats", county="39", school_year=2024, stdout=out)
    assert document == json.loads(out.getvalue())

    actions = set(AuditEvent.objects.filter(actor=api_client.user).values_list("action", flat=True))
    assert {
        "people.person.created",
        "registry.registration.created",
        "registry.status.recorded",
    } <= actions
    status, _ = http.call("GET", f"/registrations/{registration['id']}")
    assert status == 200
    assert AuditEvent.objects.filter(
        actor=api_client.user, action="people.person.viewed", reason=api_client.purpose
    ).exists()
