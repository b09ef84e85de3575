"""One row per scheduled job per day it was enqueued: the worker's memory that a daily job
has been started, shared by every worker process (the unique constraint decides)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ScheduledRun(models.Model):
    job = models.CharField(_("job"), max_length=64)
    day = models.DateField(_("day"))
    enqueued_at = models.DateTimeField(_("enqueued at"), auto_now_add=True)
    task_id = models.CharField(_("task"), max_length=64, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["job", "day"], name="scheduled_run_once_a_day")
        ]
        ordering = ["-day", "job"]
        verbose_name = _("scheduled run")
        verbose_name_plural = _("scheduled runs")

    def __str__(self) -> str:
        return f"{self.job} {self.day}"
