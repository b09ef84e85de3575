"""The staff pages through Django's test client: what each user sees and can do."""

from datetime import date

import pytest
from django.utils import translation

from tests.conftest import synthetic_fnr
from veiviser.audit.models import AuditEvent
from veiviser.casework.models import Contact
from veiviser.organisation import services as organisation
from veiviser.organisation.models import Role
from veiviser.people.models import Person
from veiviser.registry import services as registry
from veiviser.registry.models import Registration, StatusFact

pytestmark = pytest.mark.django_db


@pytest.fixture
def per(vestfold, horten):
    return organisation.staff_user_create(
        actor=None,
        username="per",
        password="pw-123456789",
        role=Role.ADVISOR,
        county=vestfold,
        unit=horten,
    )


@pytest.fixture
def trine(vestfold, tonsberg):
    return organisation.staff_user_create(
        actor=None,
        username="trine",
        password="pw-123456789",
        role=Role.UNIT_COORDINATOR,
        county=vestfold,
        unit=tonsberg,
    )


@pytest.fixture
def caseload(make_person, tonsberg, advisor):
    """Three youths in Kari's caseload in 2024/25 and two unassigned in her unit."""
    regs = []
    for n in range(5):
        person = make_person(
            birth_date=date(2006, 2, n + 1), given=f"Ungdom{n}", family=f"Testesen{n}"
        )
        registration = registry.registration_create(
            actor=None,
            person=person,
            school_year=2024,
            registered_on=date(2024, 8, 20),
            reason="not_applied",
            unit=tonsberg,
        )
        if n < 3:
            registry.registration_assign(actor=None, registration=registration, advisor=advisor)
        regs.append(registration)
    return regs


def test_login_required(client):
    response = client.get("/ungdommer/")
    assert response.status_code == 302
    assert response.url.startswith("/logg-inn/")


def test_worklist_shows_the_advisors_caseload(client, advisor, caseload):
    client.force_login(advisor)
    response = client.get("/ungdommer/?school_year=2024")
    assert response.status_code == 200
    names = [row["person"].given_name for row in response.context["rows"]]
    assert names == ["Ungdom0", "Ungdom1", "Ungdom2"]


def test_worklist_everyone_shows_the_unit(client, advisor, caseload):
    client.force_login(advisor)
    response = client.get("/ungdommer/?school_year=2024&alle=1")
    assert len(response.context["rows"]) == 5


def test_worklist_search_by_number_and_name(client, advisor, caseload):
    client.force_login(advisor)
    fnr = caseload[1].person.fnr
    response = client.get(f"/ungdommer/?school_year=2024&q={fnr}")
    assert [r["person"].fnr for r in response.context["rows"]] == [fnr]
    response = client.get("/ungdommer/?school_year=2024&q=ungdom2")
    assert [r["person"].given_name for r in response.context["rows"]] == ["Ungdom2"]


def test_worklist_filters_by_status_group(client, advisor, caseload):
    registry.status_record(
        actor=None, registration=caseload[0], code="OTOV", valid_from=date(2024, 9, 1)
    )
    client.force_login(advisor)
    response = client.get("/ungdommer/?school_year=2024&group=2")
    assert [r["person"].given_name for r in response.context["rows"]] == ["Ungdom0"]


def test_worklist_query_count_does_not_grow_with_rows(
    client, advisor, caseload, django_assert_max_num_queries
):
    from django.db import connection

    client.force_login(advisor)
    client.get("/ungdommer/?school_year=2024&alle=1")  # warm-up: the kodeverk cache
    # A constant number for a page of any length (14 since the kodeverk and its names come
    # from the process's cache: 22 before); PostgreSQL adds two for the tenant wall (setting
    # and clearing the session's county).
    limit = 14 + (2 if connection.vendor == "postgresql" else 0)
    with django_assert_max_num_queries(limit):
        client.get("/ungdommer/?school_year=2024&alle=1")


def test_youth_page_query_count(client, advisor, caseload, django_assert_max_num_queries):
    """Pinned: 29 queries (44 before the kodeverk cache, which also gives the status and reason
    forms their choices, and before the person and plan came with the registration; 34 before
    the forms were made only when opened, the user's rights came with the registrations and
    the transfers were prefetched; two since for the appointments and the staff their forms
    offer); PostgreSQL adds two for the tenant wall."""
    from django.db import connection

    client.force_login(advisor)
    url = f"/ungdom/{caseload[0].person.pk}/"
    client.get(url)  # warm-up: the kodeverk cache
    limit = 29 + (2 if connection.vendor == "postgresql" else 0)
    with django_assert_max_num_queries(limit):
        assert client.get(url).status_code == 200


