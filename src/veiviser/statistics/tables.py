"""Table 1 and Table 2 at a date, as known at an instant (EXCHANGE.md §2-3, DOMAIN.md §8).

Set-based, in the database. `counting_tables` computes every county, school year and date
asked for in **one statement**, grouped there by county, school year and date: the
registrations existing at each date D (registered on ≤ D, recorded ≤ K, in the county as known
at K), each with its status and reason at D — the fact with the greatest valid_from ≤ D (ties:
greatest recorded_at) among those recorded ≤ K — and conditional counts of them. One county-year
(`statistics_document`: `veiviser stats`, the statistics page, the API, the annual report) is one
statement for its three counting dates; the whole country's ten years
(`statistics_documents`: `veiviser stats --county all --school-year 2015-2024`) is one
statement too. The main group of each code and the age limit come from the kodeverk for the
school year (data, not code).

The drill-down lists read the same definitions per registration (`registrations_at`,
`annotate_reading`, `cell_q`, as ORM querysets); `registry.rules` holds them as pure functions.
The tests check that all three agree.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import reduce
from operator import or_

from django.db import connections, router
from django.db.models import CharField, Exists, F, IntegerField, OuterRef, Q, Subquery, Value
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


def county_parts(county: str, known_at: datetime | None) -> tuple[Q, ...]:
    """`in_county` as disjoint filters on Registration whose union it is: one filter as known
    now; as known at K "in the county now and not moved since K" and "first moved away from
    the county after K". The set-based tables select each part on its own (a UNION ALL), so
    that each can use the county's index; an OR of the two cannot (docs/performance.md)."""
    if known_at is None:
        return (Q(county__number=county),)
    later = CountyChange.objects.filter(recorded_at__gt=known_at)
    earlier_of_same = later.filter(registration=OuterRef("registration")).filter(
        Q(recorded_at__lt=OuterRef("recorded_at"))
        | Q(recorded_at=OuterRef("recorded_at"), pk__lt=OuterRef("pk"))
    )
    first_move_from_here = later.filter(from_county__number=county).filter(~Exists(earlier_of_same))
    return (
        Q(county__number=county) & ~Exists(later.filter(registration=OuterRef("pk"))),
        Q(pk__in=first_move_from_here.values("registration_id")),
    )


def in_county(county: str, known_at: datetime | None):
    """Registrations that belonged to `county` as known at K. A county split or merge moves
    registrations (`registry.CountyChange`); read as known before the move, a registration
    belongs to the county it was moved from, so earlier tables reproduce under the old county.

    As known at K a registration belongs to the `from_county` of its first move recorded after
    K, or, when it has none, to its county now. Written as "in the county now and not moved
    since K, or first moved away from it after K" (`county_parts`): the first part is an
    anti-join (NOT EXISTS) over the county changes, not a correlated "county then" subquery per
    registration (docs/performance.md, "The known-at reading and county changes")."""
    return Registration.objects.filter(reduce(or_, county_parts(county, known_at)))


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
    """On `registrations_at`'s rows: the registrations behind one cell (`CELLS`) at D: the
    same definition as the cell's count in `counting_tables`, so a drill-down list of
    `registrations_at(...).filter(cell_q(...))` has as many rows as the cell's number (the
    tests check this on random histories)."""
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


# -- Table 1 and Table 2, set-based: every counting date in one statement ----------------------

# How `counting_tables` finds the status and reason in force at each (registration, date). Both
# give the same numbers on both databases (the tests run both on both); `default_reading`
# picks the faster one (docs/performance.md):
# - "latest": a correlated subquery per (registration, date) picks the fact with the greatest
#   (valid_from, recorded_at) among those recorded ≤ K with valid_from ≤ D: one probe of the
#   covering index (registration, valid_from, recorded_at, code) each. Best when the
#   registrations are few (one county), and on SQLite always (it has no hash join).
# - "intervals": each fact is in force from its valid_from to the next fact's valid_from (a
#   window function, LEAD, over every fact recorded ≤ K in reading order; a correction has the
#   same valid_from as the fact it corrects, so that fact is in force on no day); a range join
#   then finds the one fact in force at each date. One pass over all facts and hash joins:
#   PostgreSQL's way for the national view.
READINGS = ("intervals", "latest")

# The 10 counts of each (county, school year, date), in this order.
_COUNTED = (
    *(f"table1.{key}" for key in TABLE1 if key != "total"),
    "total",
    "table2.group1",
    "table2.group2",
    "table2.group3",
    "table2.group4",
    "table2.outside_age",
)


