"""A request for contact sent through the public page (issue 11, DOMAIN.md §1 "youth").

It holds personal data of a youth who may not be known to OT, so it lives in the same protected
store as the registry: county-scoped, behind the tenant wall (row-level security on PostgreSQL),
and read by staff only through `veiviser.public.selectors`, which audits each opening.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from veiviser.organisation.models import County, Unit, municipality_number_validator

NEED_MAX_LENGTH = 1000


class ReachBy(models.TextChoices):
    PHONE = "phone", _("Phone call")
    SMS = "sms", _("SMS")
    EMAIL = "email", _("E-mail")


class Asker(models.TextChoices):
    SELF = "self", _("Myself")
    GUARDIAN = "guardian", _("A parent or guardian")
    SCHOOL = "school", _("A school")
    NAV = "nav", _("NAV")
    OTHER = "other", _("Someone else")


class ReferralStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    MATCHED = "matched", _("Matched to a registered youth")
    REGISTERED = "registered", _("Registered as a new youth")
    CLOSED = "closed", _("Closed")


class Referral(models.Model):
    """A pending referral (henvendelse) until a unit coordinator matches, registers or closes it."""

    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="+", verbose_name=_("county")
    )
    municipality = models.CharField(
        _("home municipality"), max_length=4, validators=[municipality_number_validator]
    )
    # The unit responsible for the municipality when the request came in (DOMAIN.md §1).
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("unit"),
    )
    given_name = models.CharField(_("given name"), max_length=100)
    family_name = models.CharField(_("family name"), max_length=100)
    birth_date = models.DateField(_("birth date"))
    fnr = models.CharField(  # noqa: DJ001 -- NULL like Person.fnr: "no number given"
        _("national identity number"), max_length=11, null=True, blank=True
    )
    reach_by = models.CharField(_("reach me by"), max_length=10, choices=ReachBy.choices)
    reach_at = models.CharField(_("phone number or e-mail"), max_length=200)
    need = models.TextField(_("what I need"), max_length=NEED_MAX_LENGTH, blank=True)
    asker = models.CharField(_("who is asking"), max_length=10, choices=Asker.choices)
    consent_confirmed = models.BooleanField(_("the youth agrees"), default=False)
    language = models.CharField(_("language"), max_length=10, blank=True)
    received_at = models.DateTimeField(_("received"), auto_now_add=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ReferralStatus.choices,
        default=ReferralStatus.PENDING,
    )
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("young person"),
    )
    registration = models.ForeignKey(
        "registry.Registration",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("registration"),
    )
    close_reason = models.TextField(_("reason for closing"), blank=True)
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("handled by"),
    )

    class Meta:
        ordering = ["received_at", "id"]
        indexes = [
            models.Index(fields=["county", "status", "unit"], name="referral_pending_idx"),
        ]
        verbose_name = _("referral from the public page")
        verbose_name_plural = _("referrals from the public page")

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def county_number(self) -> str:
        return self.county.number

    @property
    def on_behalf(self) -> bool:
        return self.asker != Asker.SELF
