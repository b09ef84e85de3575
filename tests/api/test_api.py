"""The REST API through Django's test client: tokens, scopes, the county wall, validation,
pagination, idempotency, rate limiting and the audit trail."""

import hashlib
from datetime import date

import pytest

from tests.api.conftest import bearer
from tests.conftest import synthetic_fnr
from veiviser.api import services as api_services
from veiviser.api.models import ApiClient, IdempotentReply
from veiviser.audit.models import AuditEvent
from veiviser.people.models import Person
from veiviser.registry.models import Registration, StatusFact

pytestmark = pytest.mark.django_db


def get(client, path, token, **params):
    return client.get(f"/api/v1{path}", params, **bearer(token))


def post(client, path, token, body, **headers):
    return client.post(
        f"/api/v1{path}", body, content_type="application/json", **bearer(token), **headers
    )


# --- tokens -----------------------------------------------------------------------------------


def test_the_token_is_stored_only_as_its_sha256(make_client, vestfold):
    api_client, token = make_client(vestfold)
    assert token.startswith("vv_") and len(token) > 40
    assert api_client.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert not ApiClient.objects.filter(token_hash=token).exists()
    assert api_client.user.has_usable_password() is False


def test_no_token_is_401(client, world):
    response = client.get("/api/v1/persons", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert response.json() == {
        "errors": [{"field": "", "reason": "a valid bearer token is needed"}]
    }


def test_a_wrong_token_is_401(client, world, make_client):
    make_client(world["vestfold"])
    assert get(client, "/persons", "vv_not-a-token").status_code == 401


def test_a_revoked_token_is_401(client, world, make_client):
    api_client, token = make_client(world["vestfold"])
    assert get(client, "/persons", token).status_code == 200
    api_services.apiclient_revoke(actor=None, client=api_client)
    assert get(client, "/persons", token).status_code == 401
    api_client.user.refresh_from_db()
    assert api_client.user.is_active is False


def test_a_logged_in_session_does_not_authenticate_the_api(client, world, advisor):
    client.force_login(advisor)
    assert client.get("/api/v1/persons").status_code == 401


def test_the_last_use_is_recorded(client, world, make_client):
    api_client, token = make_client(world["vestfold"])
    assert api_client.last_used_at is None
    get(client, "/persons", token)
    api_client.refresh_from_db()
    assert api_client.last_used_at is not None


# --- scopes and the county wall ---------------------------------------------------------------


def test_a_missing_scope_is_403(client, world, make_client):
    _, token = make_client(world["vestfold"], scopes=["statistics:read"])
    response = get(client, "/persons", token)
    assert response.status_code == 403
    assert response.json()["errors"][0]["reason"] == "tokenet mangler tilgangen registry:read"


def test_a_token_cannot_read_another_countys_youth(client, world, make_client):
    _, token = make_client(world["vestfold"])
    other = world["other"]
    assert get(client, f"/persons/{other.person.key}", token).status_code == 404
    assert get(client, f"/registrations/{other.key}", token).status_code == 404
    assert get(client, f"/registrations/{other.key}/statuses", token).status_code == 404
    keys = [p["id"] for p in get(client, "/persons", token).json()["items"]]
    assert keys == [world["own"].person.key]


def test_a_token_cannot_write_to_another_countys_registration(client, world, make_client):
    _, token = make_client(world["vestfold"])
    response = post(
        client,
        f"/registrations/{world['other'].key}/statuses",
        token,
        {"code": "OTOV", "valid_from": "2024-10-01"},
    )
    assert response.status_code == 404
    assert not StatusFact.objects.filter(registration=world["other"]).exists()


def test_statistics_are_the_clients_own_county(client, world, make_client):
    _, token = make_client(world["telemark"])
    body = get(client, "/statistics", token, school_year=2024, date="2024-10-01").json()
    assert body["county"] == "40"
    assert body["counting_dates"][0]["table1"]["total"] == 1
    assert get(client, "/statistics", token, school_year=2024, unit="u-tbg").status_code == 404


# --- reads ------------------------------------------------------------------------------------


def test_a_person_read_is_audited_with_the_clients_purpose(client, world, make_client):
    api_client, token = make_client(world["vestfold"])
    person = world["own"].person
    response = get(client, f"/persons/{person.key}", token)
    assert response.status_code == 200
    assert response.json()["fnr"] == person.fnr
    event = AuditEvent.objects.get(action="people.person.viewed", object_id=str(person.pk))
    assert event.actor == api_client.user
    assert event.reason == api_client.purpose
    assert event.data == {"api_client": api_client.name}


def test_lists_are_audited_by_id(client, world, make_client):
    _, token = make_client(world["vestfold"])
    get(client, "/registrations", token)
    event = AuditEvent.objects.get(action="api.list.read")
    assert event.data["ids"] == [world["own"].key]
    assert event.county == "39"


def test_registrations_are_filtered_and_show_the_status_today(
    client, world, make_client, make_person, tonsberg
):
    _, token = make_client(world["vestfold"])
    items = get(client, "/registrations", token, status="OTOV").json()["items"]
    assert [r["id"] for r in items] == [world["own"].key]
    assert items[0]["status_now"] == "OTOV"
    assert items[0]["unit"] == "u-tbg"
    assert get(client, "/registrations", token, status="OTUK").json()["count"] == 0
    assert get(client, "/registrations", token, school_year=2023).json()["count"] == 0
    assert get(client, "/registrations", token, unit="u-hor").json()["count"] == 0


def test_lists_are_paginated(client, world, make_client, make_person, tonsberg):
    from veiviser.registry import services as registry

    for day in range(1, 6):
        person = make_person(birth_date=date(2006, 5, day), given=f"Ung{day}")
        registry.registration_create(
            actor=None,
            person=person,
            school_year=2024,
            registered_on=date(2024, 9, day),
            reason="other",
            unit=tonsberg,
        )
    _, token = make_client(world["vestfold"])
    first = get(client, "/registrations", token, limit=4).json()
    assert (first["count"], len(first["items"]), first["next_offset"]) == (6, 4, 4)
    rest = get(client, "/registrations", token, limit=4, offset=4).json()
    assert (len(rest["items"]), rest["next_offset"]) == (2, None)
    ids = [r["id"] for r in first["items"] + rest["items"]]
    assert len(set(ids)) == 6
    response = get(client, "/registrations", token, limit=0)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "limit"


# --- writes -----------------------------------------------------------------------------------


def test_validation_errors_name_the_field(client, world, make_client):
    _, token = make_client(world["vestfold"])
    response = post(
        client,
        f"/registrations/{world['own'].key}/statuses",
        token,
        {"code": "NOPE", "valid_from": "2024-10-01"},
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["code"]
    response = post(client, "/persons", token, {"given_name": "Ola"})
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"birth_date", "family_name"} <= fields


def test_a_bad_identity_number_is_refused_and_nothing_is_written(client, world, make_client):
    _, token = make_client(world["vestfold"])
    before = Person.objects.count()
    response = post(
        client,
        "/persons",
        token,
        {
            "fnr": "12345678901",
            "birth_date": "2006-01-01",
            "given_name": "Ola",
            "family_name": "Nordmann",
        },
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "fnr"
    assert Person.objects.count() == before


def test_a_write_is_audited_as_the_clients_user(client, world, make_client):
    api_client, token = make_client(world["vestfold"])
    response = post(
        client,
        f"/registrations/{world['own'].key}/contacts",
        token,
        {"at": "2024-09-12T10:00:00+02:00", "channel": "phone", "outcome": "reached"},
    )
    assert response.status_code == 201, response.content
    event = AuditEvent.objects.get(action="casework.contact.recorded")
    assert event.actor == api_client.user
    assert response.json()["registration"] == world["own"].key


def test_the_same_idempotency_key_and_body_gives_the_same_reply(client, world, make_client):
    _, token = make_client(world["vestfold"])
    path = f"/registrations/{world['own'].key}/statuses"
    body = {"code": "OTOA", "valid_from": "2024-11-01"}
    first = post(client, path, token, body, HTTP_IDEMPOTENCY_KEY="abc-1")
    again = post(client, path, token, body, HTTP_IDEMPOTENCY_KEY="abc-1")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert StatusFact.objects.filter(registration=world["own"], code="OTOA").count() == 1
    assert IdempotentReply.objects.count() == 1


def test_the_same_idempotency_key_with_another_body_is_409(client, world, make_client):
    _, token = make_client(world["vestfold"])
    path = f"/registrations/{world['own'].key}/statuses"
    post(
        client, path, token, {"code": "OTOA", "valid_from": "2024-11-01"}, HTTP_IDEMPOTENCY_KEY="k"
    )
    response = post(
        client, path, token, {"code": "OTOA", "valid_from": "2024-11-02"}, HTTP_IDEMPOTENCY_KEY="k"
    )
    assert response.status_code == 409
    assert response.json()["errors"][0]["field"] == "Idempotency-Key"
    assert StatusFact.objects.filter(registration=world["own"], code="OTOA").count() == 1


def test_a_failed_create_is_not_stored_under_its_key(client, world, make_client):
    _, token = make_client(world["vestfold"])
    path = f"/registrations/{world['own'].key}/statuses"
    bad = post(
        client, path, token, {"code": "NOPE", "valid_from": "2024-11-01"}, HTTP_IDEMPOTENCY_KEY="k2"
    )
    assert bad.status_code == 422
    assert not IdempotentReply.objects.exists()


def test_registering_takes_the_unit_of_the_home_municipality(client, world, make_client):
    _, token = make_client(world["vestfold"])
    person = post(
        client,
        "/persons",
        token,
        {
            "fnr": synthetic_fnr(date(2007, 2, 3)),
            "birth_date": "2007-02-03",
            "given_name": "Per",
            "family_name": "Testmann",
            "municipality": "3901",
        },
    )
    assert person.status_code == 201, person.content
    registration = post(
        client,
        "/registrations",
        token,
        {
            "person": person.json()["id"],
            "school_year": 2024,
            "registered_on": "2024-10-01",
            "reason": "not_applied",
        },
    )
    assert registration.status_code == 201, registration.content
    assert registration.json()["unit"] == "u-hor"
    assert registration.json()["status_now"] == "OTUK"
    assert Registration.objects.get(key=registration.json()["id"]).recorded_by.username == (
        "api-system-1"
    )


def test_a_person_of_another_county_cannot_be_registered(client, world, make_client):
    _, token = make_client(world["vestfold"])
    response = post(
        client,
        "/registrations",
        token,
        {
            "person": world["other"].person.key,
            "school_year": 2025,
            "registered_on": "2025-10-01",
            "reason": "other",
        },
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "person"


# --- rate limit -------------------------------------------------------------------------------


def test_the_rate_limit_answers_429_with_retry_after(client, world, make_client, time_machine):
    time_machine.move_to("2025-01-10 10:00:00+00:00", tick=False)
    _, token = make_client(world["vestfold"], rate_limit=2)
    assert get(client, "/persons", token).status_code == 200
    assert get(client, "/persons", token).status_code == 200
    refused = get(client, "/persons", token)
    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    time_machine.move_to("2025-01-10 10:01:00+00:00", tick=False)
    assert get(client, "/persons", token).status_code == 200


# --- documentation ----------------------------------------------------------------------------


def test_the_docs_page_loads_nothing_from_elsewhere(client, world):
    from django.contrib.staticfiles import finders

    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "cdn" not in html.lower()
    assert "https://" not in html and "http://" not in html
    for asset in ("ninja/swagger-ui-bundle.js", "ninja/swagger-ui.css", "ninja/swagger-ui-init.js"):
        assert f"/static/{asset}" in html
        assert finders.find(asset) is not None
    assert '"validatorUrl": null' in html


def test_the_openapi_document_describes_the_token(client, world):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert schema["components"]["securitySchemes"]["ClientToken"]["scheme"] == "bearer"
    assert "/api/v1/statistics" in schema["paths"]


def test_a_unit_client_sees_only_its_unit(client, world, make_client, make_person, horten):
    from veiviser.registry import services as registry

    person = make_person(birth_date=date(2006, 8, 8), given="Hortensia", municipality="3901")
    in_horten = registry.registration_create(
        actor=None,
        person=person,
        school_year=2024,
        registered_on=date(2024, 9, 5),
        reason="other",
        unit=horten,
    )
    _, token = api_services.apiclient_create(
        actor=None,
        name="horten-skole",
        county=world["vestfold"],
        scopes=["registry:read", "statistics:read"],
        purpose="Skolens elevsystem",
        unit=horten,
    )
    ids = [r["id"] for r in get(client, "/registrations", token).json()["items"]]
    assert ids == [in_horten.key]
    assert get(client, f"/registrations/{world['own'].key}", token).status_code == 404
    stats = get(client, "/statistics", token, school_year=2024, date="2024-10-01").json()
    assert stats["counting_dates"][0]["table1"]["total"] == 1
    assert get(client, "/statistics", token, school_year=2024, unit="u-tbg").status_code == 404


def test_a_list_page_costs_a_fixed_number_of_queries(
    client, world, make_client, make_person, tonsberg, django_assert_max_num_queries
):
    from veiviser.registry import services as registry

    for day in range(1, 21):
        person = make_person(birth_date=date(2006, 6, day), given=f"Ung{day}")
        registry.registration_create(
            actor=None,
            person=person,
            school_year=2024,
            registered_on=date(2024, 9, day),
            reason="other",
            unit=tonsberg,
        )
    _, token = make_client(world["vestfold"])
    # The token, the rate-limit window, the tenant wall (PostgreSQL), count, page, audit: not
    # one more per item.
    with django_assert_max_num_queries(12):
        assert get(client, "/registrations", token).json()["count"] == 21
    with django_assert_max_num_queries(12):
        assert get(client, "/persons", token).json()["count"] == 21


def test_nul_characters_are_refused_before_the_database_sees_them(client, world, make_client):
    _, token = make_client(world["vestfold"])
    assert get(client, "/registrations", token, unit="a\x00b").status_code == 422
    response = post(
        client,
        "/persons",
        token,
        {"birth_date": "2006-01-01", "given_name": "O\u0000la", "family_name": "N"},
    )
    assert response.status_code == 422
    assert not Person.objects.filter(family_name="N").exists()


def test_numbers_out_of_range_are_422(client, world, make_client):
    _, token = make_client(world["vestfold"])
    for params in ({"school_year": 10**20}, {"offset": -1}, {"limit": 201}):
        response = get(client, "/registrations", token, **params)
        assert response.status_code == 422, params
        assert response.json()["errors"][0]["field"] == next(iter(params))


def test_a_contact_needs_an_instant_with_its_offset(client, world, make_client):
    _, token = make_client(world["vestfold"])
    for at in ("2024-09-12T10:00:00", "9999-12-31T23:59:00-14:00"):
        response = post(
            client,
            f"/registrations/{world['own'].key}/contacts",
            token,
            {"at": at, "channel": "phone", "outcome": "reached"},
        )
        assert response.status_code == 422, at
        assert response.json()["errors"][0]["field"] == "at"


def test_the_same_body_in_another_key_order_is_the_same_request(client, world, make_client):
    _, token = make_client(world["vestfold"])
    path = f"/api/v1/registrations/{world['own'].key}/reasons"
    first = client.post(
        path,
        '{"reason": "other", "valid_from": "2024-12-01"}',
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="r-1",
        **bearer(token),
    )
    again = client.post(
        path,
        '{ "valid_from":"2024-12-01",  "reason":"other" }',
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="r-1",
        **bearer(token),
    )
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
