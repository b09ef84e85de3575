"""Registrations (tilmelding) and their append-only, bitemporal reason and status facts.

ARCHITECTURE.md decision 1: a fact has `valid_from` (when it became true for the youth) and
`recorded_at` (when Veiviser learned it). Facts are never updated or deleted: a correction is a
new fact with the same `valid_from` and a later `recorded_at`, so any counting date can be
recomputed exactly as it was known at any instant (EXCHANGE.md §2).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from veiviser.organisation.models import County, Unit
from veiviser.people.models import Person


class ImmutableFactError(RuntimeError):
    pass


class FactQuerySet(models.QuerySet):
    """Bulk changes to facts are refused like single ones; the database refuses UPDATE too
    (a trigger, migration 0002). Deleting is for retention only, through `purge`."""

    def update(self, **kwargs):
        raise ImmutableFactError("facts are append-only: record a correction as a new fact")

    def delete(self):
        raise ImmutableFactError("facts are append-only and cannot be deleted")

    def move_county(self, county) -> int:
        """Move facts to another county: only for a county split or merge
        (`organisation.reorganise`), which moves a youth's whole history. What a fact says
        cannot change; the database allows an UPDATE of `county_id` alone (migration 0004)."""
        return models.QuerySet.update(self, county=county)

    def purge(self) -> int:
        """Remove facts for good: only for retention (erasure after the retention period) and
        for tests that need an empty database. Not for corrections."""
        return self._raw_delete(self.db)


class Source(models.TextChoices):
    ADMISSIONS = "admissions", _("Admissions office (inntakskontoret)")
    SCHOOL = "school", _("School")
    TRAINING_COMPANY = "training_company", _("Training company (opplæringsbedrift)")
    NAV = "nav", _("NAV")
    SELF_REFERRAL = "self_referral", _("The youth or family (self-referral)")
    OTHER_COUNTY = "other_county", _("Another county")
    IMPORT = "import", _("Imported file")
    OTHER = "other", _("Other")


class Registration(models.Model):
    """A youth registered to OT for one school year (at most one per person and year)."""

    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="registrations", verbose_name=_("county")
    )
    key = models.CharField(_("key"), max_length=64)
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="registrations",
        verbose_name=_("young person"),
    )
    school_year = models.PositiveSmallIntegerField(
        _("school year"), help_text=_("The start year: 2023 means 2023/24.")
    )
    registered_on = models.DateField(_("registered on"))
    reason = models.CharField(_("reason group"), max_length=20)
    reason_code = models.CharField(_("reason code"), max_length=16, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, blank=True)
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="registrations",
        null=True,
        blank=True,
        verbose_name=_("unit"),
    )
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    # The advisor whose caseload the youth is in this school year (casework, not a fact: a
    # reassignment is audited, not part of the bitemporal history).
    advisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="caseload",
        verbose_name=_("advisor"),
    )

    class Meta:
        ordering = ["-school_year", "registered_on"]
        constraints = [
            models.UniqueConstraint(fields=["county", "key"], name="registration_unique_key"),
            models.UniqueConstraint(
                fields=["person", "school_year"], name="registration_one_per_person_and_year"
            ),
        ]
        indexes = [
            models.Index(fields=["county", "school_year"], name="registration_year_idx"),
        ]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")

    def __str__(self) -> str:
        return f"{self.person} {self.school_year}/{(self.school_year + 1) % 100:02d}"

    @property
    def county_number(self) -> str:
        return self.county.number


class Fact(models.Model):
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    key = models.CharField(_("key"), max_length=64)
    valid_from = models.DateField(_("valid from"))
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    objects = FactQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ImmutableFactError("facts are append-only: record a correction as a new fact")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableFactError("facts are append-only and cannot be deleted")

    @property
    def county_number(self) -> str:
        return self.county.number


class ReasonFact(Fact):
    """The registration's reason group from `valid_from` on (a later referral, DOMAIN.md §3)."""

    registration = models.ForeignKey(
        Registration,
        on_delete=models.PROTECT,
        related_name="reason_facts",
        verbose_name=_("registration"),
    )
    reason = models.CharField(_("reason group"), max_length=20)

    class Meta:
        ordering = ["valid_from", "recorded_at"]
        constraints = [
            models.UniqueConstraint(fields=["county", "key"], name="reasonfact_unique_key"),
            models.UniqueConstraint(
                fields=["registration", "valid_from", "recorded_at"],
                name="reasonfact_unambiguous",
            ),
        ]
        indexes = [
            # As StatusFact's: the reading finds the reason in force from the index alone.
            models.Index(
                fields=["registration", "valid_from", "recorded_at", "reason"],
                name="reasonfact_reading_idx",
            ),
        ]
        verbose_name = _("reason fact")
        verbose_name_plural = _("reason facts")

    def __str__(self) -> str:
        return f"{self.reason} from {self.valid_from} (recorded {self.recorded_at:%Y-%m-%d %H:%M})"


class StatusFact(Fact):
    """The youth's OT status code (kodeverk, DOMAIN.md §4) from `valid_from` on."""

    registration = models.ForeignKey(
        Registration,
        on_delete=models.PROTECT,
        related_name="status_facts",
        verbose_name=_("registration"),
    )
    code = models.CharField(_("status code"), max_length=16)

    class Meta:
        ordering = ["valid_from", "recorded_at"]
        constraints = [
            models.UniqueConstraint(fields=["county", "key"], name="statusfact_unique_key"),
            models.UniqueConstraint(
                fields=["registration", "valid_from", "recorded_at"],
                name="statusfact_unambiguous",
            ),
        ]
        indexes = [
            # The statistics' reading (statistics/tables.py): the latest fact ≤ D of a
            # registration, and its code, from the index alone (docs/performance.md).
            models.Index(
                fields=["registration", "valid_from", "recorded_at", "code"],
                name="statusfact_reading_idx",
            ),
        ]
        verbose_name = _("status fact")
        verbose_name_plural = _("status facts")

    def __str__(self) -> str:
        return f"{self.code} from {self.valid_from} (recorded {self.recorded_at:%Y-%m-%d %H:%M})"


class CountyChange(models.Model):
    """A registration moved to another county by a county split or merge
    (`organisation.reorganise`). The statistics read a registration's county as known at K
    through these rows, so every table published before the change can be produced again
    under the old county (docs/statistics.md)."""

    registration = models.ForeignKey(
        Registration,
        on_delete=models.PROTECT,
        related_name="county_changes",
        verbose_name=_("registration"),
    )
    from_county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="+", verbose_name=_("from county")
    )
    to_county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="+", verbose_name=_("to county")
    )
    recorded_at = models.DateTimeField(_("recorded at"), db_index=True)

    class Meta:
        ordering = ["recorded_at", "pk"]
        verbose_name = _("county change")
        verbose_name_plural = _("county changes")

    def __str__(self) -> str:
        return f"{self.registration_id}: {self.from_county_id} → {self.to_county_id}"
