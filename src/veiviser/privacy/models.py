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


class ArchiveExtract(models.Model):
    """A Noark 5 archive extract (arkivuttrekk) of a county's closed cases, written by
    `veiviser archive-extract` (docs/privacy.md). The retention run anonymises only persons
    whose case an extract holds as it stands (`ArchivedCase.fingerprint`)."""

    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="+", verbose_name=_("county")
    )
    closed_before = models.DateField(_("cases closed before"))
    # The arkivdel's systemID in arkivstruktur.xml.
    system_id = models.UUIDField(_("systemID"), unique=True)
    # SHA-256 of arkivuttrekk.xml, which holds the checksums of the other XML files, which
    # hold those of the documents: one value that fixes the whole package.
    checksum = models.CharField(_("SHA-256 of arkivuttrekk.xml"), max_length=64)
    cases = models.PositiveIntegerField(_("cases"))
    documents = models.PositiveIntegerField(_("documents"))
    # Which official schemas the package was validated against (and carries); empty: none.
    validated_with = models.CharField(_("validated against"), max_length=200, blank=True)
    location = models.CharField(_("written to"), max_length=500)
    created_at = models.DateTimeField(_("made"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("made by"),
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("archive extract")
        verbose_name_plural = _("archive extracts")

    def __str__(self) -> str:
        return f"{self.county.number} < {self.closed_before} ({self.created_at:%Y-%m-%d})"

    @property
    def county_number(self) -> str:
        return self.county.number


class ArchivedCase(models.Model):
    """One youth's closed case in an archive extract: which registrations it covered and a
    fingerprint of everything held about the youth then, so that a record added or changed
    after the extract is noticed (the case must be extracted again before anonymisation)."""

    extract = models.ForeignKey(
        ArchiveExtract, on_delete=models.PROTECT, related_name="archived_cases"
    )
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="archived_cases", verbose_name=_("person")
    )
    registrations = models.JSONField(_("registrations"), default=list)
    fingerprint = models.CharField(_("fingerprint (SHA-256)"), max_length=64)

    class Meta:
        verbose_name = _("archived case")
        verbose_name_plural = _("archived cases")
        constraints = [
            models.UniqueConstraint(fields=["extract", "person"], name="archived_case_once")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} in {self.extract_id}"

    @property
    def county_number(self) -> str:
        return self.county.number
