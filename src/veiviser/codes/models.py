"""The kodeverk and the rules that change by school year, as data (DOMAIN.md §3-5, §8).

Rows are loaded from `codes/data/kodeverk.json` by `codes.loader`; nothing in code hard-codes a
code's main group, an age limit or a counting date. Validity is by school year (the start year:
2023 = 2023/24), open-ended when `valid_to` is null.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ValidityQuerySet(models.QuerySet):
    def valid_in(self, school_year: int):
        return self.filter(valid_from__lte=school_year).filter(
            models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=school_year)
        )


class MainGroup(models.Model):
    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    name = models.CharField(_("name"), max_length=100)
    in_target_group = models.BooleanField(_("in the target group"))

    class Meta:
        ordering = ["number"]
        verbose_name = _("status main group")
        verbose_name_plural = _("status main groups")

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class StatusCode(models.Model):
    code = models.CharField(_("code"), max_length=16)
    main_group = models.ForeignKey(
        MainGroup, on_delete=models.PROTECT, related_name="codes", verbose_name=_("main group")
    )
    name = models.CharField(_("name"), max_length=200)
    # "via": a group-3 code that means OT helped the youth there (OTEV via); `twin_of`: the
    # group-5 _IM code for the same activity reached without OT.
    via = models.BooleanField(_("reached with OT's help"), default=False)
    twin_of = models.CharField(_("twin of"), max_length=16, blank=True)
    valid_from = models.PositiveSmallIntegerField(_("valid from school year"))
    valid_to = models.PositiveSmallIntegerField(_("valid to school year"), null=True, blank=True)

    objects = ValidityQuerySet.as_manager()

    class Meta:
        ordering = ["main_group__number", "code"]
        constraints = [
            models.UniqueConstraint(fields=["code", "valid_from"], name="statuscode_unique_version")
        ]
        verbose_name = _("status code")
        verbose_name_plural = _("status codes")

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"


class ReasonGroup(models.Model):
    key = models.CharField(_("key"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    order = models.PositiveSmallIntegerField(_("order"))

    class Meta:
        ordering = ["order"]
        verbose_name = _("reason group")
        verbose_name_plural = _("reason groups")

    def __str__(self) -> str:
        return self.name


class ReasonCode(models.Model):
    code = models.CharField(_("code"), max_length=16)
    reason_group = models.ForeignKey(
        ReasonGroup, on_delete=models.PROTECT, related_name="codes", verbose_name=_("reason group")
    )
    name = models.CharField(_("name"), max_length=200)
    valid_from = models.PositiveSmallIntegerField(_("valid from school year"))
    valid_to = models.PositiveSmallIntegerField(_("valid to school year"), null=True, blank=True)

    objects = ValidityQuerySet.as_manager()

    class Meta:
        ordering = ["reason_group__order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["code", "valid_from"], name="reasoncode_unique_version")
        ]
        verbose_name = _("registration reason code")
        verbose_name_plural = _("registration reason codes")

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"


class AgeLimit(models.Model):
    """Who is in the target group by age: min_age ≤ (year of D − birth year) ≤ max_age."""

    valid_from = models.PositiveSmallIntegerField(_("valid from school year"), unique=True)
    min_age = models.PositiveSmallIntegerField(_("minimum age"))
    max_age = models.PositiveSmallIntegerField(_("maximum age"))
    source = models.CharField(_("legal source"), max_length=300, blank=True)

    class Meta:
        ordering = ["valid_from"]
        verbose_name = _("age limit")
        verbose_name_plural = _("age limits")

    def __str__(self) -> str:
        return f"{self.valid_from}–: {self.min_age}–{self.max_age}"


class CountingDate(models.Model):
    """A counting date (telletidspunkt) as month and day, from a school year on."""

    valid_from = models.PositiveSmallIntegerField(_("valid from school year"))
    valid_to = models.PositiveSmallIntegerField(_("valid to school year"), null=True, blank=True)
    ordinal = models.PositiveSmallIntegerField(_("order in the school year"))
    month = models.PositiveSmallIntegerField(_("month"))
    day = models.PositiveSmallIntegerField(_("day"))

    objects = ValidityQuerySet.as_manager()

    class Meta:
        ordering = ["valid_from", "ordinal"]
        constraints = [
            models.UniqueConstraint(
                fields=["valid_from", "ordinal"], name="countingdate_unique_ordinal"
            )
        ]
        verbose_name = _("counting date")
        verbose_name_plural = _("counting dates")

    def __str__(self) -> str:
        return f"{self.day:02d}.{self.month:02d}"


class KodeverkVersion(models.Model):
    """One row whose token changes whenever the kodeverk does (docs/performance.md).

    `codes.selectors.kodeverk()` keeps its snapshot in the process and reads only this token to
    know whether the snapshot is still the database's. `codes.loader.sync` (the data migration
    and `veiviser loadcodes`) sets a new token, and so does every save or delete of a code row
    through the ORM (`codes.signals`). A bulk `QuerySet.update()` of a code table does not: use
    `loader.sync` or call `codes.selectors.kodeverk_changed()` after it.
    """

    token = models.CharField(_("token"), max_length=32)
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("kodeverk version")
        verbose_name_plural = _("kodeverk versions")

    def __str__(self) -> str:
        return self.token
