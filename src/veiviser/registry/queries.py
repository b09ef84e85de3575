"""Query expressions for the bitemporal reading, shared by lists and statistics.

`status_in_force(on, known_at)` is a correlated subquery giving, for each registration row, the
code of the status fact with the greatest valid_from ≤ on (ties: greatest recorded_at) among
those recorded ≤ known_at; NULL when none (read as OTUK). Same for the reason.
"""

from datetime import date, datetime

from django.db.models import OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from veiviser.registry.models import ReasonFact, StatusFact
from veiviser.registry.rules import DEFAULT_STATUS


def _known(known_at: datetime | None) -> Q:
    return Q() if known_at is None else Q(recorded_at__lte=known_at)


def status_in_force(on: date, known_at: datetime | None = None):
    latest = (
        StatusFact.objects.filter(_known(known_at), registration=OuterRef("pk"), valid_from__lte=on)
        .order_by("-valid_from", "-recorded_at")
        .values("code")[:1]
    )
    return Coalesce(Subquery(latest), Value(DEFAULT_STATUS))


def reason_in_force(on: date, known_at: datetime | None = None):
    latest = (
        ReasonFact.objects.filter(_known(known_at), registration=OuterRef("pk"), valid_from__lte=on)
        .order_by("-valid_from", "-recorded_at")
        .values("reason")[:1]
    )
    return Coalesce(Subquery(latest), "reason")
