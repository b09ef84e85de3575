"""Writes of API clients: create and renew (the token is returned once), revoke, and the per-request
bookkeeping (last use and the rate-limit window)."""

import hashlib
import math
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from veiviser.api.models import SCOPES, TOKEN_PREFIX, ApiClient
from veiviser.audit import services as audit
from veiviser.organisation.models import County, Role, Unit, User
from veiviser.problems import Problem, require_none

WINDOW = timedelta(minutes=1)


def token_hash(token: str) -> str:
    """SHA-256 of the token: the token has 256 random bits, so a slow hash adds nothing."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def service_username(name: str) -> str:
    return f"api-{name}"


def token_expiry(days: int | None = None):
    """When a token made now expires: `days` (default VEIVISER_API_TOKEN_DAYS) from now."""
    days = settings.API_TOKEN_DAYS if days is None else days
    return timezone.now() + timedelta(days=days)


def _check_days(days: int | None) -> list[Problem]:
    if days is not None and not 1 <= days <= 3650:
        return [Problem("days", _("a token lasts between 1 and 3650 days"))]
    return []


def apiclient_create(
    *,
    actor,
    name: str,
    county: County,
    scopes: list[str],
    purpose: str,
    rate_limit: int = 120,
    unit: Unit | None = None,
    days: int | None = None,
) -> tuple[ApiClient, str]:
    """Create an API client bound to `county` with its service user and return it with its
    token. The service user has no usable password and the role office (the whole county) or,
    with `unit`, unit coordinator of that unit (the policy then keeps the client to the unit).
    The token is shown this once and stored only as its SHA-256; it expires after `days`
    (default VEIVISER_API_TOKEN_DAYS)."""
    problems = _check_days(days)
    if unit is not None and unit.county_id != county.pk:
        problems.append(Problem("unit", _("the unit belongs to another county")))
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown:
        problems.append(
            Problem("scopes", _("unknown scopes: %(scopes)s") % {"scopes": ", ".join(unknown)})
        )
    if not scopes:
        problems.append(Problem("scopes", _("give at least one scope")))
    if not purpose.strip():
        problems.append(Problem("purpose", _("say why the client reads youths' records")))
    if rate_limit < 1:
        problems.append(Problem("rate_limit", _("must be at least 1 request per minute")))
    if (
        ApiClient.objects.filter(name=name).exists()
        or User.objects.filter(username=service_username(name)).exists()
    ):
        problems.append(Problem("name", _("an API client or user with this name exists")))
    require_none(problems)
    token = new_token()
    with transaction.atomic():
        user = User(
            username=service_username(name),
            role=Role.OFFICE if unit is None else Role.UNIT_COORDINATOR,
            county=county,
            unit=unit,
            first_name="API",
            last_name=name,
            is_staff=False,
        )
        user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save()
        client = ApiClient(
            name=name,
            purpose=purpose.strip(),
            county=county,
            user=user,
            scopes=sorted(set(scopes)),
            token_hash=token_hash(token),
            token_hint=token[:8],
            expires_at=token_expiry(days),
            rate_limit=rate_limit,
        )
        client.full_clean()
        client.save()
        audit.log(
            actor,
            "api.client.created",
            client,
            data={"scopes": client.scopes, "expires_at": client.expires_at.isoformat()},
        )
    return client, token


def apiclient_renew(*, actor, client: ApiClient, days: int | None = None) -> str:
    """Rotate the client's token: a new token (returned, shown once) that expires after `days`
    (default VEIVISER_API_TOKEN_DAYS); the old token stops working at once, expired or not. A
    revoked client stays revoked."""
    problems = _check_days(days)
    if client.revoked_at is not None:
        problems.append(Problem("name", _("the client is revoked; create a new one")))
    require_none(problems)
    token = new_token()
    with transaction.atomic():
        previous = client.expires_at
        client.token_hash = token_hash(token)
        client.token_hint = token[:8]
        client.expires_at = token_expiry(days)
        client.save(update_fields=["token_hash", "token_hint", "expires_at"])
        audit.log(
            actor,
            "api.client.token_renewed",
            client,
            data={
                "previous_expires_at": previous.isoformat(),
                "expires_at": client.expires_at.isoformat(),
            },
        )
    return token


def apiclient_revoke(*, actor, client: ApiClient) -> bool:
    """Revoke the client's token for good and deactivate its service user. Returns whether it
    changed (revoking twice is harmless)."""
    if client.revoked_at is not None:
        return False
    with transaction.atomic():
        client.revoked_at = timezone.now()
        client.save(update_fields=["revoked_at"])
        client.user.is_active = False
        client.user.save(update_fields=["is_active"])
        audit.log(actor, "api.client.revoked", client)
    return True


def apiclient_count_request(client: ApiClient) -> int | None:
    """Count one request against the client's rate limit and note its last use. Returns None
    when the request may go ahead, else the seconds until the window ends (Retry-After).

    A fixed window of one minute, kept in the database so that every app server counts the
    same requests (no cache server needed)."""
    now = timezone.now()
    with transaction.atomic():
        fresh = ApiClient.objects.filter(pk=client.pk).filter(
            window_started_at__gt=now - WINDOW, window_requests__lt=F("rate_limit")
        )
        if fresh.update(window_requests=F("window_requests") + 1, last_used_at=now):
            return None
        # Either the window is over (start a new one) or the limit is reached.
        started = (
            ApiClient.objects.filter(pk=client.pk)
            .values_list("window_started_at", flat=True)
            .first()
        )
        if started is None or started <= now - WINDOW:
            ApiClient.objects.filter(pk=client.pk).update(
                window_started_at=now, window_requests=1, last_used_at=now
            )
            return None
    return max(1, math.ceil((started + WINDOW - now).total_seconds()))
