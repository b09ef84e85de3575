"""The daily jobs of `veiviser worker`: enqueued once a day, at their time, on their days."""

from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from veiviser.jobs import schedule
from veiviser.jobs.models import ScheduledRun

pytestmark = pytest.mark.django_db

MONDAY_0630 = datetime(2026, 11, 23, 5, 30, tzinfo=UTC)  # 06:30 in Oslo
MONDAY_0700 = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)
SATURDAY_0900 = datetime(2026, 11, 28, 8, 0, tzinfo=UTC)


def test_not_before_its_time_and_not_at_weekends():
    assert schedule.enqueue_due(MONDAY_0630) == []
    assert schedule.enqueue_due(SATURDAY_0900) == []
    assert not ScheduledRun.objects.exists()


def test_once_a_day_however_many_times_the_worker_looks():
    (run,) = schedule.enqueue_due(MONDAY_0700)
    assert (run.job, run.day.isoformat()) == ("reminders", "2026-11-23")
    assert schedule.enqueue_due(MONDAY_0700) == []
    assert schedule.enqueue_due(datetime(2026, 11, 23, 15, 0, tzinfo=UTC)) == []
    task = DBTaskResult.objects.get(pk=run.task_id)
    assert task.args_kwargs["kwargs"] == {"on": "2026-11-23"}
    # The next weekday it runs again.
    assert len(schedule.enqueue_due(datetime(2026, 11, 24, 6, 0, tzinfo=UTC))) == 1


def test_the_time_and_days_are_settings(settings):
    settings.VEIVISER_REMINDER_TIME = "06:15"
    settings.VEIVISER_REMINDER_DAYS = ["5"]
    assert schedule.enqueue_due(MONDAY_0700) == []
    assert len(schedule.enqueue_due(SATURDAY_0900)) == 1


# The worker closes database connections between tasks, as a long-running process must; so the
# test runs outside the usual test transaction (which such a close would end on PostgreSQL).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_worker_in_batch_mode_enqueues_and_runs_the_reminder(time_machine, vestfold):
    time_machine.move_to(MONDAY_0700, tick=False)
    call_command("worker", batch=True, reload=False, startup_delay=False, verbosity=0)
    run = ScheduledRun.objects.get()
    task = DBTaskResult.objects.get(pk=run.task_id)
    assert task.status == "SUCCESSFUL"
    assert task.return_value["date"] == "2026-11-23"
