"""The other counts of the annual reports (DOMAIN.md §8), beside Table 1 and Table 2.

Set-based like `tables.py`: each count is one or two grouped queries over the same bitemporal
reading (`tables.annotate_reading`: the status and reason at D as known at K), never a Python
loop over registrations. Each function's docstring is its definition; docs/statistics.md repeats
it for the statisticians, and tests/statistics/test_counts.py checks every function against a
straightforward computation with `registry.selectors.registration_state`.

"The last counting date" is the last of the school year's counting dates in the kodeverk
(15 June): the date of Udir's year-end numbers. Every function returns a plain dict that
`veiviser stats --report` prints as JSON; the keys are strings so the dict is JSON as it is.
"""

from datetime import date, datetime

from django.db.models import Count, Exists, OuterRef, Q, Subquery

from veiviser.codes.models import StatusCode
from veiviser.codes.selectors import Kodeverk, school_year_bounds
from veiviser.organisation.models import Municipality
from veiviser.registry.models import Registration, StatusFact
from veiviser.statistics import programmes
from veiviser.statistics.programmes import NOT_BITEMPORAL
from veiviser.statistics.tables import (
    annotate_reading,
    known_filter,
    main_group_codes,
    registrations_at,
    registrations_of_year,
    target_group_q,
)

# DOMAIN.md §8 "youths who had OTOV at some point, of them in OT's own measures (OTOA/OTKO)".
# The kodeverk has no flag for "OT's own measures", so the two codes are named here.
GUIDANCE_CODES = ("OTOV",)
OWN_MEASURE_CODES = ("OTOA", "OTKO")
# The main group "in activity" (I aktivitet): share in activity = group 3 / target group.
ACTIVITY_GROUP = 3

REPORTS = ("age", "during-year", "via", "year-end", "by-unit", "repeat", *NOT_BITEMPORAL)


def last_counting_date(kv: Kodeverk, school_year: int) -> date:
    """The school year's last counting date (15 June), the date of the year-end counts."""
    return kv.counting_dates_of(school_year)[-1]


def share(part: int, whole: int) -> float | None:
    """part / whole as a fraction with 3 decimals; None when whole is 0."""
    return round(part / whole, 3) if whole else None


def age_distribution(
    kv: Kodeverk, *, county: str, school_year: int, known_at: datetime | None = None
) -> dict:
    """Age distribution of the target group at the last counting date (Udir's view).

    Counts the registrations **in the target group** at D = 15 June as known at K (registered
    at D, status in main groups 1–4, inside the age limit), by age at D = year of D − birth
    year. Ages are keys "15", "16" …, ascending; ages with nobody are left out. `total` equals
    Table 2's `target_group` at D."""
    on = last_counting_date(kv, school_year)
    rows = (
        registrations_at(county=county, school_year=school_year, on=on, known_at=known_at)
        .filter(target_group_q(kv, school_year=school_year, on=on))
        .values("birth_year")
        .annotate(youths=Count("pk"))
        .order_by("-birth_year")
    )
    ages = {str(on.year - row["birth_year"]): row["youths"] for row in rows}
    return {"date": on.isoformat(), "ages": ages, "total": sum(ages.values())}


def _unit_order(row: dict) -> tuple:
    """Units by name, registrations without a unit last (the same on every database)."""
    return (row["unit__key"] is None, row["unit__name"] or "", row["unit__key"] or "")


def _had_status(codes, *, known_at: datetime | None, end: date) -> Exists:
    """For an outer Registration annotated with `start_fact`: it had one of `codes` at some
    point of its existence (see `during_year`)."""
    known = known_filter(known_at)
    superseded = StatusFact.objects.filter(
        known,
        registration=OuterRef("registration"),
        valid_from=OuterRef("valid_from"),
        recorded_at__gt=OuterRef("recorded_at"),
    )
    return Exists(
        StatusFact.objects.filter(
            known, registration=OuterRef("pk"), code__in=codes, valid_from__lte=end
        )
        .filter(~Exists(superseded))
        .filter(Q(valid_from__gte=OuterRef("registered_on")) | Q(pk=OuterRef("start_fact")))
    )


