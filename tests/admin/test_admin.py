"""The Django admin, the staff's window for now: Norwegian, read-only on the registry, audited."""

from datetime import date

import pytest

from veiviser.audit.models import AuditEvent
from veiviser.organisation import services as organisation
from veiviser.organisation.models import Role
from veiviser.registry import services as registry


@pytest.fixture
def admin_client(client, vestfold):
    user = organisation.staff_user_create(
        actor=None,
        username="sysadm",
        password="x-long-password-1",
        role=Role.ADMINISTRATOR,
        county=vestfold,
    )
    client.force_login(user)
    return client


def test_opening_a_person_is_audited(admin_client, make_person):
    person = make_person()
    response = admin_client.get(f"/admin/people/person/{person.pk}/change/")
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="people.person.viewed")
    assert event.actor_label == "sysadm"
    assert event.object_id == str(person.pk)


def test_a_person_cannot_be_changed_in_the_admin(admin_client, make_person):
    person = make_person()
    response = admin_client.post(
        f"/admin/people/person/{person.pk}/change/", {"given_name": "Endret"}
    )
    assert response.status_code == 403
    person.refresh_from_db()
    assert person.given_name == "Ola"


def test_registration_page_shows_the_history(admin_client, make_person, tonsberg):
    registration = registry.registration_create(
        actor=None,
        person=make_person(),
        school_year=2023,
        registered_on=date(2023, 8, 20),
        reason="not_applied",
        unit=tonsberg,
    )
    registry.status_record(
        actor=None, registration=registration, code="OTOV", valid_from=date(2023, 9, 1)
    )
    response = admin_client.get(f"/admin/registry/registration/{registration.pk}/change/")
    assert response.status_code == 200
    assert "OTOV" in response.text


def test_unit_change_in_the_admin_is_audited(admin_client, tonsberg):
    response = admin_client.post(
        f"/admin/organisation/unit/{tonsberg.pk}/change/",
        {
            "county": tonsberg.county_id,
            "key": tonsberg.key,
            "name": "Tønsberg og Færder",
            "closed_on": "",
            "municipalities-TOTAL_FORMS": "0",
            "municipalities-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.text[:2000]
    event = AuditEvent.objects.get(action="admin.organisation.unit.changed")
    assert event.data == {"fields": ["name"]}


def test_likely_duplicates_can_be_listed(admin_client, make_person):
    make_person(given="Nora", family="Eksempel")
    make_person(given="Nora", family="Eksempel", fnr=None)
    make_person(given="Per", family="Annen", birth_date=date(2007, 1, 2))
    response = admin_client.get("/admin/people/person/?duplicate=yes")
    assert response.status_code == 200
    assert response.context["cl"].result_count == 2
