"""Registrations by source (how the youth came to OT), among them self-referrals from the public
contact page (docs/statistics.md, "Registrations by source").

One grouped query. A registration counts when it belongs to the school year, was registered on
or before D (when a date is chosen) and was recorded by K (when "known at" is chosen); the
source is the registration's own, set when it was made (it has no history).
"""

from datetime import date, datetime

from django.db.models import Count

from veiviser.registry.models import Registration, Source
from veiviser.statistics.suppression import Equation, suppress

NOT_RECORDED = "not_recorded"


def registrations_by_source(
    *,
    county,
    school_year: int,
    unit=None,
    on: date | None = None,
    known_at: datetime | None = None,
) -> dict[str, int]:
    """{source: count} for every source (and `not_recorded`), plus `total`."""
    qs = Registration.objects.filter(county=county, school_year=school_year)
    if unit is not None:
        qs = qs.filter(unit=unit)
    if on is not None:
        qs = qs.filter(registered_on__lte=on)
    if known_at is not None:
        qs = qs.filter(recorded_at__lte=known_at)
    found = dict(qs.order_by().values_list("source").annotate(n=Count("id")))
    counts = {value: found.get(value, 0) for value in Source.values}
    counts[NOT_RECORDED] = found.get("", 0)
    counts["total"] = sum(found.values())
    return counts


def suppressed_cells(counts: dict[str, int], threshold: int) -> set[str]:
    """The cells to hide in a published table: small numbers, and what would reveal them
    through the total (statistics/suppression.py)."""
    parts = tuple(name for name in counts if name != "total")
    return suppress(counts, [Equation("total", parts)], threshold)


def source_rows(counts: dict[str, int], hidden: set[str]) -> list[dict]:
    labels = dict(Source.choices)
    rows = []
    for name, value in counts.items():
        if name == "total":
            continue
        label = labels.get(name)
        rows.append(
            {
                "source": name,
                "label": label,
                "value": None if name in hidden else value,
                "self_referral": name == Source.SELF_REFERRAL,
            }
        )
    rows.append(
        {
            "source": "total",
            "label": None,
            "value": None if "total" in hidden else counts["total"],
            "self_referral": False,
        }
    )
    return rows