def test_youth_page_is_audited(client, advisor, caseload):
    client.force_login(advisor)
    person = caseload[0].person
    response = client.get(f"/ungdom/{person.pk}/")
    assert response.status_code == 200
    assert AuditEvent.objects.filter(
        action="people.person.viewed", object_id=str(person.pk), actor=advisor
    ).exists()


def test_advisor_of_another_unit_gets_403(client, per, caseload):
    client.force_login(per)
    assert client.get(f"/ungdom/{caseload[0].person.pk}/").status_code == 403
    response = client.post(
        f"/tilmelding/{caseload[0].pk}/status/",
        {f"s{caseload[0].pk}-code": "OTOV", f"s{caseload[0].pk}-valid_from": "2024-09-01"},
    )
    assert response.status_code == 403
    assert not StatusFact.objects.exists()


def test_record_status_from_the_youth_page(client, advisor, caseload):
    client.force_login(advisor)
    reg = caseload[0]
    response = client.post(
        f"/tilmelding/{reg.pk}/status/",
        {f"s{reg.pk}-code": "OTOV", f"s{reg.pk}-valid_from": "2024-09-01"},
    )
    assert response.status_code == 302
    fact = StatusFact.objects.get(registration=reg)
    assert (fact.code, fact.valid_from, fact.recorded_by) == ("OTOV", date(2024, 9, 1), advisor)


def test_status_outside_the_school_year_shows_the_error_on_the_field(client, advisor, caseload):
    client.force_login(advisor)
    reg = caseload[0]
    response = client.post(
        f"/tilmelding/{reg.pk}/status/",
        {f"s{reg.pk}-code": "OTOV", f"s{reg.pk}-valid_from": "2025-09-01"},
    )
    assert response.status_code == 400
    assert "valid_from" in response.context["entries"][0]["status_form"].form.errors


def test_record_contact_proposes_leaving_otuk(client, advisor, caseload):
    client.force_login(advisor)
    reg = caseload[0]
    response = client.post(
        f"/tilmelding/{reg.pk}/kontakt/",
        {
            f"c{reg.pk}-at": "2024-09-02T10:00",
            f"c{reg.pk}-channel": "phone",
            f"c{reg.pk}-outcome": "reached",
            f"c{reg.pk}-note": "Avtalt møte.",
        },
        follow=True,
    )
    assert Contact.objects.get(registration=reg).establishes_contact
    assert "OTUK" in " ".join(str(m) for m in response.context["messages"])


def test_unanswered_sms_is_not_contact(client, advisor, caseload):
    client.force_login(advisor)
    reg = caseload[0]
    client.post(
        f"/tilmelding/{reg.pk}/kontakt/",
        {
            f"c{reg.pk}-at": "2024-09-02T10:00",
            f"c{reg.pk}-channel": "sms",
            f"c{reg.pk}-outcome": "no_answer",
        },
    )
    assert not Contact.objects.get(registration=reg).establishes_contact


def test_coordinator_assigns_in_bulk(client, trine, advisor, caseload):
    client.force_login(trine)
    response = client.get("/fordeling/?school_year=2024")
    unassigned = [r["registration"].pk for r in response.context["rows"]]
    assert unassigned == [caseload[3].pk, caseload[4].pk]
    response = client.post(
        "/fordeling/?school_year=2024", {"advisor": advisor.pk, "registrations": unassigned}
    )
    assert response.status_code == 302
    assert set(Registration.objects.filter(advisor=advisor).values_list("pk", flat=True)) == {
        r.pk for r in caseload
    }
    assert (
        AuditEvent.objects.filter(action="registry.registration.assigned", actor=trine).count() == 2
    )


def test_advisor_has_no_assignment_page(client, advisor):
    client.force_login(advisor)
    assert client.get("/fordeling/").status_code == 403


def register_data(**kw):
    data = {
        "fnr": synthetic_fnr(date(2007, 4, 5)),
        "birth_date": "2007-04-05",
        "given_name": "Nora",
        "family_name": "Nyregistrert",
        "municipality": "3905",
        "reason": "dropped_out",
        "source": "school",
        "registered_on": "2024-10-01",
    }
    data.update(kw)
    return data


def test_register_a_youth(client, advisor, caseload):
    client.force_login(advisor)
    response = client.post("/ungdom/ny/", register_data())
    person = Person.objects.get(family_name="Nyregistrert")
    assert response.status_code == 302
    assert response.url == f"/ungdom/{person.pk}/"
    registration = person.registrations.get()
    assert (registration.school_year, registration.unit.name, registration.source) == (
        2024,
        "Tønsberg",
        "school",
    )


