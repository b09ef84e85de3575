"""The audit viewer: the county leader reads the county's trail, filtered and paginated;
nobody else may open it, and opening it is itself audited."""

from datetime import date

import pytest

from veiviser.audit import services as audit
from veiviser.audit.models import AuditEvent
from veiviser.organisation import services as organisation
from veiviser.organisation.models import Role
from veiviser.registry import services as registry

pytestmark = pytest.mark.django_db


def staff(username, role, county, unit=None):
    return organisation.staff_user_create(
        actor=None, username=username, password="pw-123456789", role=role, county=county, unit=unit
    )


@pytest.fixture
def leader(vestfold):
    return staff("lise", Role.COUNTY_LEADER, vestfold)


@pytest.fixture
def trail(make_person, tonsberg, advisor, telemark):
    registration = registry.registration_create(
        actor=None,
        person=make_person(birth_date=date(2006, 4, 1)),
        school_year=2024,
        registered_on=date(2024, 8, 20),
        reason="not_applied",
        unit=tonsberg,
    )
    person = registration.person
    audit.log(advisor, "people.person.viewed", person, reason="Vikar for Kaja")
    audit.log(advisor, "registry.status.recorded", registration)
    audit.log(None, "exchange.import.completed", county=telemark.number)
    return person


def rows(response):
    return list(response.context["page_obj"].object_list)


def test_only_the_county_leader_opens_the_viewer(client, vestfold, advisor, tonsberg):
    for role in (Role.UNIT_COORDINATOR, Role.OFFICE, Role.PROJECT_WORKER, Role.ADMINISTRATOR):
        client.force_login(staff(f"u-{role}", role, vestfold, tonsberg))
        assert client.get("/revisjon/").status_code == 403
    client.force_login(advisor)
    assert client.get("/revisjon/").status_code == 403
    assert not AuditEvent.objects.filter(action="audit.viewer.opened").exists()


def test_leader_sees_the_countys_events_only_and_the_reason(client, leader, trail, advisor):
    client.force_login(leader)
    response = client.get("/revisjon/", HTTP_ACCEPT_LANGUAGE="nb")
    assert response.status_code == 200
    actions = [e.action for e in rows(response)]
    assert "exchange.import.completed" not in actions  # Telemark's
    assert {"people.person.viewed", "registry.status.recorded"} <= set(actions)
    html = response.content.decode()
    assert "Vikar for Kaja" in html and "Revisjonsspor" in html


def test_opening_the_viewer_is_audited_with_the_filters(client, leader, trail):
    client.force_login(leader)
    client.get("/revisjon/?action=people.")
    event = AuditEvent.objects.get(action="audit.viewer.opened")
    assert event.actor == leader
    assert event.county == leader.county.number
    assert event.data["action"] == "people."


def test_filters_by_user_action_object_and_date(client, leader, trail, advisor):
    client.force_login(leader)
    by_action = rows(client.get("/revisjon/?action=people.person.v"))
    assert {e.action for e in by_action} == {"people.person.viewed"}
    by_object = rows(client.get(f"/revisjon/?object_type=people.person&object_id={trail.pk}"))
    assert {(e.object_type, e.object_id) for e in by_object} == {("people.person", str(trail.pk))}
    assert "Vikar for Kaja" in [e.reason for e in by_object]
    by_user = rows(client.get("/revisjon/?actor=kari"))
    assert by_user and {e.actor_label for e in by_user} == {"kari"}
    assert rows(client.get("/revisjon/?date_to=2000-01-01")) == []
    today = date.today().isoformat()
    assert rows(client.get(f"/revisjon/?date_from={today}&date_to={today}&actor=kari"))


def test_an_invalid_filter_is_a_400(client, leader, trail):
    client.force_login(leader)
    assert client.get("/revisjon/?date_from=yesterday").status_code == 400


def test_the_viewer_is_paginated(client, leader, advisor, vestfold):
    for n in range(60):
        audit.log(advisor, "casework.note.added", county=vestfold.number, data={"n": n})
    client.force_login(leader)
    first = client.get("/revisjon/?action=casework.")
    assert len(rows(first)) == 50
    assert len(rows(client.get("/revisjon/?action=casework.&page=2"))) == 10


def test_the_viewer_is_read_only(client, leader):
    client.force_login(leader)
    assert client.post("/revisjon/").status_code == 405