def _connection():
    """The connection the ORM reads registrations from (a router may send statistics to a
    replica); the statement's ORM parts are compiled for it too."""
    return connections[router.db_for_read(Registration)]


def default_reading(counties: Sequence[str]) -> str:
    """ "intervals" for several counties on PostgreSQL (the national view: one pass over every
    fact); "latest" otherwise (one county: index probes for its registrations only; SQLite)."""
    postgresql = _connection().vendor == "postgresql"
    return "intervals" if postgresql and len(counties) > 1 else "latest"


def _tables(on: date, counts: Sequence[int]) -> CountingDateTables:
    row = dict(zip(_COUNTED, counts, strict=True))
    target = sum(row[f"table2.group{g}"] for g in (1, 2, 3, 4))
    total = row["total"]
    return CountingDateTables(
        date=on,
        table1={key: total if key == "total" else row[f"table1.{key}"] for key in TABLE1},
        table2={
            "group1": row["table2.group1"],
            "group2": row["table2.group2"],
            "group3": row["table2.group3"],
            "group4": row["table2.group4"],
            "target_group": target,
            "not_in_target_group": total - target,
            "outside_age": row["table2.outside_age"],
            "total": total,
        },
    )


def _registered(
    counties: Sequence[str],
    school_years: Sequence[int],
    known_at: datetime | None,
    unit_id: int | None,
) -> tuple[str, list]:
    """SQL and parameters of the registrations counted (`registrations_of_year` for every
    county and school year), one row each: g_id, g_county (the county as known at K), g_year,
    g_on (registered on), g_reason (its own reason), g_birth (the person's birth date)."""

    def select(part: Q, county):
        rows = Registration.objects.filter(part, known_filter(known_at)).filter(
            school_year__in=school_years
        )
        if unit_id is not None:
            rows = rows.filter(unit_id=unit_id)
        return rows.order_by().values(
            g_id=F("pk"),
            g_county=county,
            g_year=F("school_year"),
            g_on=F("registered_on"),
            g_reason=F("reason"),
            g_birth=F("person__birth_date"),
        )

    if known_at is None:
        # As known now the county is the registration's own: one selection for all counties.
        parts = [select(Q(county__number__in=counties), F("county__number"))]
    else:
        parts = [
            select(part, Value(county, output_field=CharField()))
            for county in counties
            for part in county_parts(county, known_at)
        ]
    sqls, params = [], []
    for part in parts:
        sql, part_params = part.query.get_compiler(connection=_connection()).as_sql()
        sqls.append(sql)
        params.extend(part_params)
    return " UNION ALL ".join(sqls), params


def _code_groups(kv: Kodeverk, school_years) -> list[tuple[str, int, list[int] | None]]:
    """(code, main group, the school years in which the code has that group, or None when it
    has it in all of `school_years`) for the codes of the target group's main groups
    (kodeverk). A code not valid in a school year is in no group that year."""
    years_of: dict[tuple[str, int], list[int]] = {}
    for school_year in school_years:
        for group, codes in main_group_codes(kv, school_year).items():
            if group in kv.target_main_groups:
                for code in codes:
                    years_of.setdefault((code, group), []).append(school_year)
    return [
        (code, group, None if len(years) == len(school_years) else years)
        for (code, group), years in sorted(years_of.items(), key=lambda item: item[0][::-1])
    ]


def _placeholders(values) -> str:
    return ", ".join(["%s"] * len(values))


def _main_group(
    kv: Kodeverk, dates: dict[int, list[date]], status: str, status_params: list
) -> tuple[str, list]:
    """SQL on the pairs of registrations and dates: the main group of the status code `status`
    (an SQL expression with `status_params`) in the registration's school year when it is a
    main group of the target group, else NULL. A simple CASE, so that the status is evaluated
    once (with "latest" it is a subquery)."""
    by_code: dict[str, list[tuple[int, list[int] | None]]] = {}
    for code, group, years in _code_groups(kv, list(dates)):
        by_code.setdefault(code, []).append((group, years))
    whens, params = [], list(status_params)
    for code, groups in by_code.items():
        params.append(code)
        if len(groups) == 1 and groups[0][1] is None:
            whens.append(f"WHEN %s THEN {int(groups[0][0])}")
            continue
        # The code's group depends on the school year (or it is not valid in some of them).
        inner = []
        for group, years in groups:
            inner.append(f"WHEN g.g_year IN ({_placeholders(years)}) THEN {int(group)}")
            params += years
        whens.append(f"WHEN %s THEN CASE {' '.join(inner)} END")
    if not whens:
        return "NULL", []
    return f"CASE {status} {' '.join(whens)} END", params


