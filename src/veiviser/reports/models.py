"""The annual report (issue 8, docs/reports.md): the county's narratives and every generated report.

A generated report keeps what it was made from (county, school year, the instant `known_at` its
numbers were read at, the narrative versions) and what it published (the file, its SHA-256 and
the published numbers as JSON), so the same report can be made again later with the same numbers.
A narrative is append-only: every save is a new version, and a report names the versions it used.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from veiviser.organisation.models import County


class Narrative(models.Model):
    """One version of a narrative section of the annual report, in Markdown, written by the
    county. `key` names the section across its versions ("introduction", "unit-<unit key>", …);
    the newest version of a key is the one a report uses."""

    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="+", verbose_name=_("county")
    )
    key = models.SlugField(_("section"), max_length=80)
    version = models.PositiveIntegerField(_("version"))
    body = models.TextField(_("text (Markdown)"), blank=True)
    created_at = models.DateTimeField(_("saved"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("saved by"),
    )

    class Meta:
        ordering = ["county", "key", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "key", "version"], name="narrative_unique_version"
            )
        ]
        verbose_name = _("narrative")
        verbose_name_plural = _("narratives")

    def __str__(self) -> str:
        return f"{self.key} v{self.version}"

    @property
    def county_number(self) -> str:
        return self.county.number


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ReportFormat(models.TextChoices):
    PDF = "pdf", _("PDF")
    HTML = "html", _("HTML")


class Report(models.Model):
    """One generated annual report (or one queued/running generation)."""

    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="+", verbose_name=_("county")
    )
    school_year = models.PositiveSmallIntegerField(_("school year"))
    known_at = models.DateTimeField(_("numbers as known at"))
    format = models.CharField(
        _("format"), max_length=4, choices=ReportFormat.choices, default=ReportFormat.PDF
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.QUEUED
    )
    sections_total = models.PositiveSmallIntegerField(_("sections"), default=0)
    sections_done = models.PositiveSmallIntegerField(_("sections made"), default=0)
    file = models.BinaryField(_("file"), blank=True, default=b"")
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    numbers = models.JSONField(_("published numbers"), default=dict, blank=True)
    narratives = models.JSONField(
        _("narrative versions"),
        default=dict,
        blank=True,
        help_text=_("The version of each narrative section the report used."),
    )
    again_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("made again from"),
        help_text=_("The report this one repeats: the same instant and narrative versions."),
    )
    error = models.TextField(_("error"), blank=True)
    task_id = models.CharField(_("task"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("annual report")
        verbose_name_plural = _("annual reports")

    def __str__(self) -> str:
        return f"{self.county.number} {self.school_year} ({self.status})"

    @property
    def county_number(self) -> str:
        return self.county.number

    @property
    def school_year_label(self) -> str:
        return f"{self.school_year}/{(self.school_year + 1) % 100:02d}"

    @property
    def filename(self) -> str:
        year = self.school_year
        return f"arsrapport-ot-{self.county.number}-{year}-{(year + 1) % 100:02d}.{self.format}"

    @property
    def content_type(self) -> str:
        return "application/pdf" if self.format == ReportFormat.PDF else "text/html; charset=utf-8"
