"""`veiviser tasks`: failed background tasks listed and queued again through their letter batch,
report or intake run; a retry is audited and idempotent (docs/operations.md, "Failed tasks")."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from django_tasks_db.models import DBTaskResult

from tests.intake.conftest import csv_bytes, row
from veiviser.audit.models import AuditEvent
from veiviser.intake import services as intake
from veiviser.intake.models import RunStatus
from veiviser.letters import services as letters
from veiviser.letters.models import BatchStatus, Letter
from veiviser.people.models import Guardian
from veiviser.registry import services as registry
from veiviser.reports import services as reports
from veiviser.reports.models import ReportStatus

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """The messages are quoted in their English source text."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def keep_the_connection(monkeypatch):
    # The worker closes "old" connections between tasks; inside the test's transaction that
    # would close the test's own PostgreSQL connection.
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )


def work():
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)


def tasks(*args) -> str:
    out = StringIO()
    call_command("tasks", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def failed_batch(make_person, tonsberg, vestfold, django_capture_on_commit_callbacks, monkeypatch):
    """An information-letter batch for a youth of 16 and her guardian whose task failed in the
    worker: the PDF renderer broke after the youth's letter was made."""
    person = make_person(birth_date=date(2009, 5, 2), given="Mia")
    Guardian.objects.create(person=person, name="Anne Prøvesen", address="Storgata 1")
    registry.registration_create(
        actor=None,
        person=person,
        school_year=2025,
        registered_on=date(2025, 8, 20),
        reason="not_applied",
        unit=tonsberg,
    )
    with django_capture_on_commit_callbacks(execute=True):
        batch = letters.batch_start(actor=None, county=vestfold, since=date(2025, 8, 1))
    real = letters.render.html_to_pdf
    calls = []

    def breaks_the_second_time(html):
        calls.append(html)
        if len(calls) > 1:
            raise OSError("pango is missing")
        return real(html)

    with monkeypatch.context() as patched:
        patched.setattr("veiviser.letters.render.html_to_pdf", breaks_the_second_time)
        work()
    batch.refresh_from_db()
    assert batch.status == BatchStatus.FAILED and Letter.objects.count() == 1
    return batch


def test_the_list_shows_failed_tasks_with_what_they_are_about_and_the_error(failed_batch):
    listing = tasks("list", "--status", "failed")
    assert failed_batch.task_id in listing
    assert f"letter batch {failed_batch.pk}, county 39, failed" in listing
    assert "OSError: pango is missing" in listing
    assert tasks("list", "--status", "ready").strip() == "No tasks."


def test_retrying_a_failed_batch_queues_it_again_once_and_makes_the_rest(failed_batch):
    failed_task = failed_batch.task_id
    out = tasks("retry", failed_task)
    failed_batch.refresh_from_db()
    assert failed_batch.status == BatchStatus.QUEUED and failed_batch.task_id != failed_task
    assert f"queued again as task {failed_batch.task_id}" in out
    event = AuditEvent.objects.get(action="letters.batch.retried")
    assert (event.actor, event.county) == (None, "39")
    assert event.data == {"failed_task": failed_task, "task": failed_batch.task_id}

    # Idempotent: the same task again, or every failed one, queues nothing more.
    assert "not failed: nothing to do" in tasks("retry", failed_task)
    assert "not failed: nothing to do" in tasks("retry", "--failed")
    assert DBTaskResult.objects.count() == 2
    assert AuditEvent.objects.filter(action="letters.batch.retried").count() == 1

    work()
    failed_batch.refresh_from_db()
    # The youth's letter made before the failure is kept; the guardian's is made now.
    assert (failed_batch.status, failed_batch.done) == (BatchStatus.DONE, 1)
    assert sorted(Letter.objects.values_list("audience", flat=True)) == ["guardian", "youth"]
    # After the batch finished, the old failed task still does nothing.
    assert "done, not failed: nothing to do" in tasks("retry", failed_task)
    assert f"(started again as task {failed_batch.task_id})" in tasks("list")


def test_a_failed_report_is_queued_again(vestfold, django_capture_on_commit_callbacks, monkeypatch):
    with django_capture_on_commit_callbacks(execute=True):
        report = reports.report_queue(actor=None, county=vestfold, school_year=2024)

    def broken(*args, **kwargs):
        raise RuntimeError("out of memory")

    with monkeypatch.context() as patched:
        patched.setattr("veiviser.reports.document.build", broken)
        work()
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
    failed_task = report.task_id
    out = tasks("retry", "--failed")
    report.refresh_from_db()
    assert (report.status, report.error) == (ReportStatus.QUEUED, "")
    assert f"annual report {report.pk} is queued again as task {report.task_id}" in out
    assert DBTaskResult.objects.get(pk=report.task_id).args_kwargs["args"] == [report.pk]
    assert (
        AuditEvent.objects.get(action="reports.report.retried").data["failed_task"] == failed_task
    )
    assert "nothing to do" in tasks("retry", failed_task)


def test_a_failed_intake_run_is_queued_again_and_applied(
    vestfold, tonsberg, django_capture_on_commit_callbacks, monkeypatch
):
    run = intake.run_preview(
        actor=None, county=vestfold, filename="inntak.csv", data=csv_bytes([row()])
    )
    with django_capture_on_commit_callbacks(execute=True):
        intake.run_confirm(actor=None, run=run, sha256=run.sha256)

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    with monkeypatch.context() as patched:
        patched.setattr("veiviser.intake.services._write", broken)
        work()
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    tasks("retry", run.task_id)
    run.refresh_from_db()
    assert run.status == RunStatus.QUEUED
    assert AuditEvent.objects.filter(action="intake.run.retried").count() == 1
    work()
    run.refresh_from_db()
    assert (run.status, run.created) == (RunStatus.DONE, 1)


def test_the_daily_reminder_and_unknown_tasks_are_not_retried():
    from veiviser.duties.tasks import reminders_task

    result = reminders_task.enqueue(on="2025-09-15")
    failed = DBTaskResult.objects.get(pk=result.id)
    failed.set_failed(RuntimeError("SMTP refused"))
    err = StringIO()
    with pytest.raises(CommandError, match="1 task"):
        call_command("tasks", "retry", str(failed.pk), stdout=StringIO(), stderr=err)
    assert "veiviser remind --date D" in err.getvalue()
    assert DBTaskResult.objects.count() == 1
    with pytest.raises(CommandError, match="no task"):
        tasks("retry", "00000000-0000-0000-0000-000000000000")
    with pytest.raises(CommandError, match="no task"):
        tasks("retry", "not-a-uuid")
    with pytest.raises(CommandError, match="not both"):
        tasks("retry")
    # --failed looks at every failed task and leaves the reminder as it is.
    assert "not retried" in tasks("retry", "--failed")
