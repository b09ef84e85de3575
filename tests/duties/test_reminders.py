"""The daily reminder of overdue duties: one plain-text e-mail per advisor (locmem outbox),
initials and registration numbers only, a link to /plikter/, audited; the command and the task."""

from datetime import date

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.test import override_settings

from veiviser.audit.models import AuditEvent
from veiviser.codes.selectors import kodeverk
from veiviser.duties import services
from veiviser.organisation import services as organisation
from veiviser.organisation.models import Role
from veiviser.registry import services as registry

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("locmem_mail"),
]

REGISTERED = date(2024, 8, 20)
TODAY = "2024-09-15 07:00 +02:00"  # first contact (due 27.8.) and information (3.9.) overdue


@pytest.fixture
def locmem_mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.VEIVISER_BASE_URL = "https://ot.example.no"


@pytest.fixture
def caseload(make_person, tonsberg, advisor):
    advisor.email = "kari@example.no"
    advisor.save()
    registration = registry.registration_create(
        actor=None,
        person=make_person(birth_date=date(2004, 3, 1), given="Ola Johan", family="Nordmann"),
        school_year=2024,
        registered_on=REGISTERED,
        reason="not_applied",
        unit=tonsberg,
    )
    registry.registration_assign(actor=None, registration=registration, advisor=advisor)
    return registration


@time_machine.travel(TODAY, tick=False)
def test_each_advisor_gets_one_digest_of_their_overdue_duties(caseload, advisor):
    reminders = services.reminders_send(kodeverk(), on=date(2024, 9, 15))
    assert [(r.advisor, r.count, r.sent) for r in reminders] == [(advisor, 2, True)]
    (message,) = mail.outbox
    assert message.to == ["kari@example.no"]
    assert message.subject == "Veiviser: 2 forfalte plikter"
    body = message.body
    assert f"O.J.N. (tilmelding {caseload.pk}): Første kontaktforsøk, frist 27.8.2024" in body
    assert "https://ot.example.no/plikter/" in body
    # data minimisation: no names, no identity number
    person = caseload.person
    assert "Nordmann" not in body and "Ola" not in body
    assert person.fnr not in body
    assert not message.alternatives  # plain text


@time_machine.travel(TODAY, tick=False)
def test_each_digest_sent_is_audited_without_personal_data(caseload, advisor):
    services.reminders_send(kodeverk(), on=date(2024, 9, 15))
    (event,) = AuditEvent.objects.filter(action="duties.reminder.sent")
    assert event.county == "39"
    assert event.object_id == str(advisor.pk)
    assert event.data == {"overdue": 2, "date": "2024-09-15"}


@time_machine.travel(TODAY, tick=False)
def test_no_overdue_duties_no_mail(caseload):
    assert services.reminders_send(kodeverk(), on=date(2024, 8, 21)) == []
    assert mail.outbox == []


@time_machine.travel(TODAY, tick=False)
def test_an_advisor_without_an_email_address_is_skipped(caseload, advisor):
    advisor.email = ""
    advisor.save()
    (reminder,) = services.reminders_send(kodeverk(), on=date(2024, 9, 15))
    assert (reminder.sent, reminder.skipped) == (False, "no_email")
    assert mail.outbox == []
    assert not AuditEvent.objects.filter(action="duties.reminder.sent").exists()


@time_machine.travel(TODAY, tick=False)
def test_the_command_sends_and_the_dry_run_only_lists(caseload, capsys):
    call_command("remind", "--county", "39", "--dry-run")
    assert mail.outbox == []
    assert "kari: 2" in capsys.readouterr().out
    assert not AuditEvent.objects.filter(action="duties.reminder.sent").exists()
    call_command("remind", "--county", "39", "--date", "2024-09-15")
    assert len(mail.outbox) == 1


@time_machine.travel(TODAY, tick=False)
def test_another_countys_run_sends_nothing(caseload, telemark):
    call_command("remind", "--county", telemark.number)
    assert mail.outbox == []


@time_machine.travel(TODAY, tick=False)
def test_inactive_advisors_get_no_mail(caseload, advisor):
    advisor.is_active = False
    advisor.save()
    assert services.reminders_send(kodeverk(), on=date(2024, 9, 15)) == []


@time_machine.travel(TODAY, tick=False)
@override_settings(
    TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
)
def test_the_task_does_the_same_for_a_scheduler(caseload):
    from veiviser.duties.tasks import reminders_task

    result = reminders_task.enqueue(county="39")
    assert result.return_value == {"date": "2024-09-15", "digests": 1, "sent": 1, "skipped": 0}
    assert len(mail.outbox) == 1


def test_a_coordinators_own_caseload_counts_too(make_person, tonsberg, vestfold):
    coordinator = organisation.staff_user_create(
        actor=None,
        username="trine",
        password="pw-123456789",
        role=Role.UNIT_COORDINATOR,
        county=vestfold,
        unit=tonsberg,
    )
    coordinator.email = "trine@example.no"
    coordinator.save()
    registration = registry.registration_create(
        actor=None,
        person=make_person(birth_date=date(2004, 3, 2)),
        school_year=2024,
        registered_on=REGISTERED,
        reason="not_applied",
        unit=tonsberg,
    )
    registry.registration_assign(actor=None, registration=registration, advisor=coordinator)
    (reminder,) = services.reminders_send(kodeverk(), on=date(2024, 9, 15), dry_run=True)
    assert reminder.advisor == coordinator
    assert mail.outbox == []
