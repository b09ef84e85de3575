"""Batched reads of the duties against the database: the same answers as the pure engine,
letters from the letters app, the county's deadlines, the figures and the CLI."""

import json
from datetime import date

import pytest
import time_machine
from django.core.management import call_command

from tests.conftest import at
from veiviser.audit.models import AuditEvent
from veiviser.casework import services as casework
from veiviser.codes.selectors import kodeverk
from veiviser.duties import engine, selectors
from veiviser.duties.models import DeadlineSettings
from veiviser.duties.services import deadline_settings_ensure
from veiviser.registry import services as registry

pytestmark = pytest.mark.django_db

REGISTERED = date(2024, 8, 20)


@pytest.fixture
def register(make_person, tonsberg, advisor):
    days = iter(range(1, 29))

    def make(given="Ola", birth_date=None, registered_on=REGISTERED):
        birth_date = birth_date or date(2004, 3, next(days))
        registration = registry.registration_create(
            actor=None,
            person=make_person(birth_date=birth_date, given=given),
            school_year=2024,
            registered_on=registered_on,
            reason="not_applied",
            unit=tonsberg,
        )
        registry.registration_assign(actor=None, registration=registration, advisor=advisor)
        return registration

    return make


def send_letter(registration, audience: str, when: str):
    from veiviser.letters.models import Letter, LetterTemplate

    template, _ = LetterTemplate.objects.get_or_create(
        key=f"info-{audience}",
        defaults={"kind": "information", "audience": audience, "title": "Info", "body": "x"},
    )
    letter = Letter.objects.create(
        county_id=registration.county_id,
        registration=registration,
        template=template,
        kind="information",
        audience=audience,
        recipient_name="Mottaker",
        title="Info",
        pdf=b"%PDF",
        sha256="0" * 64,
    )
    type(letter).objects.filter(pk=letter.pk).update(created_at=at(when))
    return letter


def test_next_duty_of_a_new_registration_is_first_contact(register):
    registration = register()
    found = selectors.next_duties(kodeverk(), [registration], on=date(2024, 8, 21))
    duty = found[registration.pk]
    assert (duty.kind, duty.due, duty.state) == (
        engine.Kind.FIRST_CONTACT,
        date(2024, 8, 27),
        engine.State.DUE,
    )


def test_a_recorded_contact_meets_first_contact(register):
    registration = register()
    contact = casework.contact_record(
        actor=None,
        registration=registration,
        at=at("2024-08-22 10:00"),
        channel="phone",
        outcome="reached",
    )
    rows = selectors.open_duties(
        kodeverk(), type(registration).objects.filter(pk=registration.pk), on=date(2024, 9, 1)
    )
    kinds = [r.duty.kind for r in rows]
    assert engine.Kind.FIRST_CONTACT not in kinds
    assert engine.Kind.PLAN in kinds
    case = selectors.cases_for(selectors._rows(type(registration).objects.all()), [registration.pk])
    assert case[registration.pk].contacts[0].pk == contact.pk


def test_an_information_letter_meets_the_information_duty(register):
    registration = register(birth_date=date(2008, 1, 1))
    send_letter(registration, "youth", "2024-08-25 09:00")
    duties = engine.duties_of(
        selectors.cases_for(selectors._rows(type(registration).objects.all()), [registration.pk])[
            registration.pk
        ],
        engine.Deadlines(),
        date(2024, 9, 10),
        kodeverk().status_main_group,
    )
    states = {d.kind: d.state for d in duties}
    assert states[engine.Kind.INFORMATION_YOUTH] == engine.State.MET
    assert states[engine.Kind.INFORMATION_GUARDIAN] == engine.State.OVERDUE


def test_the_countys_deadlines_are_used(register, vestfold):
    registration = register()
    DeadlineSettings.objects.create(county=vestfold, first_contact_days=2)
    duty = selectors.next_duties(kodeverk(), [registration], on=date(2024, 8, 21))[registration.pk]
    assert duty.due == date(2024, 8, 22)


def test_deadline_settings_are_created_with_the_defaults_once_and_audited(vestfold):
    first = deadline_settings_ensure(actor=None, county=vestfold)
    again = deadline_settings_ensure(actor=None, county=vestfold)
    assert first.pk == again.pk
    assert first.deadlines() == engine.Deadlines()
    assert AuditEvent.objects.filter(action="duties.deadline_settings.created").count() == 1