def _statement(
    kv: Kodeverk,
    dates: dict[int, list[date]],
    *,
    counties: Sequence[str],
    known_at: datetime | None,
    unit_id: int | None,
    reading: str,
) -> tuple[str, list]:
    """The one statement of `counting_tables` (EXCHANGE.md §2-3): its rows are (county, school
    year, date, the 10 counts of `_COUNTED`), one per date with any registration."""
    connection = _connection()
    ops, qn = connection.ops, connection.ops.quote_name
    status_table, reason_table = qn(StatusFact._meta.db_table), qn(ReasonFact._meta.db_table)
    params: list = []
    # The dates, and for each the birth dates inside the age limit: age = year of D − birth
    # year, so inside ⇔ 1 Jan (D.year − max) ≤ birth date ≤ 31 Dec (D.year − min).
    counting = []
    for school_year, days in dates.items():
        min_age, max_age = kv.age_limit(school_year)
        for day in days:
            counting.append("(%s, %s, %s, %s)")
            params += [
                school_year,
                ops.adapt_datefield_value(day),
                ops.adapt_datefield_value(date(day.year - max_age, 1, 1)),
                ops.adapt_datefield_value(date(day.year - min_age, 12, 31)),
            ]
    registered, registered_params = _registered(counties, list(dates), known_at, unit_id)
    params += registered_params
    known, known_params = "", []
    if known_at is not None:
        known, known_params = "AND f.recorded_at <= %s", [ops.adapt_datetimefield_value(known_at)]

    def latest(table: str, column: str) -> str:
        return (
            f"(SELECT f.{column} FROM {table} f WHERE f.registration_id = g.g_id "
            f"AND f.valid_from <= c.d {known} ORDER BY f.valid_from DESC, f.recorded_at DESC "
            "LIMIT 1)"
        )

    def intervals(table: str, column: str) -> str:
        return (
            f"SELECT f.registration_id, f.{column} AS value, f.valid_from, "
            "LEAD(f.valid_from) OVER (PARTITION BY f.registration_id "
            "ORDER BY f.valid_from, f.recorded_at) AS until "
            f"FROM {table} f WHERE 1 = 1 {known}"
        )

    # PostgreSQL: compute the registrations (with their persons) before pairing them with the
    # dates, not the join with the persons once per (registration, date).
    materialized = "MATERIALIZED " if connection.vendor == "postgresql" else ""
    pairs = "FROM registered g JOIN counting c ON c.school_year = g.g_year AND g.g_on <= c.d"
    # `reading` ends with a LIMIT no query reaches: it keeps the database from flattening it
    # into the counts below, which would compute its main group and reason (subqueries with
    # "latest") again in every FILTER clause (docs/performance.md).
    inside = "g.g_birth BETWEEN c.born_from AND c.born_to AS inside"
    if reading == "latest":
        ctes = ""
        status = f"COALESCE({latest(status_table, 'code')}, %s)"
        main_group, main_group_params = _main_group(
            kv, dates, status, [*known_params, DEFAULT_STATUS]
        )
        reading_sql = (
            f"SELECT g.g_county AS county, g.g_year AS school_year, c.d AS d, {inside}, "
            f"{main_group} AS main_group, "
            f"COALESCE({latest(reason_table, 'reason')}, g.g_reason) AS reason "
            f"{pairs} LIMIT {MATERIALIZE}"
        )
        params += [*main_group_params, *known_params]
    elif reading == "intervals":
        ctes = (
            f", status_intervals AS ({intervals(status_table, 'code')})"
            f", reason_intervals AS ({intervals(reason_table, 'reason')})"
        )
        params += known_params * 2
        in_force = "{a}.registration_id = g.g_id AND {a}.valid_from <= c.d "
        in_force += "AND ({a}.until IS NULL OR c.d < {a}.until)"
        main_group, main_group_params = _main_group(
            kv, dates, "COALESCE(s.value, %s)", [DEFAULT_STATUS]
        )
        reading_sql = (
            f"SELECT g.g_county AS county, g.g_year AS school_year, c.d AS d, {inside}, "
            f"{main_group} AS main_group, COALESCE(r.value, g.g_reason) AS reason "
            f"{pairs} "
            f"LEFT JOIN status_intervals s ON {in_force.format(a='s')} "
            f"LEFT JOIN reason_intervals r ON {in_force.format(a='r')} LIMIT {MATERIALIZE}"
        )
        params += main_group_params
    else:
        raise ValueError(f"unknown reading {reading!r}: one of {', '.join(READINGS)}")

    # The same cells as `cell_q`: groups 1–4 only for main groups in the target group, and
    # only inside the age limit; outside_age = in those groups and outside the age limit. A
    # status code not valid in the school year is in no group: it counts in total only.
    # `main_group` is NULL outside the target group's main groups (`_main_group`).
    counts = []
    for cell in _COUNTED:
        table, _dot, key = cell.partition(".")
        if cell == "total":
            counts.append("COUNT(*)")
        elif table == "table1":
            counts.append("COUNT(*) FILTER (WHERE reason = %s)")
            params.append(key)
        elif key == "outside_age":
            counts.append("COUNT(*) FILTER (WHERE main_group IS NOT NULL AND NOT inside)")
        elif (group := int(key.removeprefix("group"))) in kv.target_main_groups:
            counts.append(f"COUNT(*) FILTER (WHERE main_group = {group} AND inside)")
        else:
            counts.append("0")
    sql = (
        f"WITH counting (school_year, d, born_from, born_to) AS (VALUES {', '.join(counting)}), "
        f"registered AS {materialized}({registered}){ctes}, "
        f"reading AS ({reading_sql}) "
        f"SELECT county, school_year, d, {', '.join(counts)} "
        "FROM reading GROUP BY county, school_year, d"
    )
    return sql, params


