"""The county's retention rule and the record of every anonymisation (docs/privacy.md)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from veiviser.organisation.models import County
from veiviser.people.models import Person

DEFAULT_RETENTION_YEARS = 5


class RetentionSettings(models.Model):
    """How long a county keeps a youth's identifying data after the youth's last school year
    with OT has ended (31 July). The county sets it from its archive plan (arkivplan)."""

    county = models.OneToOneField(
        County,
        on_delete=models.CASCADE,
        related_name="retention_settings",
        verbose_name=_("county"),
    )
    years = models.PositiveSmallIntegerField(
        _("years after the last school year"),
        default=DEFAULT_RETENTION_YEARS,
        help_text=_(
            "Identifying data is anonymised this many years after 31 July of the "
            "youth's last school year with OT."
        ),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("retention rule")
        verbose_name_plural = _("retention rules")

    def __str__(self) -> str:
        return f"{self.county}: {self.years}"


class Anonymisation(models.Model):
    """A person whose identifying data was removed by the retention run. The registrations and
    their facts stay (without a name or number), so earlier statistics reproduce."""

    person = models.OneToOneField(
        Person, on_delete=models.PROTECT, related_name="anonymisation", verbose_name=_("person")
    )
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    last_school_year = models.PositiveSmallIntegerField(_("last school year"))
    at = models.DateTimeField(_("anonymised at"), auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("anonymised by"),
    )

    class Meta:
        verbose_name = _("anonymisation")
        verbose_name_plural = _("anonymisations")

    def __str__(self) -> str:
        return f"{self.person_id} ({self.at:%Y-%m-%d})"

    @property
    def county_number(self) -> str:
        return self.county.number