def during_year(
    kv: Kodeverk, *, county: str, school_year: int, known_at: datetime | None = None
) -> dict:
    """Youths who had OTOV at some point of the school year, and of them those who were in OT's
    own measures (OTOA or OTKO) at some point; per unit and in total.

    Counts the registrations of the school year (recorded ≤ K). A registration "had" a code at
    some point when its **effective status history** as known at K has that code on some day
    between `registered on` and 31 July. The effective history keeps, of the status facts
    recorded ≤ K, for each `valid_from` only the latest recorded one: a fact corrected by a later
    fact with the same `valid_from` never counts. An effective fact is in force from its
    `valid_from` to the day before the next effective fact's `valid_from` (or 31 July), so it
    counts when its `valid_from` ≥ `registered on`, or when it is the status in force on the
    registration date itself. OTUK by default (no fact) is never OTOV. Age is not applied (the
    county's view: everyone OT worked with). `own_measures` counts registrations that had OTOV
    **and** OTOA/OTKO, in any order. Registrations without a unit are under the key ""."""
    _start, end = school_year_bounds(school_year)
    known = known_filter(known_at)
    start_fact = (
        StatusFact.objects.filter(
            known, registration=OuterRef("pk"), valid_from__lte=OuterRef("registered_on")
        )
        .order_by("-valid_from", "-recorded_at")
        .values("pk")[:1]
    )
    rows = (
        registrations_of_year(county=county, school_year=school_year, known_at=known_at)
        .annotate(start_fact=Subquery(start_fact))
        .annotate(
            had_guidance=_had_status(GUIDANCE_CODES, known_at=known_at, end=end),
            had_own=_had_status(OWN_MEASURE_CODES, known_at=known_at, end=end),
        )
        .values("unit__key", "unit__name")
        .annotate(
            guidance=Count("pk", filter=Q(had_guidance=True)),
            own_measures=Count("pk", filter=Q(had_guidance=True, had_own=True)),
        )
        .order_by()
    )
    by_unit = {}
    for row in sorted(rows, key=_unit_order):
        if row["guidance"] or row["own_measures"]:
            by_unit[row["unit__key"] or ""] = {
                "name": row["unit__name"] or "",
                "guidance": row["guidance"],
                "own_measures": row["own_measures"],
            }
    return {
        "by_unit": by_unit,
        "total": {
            "guidance": sum(u["guidance"] for u in by_unit.values()),
            "own_measures": sum(u["own_measures"] for u in by_unit.values()),
        },
    }


def via(kv: Kodeverk, *, county: str, school_year: int, known_at: datetime | None = None) -> dict:
    """Youths OT brought into work, school or an apprenticeship ("via") against those who got
    there without OT (the `_IM` twins), per code, at the last counting date.

    Counts the registrations registered at D = 15 June as known at K whose status at D is a
    "via" code of the kodeverk (`via`: OTAR, OTEV, OTVF, OTLL in the 2021 list) or its twin
    (`twin_of`: OTAR_IM …), valid in the school year. The age limit is not applied: the `_IM`
    twins are outside the target group by definition, so the two sides are compared over all
    registered youths. 15 June, not 31 July, because it is Udir's last counting date."""
    on = last_counting_date(kv, school_year)
    versions = StatusCode.objects.valid_in(school_year)
    via_codes = sorted(set(versions.filter(via=True).values_list("code", flat=True)))
    twins = {
        twin_of: code
        for code, twin_of in versions.filter(twin_of__in=via_codes).values_list("code", "twin_of")
    }
    counted = dict(
        registrations_at(county=county, school_year=school_year, on=on, known_at=known_at)
        .filter(status_now__in=[*via_codes, *twins.values()])
        .values("status_now")
        .annotate(youths=Count("pk"))
        .order_by()
        .values_list("status_now", "youths")
    )
    codes = {
        code: {
            "via": counted.get(code, 0),
            "twin": twins.get(code, ""),
            "without_ot": counted.get(twins[code], 0) if code in twins else 0,
        }
        for code in via_codes
    }
    return {
        "date": on.isoformat(),
        "codes": codes,
        "total": {
            "via": sum(c["via"] for c in codes.values()),
            "without_ot": sum(c["without_ot"] for c in codes.values()),
        },
    }


def year_end(
    kv: Kodeverk, *, county: str, school_year: int, known_at: datetime | None = None
) -> dict:
    """Status of the target group at the year end: by main group and by code, and the share in
    activity.

    Counts the registrations **in the target group** at D = 15 June as known at K (Udir's
    view, the same population as Table 2's `target_group`), by the main group and the code of
    their status at D. `share_in_activity` = main group 3 / target group, a fraction with 3
    decimals (null when the target group is empty)."""
    on = last_counting_date(kv, school_year)
    counted = dict(
        registrations_at(county=county, school_year=school_year, on=on, known_at=known_at)
        .filter(target_group_q(kv, school_year=school_year, on=on))
        .values("status_now")
        .annotate(youths=Count("pk"))
        .order_by()
        .values_list("status_now", "youths")
    )
    codes_by_group = main_group_codes(kv, school_year)
    by_main_group, by_code = {}, {}
    for group in sorted(kv.target_main_groups):
        by_main_group[str(group)] = 0
        for code in sorted(codes_by_group.get(group, [])):
            by_code[code] = counted.get(code, 0)
            by_main_group[str(group)] += by_code[code]
    target = sum(by_main_group.values())
    return {
        "date": on.isoformat(),
        "target_group": target,
        "by_main_group": by_main_group,
        "by_code": by_code,
        "share_in_activity": share(by_main_group.get(str(ACTIVITY_GROUP), 0), target),
    }


