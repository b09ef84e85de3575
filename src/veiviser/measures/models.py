"""OT's measures (tiltak): the county's catalogue, youths' enrolments, work-practice placements
with their follow-ups, and where training participants are in the autumn (DOMAIN.md §6-8).

Every row carries its county (the tenant; row-level security on PostgreSQL, migration 0002)
and a stable `key` used by the exchange format (docs/exchange.md, version 2)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from veiviser.measures import rules
from veiviser.organisation.models import County, Unit
from veiviser.registry.models import Registration, StatusFact


class Kind(models.TextChoices):
    BASIC_SKILLS = rules.BASIC_SKILLS, _("OT's own training: basic skills")
    COPING = rules.COPING, _("OT's own training: coping (livsmestring)")
    PHYSICAL_ACTIVITY = rules.PHYSICAL_ACTIVITY, _("OT's own training: physical activity")
    SUBJECT_TRAINING = rules.SUBJECT_TRAINING, _("Subject training towards private-candidate exams")
    WORK_PRACTICE = rules.WORK_PRACTICE, _("Work practice (arbeidspraksis)")
    GROUP = rules.GROUP, _("Group")
    WINDJAMMER = rules.WINDJAMMER, _("The Windjammer voyage")
    MOBILE_MODULE = rules.MOBILE_MODULE, _("Mobile module")
    WORKSHOP = rules.WORKSHOP, _("Workshop at the competence centre")
    APPLICATION_HELP = rules.APPLICATION_HELP, _("Help with a new application")
    JOB_HELP = rules.JOB_HELP, _("Help into ordinary work")
    PRACTICAL_SUPPORT = rules.PRACTICAL_SUPPORT, _("Practical support")


class Organiser(models.TextChoices):
    COUNTY = rules.COUNTY, _("The county (OT's own measure)")
    NAV = rules.NAV, _("NAV")
    COMBINED = rules.COMBINED, _("The county and NAV combined")


class Measure(models.Model):
    """A measure in the county's catalogue, county-wide or run by one unit."""

    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="+", verbose_name=_("county")
    )
    key = models.CharField(_("key"), max_length=64)
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="measures",
        verbose_name=_("unit"),
        help_text=_("Empty: a county-wide measure."),
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    organiser = models.CharField(
        _("run by"), max_length=20, choices=Organiser.choices, default=Organiser.COUNTY
    )
    capacity = models.PositiveSmallIntegerField(
        _("capacity"),
        null=True,
        blank=True,
        help_text=_("Places at the same time. Empty: no limit."),
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible"),
    )
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["county", "key"], name="measure_unique_key")]
        verbose_name = _("measure")
        verbose_name_plural = _("measures")

    def __str__(self) -> str:
        return self.name

    @property
    def county_number(self) -> str:
        return self.county.number

    @property
    def implied_status(self) -> str | None:
        return rules.implied_status(self.kind, self.organiser)


class EndReason(models.TextChoices):
    COMPLETED = "completed", _("Completed")
    EDUCATION = "education", _("Started education")
    WORK = "work", _("Started work")
    DROPPED_OUT = "dropped_out", _("Dropped out")
    OTHER = "other", _("Other reason")


# Endings that count as "ended early" in the statistics (docs/measures.md).
EARLY_REASONS = (EndReason.DROPPED_OUT, EndReason.OTHER)


class ProposalState(models.TextChoices):
    NONE = "", _("no status change implied")
    PROPOSED = "proposed", _("proposed")
    CONFIRMED = "confirmed", _("confirmed")
    DISMISSED = "dismissed", _("dismissed")


