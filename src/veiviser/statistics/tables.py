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

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, ExtractYear

from veiviser.codes.selectors import Kodeverk, school_year_bounds, school_year_label
from veiviser.registry.models import CountyChange, ReasonFact, Registration, StatusFact
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


# A LIMIT no query reaches: it only stops the planner from flattening the subquery.
MATERIALIZE = 2**62


class DateOutsideSchoolYear(ValueError):
    pass


@dataclass(frozen=True)
class CountingDateTables:
    date: date
    table1: dict[str, int]
    table2: dict[str, int]


def known_filter(known_at: datetime | None, prefix: str = "") -> Q:
    """Records known at K: recorded_at ≤ K (inclusive); everything when K is None."""
    return Q() if known_at is None else Q(**{f"{prefix}recorded_at__lte": known_at})


def main_group_codes(kv: Kodeverk, school_year: int) -> dict[int, list[str]]:
    """The status codes of each main group (1–5) valid in `school_year`, from the kodeverk."""
    codes_by_group: dict[int, list[str]] = {g: [] for g in range(1, 6)}
    for code in kv.status_codes:
        group = kv.status_main_group(code, school_year)
        if group is not None:
            codes_by_group.setdefault(group, []).append(code)
    return codes_by_group


def annotate_reading(queryset, *, on: date, known_at: datetime | None):
    """Registrations annotated with their reading at D as known at K (EXCHANGE.md §2):
    `status_now` (the status fact with the greatest valid_from ≤ D, ties: greatest recorded_at,
    among those recorded ≤ K; OTUK without one), `reason_now` (likewise, else the registration's
    own reason) and `birth_year` (the person's current birth date)."""
    known = known_filter(known_at)
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
    return queryset.annotate(
        status_now=Coalesce(Subquery(status), Value(DEFAULT_STATUS)),
        reason_now=Coalesce(Subquery(reason), "reason"),
        birth_year=ExtractYear("person__birth_date", output_field=IntegerField()),
    )


def in_county(county: str, known_at: datetime | None):
    """Registrations that belonged to `county` as known at K. A county split or merge moves
    registrations (`registry.CountyChange`); read as known before the move, a registration
    belongs to the county it was moved from, so earlier tables reproduce under the old county.

    As known at K a registration belongs to the `from_county` of its first move recorded after
    K, or, when it has none, to its county now. Written as "in the county now and not moved
    since K, or first moved away from it after K": the first part is an anti-join (NOT EXISTS)
    over the county changes, not a correlated "county then" subquery per registration
    (docs/performance.md, "The known-at reading and county changes")."""
    if known_at is None:
        return Registration.objects.filter(county__number=county)
    later = CountyChange.objects.filter(recorded_at__gt=known_at)
    earlier_of_same = later.filter(registration=OuterRef("registration")).filter(
        Q(recorded_at__lt=OuterRef("recorded_at"))
        | Q(recorded_at=OuterRef("recorded_at"), pk__lt=OuterRef("pk"))
    )
    first_move_from_here = later.filter(from_county__number=county).filter(~Exists(earlier_of_same))
    return Registration.objects.filter(
        (Q(county__number=county) & ~Exists(later.filter(registration=OuterRef("pk"))))
        | Q(pk__in=first_move_from_here.values("registration_id"))
    )


def registrations_of_year(
    *, county: str, school_year: int, known_at: datetime | None, unit_id: int | None = None
):
    """The county's registrations of the school year as known at K (not annotated); with
    `unit_id`, only those of that unit (OT-avdeling)."""
    registrations = in_county(county, known_at).filter(
        known_filter(known_at), school_year=school_year
    )
    return registrations if unit_id is None else registrations.filter(unit_id=unit_id)


def registrations_at(
    *,
    county: str,
    school_year: int,
    on: date,
    known_at: datetime | None = None,
    unit_id: int | None = None,
):
    """The registrations registered at D (registered_on ≤ D) as known at K, annotated with
    `annotate_reading`; with `unit_id`, only that unit's. D must lie in the school year (the
    caller checks)."""
    return annotate_reading(
        registrations_of_year(
            county=county, school_year=school_year, known_at=known_at, unit_id=unit_id
        ).filter(registered_on__lte=on),
        on=on,
        known_at=known_at,
    )


def inside_age_q(kv: Kodeverk, *, school_year: int, on: date) -> Q:
    """On `annotate_reading`'s rows: inside the school year's age limit at D. Age = year of
    D − birth year, so inside ⇔ D.year − max ≤ birth year ≤ D.year − min."""
    min_age, max_age = kv.age_limit(school_year)
    return Q(birth_year__gte=on.year - max_age, birth_year__lte=on.year - min_age)