def by_unit(
    kv: Kodeverk, *, county: str, school_year: int, known_at: datetime | None = None
) -> dict:
    """Registrations at the last counting date per unit and per municipality.

    Counts the registrations registered at D = 15 June as known at K, and of them those in the
    target group at D, by the registration's unit (key "" for none) and by the person's
    **current** home municipality (key "" when unknown; persons are not bitemporal). The
    municipality's name comes from the county's municipality list."""
    on = last_counting_date(kv, school_year)
    registered = registrations_at(county=county, school_year=school_year, on=on, known_at=known_at)
    counts = {
        "registered": Count("pk"),
        "target_group": Count("pk", filter=target_group_q(kv, school_year=school_year, on=on)),
    }
    units = {
        row["unit__key"] or "": {
            "name": row["unit__name"] or "",
            "registered": row["registered"],
            "target_group": row["target_group"],
        }
        for row in sorted(
            registered.values("unit__key", "unit__name").annotate(**counts).order_by(),
            key=_unit_order,
        )
    }
    names = dict(Municipality.objects.filter(county__number=county).values_list("number", "name"))
    municipalities = {
        row["person__municipality"]: {
            "name": names.get(row["person__municipality"], ""),
            "registered": row["registered"],
            "target_group": row["target_group"],
        }
        for row in registered.values("person__municipality")
        .annotate(**counts)
        .order_by("person__municipality")
    }
    return {
        "date": on.isoformat(),
        "by_unit": units,
        "by_municipality": municipalities,
        "total": {
            "registered": sum(u["registered"] for u in units.values()),
            "target_group": sum(u["target_group"] for u in units.values()),
        },
    }


def repeat(
    kv: Kodeverk, *, county: str, school_year: int, known_at: datetime | None = None
) -> dict:
    """Repeat youths, and what became of last year's target group.

    `registrations`: the registrations of the school year (recorded ≤ K); `repeat`: those whose
    person also has a registration (recorded ≤ K) in the same county in an **earlier** school
    year; `share` = repeat / registrations (3 decimals).

    `last_year`: the registrations in the target group at the last counting date D′ of the
    previous school year (15 June, as known at K); `registered_again`: how many of their persons
    have a registration in this school year; of those, `by_main_group` gives the main group of
    the status at this year's last counting date D (15 June) for those registered at D, and
    `not_registered_at_date` those registered only after D. `in_target_group` counts those in
    the target group at D."""
    registrations = registrations_of_year(county=county, school_year=school_year, known_at=known_at)
    # A person's registrations are all in the person's county (a split or merge moves them
    # together), so the person alone finds the earlier ones.
    earlier = Registration.objects.filter(
        known_filter(known_at),
        person=OuterRef("person"),
        school_year__lt=school_year,
    )
    row = registrations.annotate(is_repeat=Exists(earlier)).aggregate(
        registrations=Count("pk"), repeat=Count("pk", filter=Q(is_repeat=True))
    )

    previous = school_year - 1
    before = last_counting_date(kv, previous)
    on = last_counting_date(kv, school_year)
    last_target = (
        registrations_at(county=county, school_year=previous, on=before, known_at=known_at)
        .filter(target_group_q(kv, school_year=previous, on=before))
        .values("person_id")
    )
    codes_by_group = main_group_codes(kv, school_year)
    registered_at = Q(registered_on__lte=on)
    aggregates = {
        "registered_again": Count("pk"),
        "not_registered_at_date": Count("pk", filter=~registered_at),
        "in_target_group": Count(
            "pk", filter=registered_at & target_group_q(kv, school_year=school_year, on=on)
        ),
    }
    groups = sorted(codes_by_group)
    for group in groups:
        aggregates[f"group{group}"] = Count(
            "pk", filter=registered_at & Q(status_now__in=codes_by_group[group])
        )
    again = annotate_reading(
        registrations.filter(person__in=last_target), on=on, known_at=known_at
    ).aggregate(**aggregates)
    return {
        "registrations": row["registrations"],
        "repeat": row["repeat"],
        "share": share(row["repeat"], row["registrations"]),
        "last_year": {
            "date": before.isoformat(),
            "target_group": last_target.count(),
            "registered_again": again["registered_again"],
            "date_this_year": on.isoformat(),
            "by_main_group": {str(g): again[f"group{g}"] for g in groups},
            "not_registered_at_date": again["not_registered_at_date"],
            "in_target_group": again["in_target_group"],
        },
    }


FUNCTIONS = {
    "age": age_distribution,
    "during-year": during_year,
    "via": via,
    "year-end": year_end,
    "by-unit": by_unit,
    "repeat": repeat,
    **programmes.FUNCTIONS,
}


def report_document(
    kv: Kodeverk,
    *,
    report: str,
    county: str,
    school_year: int,
    known_at: datetime | None = None,
    known_at_text: str | None = None,
) -> dict:
    """The JSON document of `veiviser stats --report NAME`."""
    counts = FUNCTIONS[report](kv, county=county, school_year=school_year, known_at=known_at)
    return {
        "county": county,
        "school_year": school_year,
        "known_at": known_at_text,
        "report": report,
        **counts,
    }