class Enrolment(models.Model):
    """A youth's registration taking part in a measure from `starts_on` (to `ends_on`).

    On enrolment the service proposes the status the measure implies; the advisor confirms it
    (a status fact through the registry) or dismisses it. Nothing writes a status silently."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    key = models.CharField(_("key"), max_length=64)
    measure = models.ForeignKey(
        Measure, on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("measure")
    )
    registration = models.ForeignKey(
        Registration,
        on_delete=models.PROTECT,
        related_name="enrolments",
        verbose_name=_("registration"),
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    end_reason = models.CharField(
        _("reason for ending"), max_length=20, choices=EndReason.choices, blank=True
    )
    proposed_status = models.CharField(_("proposed status"), max_length=16, blank=True)
    proposal = models.CharField(
        _("status proposal"), max_length=20, choices=ProposalState.choices, blank=True
    )
    status_fact = models.ForeignKey(
        StatusFact,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed status"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["county", "key"], name="enrolment_unique_key")
        ]
        indexes = [models.Index(fields=["measure", "starts_on"], name="enrolment_measure_idx")]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")

    def __str__(self) -> str:
        return f"{self.measure} {self.starts_on}"

    @property
    def county_number(self) -> str:
        return self.county.number

    def active_on(self, day) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


class Placement(models.Model):
    """A work-practice placement (arbeidspraksis) with an employer (DOMAIN.md §6.7)."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    key = models.CharField(_("key"), max_length=64)
    registration = models.ForeignKey(
        Registration,
        on_delete=models.PROTECT,
        related_name="placements",
        verbose_name=_("registration"),
    )
    enrolment = models.ForeignKey(
        Enrolment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="placements",
        verbose_name=_("enrolment"),
    )
    employer_orgnr = models.CharField(_("organisation number"), max_length=9)
    employer_name = models.CharField(_("employer"), max_length=200)
    contact_person = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    hours_per_week = models.DecimalField(
        _("hours per week"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(60)],
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["county", "key"], name="placement_unique_key")
        ]
        verbose_name = _("work-practice placement")
        verbose_name_plural = _("work-practice placements")

    def __str__(self) -> str:
        return f"{self.employer_name} {self.starts_on}"

    @property
    def county_number(self) -> str:
        return self.county.number


class Party(models.TextChoices):
    YOUTH = "youth", _("The youth")
    EMPLOYER = "employer", _("The employer")


class FollowUp(models.Model):
    """A follow-up (oppfølging) of the youth or of the employer in a placement."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    key = models.CharField(_("key"), max_length=64)
    placement = models.ForeignKey(
        Placement, on_delete=models.PROTECT, related_name="follow_ups", verbose_name=_("placement")
    )
    on = models.DateField(_("date"))
    party = models.CharField(_("followed up"), max_length=20, choices=Party.choices)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["county", "key"], name="followup_unique_key")
        ]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")

    def __str__(self) -> str:
        return f"{self.get_party_display()} {self.on}"

    @property
    def county_number(self) -> str:
        return self.county.number


class AutumnPlace(models.TextChoices):
    EDUCATION = "education", _("Back in education")
    WORK = "work", _("In work")
    CONTINUES = "continues", _("Continues in OT")
    OTHER_OFFER = "other_offer", _("Other offer from OT")
    OTHER = "other", _("Other or unknown")


# "Back in education or work" (seed 001: 61 %): the places that count in the share.
BACK_IN_EDUCATION_OR_WORK = (AutumnPlace.EDUCATION, AutumnPlace.WORK)


class AutumnOutcome(models.Model):
    """Where a participant of OT's training measures in a school year is in the autumn after
    (seed 001): one per registration, revised in place (audited)."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    key = models.CharField(_("key"), max_length=64)
    registration = models.OneToOneField(
        Registration,
        on_delete=models.PROTECT,
        related_name="autumn_outcome",
        verbose_name=_("registration"),
    )
    place = models.CharField(_("in the autumn"), max_length=20, choices=AutumnPlace.choices)
    observed_on = models.DateField(_("observed on"))
    note = models.TextField(_("note"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["county", "key"], name="autumnoutcome_unique_key")
        ]
        verbose_name = _("autumn outcome")
        verbose_name_plural = _("autumn outcomes")

    def __str__(self) -> str:
        return self.get_place_display()

    @property
    def county_number(self) -> str:
        return self.county.number
