"""Subject training towards private-candidate exams (opplæring i fag mot privatisteksamen,
DOMAIN.md §7-8): the subjects, and each youth's exam entries with the training given and the
result."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from veiviser.exchange.keys import new_key
from veiviser.organisation.models import County
from veiviser.registry.models import Registration


class Subject(models.Model):
    """A subject a private candidate can sit an exam in, by Udir's subject code (NOR1211)."""

    code = models.CharField(_("subject code"), max_length=20, unique=True)
    name = models.CharField(_("subject"), max_length=200)
    active = models.BooleanField(_("offered"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("subject")
        verbose_name_plural = _("subjects")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Result(models.TextChoices):
    PENDING = "pending", _("Registered, no result yet")
    PASSED = "passed", _("Passed")
    NOT_PASSED = "not_passed", _("Not passed")
    WITHDRAWN = "withdrawn", _("Withdrew from the exam")


# The results that mean the exam was taken (statistics: "exams taken").
TAKEN = (Result.PASSED, Result.NOT_PASSED)


class ExamEntry(models.Model):
    """A youth's registration for one exam (privatisteksamen) in one subject on one day, the
    subject training OT gave towards it, and the result."""

    # The record's stable id in the exchange format (docs/exchange.md, version 2).
    key = models.CharField(_("key"), max_length=64, default=new_key, editable=False)
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    registration = models.ForeignKey(
        Registration,
        on_delete=models.PROTECT,
        related_name="exam_entries",
        verbose_name=_("registration"),
    )
    subject = models.ForeignKey(
        Subject, on_delete=models.PROTECT, related_name="entries", verbose_name=_("subject")
    )
    exam_date = models.DateField(_("exam date"))
    training = models.CharField(
        _("training given"),
        max_length=300,
        blank=True,
        help_text=_("E.g. subject training at the OT unit twice a week, or self-study with help."),
    )
    training_hours = models.PositiveIntegerField(_("hours of training"), null=True, blank=True)
    result = models.CharField(
        _("result"), max_length=20, choices=Result.choices, default=Result.PENDING
    )
    grade = models.PositiveSmallIntegerField(_("grade"), null=True, blank=True)
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    result_recorded_at = models.DateTimeField(_("result recorded"), null=True, blank=True)
    result_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-exam_date", "subject__code", "id"]
        constraints = [
            models.UniqueConstraint(fields=["county", "key"], name="exam_entry_unique_key"),
            models.UniqueConstraint(
                fields=["registration", "subject", "exam_date"], name="exam_entry_unique"
            ),
            models.CheckConstraint(
                condition=Q(grade__isnull=True) | Q(grade__gte=1, grade__lte=6),
                name="exam_grade_1_to_6",
            ),
        ]
        indexes = [models.Index(fields=["county", "exam_date"], name="exam_county_date_idx")]
        verbose_name = _("exam entry")
        verbose_name_plural = _("exam entries")

    def __str__(self) -> str:
        return f"{self.subject.code} {self.exam_date:%Y-%m-%d}"

    @property
    def county_number(self) -> str:
        return self.county.number

    @property
    def taken(self) -> bool:
        return self.result in TAKEN
