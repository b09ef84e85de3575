"""Appointments with the youth (casework.services.appointment_*): booking, moving, cancelling,
recording a held one as a contact; the policy, the audit trail, and the selectors that find the
next one."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from veiviser.audit.models import AuditEvent
from veiviser.casework import selectors
from veiviser.casework import services as casework
from veiviser.casework.models import Appointment, Contact
from veiviser.organisation.models import Role
from veiviser.problems import ValidationFailed
from veiviser.registry import services as registry

pytestmark = pytest.mark.django_db

OSLO = ZoneInfo("Europe/Oslo")
NOW = datetime(2025, 3, 3, 9, 0, tzinfo=OSLO)  # a Monday morning
MONDAY_AT_TEN = datetime(2025, 3, 10, 10, 0, tzinfo=OSLO)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _register(make_person, unit, advisor=None, birth=date(2006, 3, 14)):
    registration = registry.registration_create(
        actor=None,
        person=make_person(birth_date=birth),
        school_year=2024,
        registered_on=date(2024, 8, 20),
        reason="not_applied",
        unit=unit,
    )
    if advisor:
        registry.registration_assign(actor=None, registration=registration, advisor=advisor)
    return registration


@pytest.fixture
def registration(make_person, tonsberg, advisor):
    return _register(make_person, tonsberg, advisor)


def book(actor, registration, **changes):
    fields = {
        "starts_at": MONDAY_AT_TEN,
        "duration_minutes": 45,
        "mode": "meeting",
        "place": "OT Tønsberg, møterom 2",
        "note": "Ta med vitnemålet.",
    }
    fields.update(changes)
    return casework.appointment_book(actor=actor, registration=registration, **fields)


def test_booking_keeps_time_length_place_and_advisor_and_is_audited(registration, advisor):
    appointment = book(advisor, registration)
    assert appointment.county_id == registration.county_id
    assert appointment.ends_at - appointment.starts_at == timedelta(minutes=45)
    assert appointment.duration_minutes == 45
    assert appointment.advisor == advisor  # the registration's advisor by default
    assert appointment.created_by == advisor
    event = AuditEvent.objects.get(action="casework.appointment.booked")
    assert event.object_id == str(appointment.pk) and event.county == "39"
    assert event.data == {
        "registration": registration.pk,
        "starts_at": "2025-03-10T09:00:00+00:00",
        "mode": "meeting",
    }
    # No free text of the youth's in the trail.
    assert "vitnemålet" not in str(event.data)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"starts_at": NOW - timedelta(minutes=1)}, "starts_at"),
        ({"starts_at": NOW + timedelta(days=400)}, "starts_at"),
        ({"starts_at": datetime(2025, 3, 10, 10, 0)}, "starts_at"),  # no time zone
        ({"duration_minutes": 0}, "duration_minutes"),
        ({"duration_minutes": 600}, "duration_minutes"),
        ({"mode": "carrier_pigeon"}, "mode"),
        ({"mode": "meeting", "place": "  "}, "place"),
        ({"place": "x" * 201}, "place"),
        ({"note": "x" * 1001}, "note"),
    ],
)
def test_bad_input_is_refused_with_the_field_that_is_wrong(registration, advisor, changes, field):
    with pytest.raises(ValidationFailed) as failed:
        book(advisor, registration, **changes)
    assert [p.field for p in failed.value.problems] == [field]
    assert not Appointment.objects.exists()
    assert not AuditEvent.objects.filter(action="casework.appointment.booked").exists()


def test_a_call_needs_no_place(registration, advisor):
    appointment = book(advisor, registration, mode="phone", place="")
    assert appointment.where == "Phone call"
    video = book(advisor, registration, mode="video", place="Lenke kommer på SMS")
    assert video.where == "Video call: Lenke kommer på SMS"


def test_the_advisor_must_be_staff_of_the_county_who_follows_up_youths(
    registration, advisor, staff, telemark
):
    stranger = staff("gro", Role.ADVISOR, county=telemark)
    leader = staff("lise", Role.COUNTY_LEADER)
    for other in (stranger, leader):
        with pytest.raises(ValidationFailed) as failed:
            book(advisor, registration, advisor=other)
        assert [p.field for p in failed.value.problems] == ["advisor"]


def test_only_those_who_may_change_the_registration_book(registration, make_person, horten, staff):
    colleague = staff("per", Role.ADVISOR, horten)
    leader = staff("lise", Role.COUNTY_LEADER)
    for actor in (colleague, leader):
        with pytest.raises(PermissionDenied):
            book(actor, registration)
    assert not Appointment.objects.exists()


def test_moving_changes_the_time_remembers_the_move_and_audits_from_and_to(registration, advisor):
    appointment = book(advisor, registration)
    later = MONDAY_AT_TEN + timedelta(days=1, hours=3)
    moved = casework.appointment_move(
        actor=advisor,
        appointment=appointment,
        starts_at=later,
        duration_minutes=60,
        mode="meeting",
        place="OT Tønsberg, møterom 2",
        note="Ta med vitnemålet.",
    )
    assert (moved.starts_at, moved.duration_minutes) == (later, 60)
    assert moved.moved_at == NOW
    event = AuditEvent.objects.get(action="casework.appointment.moved")
    assert event.data["from"] == "2025-03-10T09:00:00+00:00"
    assert event.data["to"] == "2025-03-11T12:00:00+00:00"
    assert event.data["changed"] == ["ends_at", "starts_at"]


def test_changing_only_the_note_is_no_move_and_saving_unchanged_writes_nothing(
    registration, advisor
):
    appointment = book(advisor, registration)
    fields = {
        "starts_at": MONDAY_AT_TEN,
        "duration_minutes": 45,
        "mode": "meeting",
        "place": "OT Tønsberg, møterom 2",
    }
    casework.appointment_move(actor=advisor, appointment=appointment, note="Ny tekst", **fields)
    appointment.refresh_from_db()
    assert appointment.moved_at is None and appointment.note == "Ny tekst"
    casework.appointment_move(actor=advisor, appointment=appointment, note="Ny tekst", **fields)
    assert AuditEvent.objects.filter(action="casework.appointment.moved").count() == 1


def test_cancelling_needs_a_reason_keeps_the_row_and_cannot_be_undone(registration, advisor):
    appointment = book(advisor, registration)
    with pytest.raises(ValidationFailed) as failed:
        casework.appointment_cancel(actor=advisor, appointment=appointment, reason=" ")
    assert [p.field for p in failed.value.problems] == ["reason"]
    casework.appointment_cancel(actor=advisor, appointment=appointment, reason="Rådgiver syk")
    appointment.refresh_from_db()
    assert appointment.cancelled_at == NOW and appointment.cancelled_by == advisor
    assert appointment.cancel_reason == "Rådgiver syk"
    assert AuditEvent.objects.filter(action="casework.appointment.cancelled").count() == 1
    with pytest.raises(ValidationFailed):
        casework.appointment_cancel(actor=advisor, appointment=appointment, reason="Igjen")
    with pytest.raises(ValidationFailed):
        casework.appointment_move(
            actor=advisor,
            appointment=appointment,
            starts_at=MONDAY_AT_TEN + timedelta(days=1),
            duration_minutes=45,
            mode="phone",
        )


def test_a_held_appointment_becomes_a_contact_in_one_step(registration, advisor, frozen):
    appointment = book(advisor, registration, mode="video", place="")
    with pytest.raises(ValidationFailed) as failed:
        casework.appointment_held(actor=advisor, appointment=appointment, outcome="reached")
    assert [p.field for p in failed.value.problems] == ["appointment"]  # not begun yet
    frozen.move_to(MONDAY_AT_TEN + timedelta(hours=2))
    contact = casework.appointment_held(
        actor=advisor, appointment=appointment, outcome="reached", note="Snakket om skole."
    )
    assert (contact.at, contact.channel, contact.outcome) == (MONDAY_AT_TEN, "video", "reached")
    assert contact.establishes_contact and contact.recorded_by == advisor
    appointment.refresh_from_db()
    assert appointment.contact == contact
    assert AuditEvent.objects.filter(action="casework.contact.recorded").count() == 1
    held = AuditEvent.objects.get(action="casework.appointment.held")
    assert held.data["contact"] == contact.pk
    # Once only, and a recorded appointment is no longer cancelled or moved.
    with pytest.raises(ValidationFailed):
        casework.appointment_held(actor=advisor, appointment=appointment, outcome="reached")
    with pytest.raises(ValidationFailed):
        casework.appointment_cancel(actor=advisor, appointment=appointment, reason="For sent")
    assert Contact.objects.count() == 1


def test_a_youth_who_did_not_come_is_a_contact_attempt(registration, advisor, frozen):
    appointment = book(advisor, registration)
    frozen.move_to(MONDAY_AT_TEN + timedelta(hours=1))
    contact = casework.appointment_held(actor=advisor, appointment=appointment, outcome="no_answer")
    assert (contact.channel, contact.establishes_contact) == ("meeting", False)
    with pytest.raises(ValidationFailed):
        casework.appointment_held(
            actor=advisor, appointment=book(advisor, registration), outcome="guardian"
        )


def test_the_next_appointment_skips_cancelled_and_past_ones(registration, advisor, frozen):
    first = book(advisor, registration)
    second = book(advisor, registration, starts_at=MONDAY_AT_TEN + timedelta(days=2))
    third = book(advisor, registration, starts_at=MONDAY_AT_TEN + timedelta(days=7))
    casework.appointment_cancel(actor=advisor, appointment=second, reason="Flyttet")
    loaded = list(Appointment.objects.all())
    assert selectors.next_appointment(loaded, now=NOW) == first
    # While the first goes on, it is still the next; after it, the cancelled one is skipped.
    assert selectors.next_appointment(loaded, now=MONDAY_AT_TEN + timedelta(minutes=30)) == first
    assert selectors.next_appointment(loaded, now=MONDAY_AT_TEN + timedelta(hours=1)) == third
    assert [a.pk for a in selectors.upcoming(loaded, now=MONDAY_AT_TEN + timedelta(hours=1))] == [
        second.pk,
        third.pk,
    ]


def test_the_youths_own_appointments_are_theirs_only(registration, advisor, make_person, tonsberg):
    other = _register(make_person, tonsberg, advisor, birth=date(2006, 4, 4))
    mine = book(advisor, registration)
    theirs = book(advisor, other)
    assert selectors.youth_appointments(registration.person, now=NOW) == [mine]
    assert selectors.youth_appointment(registration.person, mine.pk) == mine
    from django.http import Http404

    with pytest.raises(Http404):
        selectors.youth_appointment(registration.person, theirs.pk)
