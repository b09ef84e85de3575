"""Writes of subject training and exams. Each is one transaction and one audit event."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from veiviser import policy
from veiviser.audit import services as audit
from veiviser.exams import rules
from veiviser.exams.models import ExamEntry, Result, Subject
from veiviser.problems import Problem, require_none
from veiviser.registry.models import Registration


def subject_upsert(*, actor, code: str, name: str, active: bool = True) -> Subject:
    """Add a subject or rename it (by its Udir subject code). Subjects are national, so only
    the system (an operator) or the Django admin keeps them."""
    code = code.strip().upper()
    problems = []
    if not code or not code.isalnum():
        problems.append(Problem("code", _("a subject code is letters and digits, e.g. NOR1211")))
    if not name.strip():
        problems.append(Problem("name", _("a subject needs a name")))
    require_none(problems)
    with transaction.atomic():
        subject, created = Subject.objects.update_or_create(
            code=code, defaults={"name": name.strip(), "active": active}
        )
        audit.log(
            actor,
            "exams.subject.created" if created else "exams.subject.updated",
            subject,
            county="",
            data={"code": code},
        )
    return subject


def exam_entry_register(
    *,
    actor,
    registration: Registration,
    subject: Subject,
    exam_date,
    training: str = "",
    training_hours: int | None = None,
) -> ExamEntry:
    """Register the youth for an exam in `subject` on `exam_date`, with the subject training OT
    gives towards it. The same subject on the same day twice is refused (a retry does nothing
    twice)."""
    policy.require(actor, policy.CHANGE, registration)
    problems = rules.exam_date_problems(exam_date, registration.school_year)
    if not subject.active:
        problems.append(Problem("subject", _("the subject is no longer offered")))
    if ExamEntry.objects.filter(
        registration=registration, subject=subject, exam_date=exam_date
    ).exists():
        problems.append(
            Problem("subject", _("the youth is already registered for this exam on that day"))
        )
    require_none(problems)
    try:
        with transaction.atomic():
            entry = ExamEntry.objects.create(
                county_id=registration.county_id,
                registration=registration,
                subject=subject,
                exam_date=exam_date,
                training=training.strip(),
                training_hours=training_hours,
                created_by=actor,
            )
            audit.log(
                actor,
                "exams.entry.registered",
                entry,
                data={"registration": registration.pk, "subject": subject.code},
            )
    except IntegrityError:  # a concurrent twin of the same request
        require_none(
            [Problem("subject", _("the youth is already registered for this exam on that day"))]
        )
    return entry


def exam_result_record(*, actor, entry: ExamEntry, result: str, grade: int | None = None):
    """Record (or correct) the result of an exam: passed, not passed, or withdrawn, with the
    grade where there is one (`rules.result_problems`). Each recording is audited with the
    result it replaced."""
    policy.require(actor, policy.CHANGE, entry.registration)
    require_none(rules.result_problems(result, grade))
    with transaction.atomic():
        before = {"result": entry.result, "grade": entry.grade}
        entry.result = result
        entry.grade = grade
        entry.result_recorded_at = None if result == Result.PENDING else timezone.now()
        entry.result_recorded_by = None if result == Result.PENDING else actor
        entry.save(update_fields=["result", "grade", "result_recorded_at", "result_recorded_by"])
        audit.log(
            actor,
            "exams.entry.result_recorded",
            entry,
            data={"result": result, "grade": grade, "before": before},
        )
    return entry
