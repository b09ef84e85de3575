"""Preventive work with pupils and apprentices at risk of dropping out (frafallsforebyggende
arbeid, a "kan-oppgave"; DOMAIN.md §6.8, status codes ELVG_IM and ELGS_IM): the case, the
clarification meetings (avklaringsmøter) with the school and partners, and the outcome at the
end of the school year."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from veiviser.exchange.keys import new_key
from veiviser.organisation.models import County
from veiviser.registry.models import Registration


class PupilKind(models.TextChoices):
    LOWER_SECONDARY = "lower_secondary", _("Pupil in lower secondary school")
    PUPIL = "pupil", _("Pupil in upper secondary school")
    APPRENTICE = "apprentice", _("Apprentice")
    CANDIDATE = "candidate", _("Training candidate (lærekandidat)")


# The OT status a youth in preventive work has (Udir kodeverk, main group 5).
STATUS_OF_KIND = {
    PupilKind.LOWER_SECONDARY: "ELGS_IM",
    PupilKind.PUPIL: "ELVG_IM",
    PupilKind.APPRENTICE: "ELVG_IM",
    PupilKind.CANDIDATE: "ELVG_IM",
}


class YearOutcome(models.TextChoices):
    COMPLETED = "completed", _("Completed the school year")
    DROPPED_OUT = "dropped_out", _("Dropped out")


class DropoutReason(models.TextChoices):
    """Why the youth dropped out (the reasons seed 002 names)."""

    WRONG_CHOICE = "wrong_choice", _("Wrong choice of programme")
    PERSONAL = "personal", _("Personal reasons")
    MOTIVATION = "motivation", _("Motivation")
    ABSENCE = "absence", _("Absence")
    WORK = "work", _("Got ordinary work")
    HEALTH = "health", _("Health")
    MOVED = "moved", _("Moved")
    OTHER = "other", _("Other")


class PreventiveCase(models.Model):
    """OT's preventive work with one pupil or apprentice in one school year (one per
    registration)."""

    # The record's stable id in the exchange format (docs/exchange.md, version 2).
    key = models.CharField(_("key"), max_length=64, default=new_key, editable=False)
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    registration = models.OneToOneField(
        Registration,
        on_delete=models.PROTECT,
        related_name="preventive_case",
        verbose_name=_("registration"),
    )
    kind = models.CharField(_("pupil or apprentice"), max_length=20, choices=PupilKind.choices)
    school = models.CharField(_("school or training company"), max_length=200)
    started_on = models.DateField(_("started on"))
    concern = models.TextField(
        _("concern"),
        blank=True,
        help_text=_("Why the school or OT is concerned. No health or child-welfare details here."),
    )
    outcome = models.CharField(
        _("outcome at the end of the school year"),
        max_length=20,
        choices=YearOutcome.choices,
        blank=True,
    )
    outcome_on = models.DateField(_("outcome on"), null=True, blank=True)
    dropout_reason = models.CharField(
        _("reason for dropping out"), max_length=20, choices=DropoutReason.choices, blank=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["county", "key"], name="preventivecase_unique_key")
        ]
        ordering = ["-started_on", "id"]
        verbose_name = _("preventive case")
        verbose_name_plural = _("preventive cases")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.started_on:%Y-%m-%d}"

    @property
    def county_number(self) -> str:
        return self.county.number

    @property
    def expected_status(self) -> str:
        return STATUS_OF_KIND[self.kind]


class ClarificationMeeting(models.Model):
    """A clarification meeting (avklaringsmøte) about the youth with the school and partners.
    The summary is personal data: it is shown on the youth's page only."""

    # The record's stable id in the exchange format (docs/exchange.md, version 2).
    key = models.CharField(_("key"), max_length=64, default=new_key, editable=False)
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(
        PreventiveCase, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("case")
    )
    registration = models.ForeignKey(
        Registration, on_delete=models.PROTECT, related_name="+", verbose_name=_("registration")
    )
    held_on = models.DateField(_("held on"))
    partners = models.JSONField(_("partners present"), default=list, blank=True)
    participants = models.CharField(
        _("participants"),
        max_length=300,
        blank=True,
        help_text=_("E.g. the pupil, a guardian, the contact teacher, the school counsellor."),
    )
    summary = models.TextField(_("summary"), blank=True)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["county", "key"], name="clarificationmeeting_unique_key"
            )
        ]
        ordering = ["held_on", "id"]
        verbose_name = _("clarification meeting")
        verbose_name_plural = _("clarification meetings")

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d}"

    @property
    def county_number(self) -> str:
        return self.county.number
