"""Writing to the audit trail. Every service that writes calls `log` inside its transaction."""

from typing import Any

from django.db import models

from veiviser.audit.models import AuditEvent

SYSTEM = "system"


def log(
    actor,
    action: str,
    obj: models.Model | None = None,
    *,
    county: str = "",
    data: dict[str, Any] | None = None,
    reason: str = "",
    actor_label: str = "",
) -> AuditEvent:
    """Record `action` (a dotted name such as `registry.status.recorded`) by `actor`.

    `actor` is a staff user, or None for the system itself (a command run by an operator
    without naming a user, a migration). The county is taken from the object when it has one.
    `actor_label` names an actor who is not a staff user (a youth on "Min side": `youth:<key>`).
    """
    if not county and obj is not None:
        county = _county_number_of(obj)
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        actor_label=actor_label or (actor.get_username() if actor is not None else SYSTEM),
        action=action,
        county=county,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        data=data or {},
        reason=reason,
    )


def _county_number_of(obj: models.Model) -> str:
    if hasattr(obj, "county_number"):
        return obj.county_number
    county = getattr(obj, "county", None)
    return getattr(county, "number", "") if county is not None else ""
