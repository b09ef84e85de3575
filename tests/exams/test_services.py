from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from veiviser.audit.models import AuditEvent
from veiviser.exams import services
from veiviser.exams.models import ExamEntry, Result
from veiviser.organisation import services as organisation
from veiviser.organisation.models import Role
from veiviser.problems import ValidationFailed

pytestmark = pytest.mark.django_db


def test_advisor_registers_her_youth_for_an_exam_and_it_is_audited(advisor, register, norsk):
    registration = register()
    entry = services.exam_entry_register(
        actor=advisor,
        registration=registration,
        subject=norsk,
        exam_date=date(2024, 5, 30),
        training="Subject training at the unit",
        training_hours=40,
    )
    assert entry.result == Result.PENDING
    assert entry.county_id == registration.county_id
    event = AuditEvent.objects.get(action="exams.entry.registered")
    assert event.object_id == str(entry.pk) and event.county == "39"


def test_the_same_exam_twice_is_refused_and_nothing_is_written(advisor, register, norsk):
    registration = register()
    kw = dict(actor=advisor, registration=registration, subject=norsk, exam_date=date(2024, 5, 30))
    services.exam_entry_register(**kw)
    with pytest.raises(ValidationFailed) as failed:
        services.exam_entry_register(**kw)
    assert failed.value.problems[0].field == "subject"
    assert ExamEntry.objects.count() == 1


def test_an_exam_outside_the_school_year_is_refused(advisor, register, norsk):
    with pytest.raises(ValidationFailed) as failed:
        services.exam_entry_register(
            actor=advisor, registration=register(), subject=norsk, exam_date=date(2024, 8, 15)
        )
    assert failed.value.problems[0].field == "exam_date"
    assert not ExamEntry.objects.exists()


def test_result_is_recorded_and_corrected_with_the_old_value_in_the_trail(advisor, register, norsk):
    entry = services.exam_entry_register(
        actor=advisor, registration=register(), subject=norsk, exam_date=date(2024, 5, 30)
    )
    services.exam_result_record(actor=advisor, entry=entry, result=Result.PASSED, grade=4)
    services.exam_result_record(actor=advisor, entry=entry, result=Result.NOT_PASSED, grade=1)
    entry.refresh_from_db()
    assert (entry.result, entry.grade) == (Result.NOT_PASSED, 1)
    last = AuditEvent.objects.filter(action="exams.entry.result_recorded").latest("pk")
    assert last.data["before"] == {"result": "passed", "grade": 4}


def test_a_grade_that_contradicts_the_result_is_refused(advisor, register, norsk):
    entry = services.exam_entry_register(
        actor=advisor, registration=register(), subject=norsk, exam_date=date(2024, 5, 30)
    )
    with pytest.raises(ValidationFailed):
        services.exam_result_record(actor=advisor, entry=entry, result=Result.PASSED, grade=1)
    entry.refresh_from_db()
    assert entry.result == Result.PENDING


def test_advisor_of_another_unit_cannot_register_or_record(vestfold, horten, register, norsk):
    registration = register()
    per = organisation.staff_user_create(
        actor=None,
        username="per",
        password="pw-123456789",
        role=Role.ADVISOR,
        county=vestfold,
        unit=horten,
    )
    with pytest.raises(PermissionDenied):
        services.exam_entry_register(
            actor=per, registration=registration, subject=norsk, exam_date=date(2024, 5, 30)
        )
    entry = services.exam_entry_register(
        actor=None, registration=registration, subject=norsk, exam_date=date(2024, 5, 30)
    )
    with pytest.raises(PermissionDenied):
        services.exam_result_record(actor=per, entry=entry, result=Result.PASSED)


def test_subject_upsert_normalises_the_code_and_rejects_an_empty_name(db):
    subject = services.subject_upsert(actor=None, code=" kro1017 ", name="Kroppsøving")
    assert subject.code == "KRO1017"
    with pytest.raises(ValidationFailed):
        services.subject_upsert(actor=None, code="X 1", name="")