def test_next_duties_takes_a_constant_number_of_queries(register, django_assert_max_num_queries):
    registrations = [register(given=f"U{n}") for n in range(6)]
    for registration in registrations:
        casework.contact_record(
            actor=None,
            registration=registration,
            at=at("2024-08-22 10:00"),
            channel="sms",
            outcome="no_answer",
        )
    kv = kodeverk()
    with django_assert_max_num_queries(6):
        selectors.next_duties(kv, registrations, on=date(2024, 9, 1))


def test_county_figures_share_contacted_within_the_deadline(register, vestfold):
    on_time, late, _never = register(given="A"), register(given="B"), register(given="C")
    for registration, when in ((on_time, "2024-08-22 10:00"), (late, "2024-09-10 10:00")):
        casework.contact_record(
            actor=None, registration=registration, at=at(when), channel="phone", outcome="reached"
        )
    casework.plan_save(
        actor=None, registration=on_time, goals="Skole", steps="", agreed_on=date(2024, 9, 1)
    )
    figures = selectors.county_figures(kodeverk(), vestfold, school_year=2024, on=date(2024, 10, 1))
    assert figures["registrations"] == 3
    assert figures["contacted_within_deadline"] == {"youths": 1, "of": 3, "share": 0.3333}
    assert figures["plans"]["met_on_time"] == 1
    assert figures["plans"]["not_yet_due"] == 1  # B: contact on 10 Sep, plan due 10 Oct
    assert figures["not_computed"] == []  # the work-practice follow-ups are computed now
    assert figures["duties"]["follow_up_youth"]["duties"] == 0


@time_machine.travel("2024-09-15 12:00 +02:00", tick=False)
def test_the_command_prints_the_figures_as_json_at_today(register, capsys):
    register()
    call_command("duties", county="39", school_year=2024, format="json")
    figures = json.loads(capsys.readouterr().out)
    assert figures["date"] == "2024-09-15"
    assert figures["contacted_within_deadline"] == {"youths": 0, "of": 1, "share": 0.0}


def test_the_command_prints_text_at_a_date(register, capsys):
    register()
    call_command("duties", county="39", school_year=2024, date="2024-08-21")
    out = capsys.readouterr().out
    assert "Contacted within the deadline: 0 of 0" in out
    assert "first_contact" in out


def test_the_command_refuses_a_date_outside_the_school_year(vestfold):
    from django.core.management import CommandError

    with pytest.raises(CommandError):
        call_command("duties", county="39", school_year=2024, date="2026-01-01")


def test_blocked_letters_to_guardians_take_away_the_guardian_duty(register):
    from veiviser.letters.models import LetterBlock

    minor = register(birth_date=date(2008, 1, 1))
    LetterBlock.objects.create(person=minor.person, reason="Sperret adresse")
    rows = selectors.open_duties(
        kodeverk(), type(minor).objects.filter(pk=minor.pk), on=date(2024, 9, 10)
    )
    kinds = {r.duty.kind for r in rows}
    assert engine.Kind.INFORMATION_YOUTH in kinds
    assert engine.Kind.INFORMATION_GUARDIAN not in kinds


def test_a_guardian_letter_sent_before_the_block_stays_met(register):
    from veiviser.letters.models import LetterBlock

    minor = register(birth_date=date(2008, 1, 1))
    send_letter(minor, "guardian", "2024-08-25 09:00")
    LetterBlock.objects.create(person=minor.person, reason="Sperret adresse")
    case = selectors.cases_for(selectors._rows(type(minor).objects.all()), [minor.pk])[minor.pk]
    assert case.guardian_letters_blocked
    duties = engine.duties_of(
        case, engine.Deadlines(), date(2024, 9, 10), kodeverk().status_main_group
    )
    states = {d.kind: d.state for d in duties}
    assert states[engine.Kind.INFORMATION_GUARDIAN] == engine.State.MET


def test_next_duties_honour_the_block_in_the_same_queries(register, django_assert_max_num_queries):
    from veiviser.letters.models import LetterBlock

    minor = register(birth_date=date(2008, 1, 1))
    other = register(birth_date=date(2008, 2, 2))
    LetterBlock.objects.create(person=minor.person, reason="Barnevern")
    for registration in (minor, other):
        casework.contact_record(
            actor=None,
            registration=registration,
            at=at("2024-08-22 10:00"),
            channel="sms",
            outcome="no_answer",
        )
    send_letter(minor, "youth", "2024-08-25 09:00")
    send_letter(other, "youth", "2024-08-25 09:00")
    kv = kodeverk()
    with django_assert_max_num_queries(6):
        found = selectors.next_duties(kv, [minor, other], on=date(2024, 9, 5))
    assert found[other.pk].kind == engine.Kind.INFORMATION_GUARDIAN
    assert found[minor.pk].kind != engine.Kind.INFORMATION_GUARDIAN
