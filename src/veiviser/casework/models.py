"""The advisor's recorded work: contact attempts and conversations (DOMAIN.md §4, §6-7)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from veiviser.organisation.models import County
from veiviser.registry.models import Registration


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    SMS = "sms", _("SMS")
    EMAIL = "email", _("E-mail")
    LETTER = "letter", _("Letter")
    MEETING = "meeting", _("Meeting")
    HOME_VISIT = "home_visit", _("Home visit")
    SCHOOL = "school", _("Meeting at school")
    SOCIAL_MEDIA = "social_media", _("Social media (e.g. Snapchat)")
    OTHER = "other", _("Other")


class Outcome(models.TextChoices):
    NO_ANSWER = "no_answer", _("No answer (not contact)")
    REACHED = "reached", _("Reached the youth: contact established")
    GUARDIAN = "guardian", _("A guardian's account (youth cannot be reached)")


class Contact(models.Model):
    """One contact attempt or conversation with a youth in a school year's registration."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    registration = models.ForeignKey(
        Registration,
        on_delete=models.PROTECT,
        related_name="contacts",
        verbose_name=_("registration"),
    )
    at = models.DateTimeField(_("time"))
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    note = models.TextField(
        _("note"),
        blank=True,
        help_text=_("What was said and agreed. No health or child-welfare details here."),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["registration", "at"], name="contact_reg_at_idx")]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.at:%Y-%m-%d}"

    @property
    def establishes_contact(self) -> bool:
        return establishes_contact(self.outcome)

    @property
    def county_number(self) -> str:
        return self.county.number


def establishes_contact(outcome: str) -> bool:
    """Contact is established when the youth was reached, or, for a youth who cannot be reached
    (illness, prison), a guardian gave an account. Letters, SMS or e-mail with no reply are not
    contact (Udir kodeverk, OTUK; DOMAIN.md §4)."""
    return outcome in (Outcome.REACHED, Outcome.GUARDIAN)
