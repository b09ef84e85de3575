"""The advisor's recorded work: contact attempts and conversations, appointments with the
youth (DOMAIN.md §4, §6-7)."""

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
    VIDEO = "video", _("Video call")
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


class WorkingList(models.Model):
    """A named, saved filter of the worklist ("no contact for 30 days", "new this week"),
    private to its owner or shared with the owner's unit."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="working_lists",
        verbose_name=_("owner"),
    )
    name = models.CharField(_("name"), max_length=100)
    query = models.CharField(_("filter"), max_length=1000, blank=True)
    shared = models.BooleanField(_("shared with the unit"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="workinglist_unique_name")
        ]
        verbose_name = _("working list")
        verbose_name_plural = _("working lists")

    def __str__(self) -> str:
        return self.name


class Note(models.Model):
    """A free-text note on a youth's registration. Confidential notes hold special-category
    information (health, drug use, child welfare; GDPR art. 9) and are shown only to those the
    access policy lets read them (`policy.CONFIDENTIAL`)."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    registration = models.ForeignKey(
        Registration, on_delete=models.PROTECT, related_name="notes", verbose_name=_("registration")
    )
    text = models.TextField(_("note"))
    confidential = models.BooleanField(
        _("confidential"),
        default=False,
        help_text=_(
            "Health, drug use, child welfare or other sensitive information: only the youth's "
            "advisor and the unit coordinator can read it."
        ),
    )
    created_at = models.DateTimeField(_("written"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("written by"),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("note")
        verbose_name_plural = _("notes")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d}"

    @property
    def county_number(self) -> str:
        return self.county.number


class PartnerKind(models.TextChoices):
    NAV = "nav", _("NAV")
    SCHOOL = "school", _("School")
    PPT = "ppt", _("PPT (educational-psychological service)")
    CHILD_WELFARE = "child_welfare", _("Child welfare (barnevern)")
    HEALTH = "health", _("Health service")
    BUP = "bup", _("BUP (child and adolescent psychiatry)")
    MUNICIPALITY = "municipality", _("Municipal service")
    POLICE = "police", _("Police")
    EMPLOYER = "employer", _("Employer")
    # The county the youth moves to: a transfer of the registration history (quality.transfer).
    OTHER_COUNTY = "other_county", _("Another county (transfer when moving)")
    OTHER = "other", _("Other")


class Partner(models.Model):
    """A partner service involved with the youth this school year (DOMAIN.md §6.6)."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    registration = models.ForeignKey(
        Registration,
        on_delete=models.PROTECT,
        related_name="partners",
        verbose_name=_("registration"),
    )
    kind = models.CharField(_("service"), max_length=20, choices=PartnerKind.choices)
    name = models.CharField(_("contact person or office"), max_length=200, blank=True)
    since = models.DateField(_("involved since"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["since", "id"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")

    def __str__(self) -> str:
        return self.get_kind_display()

    @property
    def county_number(self) -> str:
        return self.county.number


class Consent(models.Model):
    """Consent to share information with a partner (written for NAV; signed by a guardian for
    a minor). A withdrawn consent is kept with the date it was withdrawn."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    registration = models.ForeignKey(
        Registration,
        on_delete=models.PROTECT,
        related_name="consents",
        verbose_name=_("registration"),
    )
    partner_kind = models.CharField(_("share with"), max_length=20, choices=PartnerKind.choices)
    given_on = models.DateField(_("given on"))
    written = models.BooleanField(_("written"), default=True)
    signed_by_guardian = models.BooleanField(_("signed by a guardian"), default=False)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["given_on", "id"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")

    def __str__(self) -> str:
        return self.get_partner_kind_display()

    @property
    def county_number(self) -> str:
        return self.county.number


class Plan(models.Model):
    """The plan made together with the youth (clarification, goals, agreed steps), one per
    registration, revised over the year; each revision is audited."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    registration = models.OneToOneField(
        Registration, on_delete=models.PROTECT, related_name="plan", verbose_name=_("registration")
    )
    goals = models.TextField(_("goals"))
    steps = models.TextField(_("agreed steps"), blank=True)
    agreed_on = models.DateField(_("agreed on"))
    review_on = models.DateField(_("review on"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")

    def __str__(self) -> str:
        return f"{self.registration}"

    @property
    def county_number(self) -> str:
        return self.county.number


class AppointmentMode(models.TextChoices):
    MEETING = "meeting", _("Meeting in person")
    PHONE = "phone", _("Phone call")
    VIDEO = "video", _("Video call")


# The contact channel an appointment held in each mode is recorded with (`appointment_held`).
MODE_CHANNEL = {
    AppointmentMode.MEETING: Channel.MEETING,
    AppointmentMode.PHONE: Channel.PHONE,
    AppointmentMode.VIDEO: Channel.VIDEO,
}


class Appointment(models.Model):
    """An appointment with the youth: when, how long, where or how (a meeting place, a phone
    call, a video call), with whom, and a note the youth sees on "Min side" (so nothing
    confidential). Moved by changing it (audited with the old and new time); cancelled with a
    reason, never deleted. Once it has been held it can be recorded as a contact (`contact`).
    Appointment letters are made from it (`letters.Letter.appointment`)."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    registration = models.ForeignKey(
        Registration,
        on_delete=models.PROTECT,
        related_name="appointments",
        verbose_name=_("registration"),
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    mode = models.CharField(_("how"), max_length=10, choices=AppointmentMode.choices)
    place = models.CharField(
        _("place"),
        max_length=200,
        blank=True,
        help_text=_("Where to meet; for a phone or video call, e.g. who calls whom."),
    )
    advisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("with"),
    )
    note = models.TextField(
        _("note for the youth"),
        blank=True,
        max_length=1000,
        help_text=_("The youth sees this on Min side: nothing confidential here."),
    )
    created_at = models.DateTimeField(_("booked at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("booked by"),
    )
    # The last time the time, place or mode changed: a letter made before it is out of date.
    moved_at = models.DateTimeField(_("last moved"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True, max_length=500)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cancelled by"),
    )
    contact = models.OneToOneField(
        Contact,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appointment",
        verbose_name=_("recorded as contact"),
    )

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["registration", "starts_at"], name="appointment_reg_start_idx")
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="appointment_ends_after_start",
            )
        ]
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")

    def __str__(self) -> str:
        return f"{self.get_mode_display()} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def county_number(self) -> str:
        return self.county.number

    @property
    def cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def duration_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    @property
    def where(self) -> str:
        """Where or how, in words (in the active language): a meeting's place; for a call, its
        kind and the place text if any (e.g. who calls whom)."""
        if self.mode == AppointmentMode.MEETING:
            return self.place
        label = str(self.get_mode_display())
        return f"{label}: {self.place}" if self.place else label
