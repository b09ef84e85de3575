"""Udir's published county tables of Oppfølgingstjenesten, imported for comparison.

Each imported file is a version (`UdirTable`): a later file (Udir republishes with corrections)
is a new version, and the comparison uses the newest unless told otherwise. The rows are public
aggregate statistics (counts per county), not personal data: no county wall.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

NATIONAL = "00"  # the national total row's county number

# The count columns in file order: (field, header in the file). docs/statistics.md.
COUNTS = (
    ("not_applied", "Ikke søkt opplæring"),
    ("declined", "Takket nei til opplæring"),
    ("dropped_out", "Avbrutt opplæring"),
    ("other", "Andre grunner"),
    ("registered", "Tilmeldte i alt"),
    ("group1", "Ukjent aktivitet"),
    ("group2", "Under oppfølging og veiledning"),
    ("group3", "I aktivitet"),
    ("group4", "Avklart"),
    ("target_group", "Målgruppe i alt"),
    ("group5", "Ikke i målgruppen"),
)
KEYS = (
    ("counting_date", "Tellingsdato"),
    ("county", "Fylkesnummer"),
    ("county_name", "Fylke"),
)


class UdirTable(models.Model):
    """One imported file of Udir's table (a version)."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    filename = models.CharField(_("file"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    imported_at = models.DateTimeField(_("imported"), auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("imported by"),
    )

    class Meta:
        ordering = ["-version"]
        verbose_name = _("Udir table")
        verbose_name_plural = _("Udir tables")

    def __str__(self) -> str:
        return f"v{self.version} {self.filename}"


class UdirRow(models.Model):
    """One county's (or the nation's, county "00") counts at one counting date."""

    table = models.ForeignKey(
        UdirTable, on_delete=models.CASCADE, related_name="lines", verbose_name=_("table")
    )
    counting_date = models.DateField(_("counting date"))
    county = models.CharField(_("county number"), max_length=2)
    county_name = models.CharField(_("county"), max_length=100)
    not_applied = models.PositiveIntegerField(null=True, blank=True)
    declined = models.PositiveIntegerField(null=True, blank=True)
    dropped_out = models.PositiveIntegerField(null=True, blank=True)
    other = models.PositiveIntegerField(null=True, blank=True)
    registered = models.PositiveIntegerField(null=True, blank=True)
    group1 = models.PositiveIntegerField(null=True, blank=True)
    group2 = models.PositiveIntegerField(null=True, blank=True)
    group3 = models.PositiveIntegerField(null=True, blank=True)
    group4 = models.PositiveIntegerField(null=True, blank=True)
    target_group = models.PositiveIntegerField(null=True, blank=True)
    group5 = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["counting_date", "county"]
        constraints = [
            models.UniqueConstraint(
                fields=["table", "counting_date", "county"], name="udirrow_unique_cell"
            )
        ]
        verbose_name = _("Udir row")
        verbose_name_plural = _("Udir rows")

    def __str__(self) -> str:
        return f"{self.counting_date} {self.county} {self.county_name}"

    @property
    def share_in_activity(self) -> float | None:
        """Group 3 / target group (DOMAIN.md §8), or None if either is unknown or zero."""
        if self.group3 is None or not self.target_group:
            return None
        return self.group3 / self.target_group