def test_register_refuses_a_bad_number(client, advisor, caseload):
    client.force_login(advisor)
    fnr = synthetic_fnr(date(2007, 4, 5))
    bad = fnr[:-1] + str((int(fnr[-1]) + 1) % 10)
    response = client.post("/ungdom/ny/", register_data(fnr=bad))
    assert response.status_code == 400
    assert "fnr" in response.context["form"].errors
    assert not Person.objects.filter(family_name="Nyregistrert").exists()


def test_register_explains_a_bad_number_in_bokmal(client, advisor, caseload):
    client.force_login(advisor)
    fnr = synthetic_fnr(date(2007, 4, 5))
    bad = fnr[:-1] + str((int(fnr[-1]) + 1) % 10)
    with translation.override("nb"):
        response = client.post("/ungdom/ny/", register_data(fnr=bad))
    assert response.context["form"].errors["fnr"] == [
        f"{bad} har feil kontrollsiffer (skrevet feil?)"
    ]
    assert "har feil kontrollsiffer" in response.content.decode()


def test_register_warns_about_a_likely_duplicate(client, advisor, caseload):
    client.force_login(advisor)
    existing = caseload[0].person
    data = register_data(
        fnr="",
        birth_date=existing.birth_date.isoformat(),
        given_name=existing.given_name,
        family_name=existing.family_name,
    )
    response = client.post("/ungdom/ny/", data)
    assert response.status_code == 400
    assert response.context["duplicate"]
    response = client.post("/ungdom/ny/", {**data, "confirm_duplicate": "on"})
    assert response.status_code == 302


def test_advisor_cannot_register_into_another_unit(client, advisor, horten):
    client.force_login(advisor)
    response = client.post("/ungdom/ny/", register_data(municipality="3901"))
    assert response.status_code == 403


def test_working_list_saved_and_shared_with_the_unit(client, advisor, trine, per, caseload):
    client.force_login(advisor)
    response = client.post(
        "/arbeidslister/",
        {"name": "Ingen kontakt", "shared": "on", "query": "school_year=2024&group=1&page=3"},
    )
    assert response.status_code == 302
    assert response.url == "/ungdommer/?school_year=2024&group=1"
    client.force_login(trine)
    names = [wl.name for wl in client.get("/ungdommer/").context["working_lists"]]
    assert names == ["Ingen kontakt"]
    client.force_login(per)
    assert list(client.get("/ungdommer/").context["working_lists"]) == []


def test_only_the_owner_deletes_a_working_list(client, advisor, trine, caseload):
    from veiviser.casework.models import WorkingList

    client.force_login(advisor)
    client.post("/arbeidslister/", {"name": "Mine", "shared": "on", "query": ""})
    wl = WorkingList.objects.get()
    client.force_login(trine)
    assert client.post(f"/arbeidslister/{wl.pk}/slett/").status_code == 404
    client.force_login(advisor)
    client.post(f"/arbeidslister/{wl.pk}/slett/")
    assert not WorkingList.objects.exists()


def test_worklist_no_contact_for_30_days(client, advisor, caseload):
    from django.utils import timezone

    casework_time = timezone.now() - timezone.timedelta(days=3)
    from veiviser.casework import services as casework

    casework.contact_record(
        actor=None, registration=caseload[0], at=casework_time, channel="phone", outcome="reached"
    )
    client.force_login(advisor)
    response = client.get("/ungdommer/?school_year=2024&no_contact_days=30")
    assert [r["person"].given_name for r in response.context["rows"]] == ["Ungdom1", "Ungdom2"]


