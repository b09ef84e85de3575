"""Letters to youths and their guardians (DOMAIN.md §6 duty 2: written information about their
rights; and appointment letters), the county's letterhead, and the confidentiality block.

A letter keeps the PDF exactly as it was sent (bytes and sha256) and the template *version* it
was made from: editing a template makes a new version, so old letters never change.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from veiviser.organisation.models import County, Unit
from veiviser.people.models import Guardian, Person
from veiviser.registry.models import Registration


class LetterKind(models.TextChoices):
    INFORMATION = "information", _("Information about rights and OT's offer")
    APPOINTMENT = "appointment", _("Appointment")


class Audience(models.TextChoices):
    YOUTH = "youth", _("The youth")
    GUARDIAN = "guardian", _("A guardian")


class LetterTemplate(models.Model):
    """One version of a letter text. `key` names the text across its versions; only the newest
    version of a key is `active` and offered for new letters."""

    key = models.SlugField(
        _("key"), max_length=64, help_text=_("Names the text across its versions.")
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    active = models.BooleanField(_("in use"), default=True, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=LetterKind.choices)
    audience = models.CharField(_("recipient"), max_length=20, choices=Audience.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(
        _("text"),
        help_text=_(
            "HTML with Django template variables, e.g. {{ youth_name }}; see docs/letters.md "
            "for the list."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        ordering = ["key", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["key", "version"], name="lettertemplate_unique_version"
            ),
            models.UniqueConstraint(
                fields=["key"], condition=models.Q(active=True), name="lettertemplate_one_active"
            ),
        ]
        verbose_name = _("letter template")
        verbose_name_plural = _("letter templates")

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"


class Letterhead(models.Model):
    """The county's letterhead: the sender's name and the address block on every letter."""

    county = models.OneToOneField(
        County, on_delete=models.PROTECT, related_name="letterhead", verbose_name=_("county")
    )
    sender = models.CharField(
        _("sender"), max_length=200, help_text=_("E.g. the county's full name.")
    )
    service = models.CharField(_("service"), max_length=200, default="Oppfølgingstjenesten")
    address = models.TextField(_("address"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    web = models.CharField(_("web address"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("letterhead")
        verbose_name_plural = _("letterheads")

    def __str__(self) -> str:
        return self.sender

    @property
    def county_number(self) -> str:
        return self.county.number


class UnitContact(models.Model):
    """A unit's visiting address and phone for letters (falls back to the letterhead's)."""

    unit = models.OneToOneField(
        Unit, on_delete=models.CASCADE, related_name="letter_contact", verbose_name=_("unit")
    )
    address = models.TextField(_("address"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    class Meta:
        verbose_name = _("unit contact details")
        verbose_name_plural = _("unit contact details")

    def __str__(self) -> str:
        return str(self.unit)

    @property
    def county_number(self) -> str:
        return self.unit.county.number


class StaffContact(models.Model):
    """The phone number an advisor gives in letters (the user model has none)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="letter_contact",
        verbose_name=_("staff user"),
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("staff phone for letters")
        verbose_name_plural = _("staff phones for letters")

    def __str__(self) -> str:
        return str(self.user)


class LetterBlock(models.Model):
    """Confidentiality: no letter may go to this youth's guardians (DOMAIN.md §6 duty 2,
    "unless confidentiality forbids"), e.g. a protected address or child-welfare reasons."""

    person = models.OneToOneField(
        Person,
        on_delete=models.CASCADE,
        related_name="letter_block",
        verbose_name=_("young person"),
    )
    reason = models.TextField(_("reason"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        verbose_name = _("block on letters to guardians")
        verbose_name_plural = _("blocks on letters to guardians")

    def __str__(self) -> str:
        return str(self.person)

    @property
    def county_number(self) -> str:
        return self.person.county.number


class LetterBlockChange(models.Model):
    """One step in the history of a youth's block on letters to guardians: set, its reason
    changed, or lifted; who did it, when and why (shown on the youth page, docs/casework.md).
    Written by `services.letter_block_set` / `letter_block_clear` only, never changed."""

    class Action(models.TextChoices):
        SET = "set", _("Block set")
        CHANGED = "changed", _("Reason changed")
        LIFTED = "lifted", _("Block lifted")

    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="+", verbose_name=_("county")
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.CASCADE,
        related_name="letter_block_changes",
        verbose_name=_("young person"),
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    reason = models.TextField(_("reason"), blank=True)
    at = models.DateTimeField(_("at"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("change of the block on letters to guardians")
        verbose_name_plural = _("changes of the block on letters to guardians")

    def __str__(self) -> str:
        return f"{self.person}: {self.action} {self.at:%Y-%m-%d %H:%M}"

    @property
    def county_number(self) -> str:
        return self.county.number


class BatchStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class LetterBatch(models.Model):
    """A run of `letters_batch` (usually in the background): what it covers and how far it got."""

    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="+", verbose_name=_("county")
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("unit"),
    )
    since = models.DateField(_("registered since"))
    status = models.CharField(
        _("status"), max_length=10, choices=BatchStatus.choices, default=BatchStatus.QUEUED
    )
    total = models.PositiveIntegerField(_("letters to make"), default=0)
    done = models.PositiveIntegerField(_("letters made"), default=0)
    skipped = models.PositiveIntegerField(_("letters refused"), default=0)
    error = models.TextField(_("error"), blank=True)
    task_id = models.CharField(_("task"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("letter batch")
        verbose_name_plural = _("letter batches")

    def __str__(self) -> str:
        return f"{self.county.number} {self.since} ({self.status})"

    @property
    def county_number(self) -> str:
        return self.county.number


class Letter(models.Model):
    """A letter as sent: to the youth (`guardian` empty) or to one guardian."""

    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="+", verbose_name=_("county")
    )
    registration = models.ForeignKey(
        Registration,
        on_delete=models.PROTECT,
        related_name="letters",
        verbose_name=_("registration"),
    )
    template = models.ForeignKey(
        LetterTemplate,
        on_delete=models.PROTECT,
        related_name="letters",
        verbose_name=_("template version"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=LetterKind.choices)
    audience = models.CharField(_("recipient"), max_length=20, choices=Audience.choices)
    guardian = models.ForeignKey(
        Guardian,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="letters",
        verbose_name=_("guardian"),
    )
    # The recipient as written on the letter, kept if the guardian is later removed.
    recipient_name = models.CharField(_("recipient"), max_length=200)
    title = models.CharField(_("title"), max_length=200)
    pdf = models.BinaryField(_("PDF"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    batch = models.ForeignKey(
        LetterBatch,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="letters",
        verbose_name=_("batch"),
    )
    # An appointment letter is made from a booked appointment: its time and place come from it.
    appointment = models.ForeignKey(
        "casework.Appointment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="letters",
        verbose_name=_("appointment"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["registration", "kind"], name="letter_kind_idx")]
        verbose_name = _("letter")
        verbose_name_plural = _("letters")

    def __str__(self) -> str:
        return f"{self.title} → {self.recipient_name}"

    @property
    def county_number(self) -> str:
        return self.county.number

    @property
    def filename(self) -> str:
        return f"brev-{self.pk}-{self.kind}.pdf"
