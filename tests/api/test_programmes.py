"""The API's endpoints of measures, exams, preventive work and projects: writes through the
apps' services (their rules, their audit), audited reads of the youth's record, structured
errors, idempotent creates, the unit wall, and the counts equal to `veiviser stats --report`."""

import io
import json
from datetime import date

import pytest
from django.core.management import call_command

from tests.api.conftest import bearer, programme_records
from veiviser.audit.models import AuditEvent
from veiviser.exams.models import ExamEntry
from veiviser.measures import services as measures
from veiviser.measures.models import Enrolment
from veiviser.prevention.models import ClarificationMeeting
from veiviser.projects.models import Participant

pytestmark = pytest.mark.django_db


def get(client, path, token, **params):
    return client.get(f"/api/v1{path}", params, **bearer(token))


def send(client, method, path, token, body, **headers):
    call = client.put if method == "put" else client.post
    return call(f"/api/v1{path}", body, content_type="application/json", **bearer(token), **headers)


@pytest.fixture
def setup(world, make_client):
    world["records"] = programme_records(world)
    api_client, token = make_client(world["vestfold"])
    reg = f"/registrations/{world['own'].key}"
    return world, api_client, token, reg


def test_enrolment_create_goes_through_the_service_once_per_key(client, setup):
    world, api_client, token, reg = setup
    body = {"measure": world["records"]["own"]["spare_measure"], "starts_on": "2024-10-01"}
    first = send(client, "post", f"{reg}/enrolments", token, body, HTTP_IDEMPOTENCY_KEY="e-1")
    again = send(client, "post", f"{reg}/enrolments", token, body, HTTP_IDEMPOTENCY_KEY="e-1")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert Enrolment.objects.filter(key=first.json()["id"]).count() == 1
    event = AuditEvent.objects.get(action="measures.enrolment.created", actor=api_client.user)
    assert event.object_id == str(Enrolment.objects.get(key=first.json()["id"]).pk)
    # The service's own rule: the youth already takes part in the measure.
    refused = send(client, "post", f"{reg}/enrolments", token, body)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "measure"


def test_unknown_or_other_county_references_are_422_on_the_field(client, setup):
    world, _, token, reg = setup
    other_measure = world["records"]["other"]["spare_measure"]
    response = send(
        client,
        "post",
        f"{reg}/enrolments",
        token,
        {"measure": other_measure, "starts_on": "2024-10-01"},
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "measure", "reason": "ingen tiltak med denne id-en i fylket"}
    ]
    response = send(
        client, "post", f"{reg}/exam-entries", token, {"subject": "NOPE", "exam_date": "2025-05-02"}
    )
    assert response.json()["errors"][0]["field"] == "subject"
    project = world["records"]["own"]["project_id"]
    response = send(
        client,
        "post",
        f"/projects/{project}/participants",
        token,
        {"registration": world["other"].key, "joined_on": "2024-10-01"},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "registration"
    assert not AuditEvent.objects.filter(action="projects.participant.added", actor__isnull=False)


def test_placement_rules_refuse_with_every_problem_and_write_nothing(client, setup):
    world, _, token, reg = setup
    before = world["own"].placements.count()
    response = send(
        client,
        "post",
        f"{reg}/placements",
        token,
        {
            "employer_orgnr": "123456789",
            "employer_name": "Verksted AS",
            "starts_on": "2024-10-07",
            "ends_on": "2024-10-01",
            "hours_per_week": 10,
        },
    )
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"employer_orgnr", "ends_on"}
    assert world["own"].placements.count() == before


def test_follow_ups_end_and_autumn_outcome(client, setup):
    world, _, token, reg = setup
    records = world["records"]["own"]
    placement = records["placement_id"]
    outside = send(
        client,
        "post",
        f"{reg}/placements/{placement}/follow-ups",
        token,
        {"on": "2024-09-01", "party": "youth"},
    )
    assert outside.status_code == 422 and outside.json()["errors"][0]["field"] == "on"
    listed = get(client, f"{reg}/placements/{placement}/follow-ups", token).json()
    assert [f["party"] for f in listed["items"]] == ["youth"]

    ended = send(
        client,
        "put",
        f"{reg}/enrolments/{records['enrolment_id']}/end",
        token,
        {"ends_on": "2024-12-20", "end_reason": "work"},
    )
    assert ended.status_code == 200
    assert (ended.json()["ends_on"], ended.json()["end_reason"]) == ("2024-12-20", "work")
    retry = send(
        client,
        "put",
        f"{reg}/enrolments/{records['enrolment_id']}/end",
        token,
        {"ends_on": "2024-12-20", "end_reason": "work"},
    )
    assert retry.status_code == 200 and retry.json() == ended.json()
    assert AuditEvent.objects.filter(action="measures.enrolment.ended").count() == 1
    other_end = send(
        client,
        "put",
        f"{reg}/enrolments/{records['enrolment_id']}/end",
        token,
        {"ends_on": "2024-12-21", "end_reason": "work"},
    )
    assert other_end.status_code == 422
    missing = send(
        client,
        "put",
        f"{reg}/enrolments/nope/end",
        token,
        {"ends_on": "2024-12-20", "end_reason": "work"},
    )
    assert missing.status_code == 404

    too_early = send(
        client,
        "put",
        f"{reg}/autumn-outcome",
        token,
        {"place": "work", "observed_on": "2025-06-01"},
    )
    assert too_early.status_code == 422
    revised = send(
        client,
        "put",
        f"{reg}/autumn-outcome",
        token,
        {"place": "work", "observed_on": "2025-09-20"},
    )
    assert revised.status_code == 200
    assert AuditEvent.objects.filter(action="measures.autumn_outcome.revised").count() == 1
    outcomes = get(client, "/autumn-outcomes", token, place="work").json()
    assert [o["registration"] for o in outcomes["items"]] == [world["own"].key]
    assert get(client, "/autumn-outcomes", token, place="education").json()["count"] == 0


