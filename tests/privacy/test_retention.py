from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from tests.conftest import at
from veiviser.audit.models import AuditEvent
from veiviser.casework import services as casework
from veiviser.casework.models import Appointment, Contact, Note, Plan
from veiviser.codes.selectors import kodeverk
from veiviser.people.models import Guardian, Person
from veiviser.privacy import archive, services
from veiviser.privacy.models import RetentionSettings
from veiviser.statistics import tables

pytestmark = pytest.mark.django_db


def test_due_five_years_after_the_last_school_year_by_default(youth):
    # Last school year 2023/24 ends 31 July 2024; due on 31 July 2029.
    assert services.retention_candidates(youth.county, today=date(2029, 7, 30)) == []
    (due,) = services.retention_candidates(youth.county, today=date(2029, 7, 31))
    assert due.person == youth and due.closed_on == date(2024, 7, 31)


def test_the_county_sets_the_years(youth):
    RetentionSettings.objects.create(county=youth.county, years=10)
    assert services.retention_candidates(youth.county, today=date(2030, 1, 1)) == []
    assert len(services.retention_candidates(youth.county, today=date(2034, 7, 31))) == 1


def test_anonymising_removes_identity_and_free_text_but_keeps_the_counts(youth, leader, tmp_path):
    def document():
        return tables.statistics_document(kodeverk(), county="39", school_year=2023)

    before = document()
    (candidate,) = services.retention_candidates(youth.county, today=date(2030, 1, 1))
    with pytest.raises(PermissionDenied):  # no archive extract holds the case yet
        services.anonymise(actor=leader, candidate=candidate)
    archive.make_extract(
        actor=leader, county=youth.county, closed_before=date(2025, 1, 1), out=tmp_path
    )
    services.anonymise(actor=leader, candidate=candidate)

    person = Person.objects.get(pk=youth.pk)
    assert (person.fnr, person.given_name, person.family_name, person.phone) == (
        None,
        "Anonymisert",
        "",
        "",
    )
    assert person.birth_date == youth.birth_date
    assert Guardian.objects.get(person=person).name == ""
    assert Contact.objects.get().note == "" and Note.objects.get().text == ""
    assert Plan.objects.get().goals == ""
    assert document() == before
    assert AuditEvent.objects.filter(action="privacy.person.anonymised").count() == 1
    # Done once: no longer a candidate.
    assert services.retention_candidates(youth.county, today=date(2030, 1, 1)) == []


def test_the_command_lists_and_anonymises_only_extracted_cases(youth, capsys, tmp_path):
    call_command("retention", county="39", date="2030-01-01")
    out = capsys.readouterr().out
    assert youth.key in out and "dry run" in out
    call_command("retention", county="39", date="2030-01-01", apply=True)
    assert Person.objects.get(pk=youth.pk).family_name == "Fjellheim"
    call_command("archive-extract", county="39", closed_before="2025-01-01", out=str(tmp_path))
    call_command("retention", county="39", date="2030-01-01", apply=True)
    assert Person.objects.get(pk=youth.pk).family_name == ""
    assert AuditEvent.objects.filter(action="privacy.retention.run").count() == 2


def test_every_table_that_refers_to_a_person_has_a_retention_decision():
    """A new table with a youth's data (directly or through another such table) must say what
    anonymisation does to it."""
    decided = set(services.SCRUBBED) | set(services.KEPT)
    undecided = [
        model._meta.label_lower
        for model in services.personal_models()
        if model._meta.label_lower not in decided
    ]
    assert undecided == []


def test_anonymised_persons_are_not_likely_duplicates(
    youth, make_person, leader, tonsberg, tmp_path
):
    from veiviser.people.selectors import likely_duplicates
    from veiviser.registry import services as registry

    twin = make_person(birth_date=youth.birth_date, given="Mira", family="Fjellheim", fnr=None)
    registry.registration_create(
        actor=None,
        person=twin,
        school_year=2022,
        registered_on=date(2022, 9, 1),
        reason="not_applied",
        unit=tonsberg,
    )
    assert likely_duplicates(youth.county) == [[youth, twin]]
    services.retention_run(
        actor=leader, county=youth.county, today=date(2030, 1, 1), extract_to=tmp_path
    )
    # Both are now "Anonymisert" with the same birth date, and no longer a pair to merge.
    assert likely_duplicates(youth.county) == []


def test_free_text_two_tables_away_is_removed_too(youth, leader, tmp_path):
    """A work-practice follow-up's note refers to the placement, not to the youth directly."""
    from decimal import Decimal

    from veiviser.measures import services as measures
    from veiviser.measures.models import FollowUp, Placement

    registration = youth.registrations.get()
    placement = measures.placement_create(
        actor=None,
        registration=registration,
        employer_orgnr="974760673",
        employer_name="Eksempel Bygg AS",
        starts_on=date(2023, 10, 2),
        hours_per_week=Decimal("20"),
        contact_person="Siri Sjef",
        contact_phone="33000000",
    )
    measures.follow_up_record(
        actor=None, placement=placement, on=date(2023, 10, 9), party="youth", note="Trives godt"
    )
    services.retention_run(
        actor=leader, county=youth.county, today=date(2030, 1, 1), extract_to=tmp_path
    )
    assert FollowUp.objects.get().note == ""
    assert Placement.objects.get().contact_person == ""
    assert Placement.objects.get().employer_name == "Eksempel Bygg AS"


def test_anonymising_erases_an_appointments_place_note_and_reason_but_keeps_its_time(
    youth, leader, advisor, tmp_path
):
    registration = youth.registrations.order_by("school_year").first()
    with time_machine.travel(at("2024-02-01 08:00"), tick=False):
        appointment = casework.appointment_book(
            actor=advisor,
            registration=registration,
            starts_at=at("2024-02-05 09:00"),
            duration_minutes=45,
            mode="meeting",
            place="Hjemme hos Mira, Storgata 1",
            note="Vi snakker om BUP-timen.",
        )
        casework.appointment_cancel(actor=advisor, appointment=appointment, reason="Mira er syk")
    (candidate,) = services.retention_candidates(youth.county, today=date(2030, 1, 1))
    archive.make_extract(
        actor=leader, county=youth.county, closed_before=date(2025, 1, 1), out=tmp_path
    )
    services.anonymise(actor=leader, candidate=candidate)
    kept = Appointment.objects.get(pk=appointment.pk)
    assert (kept.place, kept.note, kept.cancel_reason) == ("", "", "")
    assert kept.starts_at == at("2024-02-05 09:00")
    assert kept.ends_at - kept.starts_at == timedelta(minutes=45) and kept.mode == "meeting"
