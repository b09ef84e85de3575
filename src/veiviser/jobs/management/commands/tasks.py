"""`veiviser tasks`: the background tasks (django-tasks' database backend) for the operator:
list them, and start failed ones again (`veiviser.jobs.retry`, docs/operations.md)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from veiviser.jobs import retry

STATUSES = {
    "failed": TaskResultStatus.FAILED,
    "ready": TaskResultStatus.READY,
    "running": TaskResultStatus.RUNNING,
    "successful": TaskResultStatus.SUCCESSFUL,
}


class Command(BaseCommand):
    help = (
        "The background tasks (letter batches, annual reports, intake runs, reminders). "
        "`tasks list [--status failed]` shows the latest; `tasks retry ID …` or `tasks retry "
        "--failed` queues failed ones again, each through its letter batch, report or intake "
        "run, which must still be failed (a retry is audited; a second one does nothing)."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list", help="the latest tasks, newest first")
        listing.add_argument("--status", choices=sorted(STATUSES), help="only tasks in this state")
        listing.add_argument("--limit", type=int, default=50, help="at most this many (50)")
        again = sub.add_parser("retry", help="queue failed tasks again")
        again.add_argument("ids", nargs="*", metavar="ID", help="the task ids (from `list`)")
        again.add_argument(
            "--failed",
            action="store_true",
            help="every failed task whose letter batch, report or intake run is still failed",
        )

    def handle(self, *args, **options):
        if options["action"] == "list":
            self.show(options.get("status"), options["limit"])
        else:
            self.requeue(options["ids"], options["failed"])

    def show(self, status: str | None, limit: int) -> None:
        if limit < 1:
            raise CommandError(_("--limit must be at least 1"))
        results = DBTaskResult.objects.order_by("-enqueued_at")
        if status:
            results = results.filter(status=STATUSES[status])
        shown = 0
        for result in results[:limit]:
            shown += 1
            when = timezone.localtime(result.finished_at or result.enqueued_at)
            self.stdout.write(
                f"{result.id}  {result.status:<10}  {when:%Y-%m-%d %H:%M}  "
                f"{result.task_name}: {retry.describe(result)}"
            )
            error = retry.error_summary(result)
            if error:
                self.stdout.write(f"    {error}")
        if not shown:
            self.stdout.write(_("No tasks."))

    def requeue(self, ids: list[str], failed: bool) -> None:
        if bool(ids) == failed:
            raise CommandError(_("give the ids of the tasks to retry, or --failed (not both)"))
        if failed:
            results = list(
                DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).order_by("enqueued_at")
            )
        else:
            results = []
            for task_id in ids:
                try:
                    result = DBTaskResult.objects.filter(pk=task_id).first()
                except ValidationError:
                    result = None
                if result is None:
                    raise CommandError(_("no task %(id)s") % {"id": repr(task_id)})
                results.append(result)
        refused = 0
        for result in results:
            outcome = retry.retry(actor=None, result=result)  # the operator: the system
            if outcome.outcome == retry.Outcome.REFUSED:
                refused += 1
                if failed:
                    # Every failed task is looked at; the ones never retried stay as they are.
                    self.stdout.write(f"{result.id}: {outcome.message}")
                    continue
                self.stderr.write(f"{result.id}: {outcome.message}")
                continue
            self.stdout.write(f"{result.id}: {outcome.message}")
        if not results:
            self.stdout.write(_("No failed tasks."))
        if refused and not failed:
            raise CommandError(_("%(count)s task(s) not retried") % {"count": refused})
