"""Projects and their cohorts (seed 004, the transition project from 10th grade): a project
with its period, partners and project workers, the youths taking part in a school year, and
where each one was at the end of the project year."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from veiviser.exchange.keys import new_key
from veiviser.organisation.models import County, Unit
from veiviser.registry.models import Registration


class Project(models.Model):
    # The record's stable id in the exchange format (docs/exchange.md, version 2).
    key = models.CharField(_("key"), max_length=64, default=new_key, editable=False)
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("unit"),
        help_text=_("The unit that runs the project; empty for a county-wide project."),
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("aim"), blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    partners = models.CharField(
        _("partners"),
        max_length=500,
        blank=True,
        help_text=_("E.g. NAV, the lower secondary schools, PPT, the competence centre."),
    )
    workers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="projects",
        verbose_name=_("project workers"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "name"]
        constraints = [
            models.UniqueConstraint(fields=["county", "key"], name="project_unique_key"),
            models.UniqueConstraint(fields=["county", "name"], name="project_unique_name"),
        ]
        verbose_name = _("project")
        verbose_name_plural = _("projects")

    def __str__(self) -> str:
        return self.name

    @property
    def county_number(self) -> str:
        return self.county.number


class ProjectOutcome(models.TextChoices):
    """Where a participant was at the end of the project year (seed 004's table)."""

    APPRENTICE = "apprentice", _("Apprentice")
    SCHOOL = "school", _("School")
    JOB = "job", _("Job")
    NAV_AAP = "nav_aap", _("NAV/AAP")
    CONTINUES_OT = "continues_ot", _("Continues in OT")
    MOVED = "moved", _("Moved")
    OTHER = "other", _("Other follow-up")


class Participant(models.Model):
    """A youth taking part in a project in the school year of `registration` (the cohort)."""

    # The record's stable id in the exchange format (docs/exchange.md, version 2).
    key = models.CharField(_("key"), max_length=64, default=new_key, editable=False)
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="participants", verbose_name=_("project")
    )
    registration = models.ForeignKey(
        Registration,
        on_delete=models.PROTECT,
        related_name="project_participations",
        verbose_name=_("registration"),
    )
    joined_on = models.DateField(_("joined on"))
    outcome = models.CharField(
        _("outcome at the end of the project year"),
        max_length=20,
        choices=ProjectOutcome.choices,
        blank=True,
    )
    outcome_on = models.DateField(_("outcome on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["project", "registration__person__family_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["county", "key"], name="participant_unique_key"),
            models.UniqueConstraint(
                fields=["project", "registration"], name="participant_unique_registration"
            ),
        ]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")

    def __str__(self) -> str:
        return f"{self.project} #{self.pk}"

    @property
    def county_number(self) -> str:
        return self.county.number
