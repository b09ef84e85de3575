"""Data quality: the county's setting for stale statuses, and the log of submission files.

The checks themselves are computed, never stored (`quality.rules`, docs/quality.md).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from veiviser.organisation.models import County

# docs/quality.md, "Stale status": a status in main groups 2–4 needs re-verification when it is
# older than this many months and no contact has been established in that time.
DEFAULT_STALE_MONTHS = 6


class QualitySettings(models.Model):
    """One county's settings for the pre-submission check. Without a saved row the documented
    defaults apply (`quality.selectors.settings_for`)."""

    county = models.OneToOneField(
        County,
        on_delete=models.PROTECT,
        related_name="quality_settings",
        verbose_name=_("county"),
    )
    stale_months = models.PositiveSmallIntegerField(
        _("status is stale after (months)"),
        default=DEFAULT_STALE_MONTHS,
        validators=[MinValueValidator(1), MaxValueValidator(36)],
        help_text=_(
            "A status in main groups 2–4 that is older than this many months, with no "
            "contact established in that time, needs re-verification. Default 6."
        ),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("data quality settings")
        verbose_name_plural = _("data quality settings")

    def __str__(self) -> str:
        return str(self.county)

    @property
    def county_number(self) -> str:
        return self.county.number


class Submission(models.Model):
    """One submission file as it was produced: for which counting date, as known at which
    instant, by whom, and its SHA-256 checksum. The file itself is not kept (it holds every
    youth's identity number); it can be produced again from the same date and instant."""

    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="+", verbose_name=_("county")
    )
    on = models.DateField(_("counting date"))
    known_at = models.DateTimeField(_("as known at"))
    produced_at = models.DateTimeField(_("produced at"))
    produced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("produced by"),
    )
    rows = models.PositiveIntegerField(_("rows"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    format_version = models.PositiveSmallIntegerField(_("format version"), default=1)

    class Meta:
        ordering = ["-produced_at", "-id"]
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")

    def __str__(self) -> str:
        return f"{self.county.number} {self.on.isoformat()} ({self.sha256[:12]})"

    @property
    def county_number(self) -> str:
        return self.county.number


class SentTransfer(models.Model):
    """A transfer file sent to another county for a youth who moved (OTFA_IM): to whom, under
    which consent, and the file's SHA-256. The file itself is not kept."""

    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="+", verbose_name=_("county")
    )
    transfer_id = models.CharField(_("transfer id"), max_length=64, unique=True)
    registration = models.ForeignKey(
        "registry.Registration",
        on_delete=models.PROTECT,
        related_name="sent_transfers",
        verbose_name=_("registration"),
    )
    to_county = models.CharField(_("to county"), max_length=2)
    consent = models.ForeignKey(
        "casework.Consent", on_delete=models.PROTECT, related_name="+", verbose_name=_("consent")
    )
    sent_at = models.DateTimeField(_("sent at"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent by"),
    )
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("sent transfer")
        verbose_name_plural = _("sent transfers")

    def __str__(self) -> str:
        return f"{self.transfer_id} → {self.to_county}"

    @property
    def county_number(self) -> str:
        return self.county.number


class ReceivedTransfer(models.Model):
    """A transfer received from another county: the new registration it created, and the
    history as sent (shown read-only on the youth's page). One per transfer id and county, so
    importing the same file twice changes nothing."""

    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="+", verbose_name=_("county")
    )
    transfer_id = models.CharField(_("transfer id"), max_length=64)
    registration = models.ForeignKey(
        "registry.Registration",
        on_delete=models.PROTECT,
        related_name="received_transfers",
        verbose_name=_("registration"),
    )
    from_county = models.CharField(_("from county"), max_length=2)
    sent_at = models.DateTimeField(_("sent at"))
    received_at = models.DateTimeField(_("received at"))
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("received by"),
    )
    history = models.JSONField(_("history as sent"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "transfer_id"], name="receivedtransfer_once_per_county"
            )
        ]
        verbose_name = _("received transfer")
        verbose_name_plural = _("received transfers")

    def __str__(self) -> str:
        return f"{self.transfer_id} ← {self.from_county}"

    @property
    def county_number(self) -> str:
        return self.county.number
