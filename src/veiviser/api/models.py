"""API clients (other systems that use `/api/v1/`), their tokens and stored idempotent replies.

A client is bound to one county and acts through its own service user (`user`): a staff user
with the role *office* in that county (or *unit coordinator* of one unit, for a client kept to
a unit), which cannot log in (no usable password). So the one
access policy (`veiviser.policy`) decides what a client may see and change exactly as for a
person, and the audit trail names the client's user as the actor. The client's `scopes` narrow
that further per endpoint (docs/api.md). The token itself is never stored: only its SHA-256. A
token expires (`expires_at`, VEIVISER_API_TOKEN_DAYS after it was made) and is renewed by
issuing a new one.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from veiviser.organisation.models import County

REGISTRY_READ = "registry:read"
REGISTRY_WRITE = "registry:write"
CONTACTS_READ = "contacts:read"
CONTACTS_WRITE = "contacts:write"
APPOINTMENTS_READ = "appointments:read"
APPOINTMENTS_WRITE = "appointments:write"
STATISTICS_READ = "statistics:read"
MEASURES_READ = "measures:read"
MEASURES_WRITE = "measures:write"
EXAMS_READ = "exams:read"
EXAMS_WRITE = "exams:write"
PREVENTION_READ = "prevention:read"
PREVENTION_WRITE = "prevention:write"
PROJECTS_READ = "projects:read"
PROJECTS_WRITE = "projects:write"

SCOPES = {
    REGISTRY_READ: _("read persons, registrations and their reason and status facts"),
    REGISTRY_WRITE: _("create persons and registrations, record reason and status facts"),
    CONTACTS_READ: _("read the contacts recorded on a registration"),
    CONTACTS_WRITE: _("record contacts on a registration"),
    APPOINTMENTS_READ: _("read the appointments booked with a youth"),
    APPOINTMENTS_WRITE: _("book and cancel appointments with a youth"),
    STATISTICS_READ: _("read Table 1 and Table 2 (the JSON of veiviser stats)"),
    MEASURES_READ: _(
        "read the measures catalogue, enrolments, placements, follow-ups and autumn outcomes"
    ),
    MEASURES_WRITE: _("enrol and end enrolments, record placements, follow-ups and outcomes"),
    EXAMS_READ: _("read the exam subjects and a registration's exam entries"),
    EXAMS_WRITE: _("register youths for exams and record results"),
    PREVENTION_READ: _("read preventive cases and clarification meetings (with summaries)"),
    PREVENTION_WRITE: _("open preventive cases and record clarification meetings"),
    PROJECTS_READ: _("read projects and their participants"),
    PROJECTS_WRITE: _("add participants to projects and record their outcomes"),
}

TOKEN_PREFIX = "vv_"  # makes a leaked token recognisable to secret scanners and to us


class ApiClient(models.Model):
    name = models.SlugField(_("name"), max_length=50, unique=True)
    purpose = models.CharField(
        _("purpose"),
        max_length=200,
        help_text=_(
            "Why this system reads youths' records. Written into the audit trail as the reason "
            "of every read, as a user states a reason in the web app."
        ),
    )
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="api_clients", verbose_name=_("county")
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="api_client",
        verbose_name=_("service user"),
    )
    scopes = models.JSONField(_("scopes"), default=list)
    token_hash = models.CharField(_("token hash (SHA-256)"), max_length=64, unique=True)
    token_hint = models.CharField(_("token starts with"), max_length=12)
    rate_limit = models.PositiveIntegerField(
        _("requests per minute"),
        default=120,
        help_text=_("Requests beyond this in one minute are refused with 429."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # The token stops working at this moment; `apiclient renew` issues a new one. Set from
    # VEIVISER_API_TOKEN_DAYS when the token is made.
    expires_at = models.DateTimeField(_("token expires"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    # The current rate-limit window: a fixed minute from `window_started_at`.
    window_started_at = models.DateTimeField(null=True, blank=True, editable=False)
    window_requests = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["county", "name"]
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")

    def __str__(self) -> str:
        return self.name

    @property
    def county_number(self) -> str:
        return self.county.number

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def is_expired(self, now=None) -> bool:
        from django.utils import timezone

        return self.expires_at <= (now or timezone.now())


class IdempotentReply(models.Model):
    """The reply to a create made with an `Idempotency-Key` header: the same key with the same
    request gets this reply again (nothing is written twice); with another request, 409."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="replies")
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    key = models.CharField(max_length=200)
    request_hash = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "key"], name="idempotent_reply_unique_key")
        ]
        verbose_name = _("idempotent reply")
        verbose_name_plural = _("idempotent replies")

    def __str__(self) -> str:
        return f"{self.client_id}: {self.key}"
