"""Login attempts and the lockout that stops password guessing.

A username is locked while it has `USERNAME_LIMIT` failed attempts within the last
`WINDOW` (counted since its last successful login); a client address while it has
`ADDRESS_LIMIT` failed attempts within the window, whatever the usernames. Attempts refused
because of a lock count as failures too, so guessing faster than the limit keeps the lock on,
and nobody gets more than `USERNAME_LIMIT` tries at a password per window. The check runs before the password is checked, and a locked login gets the same
answer as a wrong password: the page never tells whether a username exists or is locked.
"""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from veiviser.accounts.models import LoginAttempt
from veiviser.audit import services as audit

WINDOW = timedelta(minutes=15)
USERNAME_LIMIT = 5
ADDRESS_LIMIT = 20
# LoginAttempt.username and the user model's username have this length.
USERNAME_MAX_LENGTH = 150


def _clean(username: str) -> str:
    return username[:USERNAME_MAX_LENGTH]


def is_locked(username: str, address: str, *, now: datetime | None = None) -> bool:
    """Whether a login as `username` from `address` must be refused without checking the
    password (the rule in the module docstring)."""
    now = now or timezone.now()
    since = now - WINDOW
    username = _clean(username)
    last_success = (
        LoginAttempt.objects.filter(username=username, succeeded=True, at__gt=since)
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )
    failures = LoginAttempt.objects.filter(
        username=username, succeeded=False, at__gt=last_success or since
    )
    if failures.count() >= USERNAME_LIMIT:
        return True
    if not address:
        return False
    return (
        LoginAttempt.objects.filter(address=address, succeeded=False, at__gt=since).count()
        >= ADDRESS_LIMIT
    )


def login_succeeded(*, user, username: str, address: str, method: str = "password") -> LoginAttempt:
    """Record a successful login by `user` (audit: accounts.login.succeeded), by password or
    by single sign-on (`method` "oidc"); it ends the username's count of failures."""
    with transaction.atomic():
        attempt = LoginAttempt.objects.create(
            username=_clean(username), address=address, at=timezone.now(), succeeded=True
        )
        data = {"username": attempt.username, "address": address}
        if method != "password":
            data["method"] = method
        audit.log(user, "accounts.login.succeeded", user, data=data)
    return attempt


def logout_recorded(*, user) -> None:
    """Record that `user` logged out (audit: accounts.logout)."""
    audit.log(user, "accounts.logout", user, data={"username": user.get_username()})


def login_failed(*, username: str, address: str) -> LoginAttempt:
    """Record a login refused for a wrong username or password (accounts.login.failed).
    The password itself is never recorded."""
    return _failure(username, address, "accounts.login.failed")


def login_refused_locked(*, username: str, address: str) -> LoginAttempt:
    """Record a login refused because the username or the address is locked
    (accounts.login.locked); it counts as a failure and so prolongs the lock."""
    return _failure(username, address, "accounts.login.locked")


def _failure(username: str, address: str, action: str) -> LoginAttempt:
    with transaction.atomic():
        attempt = LoginAttempt.objects.create(
            username=_clean(username), address=address, at=timezone.now(), succeeded=False
        )
        audit.log(None, action, data={"username": attempt.username, "address": address})
    return attempt


# Single sign-on (veiviser.accounts.oidc, docs/sso.md). A refusal by Veiviser after the provider
# has vouched for the person is no password guess: it is audited but not counted for the lock.


def sso_user(claims: dict):
    """The staff user the provider's `claims` name, or None: the configured claim must equal
    (case-insensitively) the configured field of exactly one active user who is not an API
    client's service user. Nobody is ever created."""
    from django.conf import settings

    from veiviser.organisation.models import User

    value = str(claims.get(settings.STAFF_OIDC["CLAIM"]) or "").strip()
    if not value:
        return None
    field = settings.STAFF_OIDC["USER_FIELD"]
    matches = list(
        User.objects.filter(**{f"{field}__iexact": value}, is_active=True, api_client__isnull=True)[
            :2
        ]
    )
    return matches[0] if len(matches) == 1 else None


def sso_refused(*, claims: dict, address: str) -> None:
    """Record a single sign-on refused because no single active staff user matches
    (accounts.login.sso_refused): the claim's value, never the token."""
    from django.conf import settings

    claim = settings.STAFF_OIDC["CLAIM"]
    audit.log(
        None,
        "accounts.login.sso_refused",
        data={
            "claim": claim,
            "value": str(claims.get(claim) or "")[:USERNAME_MAX_LENGTH],
            "address": address,
        },
    )


def sso_failed(*, error: str, address: str) -> None:
    """Record a single sign-on that did not finish: the provider refused, the state or the ID
    token was wrong, or the provider could not be reached (accounts.login.sso_failed)."""
    audit.log(None, "accounts.login.sso_failed", data={"error": error, "address": address})


def lock_lift(*, actor, username: str = "", address: str = "", now: datetime | None = None) -> int:
    """Lift the lock of `username` and/or `address` before its time is over (`veiviser unlock`):
    forget their failed attempts of the current window, so the next login is checked as if
    there had been none. Returns how many attempts were forgotten (audit:
    accounts.lock.lifted). What happened stays in the audit trail."""
    if not username and not address:
        raise ValueError("give a username or an address")
    now = now or timezone.now()
    failures = LoginAttempt.objects.filter(succeeded=False, at__gt=now - WINDOW)
    with transaction.atomic():
        forgotten = 0
        if username:
            forgotten += failures.filter(username=_clean(username)).delete()[0]
        if address:
            forgotten += failures.filter(address=address).delete()[0]
        audit.log(
            actor,
            "accounts.lock.lifted",
            data={"username": _clean(username), "address": address, "attempts": forgotten},
        )
    return forgotten