def target_group_q(kv: Kodeverk, *, school_year: int, on: date) -> Q:
    """On `annotate_reading`'s rows: in the target group at D (status in main groups 1–4 and
    inside the age limit, DOMAIN.md §5)."""
    codes_by_group = main_group_codes(kv, school_year)
    groups_1_4 = [c for g in sorted(kv.target_main_groups) for c in codes_by_group.get(g, [])]
    return Q(status_now__in=groups_1_4) & inside_age_q(kv, school_year=school_year, on=on)


# The cells a drill-down can open: every cell of Table 1 and Table 2, and the county's own
# follow-up view (status in main groups 1–4 whatever the age = target_group + outside_age).
CELLS = (
    *(f"table1.{key}" for key in TABLE1),
    *(f"table2.{key}" for key in TABLE2),
    "own.follow_up",
)


def check_in_school_year(school_year: int, on: date) -> None:
    start, end = school_year_bounds(school_year)
    if not start <= on <= end:
        raise DateOutsideSchoolYear(
            f"{on.isoformat()} is outside school year {school_year_label(school_year)} "
            f"({start.isoformat()} – {end.isoformat()})"
        )


def cell_q(kv: Kodeverk, cell: str, *, school_year: int, on: date) -> Q:
    """On `registrations_at`'s rows: the registrations behind one cell (`CELLS`) at D. The
    engine counts each cell with exactly this filter, so a drill-down list of
    `registrations_at(...).filter(cell_q(...))` has as many rows as the cell's number."""
    if cell not in CELLS:
        raise KeyError(cell)
    table, key = cell.split(".", 1)
    codes_by_group = main_group_codes(kv, school_year)
    inside_age = inside_age_q(kv, school_year=school_year, on=on)
    groups_1_4 = Q(status_now__in=[c for g in kv.target_main_groups for c in codes_by_group[g]])
    if key == "total":
        return Q()
    if table == "table1":
        return Q(reason_now=key)
    if key.startswith("group"):
        group = int(key.removeprefix("group"))
        in_target = group in kv.target_main_groups
        return Q(status_now__in=codes_by_group[group] if in_target else []) & inside_age
    if key == "target_group":
        return groups_1_4 & inside_age
    if key == "not_in_target_group":
        return ~(groups_1_4 & inside_age)
    if key == "outside_age":
        return groups_1_4 & ~inside_age
    if key == "follow_up":
        return groups_1_4
    raise KeyError(cell)  # pragma: no cover - CELLS and the branches above agree


def tables_at(
    kv: Kodeverk,
    *,
    county: str,
    school_year: int,
    on: date,
    known_at: datetime | None = None,
    unit_id: int | None = None,
) -> CountingDateTables:
    """Table 1 and Table 2 at D as known at K, for the county or (`unit_id`) one unit."""
    check_in_school_year(school_year, on)
    registrations = registrations_at(
        county=county, school_year=school_year, on=on, known_at=known_at, unit_id=unit_id
    )
    cells = [f"table1.{key}" for key in ("not_applied", "declined", "dropped_out", "other")]
    cells += ["table2.group1", "table2.group2", "table2.group3", "table2.group4"]
    cells += ["table2.outside_age"]
    aggregates = {
        cell.replace(".", "_"): Count("pk", filter=cell_q(kv, cell, school_year=school_year, on=on))
        for cell in cells
    }
    aggregates["total"] = Count("pk")
    # Aggregating over a sliced (LIMITed) queryset makes both databases compute the readings
    # once in a subquery, instead of flattening it and repeating the correlated subqueries in
    # every FILTER clause (nine times): 3.5× faster on PostgreSQL (docs/performance.md).
    row = registrations.order_by()[:MATERIALIZE].aggregate(**aggregates)
    target = sum(row[f"table2_group{g}"] for g in (1, 2, 3, 4))
    return CountingDateTables(
        date=on,
        table1={
            "not_applied": row["table1_not_applied"],
            "declined": row["table1_declined"],
            "dropped_out": row["table1_dropped_out"],
            "other": row["table1_other"],
            "total": row["total"],
        },
        table2={
            "group1": row["table2_group1"],
            "group2": row["table2_group2"],
            "group3": row["table2_group3"],
            "group4": row["table2_group4"],
            "target_group": target,
            "not_in_target_group": row["total"] - target,
            "outside_age": row["table2_outside_age"],
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
    unit_id: int | None = None,
) -> dict:
    """The JSON document of `veiviser stats` (EXCHANGE.md §3), before any suppression; with
    `unit_id`, the numbers of that unit only (the document's shape is the same)."""
    dates = [on] if on is not None else kv.counting_dates_of(school_year)
    return {
        "county": county,
        "school_year": school_year,
        "known_at": known_at_text,
        "suppressed": False,
        "counting_dates": [
            {"date": t.date.isoformat(), "table1": t.table1, "table2": t.table2}
            for t in (
                tables_at(
                    kv,
                    county=county,
                    school_year=school_year,
                    on=d,
                    known_at=known_at,
                    unit_id=unit_id,
                )
                for d in dates
            )
        ],
    }
