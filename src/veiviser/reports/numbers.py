"""The numbers of the annual report's built-in sections, read once and published once.

`read` takes every count from the one statistics engine (`statistics.tables`, `counts`) and
the duties engine, as known at one instant K, so the report's numbers equal `veiviser stats`
with `--known-at K`. `publish` applies the county's small-number rule
(`statistics.suppression`) to every cell the report prints. Tables that share cells are
suppressed **together**, as one system of equations: at the last counting date (15 June)
Table 1, Table 2, the age distribution (its total is Table 2's target group), the status at
year end (its main groups are Table 2's groups 1–4) and the counts per unit (their sums are
the totals) are one system, so a cell hidden in one table can never be worked out from
another. Counts that depend on a hidden cell (a share, the county's own view) are hidden too.
"""

from collections.abc import Collection, Iterable, Mapping
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

from veiviser.codes.selectors import Kodeverk, school_year_bounds
from veiviser.duties import engine as duties_engine
from veiviser.duties.selectors import county_figures
from veiviser.organisation.models import County
from veiviser.statistics import counts
from veiviser.statistics.suppression import (
    TABLE_EQUATIONS,
    TABLE_UNPUBLISHED,
    Equation,
    primary,
    secondary,
    table_cells,
)
from veiviser.statistics.tables import main_group_codes, statistics_document

OSLO = ZoneInfo("Europe/Oslo")


def duties_date(school_year: int, known_at: datetime) -> date:
    """The date the duty figures are counted at: the end of the school year, or the day of K
    when K falls inside the school year (a report made while the year runs)."""
    start, end = school_year_bounds(school_year)
    return max(start, min(end, known_at.date()))


def read(kv: Kodeverk, *, county: County, school_year: int, known_at: datetime) -> dict:
    """Every count of the built-in sections, unsuppressed (never stored: `publish` first)."""
    args = {"county": county.number, "school_year": school_year, "known_at": known_at}
    return {
        # K in Norwegian time, however it was given: the same text for the same instant.
        "tables": statistics_document(
            kv, **args, known_at_text=timezone.localtime(known_at, OSLO).isoformat()
        ),
        "age": counts.age_distribution(kv, **args),
        "during_year": counts.during_year(kv, **args),
        "year_end": counts.year_end(kv, **args),
        "by_unit": counts.by_unit(kv, **args),
        "repeat": counts.repeat(kv, **args),
        "via": counts.via(kv, **args),
        "duties": county_figures(
            kv, county, school_year=school_year, on=duties_date(school_year, known_at)
        ),
        "codes_by_group": {
            str(g): sorted(c) for g, c in main_group_codes(kv, school_year).items() if c
        },
    }


def publish_cells(
    cells: Mapping[str, int],
    equations: Iterable[Equation],
    threshold: int,
    *,
    unpublished: Collection[str] = frozenset(),
) -> dict[str, int | None]:
    """The cells as published: hidden ones (primary and secondary) are None; unpublished helper
    cells are left out. Equations whose members are not all cells, or do not add up, are
    dropped (a count defined on another population is not tied by them)."""
    usable = [
        e
        for e in equations
        if all(m in cells for m in e.members) and cells[e.total] == sum(cells[p] for p in e.parts)
    ]
    hidden = secondary(cells, usable, primary(cells, threshold), unpublished=unpublished)
    return {k: None if k in hidden else v for k, v in cells.items() if k not in unpublished}


def _visible_sum(*values: int | None) -> int | None:
    return None if any(v is None for v in values) else sum(values)


def _share(part: int | None, whole: int | None, places: int = 3) -> float | None:
    """part / whole (None when either is hidden or whole is 0)."""
    if part is None or whole is None or not whole:
        return None
    return round(part / whole, places)