def test_exam_result_is_checked_by_the_exam_rules(client, setup):
    world, _, token, reg = setup
    entry = world["records"]["own"]["entry_id"]
    wrong = send(
        client, "put", f"{reg}/exam-entries/{entry}/result", token, {"result": "passed", "grade": 1}
    )
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "grade"
    right = send(
        client, "put", f"{reg}/exam-entries/{entry}/result", token, {"result": "passed", "grade": 5}
    )
    assert right.status_code == 200
    assert ExamEntry.objects.get(pk=entry).grade == 5
    subjects = get(client, "/exam-subjects", token, limit=200).json()["items"]
    assert {"code": "NOR1211", "name": "Norsk", "active": True} in subjects
    # Another registration's entry, even in the same county, is not found under this one.
    assert (
        send(
            client, "put", f"{reg}/exam-entries/999999/result", token, {"result": "withdrawn"}
        ).status_code
        == 404
    )


def test_meeting_summaries_are_an_audited_read_of_the_youth(client, setup):
    world, api_client, token, reg = setup
    ClarificationMeeting.objects.update(summary="Eleven vil bytte programområde")
    response = get(client, f"{reg}/meetings", token)
    assert response.status_code == 200
    assert response.json()["items"][0]["summary"] == "Eleven vil bytte programområde"
    event = AuditEvent.objects.get(action="people.person.viewed")
    assert event.object_id == str(world["own"].person.pk)
    assert (event.actor, event.reason) == (api_client.user, api_client.purpose)
    # The county list leaves the concern out and is audited by id.
    listed = get(client, "/preventive-cases", token).json()
    assert "concern" not in listed["items"][0]
    assert AuditEvent.objects.get(action="api.list.read").data["what"] == "preventive-cases"


def test_a_meeting_needs_a_preventive_case(client, world, make_client):
    _, token = make_client(world["vestfold"])
    reg = f"/registrations/{world['own'].key}"
    response = send(client, "post", f"{reg}/meetings", token, {"held_on": "2024-10-15"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "case"
    opened = send(
        client,
        "post",
        f"{reg}/preventive-cases",
        token,
        {"kind": "apprentice", "school": "Bedriften AS", "started_on": "2024-10-01"},
    )
    assert opened.status_code == 201
    response = send(
        client, "post", f"{reg}/meetings", token, {"held_on": "2024-10-15", "partners": ["ppt"]}
    )
    assert response.status_code == 201
    assert response.json()["case"] == opened.json()["id"]


def test_participant_outcome_and_the_list(client, setup):
    world, _, token, _ = setup
    records = world["records"]["own"]
    path = f"/projects/{records['project_id']}/participants"
    listed = get(client, path, token).json()
    assert [p["registration"] for p in listed["items"]] == [world["own"].key]
    response = send(
        client,
        "put",
        f"{path}/{records['participant_id']}/outcome",
        token,
        {"outcome": "school", "outcome_on": "2024-08-01"},
    )
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "outcome_on"
    other = world["records"]["other"]["participant_id"]
    response = send(
        client,
        "put",
        f"{path}/{other}/outcome",
        token,
        {"outcome": "school", "outcome_on": "2025-06-01"},
    )
    assert response.status_code == 404
    assert Participant.objects.get(pk=other).outcome == ""


def test_a_unit_client_is_kept_to_its_unit(client, world, make_client, horten):
    world["records"] = programme_records(world)
    _, token = make_client(world["vestfold"], unit=horten)
    reg = f"/registrations/{world['own'].key}"  # a Tønsberg youth
    assert get(client, f"{reg}/enrolments", token).status_code == 404
    assert get(client, "/autumn-outcomes", token).json()["count"] == 0
    assert get(client, "/statistics/reports/exams", token, school_year=2024).status_code == 403


@pytest.mark.parametrize("report", ["exams", "prevention", "projects"])
def test_the_counts_are_the_json_of_veiviser_stats(client, setup, report):
    _, _, token, _ = setup
    response = get(client, f"/statistics/reports/{report}", token, school_year=2024)
    assert response.status_code == 200
    out = io.StringIO()
    call_command("stats", county="39", school_year=2024, report=report, stdout=out)
    assert response.json() == json.loads(out.getvalue())
    assert get(client, "/statistics/reports/age", token, school_year=2024).status_code == 422


def test_the_catalogue_counts_participants_today(client, setup, time_machine):
    world, _, token, _ = setup
    time_machine.move_to("2024-10-01 12:00:00+02:00")
    measures.enrolment_create(
        actor=None,
        registration=world["own"],
        measure=world["own"].enrolments.get().measure.__class__.objects.get(key="m-own-2"),
        starts_on=date(2024, 9, 20),
    )
    catalogue = get(client, "/measures", token).json()
    assert {m["id"]: m["participants"] for m in catalogue["items"]} == {
        "m-own-1": 1,
        "m-own-2": 1,
    }
    assert get(client, "/measures", token, kind="work_practice").json()["count"] == 0
