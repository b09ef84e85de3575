"""The daily jobs `veiviser worker` starts by itself (docs/operations.md), so an installation
needs no cron: each is enqueued once per day, at or after its time, on its weekdays, by
whichever worker process sees it due first.

| job | when (default) | task |
|---|---|---|
| `reminders` | weekdays 07:00 (`VEIVISER_REMINDER_TIME`, `VEIVISER_REMINDER_DAYS`) | the digest of overdue duties to each advisor (docs/duties.md) |
"""

from dataclasses import dataclass
from datetime import datetime, time

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from veiviser.jobs.models import ScheduledRun


@dataclass(frozen=True)
class Job:
    name: str
    at: time
    weekdays: frozenset[int]  # Monday is 0

    def due(self, now: datetime) -> bool:
        local = timezone.localtime(now)
        return local.weekday() in self.weekdays and local.time() >= self.at

    def enqueue(self, day) -> str:
        from veiviser.duties.tasks import reminders_task

        result = reminders_task.enqueue(on=day.isoformat())
        return str(result.id)


def jobs() -> list[Job]:
    return [
        Job(
            "reminders",
            time.fromisoformat(settings.VEIVISER_REMINDER_TIME),
            frozenset(int(d) for d in settings.VEIVISER_REMINDER_DAYS),
        )
    ]


def enqueue_due(now: datetime | None = None) -> list[ScheduledRun]:
    """Enqueue every job due now and not yet enqueued today; return the runs started."""
    now = now or timezone.now()
    day = timezone.localtime(now).date()
    started = []
    for job in jobs():
        if not job.due(now) or ScheduledRun.objects.filter(job=job.name, day=day).exists():
            continue
        try:
            with transaction.atomic():
                run = ScheduledRun.objects.create(job=job.name, day=day)
                run.task_id = job.enqueue(day)
                run.save(update_fields=["task_id"])
        except IntegrityError:
            continue  # another worker enqueued it a moment ago
        started.append(run)
    return started