def _june(raw: dict, threshold: int) -> dict[str, int | None]:
    """The joint system at the last counting date: Table 1 + 2, ages, year-end codes, units."""
    entry = raw["tables"]["counting_dates"][-1]
    cells = table_cells(entry["table1"], entry["table2"])
    equations = list(TABLE_EQUATIONS)
    unpublished = set(TABLE_UNPUBLISHED)
    ages = {f"age:{a}": n for a, n in raw["age"]["ages"].items()}
    cells.update(ages)
    equations.append(Equation("target_group", tuple(ages)))
    for group, codes in raw["codes_by_group"].items():
        if f"group{group}" not in cells:
            continue
        names = tuple(f"code:{c}" for c in codes)
        cells.update({f"code:{c}": raw["year_end"]["by_code"].get(c, 0) for c in codes})
        equations.append(Equation(f"group{group}", names))
    regs, targets = [], []
    for key, unit in raw["by_unit"]["by_unit"].items():
        reg, tg, rest = f"unit_reg:{key}", f"unit_tg:{key}", f"unit_rest:{key}"
        cells[reg], cells[tg] = unit["registered"], unit["target_group"]
        cells[rest] = unit["registered"] - unit["target_group"]
        unpublished.add(rest)
        equations.append(Equation(reg, (tg, rest)))
        regs.append(reg)
        targets.append(tg)
    equations += [Equation("total", tuple(regs)), Equation("target_group", tuple(targets))]
    return publish_cells(cells, equations, threshold, unpublished=unpublished)


def publish(raw: dict, threshold: int) -> dict:
    """The numbers as the report prints them (JSON; None = suppressed)."""
    dates = []
    entries = raw["tables"]["counting_dates"]
    june = _june(raw, threshold) if entries else {}
    for position, entry in enumerate(entries):
        if position == len(entries) - 1:
            shown = june
        else:
            shown = publish_cells(
                table_cells(entry["table1"], entry["table2"]),
                TABLE_EQUATIONS,
                threshold,
                unpublished=TABLE_UNPUBLISHED,
            )
        t1 = {k: shown[k] for k in entry["table1"]}
        t2 = {k: shown[k] for k in entry["table2"]}
        dates.append(
            {
                "date": entry["date"],
                "table1": t1,
                "table2": t2,
                "own_view": _visible_sum(t2["target_group"], t2["outside_age"]),
            }
        )
    tables = {**raw["tables"], "suppressed": True, "counting_dates": dates}
    year_end = raw["year_end"]
    last = dates[-1]["table2"] if dates else {}
    by_main_group = {g: last.get(f"group{g}") for g in year_end["by_main_group"]}
    return {
        "threshold": threshold,
        "tables": tables,
        "age": {
            "date": raw["age"]["date"],
            "ages": {a: june.get(f"age:{a}") for a in raw["age"]["ages"]},
            "total": last.get("target_group"),
        },
        "year_end": {
            "date": year_end["date"],
            "target_group": last.get("target_group"),
            "by_main_group": by_main_group,
            "by_code": {c: june.get(f"code:{c}") for c in year_end["by_code"]},
            "share_in_activity": _share(by_main_group.get("3"), last.get("target_group")),
        },
        "by_unit": {
            "date": raw["by_unit"]["date"],
            "by_unit": {
                key: {
                    "name": unit["name"],
                    "registered": june.get(f"unit_reg:{key}"),
                    "target_group": june.get(f"unit_tg:{key}"),
                }
                for key, unit in raw["by_unit"]["by_unit"].items()
            },
        },
        "during_year": _during_year(raw["during_year"], threshold),
        "repeat": _repeat(raw["repeat"], threshold),
        "via": _via(raw["via"], threshold),
        "duties": _duties(raw["duties"], threshold),
    }


def _during_year(raw: dict, threshold: int) -> dict:
    cells, equations, unpublished = {}, [], set()
    for key, unit in raw["by_unit"].items():
        g, o, r = f"g:{key}", f"o:{key}", f"r:{key}"
        cells[g], cells[o] = unit["guidance"], unit["own_measures"]
        cells[r] = unit["guidance"] - unit["own_measures"]
        unpublished.add(r)
        equations.append(Equation(g, (o, r)))
    cells["guidance"] = raw["total"]["guidance"]
    cells["own_measures"] = raw["total"]["own_measures"]
    cells["rest"] = cells["guidance"] - cells["own_measures"]
    unpublished.add("rest")
    equations += [
        Equation("guidance", tuple(f"g:{k}" for k in raw["by_unit"])),
        Equation("own_measures", tuple(f"o:{k}" for k in raw["by_unit"])),
        Equation("rest", tuple(f"r:{k}" for k in raw["by_unit"])),
        Equation("guidance", ("own_measures", "rest")),
    ]
    shown = publish_cells(cells, equations, threshold, unpublished=unpublished)
    return {
        "by_unit": {
            key: {
                "name": unit["name"],
                "guidance": shown[f"g:{key}"],
                "own_measures": shown[f"o:{key}"],
            }
            for key, unit in raw["by_unit"].items()
        },
        "total": {"guidance": shown["guidance"], "own_measures": shown["own_measures"]},
    }


