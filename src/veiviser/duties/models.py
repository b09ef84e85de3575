"""The county's deadlines for OT's duties (DOMAIN.md §6, decision: deadlines are county
settings with sensible defaults). The duties themselves are computed, never stored: see
`duties.engine` and docs/duties.md."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from veiviser.duties.engine import Deadlines, Kind, State
from veiviser.organisation.models import County

DEFAULTS = Deadlines()


def _days(verbose_name, default: int, help_text):
    return models.PositiveSmallIntegerField(
        verbose_name,
        default=default,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=help_text,
    )


class DeadlineSettings(models.Model):
    """One county's deadlines, in days. Created with the documented defaults the first time
    they are needed (`duties.services.deadline_settings_ensure`)."""

    county = models.OneToOneField(
        County,
        on_delete=models.PROTECT,
        related_name="deadline_settings",
        verbose_name=_("county"),
    )
    first_contact_days = _days(
        _("first contact attempt within (days)"),
        DEFAULTS.first_contact_days,
        _("Days from registration to the first contact attempt. Default 7."),
    )
    renewed_contact_days = _days(
        _("renewed contact attempt every (days)"),
        DEFAULTS.renewed_contact_days,
        _(
            "While the youth's status is OTUK (no contact established), the longest time "
            "between two contact attempts. Default 30."
        ),
    )
    information_days = _days(
        _("written information within (days)"),
        DEFAULTS.information_days,
        _(
            "Days from registration to the letter about the youth's rights, to the youth and, "
            "for a youth under 18, to the guardians. Default 14."
        ),
    )
    plan_days = _days(
        _("plan within (days)"),
        DEFAULTS.plan_days,
        _("Days from established contact (or status OTOV) to an agreed plan. Default 30."),
    )
    follow_up_days = _days(
        _("work-practice follow-up every (days)"),
        DEFAULTS.follow_up_days,
        _(
            "In work practice, the longest time between two follow-ups of the youth, and of "
            "the employer. Default 14 (forskrift § 13-2)."
        ),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("deadline settings")
        verbose_name_plural = _("deadline settings")

    def __str__(self) -> str:
        return str(self.county)

    @property
    def county_number(self) -> str:
        return self.county.number

    def deadlines(self) -> Deadlines:
        return Deadlines(
            first_contact_days=self.first_contact_days,
            renewed_contact_days=self.renewed_contact_days,
            information_days=self.information_days,
            plan_days=self.plan_days,
            follow_up_days=self.follow_up_days,
        )


# How the duties and their states are named in the web app (the engine has no Django).
KIND_LABELS = {
    Kind.FIRST_CONTACT: _("First contact attempt"),
    Kind.RENEWED_CONTACT: _("Renewed contact attempt"),
    Kind.INFORMATION_YOUTH: _("Written information to the youth"),
    Kind.INFORMATION_GUARDIAN: _("Written information to the guardians"),
    Kind.PLAN: _("Plan"),
    Kind.OFFER: _("Offer"),
    Kind.FOLLOW_UP_YOUTH: _("Work-practice follow-up of the youth"),
    Kind.FOLLOW_UP_EMPLOYER: _("Work-practice follow-up of the employer"),
}
STATE_LABELS = {
    State.DUE: _("due"),
    State.OVERDUE: _("overdue"),
    State.MET: _("met"),
}