def counting_tables(
    kv: Kodeverk,
    *,
    counties: Sequence[str],
    school_years: Sequence[int],
    on: date | None = None,
    known_at: datetime | None = None,
    unit_id: int | None = None,
    reading: str | None = None,
) -> dict[tuple[str, int], list[CountingDateTables]]:
    """Table 1 and Table 2 of every county and school year given, at each school year's
    counting dates (or at `on`, which must then lie in the one school year given), as known at
    K; with `unit_id`, of that unit only. **One statement** computes every (county, school
    year, date) and groups them in the database, so asking for the whole country's ten years
    costs one query, not one per date. Each county-year maps to its dates in calendar order;
    one without registrations has zeros. `reading` chooses how the statement finds the fact in
    force (`READINGS`); by default the faster one for the database."""
    counties = list(dict.fromkeys(counties))
    school_years = list(dict.fromkeys(school_years))
    if on is not None:
        if len(school_years) != 1:
            raise ValueError("a date belongs to one school year: give exactly one with `on`")
        check_in_school_year(school_years[0], on)
        dates = {school_years[0]: [on]}
    else:
        dates = {year: kv.counting_dates_of(year) for year in school_years}
    if not counties or not school_years:
        return {}
    sql, params = _statement(
        kv,
        dates,
        counties=counties,
        known_at=known_at,
        unit_id=unit_id,
        reading=reading or default_reading(counties),
    )
    found: dict[tuple[str, int, date], Sequence[int]] = {}
    with _connection().cursor() as cursor:
        cursor.execute(sql, params)
        for county, school_year, day, *counts in cursor.fetchall():
            if isinstance(day, str):  # SQLite returns the VALUES dates as text
                day = date.fromisoformat(day)
            found[(county, int(school_year), day)] = counts
    zeros = (0,) * len(_COUNTED)
    return {
        (county, year): [_tables(day, found.get((county, year, day), zeros)) for day in days]
        for county in counties
        for year, days in dates.items()
    }


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
    tables = counting_tables(
        kv,
        counties=[county],
        school_years=[school_year],
        on=on,
        known_at=known_at,
        unit_id=unit_id,
    )
    return tables[(county, school_year)][0]


def _document(county, school_year, known_at_text, tables) -> dict:
    return {
        "county": county,
        "school_year": school_year,
        "known_at": known_at_text,
        "suppressed": False,
        "counting_dates": [
            {"date": t.date.isoformat(), "table1": t.table1, "table2": t.table2} for t in tables
        ],
    }


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
    `unit_id`, the numbers of that unit only (the document's shape is the same). One statement
    for all its dates."""
    tables = counting_tables(
        kv, counties=[county], school_years=[school_year], on=on, known_at=known_at, unit_id=unit_id
    )
    return _document(county, school_year, known_at_text, tables[(county, school_year)])


def statistics_documents(
    kv: Kodeverk,
    *,
    counties: Sequence[str],
    school_years: Sequence[int],
    on: date | None = None,
    known_at: datetime | None = None,
    known_at_text: str | None = None,
) -> list[dict]:
    """`statistics_document` for every county and school year given (county by county, each
    county's years in the order given), all computed by one statement (`counting_tables`):
    `veiviser stats` with several counties or school years, and the national view."""
    tables = counting_tables(
        kv, counties=counties, school_years=school_years, on=on, known_at=known_at
    )
    return [
        _document(county, school_year, known_at_text, found)
        for (county, school_year), found in tables.items()
    ]