def test_plan_made_and_revised(client, advisor, caseload):
    from veiviser.casework.models import Plan

    client.force_login(advisor)
    reg = caseload[0]
    data = {f"l{reg.pk}-goals": "Fullføre Vg1.", f"l{reg.pk}-agreed_on": "2024-09-10"}
    assert client.post(f"/tilmelding/{reg.pk}/plan/", data).status_code == 302
    client.post(f"/tilmelding/{reg.pk}/plan/", {**data, f"l{reg.pk}-steps": "Søke skoleplass."})
    plan = Plan.objects.get(registration=reg)
    assert (plan.goals, plan.steps) == ("Fullføre Vg1.", "Søke skoleplass.")
    actions = list(
        AuditEvent.objects.filter(action__startswith="casework.plan").values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == ["casework.plan.made", "casework.plan.revised"]


def test_consent_to_nav_for_a_minor_needs_a_guardian_and_writing(
    client, advisor, make_person, tonsberg
):
    from veiviser.casework.models import Consent

    person = make_person(birth_date=date(2008, 6, 1), given="Mindre", family="Årig")
    reg = registry.registration_create(
        actor=None,
        person=person,
        school_year=2024,
        registered_on=date(2024, 8, 20),
        reason="not_applied",
        unit=tonsberg,
    )
    registry.registration_assign(actor=None, registration=reg, advisor=advisor)
    client.force_login(advisor)
    url = f"/tilmelding/{reg.pk}/samtykke/"
    base = {f"k{reg.pk}-partner_kind": "nav", f"k{reg.pk}-given_on": "2024-10-01"}
    response = client.post(url, base)
    assert response.status_code == 400
    errors = response.context["entries"][0]["consent_form"].form.errors
    assert set(errors) == {"written", "signed_by_guardian"}
    response = client.post(
        url, {**base, f"k{reg.pk}-written": "on", f"k{reg.pk}-signed_by_guardian": "on"}
    )
    assert response.status_code == 302
    consent = Consent.objects.get()
    client.post(f"/samtykke/{consent.pk}/trekk/")
    consent.refresh_from_db()
    assert consent.withdrawn_on is not None


def test_partner_added(client, advisor, caseload):
    from veiviser.casework.models import Partner

    client.force_login(advisor)
    reg = caseload[0]
    client.post(
        f"/tilmelding/{reg.pk}/partner/",
        {
            f"p{reg.pk}-kind": "nav",
            f"p{reg.pk}-name": "NAV Tønsberg",
            f"p{reg.pk}-since": "2024-09-01",
        },
    )
    assert Partner.objects.get(registration=reg).name == "NAV Tønsberg"
    assert "NAV Tønsberg" in client.get(f"/ungdom/{reg.person_id}/").text


def test_carry_over_to_the_next_school_year(client, advisor, caseload):
    reg = caseload[0]
    registry.status_record(actor=None, registration=reg, code="OTOA", valid_from=date(2024, 10, 1))
    client.force_login(advisor)
    page = client.get(f"/ungdom/{reg.person_id}/")
    assert page.context["entries"][0]["can_carry_over"]
    assert client.post(f"/tilmelding/{reg.pk}/videre/").status_code == 302
    carried = Registration.objects.get(person=reg.person, school_year=2025)
    assert (carried.registered_on, carried.reason, carried.advisor) == (
        date(2025, 8, 1),
        "not_applied",
        advisor,
    )
    assert carried.status_facts.get().code == "OTOA"
    # Only once.
    client.post(f"/tilmelding/{reg.pk}/videre/")
    assert Registration.objects.filter(person=reg.person).count() == 2


def test_youth_outside_the_target_group_is_not_carried_over(client, advisor, caseload):
    reg = caseload[0]
    registry.status_record(
        actor=None, registration=reg, code="OTEV_IM", valid_from=date(2024, 10, 1)
    )
    client.force_login(advisor)
    assert not client.get(f"/ungdom/{reg.person_id}/").context["entries"][0]["can_carry_over"]
    response = client.post(f"/tilmelding/{reg.pk}/videre/", follow=True)
    assert not Registration.objects.filter(person=reg.person, school_year=2025).exists()
    assert "målgruppen" in " ".join(str(m) for m in response.context["messages"])


def test_contact_details_and_guardian_from_the_youth_page(client, advisor, per, caseload):
    from veiviser.people.models import Guardian

    person = caseload[0].person
    client.force_login(advisor)
    client.post(
        f"/ungdom/{person.pk}/kontaktinfo/",
        {
            "person-phone": "40000000",
            "person-email": "ung@example.no",
            "person-preferred_channel": "sms",
        },
    )
    person.refresh_from_db()
    assert (person.phone, person.preferred_channel) == ("40000000", "sms")
    assert AuditEvent.objects.get(action="people.person.updated").data == {
        "fields": ["phone", "email", "preferred_channel"]
    }
    client.post(
        f"/ungdom/{person.pk}/foresatt/",
        {"guardian-name": "Mor Testesen", "guardian-relation": "mor"},
    )
    assert Guardian.objects.get(person=person).name == "Mor Testesen"
    client.force_login(per)
    assert client.post(f"/ungdom/{person.pk}/foresatt/", {"guardian-name": "X"}).status_code == 403


def test_administrator_is_pointed_to_the_administration(client, vestfold):
    admin = organisation.staff_user_create(
        actor=None,
        username="siv",
        password="pw-123456789",
        role=Role.ADMINISTRATOR,
        county=vestfold,
    )
    client.force_login(admin)
    page = client.get("/ungdommer/")
    assert page.status_code == 200
    assert 'href="/admin/"' in page.text
    assert page.context["rows"] == []
