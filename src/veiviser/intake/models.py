"""Intake files from the admissions office (inntakskontoret): the county's column mapping and
the runs (one uploaded file each: its checksum, the previewed plan, and what was applied).

A run keeps the parsed plan (identity numbers and names of every row) until it is applied, so
its table has the tenant wall (tenancy migration 0003) like the rest of the youths' data.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from veiviser.organisation.models import County, Unit

# The fields an intake row can carry (docs/intake.md), and the column headers a VIGO export
# uses for them by default. `unit` is optional; `birth_date` and `school_year` may be left out
# (taken from the identity number and from the registration date).
FIELDS = (
    "fnr",
    "given_name",
    "family_name",
    "birth_date",
    "municipality",
    "school_year",
    "reason",
    "registered_on",
    "unit",
)
REQUIRED_FIELDS = ("fnr", "given_name", "family_name", "municipality", "reason", "registered_on")
DEFAULT_COLUMNS = {
    "fnr": "Fødselsnummer",
    "given_name": "Fornavn",
    "family_name": "Etternavn",
    "birth_date": "Fødselsdato",
    "municipality": "Kommunenr",
    "school_year": "Skoleår",
    "reason": "Årsak",
    "registered_on": "Registrert dato",
    "unit": "Enhet",
}


def default_columns() -> dict:
    return dict(DEFAULT_COLUMNS)


def default_reason_values() -> dict:
    # The file's reason is a kodeverk detail code (OSON …) or a reason group key; a county whose
    # export writes its own words maps them here, e.g. {"Søkte ikke": "OSON"}.
    return {}


class ColumnMapping(models.Model):
    """How the county's intake files name their columns, and what their reason values mean."""

    county = models.OneToOneField(
        County, on_delete=models.PROTECT, related_name="intake_mapping", verbose_name=_("county")
    )
    columns = models.JSONField(
        _("columns"),
        default=default_columns,
        help_text=_("Field → column header in the file; see docs/intake.md for the fields."),
    )
    reason_values = models.JSONField(
        _("reason values"),
        default=default_reason_values,
        blank=True,
        help_text=_("The file's reason value → a reason code of the kodeverk or a reason group."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("intake column mapping")
        verbose_name_plural = _("intake column mappings")

    def __str__(self) -> str:
        return str(self.county)

    @property
    def county_number(self) -> str:
        return self.county.number


class RunStatus(models.TextChoices):
    PREVIEWED = "previewed", _("Previewed")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class Action(models.TextChoices):
    CREATE = "create", _("Will create")
    UPDATE = "update", _("Will update")
    UNCHANGED = "unchanged", _("Unchanged")
    REJECTED = "rejected", _("Rejected")


class IntakeRun(models.Model):
    """One intake file: uploaded and previewed, then (on confirmation) applied as previewed."""

    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="+", verbose_name=_("county")
    )
    # A unit coordinator's run covers their own unit only; the office's covers the county.
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    filename = models.CharField(_("file"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    encoding = models.CharField(_("encoding"), max_length=20)
    plan = models.JSONField(_("plan"), default=list)
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.PREVIEWED
    )
    rows = models.PositiveIntegerField(_("rows"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    done = models.PositiveIntegerField(_("rows checked"), default=0)
    error = models.TextField(_("error"), blank=True)
    task_id = models.CharField(_("task"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    applied_at = models.DateTimeField(_("applied"), null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("applied by"),
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["county", "sha256"], name="intakerun_checksum_idx")]
        verbose_name = _("intake run")
        verbose_name_plural = _("intake runs")

    def __str__(self) -> str:
        return f"{self.filename} ({self.sha256[:12]}…)"

    @property
    def county_number(self) -> str:
        return self.county.number

    @property
    def finished(self) -> bool:
        return self.status in (RunStatus.DONE, RunStatus.FAILED)

    def counts(self) -> dict:
        return {
            "rows": self.rows,
            "create": self.created,
            "update": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
        }