def _repeat(raw: dict, threshold: int) -> dict:
    last = raw["last_year"]
    groups = last["by_main_group"]
    cells = {
        "registrations": raw["registrations"],
        "repeat": raw["repeat"],
        "first_time": raw["registrations"] - raw["repeat"],
        "last_target_group": last["target_group"],
        "registered_again": last["registered_again"],
        "not_again": last["target_group"] - last["registered_again"],
        **{f"group{g}": n for g, n in groups.items()},
        "not_registered_at_date": last["not_registered_at_date"],
        "in_target_group": last["in_target_group"],
        "groups_1_4": sum(n for g, n in groups.items() if g in ("1", "2", "3", "4")),
    }
    cells["outside_age"] = cells["groups_1_4"] - cells["in_target_group"]
    equations = [
        Equation("registrations", ("repeat", "first_time")),
        Equation("last_target_group", ("registered_again", "not_again")),
        Equation(
            "registered_again",
            (*(f"group{g}" for g in groups), "not_registered_at_date"),
        ),
        Equation("groups_1_4", tuple(f"group{g}" for g in groups if g in ("1", "2", "3", "4"))),
        Equation("groups_1_4", ("in_target_group", "outside_age")),
    ]
    unpublished = {"first_time", "not_again", "groups_1_4", "outside_age"}
    shown = publish_cells(cells, equations, threshold, unpublished=unpublished)
    return {
        "registrations": shown["registrations"],
        "repeat": shown["repeat"],
        "share": _share(shown["repeat"], shown["registrations"]),
        "last_year": {
            "date": last["date"],
            "target_group": shown["last_target_group"],
            "registered_again": shown["registered_again"],
            "date_this_year": last["date_this_year"],
            "by_main_group": {g: shown[f"group{g}"] for g in groups},
            "not_registered_at_date": shown["not_registered_at_date"],
            "in_target_group": shown["in_target_group"],
        },
    }


def _via(raw: dict, threshold: int) -> dict:
    cells, equations = {}, []
    for code, row in raw["codes"].items():
        cells[f"via:{code}"], cells[f"im:{code}"] = row["via"], row["without_ot"]
    cells["via"], cells["without_ot"] = raw["total"]["via"], raw["total"]["without_ot"]
    equations.append(Equation("via", tuple(f"via:{c}" for c in raw["codes"])))
    equations.append(Equation("without_ot", tuple(f"im:{c}" for c in raw["codes"])))
    shown = publish_cells(cells, equations, threshold)
    return {
        "date": raw["date"],
        "codes": {
            code: {
                "via": shown[f"via:{code}"],
                "twin": row["twin"],
                "without_ot": shown[f"im:{code}"],
            }
            for code, row in raw["codes"].items()
        },
        "total": {"via": shown["via"], "without_ot": shown["without_ot"]},
    }


DUTY_PARTS = ("met_on_time", "met_late", "overdue", "not_yet_due")


def _duties(raw: dict, threshold: int) -> dict:
    kinds = {}
    for kind in duties_engine.Kind:
        row = raw["duties"][kind.value]
        cells = {part: row[part] for part in DUTY_PARTS}
        cells["duties"] = row["duties"]
        cells["settled"] = row["met_on_time"] + row["met_late"] + row["overdue"]
        shown = publish_cells(
            cells,
            [
                Equation("duties", ("settled", "not_yet_due")),
                Equation("settled", ("met_on_time", "met_late", "overdue")),
            ],
            threshold,
        )
        # 4 decimals, as the duties engine rounds it (`veiviser duties`).
        shown["share_on_time"] = _share(shown["met_on_time"], shown["settled"], 4)
        kinds[kind.value] = shown
    single = publish_cells(
        {"registrations": raw["registrations"], "with_duties": raw["with_duties"]}, [], threshold
    )
    return {
        "date": raw["date"],
        "deadlines": raw["deadlines"],
        "registrations": single["registrations"],
        "with_duties": single["with_duties"],
        "kinds": kinds,
        "not_computed": raw["not_computed"],
    }
