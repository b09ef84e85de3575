"""Failed background tasks and starting them again (`veiviser tasks`, docs/operations.md).

Django's tasks API (the django-tasks backport, database backend) keeps one `DBTaskResult` row
per task; a task that raised is FAILED, with its traceback, and nothing runs it again. Each
task Veiviser queues belongs to one object that records its own progress (a letter batch, an
annual report, an intake run), and that object decides whether starting again makes sense: a
retry queues the task again only while the object is still failed, through the object's own
service (`letters.services.batch_retry`, `reports.services.report_retry`,
`intake.services.run_retry`), which checks the access policy, resets the object to queued in the
same transaction as the new task and logs the retry in the audit trail. So a retry is
idempotent: a second retry of the same task, or a retry after the object was started again and
finished, changes nothing and says so.

The daily reminder (`duties.tasks.reminders_task`) is not retried: it may have sent some
advisors their digest before it failed, and a retry would send those again.
"""

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from django.core.exceptions import SuspiciousOperation
from django.db import models
from django.utils.translation import gettext as _
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult


class Outcome(Enum):
    QUEUED = "queued"  # queued again as a new task
    NOTHING = "nothing"  # not failed, or its object is no longer failed (retried, or done)
    REFUSED = "refused"  # this kind of task is not retried


@dataclass(frozen=True)
class Retried:
    outcome: Outcome
    message: str
    task_id: str = ""  # the new task, when queued


@dataclass(frozen=True)
class Kind:
    """A kind of task Veiviser queues: what it is about, and how to start it again."""

    label: Callable[[], str]
    argument: str  # the task's argument that names its object
    model: Callable[[], type[models.Model]]
    retry: Callable[..., bool]  # (actor, obj) → queued again?


def _letters_retry(actor, obj) -> bool:
    from veiviser.letters.services import batch_retry

    return batch_retry(actor=actor, batch=obj)


def _report_retry(actor, obj) -> bool:
    from veiviser.reports.services import report_retry

    return report_retry(actor=actor, report=obj)


def _intake_retry(actor, obj) -> bool:
    from veiviser.intake.services import run_retry

    return run_retry(actor=actor, run=obj)


def _letter_batch():
    from veiviser.letters.models import LetterBatch

    return LetterBatch


def _report():
    from veiviser.reports.models import Report

    return Report


def _intake_run():
    from veiviser.intake.models import IntakeRun

    return IntakeRun


KINDS: dict[str, Kind] = {
    "veiviser.letters.tasks.letters_batch_task": Kind(
        lambda: _("letter batch"), "batch_id", _letter_batch, _letters_retry
    ),
    "veiviser.letters.tasks.demo_letters_task": Kind(
        lambda: _("letter batch (demo)"), "batch_id", _letter_batch, _letters_retry
    ),
    "veiviser.reports.tasks.report_task": Kind(
        lambda: _("annual report"), "report_id", _report, _report_retry
    ),
    "veiviser.intake.tasks.intake_apply_task": Kind(
        lambda: _("intake run"), "run_id", _intake_run, _intake_retry
    ),
}
NOT_RETRIED: dict[str, Callable[[], str]] = {
    "veiviser.duties.tasks.reminders_task": lambda: _(
        "the daily reminder is not retried: it may have sent some digests before it failed. "
        "Send the day's digests with `veiviser remind --date D` if needed (docs/duties.md)."
    ),
}


def arguments(result: DBTaskResult) -> dict:
    """The task's arguments by name (positional ones bound to the function's parameters)."""
    args, kwargs = result.args_kwargs.get("args", []), result.args_kwargs.get("kwargs", {})
    try:
        bound = inspect.signature(result.task.func).bind(*args, **kwargs)
    except (ImportError, SuspiciousOperation, TypeError):
        return dict(kwargs)
    return dict(bound.arguments)


def subject(result: DBTaskResult):
    """(kind, the task's object or None) for a task Veiviser knows; (None, None) otherwise."""
    kind = KINDS.get(result.task_path)
    if kind is None:
        return None, None
    pk = arguments(result).get(kind.argument)
    obj = kind.model().objects.filter(pk=pk).first() if pk is not None else None
    return kind, obj


def describe(result: DBTaskResult) -> str:
    """What the task is about, for the operator: the object, its county and its state, or the
    task's name. No personal data (objects are named by number)."""
    kind, obj = subject(result)
    if kind is None:
        return result.task_name
    if obj is None:
        return _("%(kind)s (gone)") % {"kind": kind.label()}
    text = _("%(kind)s %(id)s, county %(county)s, %(status)s") % {
        "kind": kind.label(),
        "id": obj.pk,
        "county": obj.county_number,
        "status": obj.get_status_display().lower(),
    }
    if obj.task_id and obj.task_id != str(result.id):
        text += " " + _("(started again as task %(task)s)") % {"task": obj.task_id}
    return text


def error_summary(result: DBTaskResult, width: int = 160) -> str:
    """The exception's class and the last line of its traceback, shortened."""
    if result.status != TaskResultStatus.FAILED:
        return ""
    last = next((line for line in reversed(result.traceback.splitlines()) if line.strip()), "")
    text = last.strip() or result.exception_class_path
    return text if len(text) <= width else text[: width - 1] + "…"


def retry(*, actor, result: DBTaskResult) -> Retried:
    """Queue a failed task again through its object's service (see the module's docstring)."""
    if result.status != TaskResultStatus.FAILED:
        return Retried(
            Outcome.NOTHING,
            _("task %(id)s is %(status)s, not failed: nothing to do")
            % {"id": result.id, "status": result.get_status_display().lower()},
        )
    if result.task_path in NOT_RETRIED:
        return Retried(Outcome.REFUSED, NOT_RETRIED[result.task_path]())
    kind, obj = subject(result)
    if kind is None:
        return Retried(
            Outcome.REFUSED,
            _("%(task)s is not a task Veiviser knows how to start again")
            % {"task": result.task_path},
        )
    if obj is None:
        return Retried(
            Outcome.NOTHING,
            _("the %(kind)s of task %(id)s no longer exists: nothing to do")
            % {"kind": kind.label(), "id": result.id},
        )
    if not kind.retry(actor, obj):
        obj.refresh_from_db()
        return Retried(
            Outcome.NOTHING,
            _("%(kind)s %(pk)s is %(status)s, not failed: nothing to do")
            % {"kind": kind.label(), "pk": obj.pk, "status": obj.get_status_display().lower()},
        )
    obj.refresh_from_db()
    return Retried(
        Outcome.QUEUED,
        _("%(kind)s %(pk)s is queued again as task %(task)s")
        % {"kind": kind.label(), "pk": obj.pk, "task": obj.task_id},
        task_id=obj.task_id,
    )
