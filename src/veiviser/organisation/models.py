"""Counties (the tenant), their OT units, the municipality→unit mapping and staff users.

DOMAIN.md §1: responsibility for a youth follows the home municipality to a unit. Counties merge
and split (2020, 2024), so a county carries a validity period and units are never deleted, only
closed, so that history keeps its references.
"""

from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

county_number_validator = RegexValidator(r"^\d{2}$", _("A county number has two digits."))
municipality_number_validator = RegexValidator(
    r"^\d{4}$", _("A municipality number has four digits.")
)


class County(models.Model):
    number = models.CharField(
        _("county number"), max_length=2, unique=True, validators=[county_number_validator]
    )
    name = models.CharField(_("name"), max_length=100)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    # The small-number rule of published statistics (DOMAIN.md §8, docs/statistics.md): a cell
    # with 0 < value < threshold is hidden; 0 is shown, as SSB and Udir do.
    suppression_threshold = models.PositiveSmallIntegerField(
        _("suppression threshold"),
        default=5,
        help_text=_(
            "In published tables, counts above 0 and below this number are hidden, and so are "
            "the cells that would reveal them."
        ),
    )

    class Meta:
        ordering = ["number"]
        verbose_name = _("county")
        verbose_name_plural = _("counties")

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    @property
    def county_number(self) -> str:
        return self.number


class Unit(models.Model):
    """An OT unit (OT-avdeling). `key` is the stable id used in exchange files."""

    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="units", verbose_name=_("county")
    )
    key = models.CharField(_("key"), max_length=64)
    name = models.CharField(_("name"), max_length=100)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    class Meta:
        ordering = ["county", "name"]
        constraints = [models.UniqueConstraint(fields=["county", "key"], name="unit_unique_key")]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return self.name

    @property
    def county_number(self) -> str:
        return self.county.number


class Municipality(models.Model):
    """A municipality of a county and the unit responsible for youths living there."""

    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="municipalities", verbose_name=_("county")
    )
    number = models.CharField(
        _("municipality number"), max_length=4, validators=[municipality_number_validator]
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="municipalities",
        null=True,
        blank=True,
        verbose_name=_("responsible unit"),
    )

    class Meta:
        ordering = ["county", "number"]
        constraints = [
            models.UniqueConstraint(fields=["county", "number"], name="municipality_unique_number")
        ]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self) -> str:
        return f"{self.number} {self.name}".strip()


class Role(models.TextChoices):
    ADVISOR = "advisor", _("OT advisor (OT-rådgiver)")
    UNIT_COORDINATOR = "unit_coordinator", _("Unit coordinator (fagkoordinator)")
    COUNTY_LEADER = "county_leader", _("County leader (teamleder)")
    OFFICE = "office", _("Office / statistics (kontor)")
    PROJECT_WORKER = "project_worker", _("Project worker (prosjektmedarbeider)")
    ADMINISTRATOR = "administrator", _("Administrator (systemansvarlig)")


class User(AbstractUser):
    """A staff user: belongs to one county, usually one unit, and has one role (DOMAIN.md §1)."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    county = models.ForeignKey(
        County,
        on_delete=models.PROTECT,
        related_name="staff",
        null=True,
        blank=True,
        verbose_name=_("county"),
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="staff",
        null=True,
        blank=True,
        verbose_name=_("unit"),
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("staff user")
        verbose_name_plural = _("staff users")
