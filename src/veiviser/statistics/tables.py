"""Table 1 and Table 2 at a date, as known at an instant (EXCHANGE.md §2-3, DOMAIN.md §8).

Set-based: one query per date computes both tables in the database. For each registration
existing at D (as known at K) a correlated subquery picks the status fact with the greatest
valid_from ≤ D (ties: greatest recorded_at) among those recorded ≤ K, and likewise the reason;
conditional counts group them. The main group of each code and the age limit come from the
kodeverk for the school year (data, not code). `registry.rules` holds the same definitions as
pure functions; the tests check that both agree.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, ExtractYear

from veiviser.codes.selectors import Kodeverk, school_year_bounds, school_year_label
from veiviser.registry.models import ReasonFact, Registration, StatusFact
from veiviser.registry.rules import DEFAULT_STATUS

TABLE1 = ("not_applied", "declined", "dropped_out", "other", "total")
TABLE2 = (
    "group1",
    "group2",
    "group3",
    "group4",
    "target_group",
    "not_in_target_group",
    "outside_age",
    "total",
)


class DateOutsideSchoolYear(ValueError):
    pass


@dataclass(frozen=True)
class CountingDateTables:
    date: date
    table1: dict[str, int]
    table2: dict[str, int]


def tables_at(
    kv: Kodeverk, *, county: str, school_year: int, on: date, known_at: datetime | None = None
) -> CountingDateTables:
    start, end = school_year_bounds(school_year)
    if not start <= on <= end:
        raise DateOutsideSchoolYear(
            f"{on.isoformat()} is outside school year {school_year_label(school_year)} "
            f"({start.isoformat()} – {end.isoformat()})"
        )
    known = Q() if known_at is None else Q(recorded_at__lte=known_at)
    status = (
        StatusFact.objects.filter(known, registration=OuterRef("pk"), valid_from__lte=on)
        .order_by("-valid_from", "-recorded_at")
        .values("code")[:1]
    )
    reason = (
        ReasonFact.objects.filter(known, registration=OuterRef("pk"), valid_from__lte=on)
        .order_by("-valid_from", "-recorded_at")
        .values("reason")[:1]
    )
    min_age, max_age = kv.age_limit(school_year)
    registrations = Registration.objects.filter(
        known,
        county__number=county,
        school_year=school_year,
        registered_on__lte=on,
    ).annotate(
        status_now=Coalesce(Subquery(status), Value(DEFAULT_STATUS)),
        reason_now=Coalesce(Subquery(reason), "reason"),
        birth_year=ExtractYear("person__birth_date", output_field=IntegerField()),
    )
    codes_by_group: dict[int, list[str]] = {g: [] for g in range(1, 6)}
    for code in kv.status_codes:
        group = kv.status_main_group(code, school_year)
        if group is not None:
            codes_by_group[group].append(code)
    # Age = year of D − birth year; inside the limit ⇔ D.year − max ≤ birth year ≤ D.year − min.
    inside_age = Q(birth_year__gte=on.year - max_age, birth_year__lte=on.year - min_age)
    groups_1_4 = Q(status_now__in=[c for g in kv.target_main_groups for c in codes_by_group[g]])
    aggregates = {
        f"reason_{key}": Count("pk", filter=Q(reason_now=key))
        for key in ("not_applied", "declined", "dropped_out", "other")
    }
    for group in (1, 2, 3, 4):
        in_target = group in kv.target_main_groups
        aggregates[f"group{group}"] = Count(
            "pk", filter=Q(status_now__in=codes_by_group[group] if in_target else []) & inside_age
        )
    aggregates["outside_age"] = Count("pk", filter=groups_1_4 & ~inside_age)
    aggregates["total"] = Count("pk")
    row = registrations.aggregate(**aggregates)
    target = sum(row[f"group{g}"] for g in (1, 2, 3, 4))
    return CountingDateTables(
        date=on,
        table1={
            "not_applied": row["reason_not_applied"],
            "declined": row["reason_declined"],
            "dropped_out": row["reason_dropped_out"],
            "other": row["reason_other"],
            "total": row["total"],
        },
        table2={
            "group1": row["group1"],
            "group2": row["group2"],
            "group3": row["group3"],
            "group4": row["group4"],
            "target_group": target,
            "not_in_target_group": row["total"] - target,
            "outside_age": row["outside_age"],
            "total": row["total"],
        },
    )


def statistics_document(
    kv: Kodeverk,
    *,
    county: str,
    school_year: int,
    on: date | None = None,
    known_at: datetime | None = None,
    known_at_text: str | None = None,
) -> dict:
    """The JSON document of `veiviser stats` (EXCHANGE.md §3), before any suppression."""
    dates = [on] if on is not None else kv.counting_dates_of(school_year)
    return {
        "county": county,
        "school_year": school_year,
        "known_at": known_at_text,
        "suppressed": False,
        "counting_dates": [
            {"date": t.date.isoformat(), "table1": t.table1, "table2": t.table2}
            for t in (
                tables_at(kv, county=county, school_year=school_year, on=d, known_at=known_at)
                for d in dates
            )
        ],
    }
