"""`veiviser worker`: the background worker. It runs the queued tasks (letter batches,
reminders, reports: django-tasks' database backend, as `db_worker` does) and enqueues the daily
jobs of `veiviser.jobs.schedule` when they are due, so no cron is needed."""

import threading

from django.db import close_old_connections
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from veiviser.jobs import schedule


class Command(DbWorkerCommand):
    help = (
        "Run the background worker: queued tasks (letter batches, reports, reminders) and the "
        "daily jobs (the reminder digest on weekdays at VEIVISER_REMINDER_TIME). With --batch: "
        "enqueue what is due, run what is queued, then stop (for cron)."
    )

    CHECK_EVERY = 60  # seconds between looks at the schedule

    def handle(self, *args, **options):
        schedule.enqueue_due()
        if options.get("batch"):
            return super().handle(*args, **options)
        stop = threading.Event()

        def scheduler():
            while not stop.wait(self.CHECK_EVERY):
                try:
                    schedule.enqueue_due()
                finally:
                    close_old_connections()

        thread = threading.Thread(target=scheduler, name="veiviser-schedule", daemon=True)
        thread.start()
        try:
            return super().handle(*args, **options)
        finally:
            stop.set()
