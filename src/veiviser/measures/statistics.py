"""Counts of OT's measures for a school year, the county or one unit, each with one written
definition (docs/statistics.md, "Measures") and one filter that both counts and drills down
(`cell_registrations`), so a number is always as long as its list.

The school year and the unit are the registration's: an enrolment, placement or autumn outcome
belongs to the school year and unit of the registration it was recorded on. Counts are of
youths (registrations), except `enrolments` and `placements`, which count rows. Measures are
casework, not bitemporal facts: the counts are as recorded now.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from veiviser.codes.selectors import school_year_bounds
from veiviser.measures import rules
from veiviser.measures.models import (
    BACK_IN_EDUCATION_OR_WORK,
    EARLY_REASONS,
    AutumnOutcome,
    AutumnPlace,
    EndReason,
    Enrolment,
    Measure,
    Placement,
)
from veiviser.registry.models import Registration

# The youth cells (drillable): the enrolments that put a youth in the cell.
ENROLMENT_CELLS = {
    "participants": Q(),
    "completed": Q(end_reason=EndReason.COMPLETED),
    "ended_early": Q(end_reason__in=EARLY_REASONS),
    "moved_on": Q(end_reason__in=(EndReason.EDUCATION, EndReason.WORK)),
    "ongoing": Q(ends_on__isnull=True),
}
AUTUMN_CELLS = [f"autumn.{place}" for place in AutumnPlace.values] + ["autumn.none"]
CELLS = [*ENROLMENT_CELLS, "in_work_practice", "training", *AUTUMN_CELLS]


def registrations_of(county, school_year: int, unit_id: int | None = None):
    qs = Registration.objects.filter(county=county, school_year=school_year)
    return qs.filter(unit_id=unit_id) if unit_id else qs


def _training_enrolments():
    return Enrolment.objects.filter(
        registration=OuterRef("pk"), measure__kind__in=rules.TRAINING_KINDS
    )


def cell_registrations(county, school_year: int, cell: str, *, unit_id=None, measure_id=None):
    """The registrations behind one cell (optionally of one measure's row)."""
    base = registrations_of(county, school_year, unit_id)
    if cell in ENROLMENT_CELLS:
        enrolments = Enrolment.objects.filter(ENROLMENT_CELLS[cell], registration=OuterRef("pk"))
        if measure_id:
            enrolments = enrolments.filter(measure_id=measure_id)
        return base.filter(Exists(enrolments))
    if measure_id:
        raise ValueError("only the enrolment cells have rows per measure")
    if cell == "in_work_practice":
        return base.filter(Exists(Placement.objects.filter(registration=OuterRef("pk"))))
    if cell == "training":
        return base.filter(Exists(_training_enrolments()))
    if cell in AUTUMN_CELLS:
        place = cell.split(".", 1)[1]
        training = base.filter(Exists(_training_enrolments()))
        if place == "none":
            return training.filter(autumn_outcome__isnull=True)
        return training.filter(autumn_outcome__place=place)
    raise ValueError(f"unknown cell {cell!r}")


@dataclass
class MeasureRow:
    measure_id: int
    name: str
    unit_name: str
    kind: str
    capacity: int | None
    enrolments: int
    cells: dict[str, int]


@dataclass
class MeasureCounts:
    school_year: int
    on: date
    enrolments: int = 0
    placements: int = 0
    cells: dict[str, int] = field(default_factory=dict)
    rows: list[MeasureRow] = field(default_factory=list)
    follow_ups: dict = field(default_factory=dict)

    @property
    def back_in_education_or_work(self) -> float | None:
        """Share of the training participants back in education or in work in the autumn."""
        training = self.cells.get("training", 0)
        back = sum(self.cells.get(f"autumn.{p}", 0) for p in BACK_IN_EDUCATION_OR_WORK)
        return round(back / training, 4) if training else None


def _distinct(prefix: str, q: Q) -> Count:
    """Count distinct registrations through `prefix` (an enrolment's path) matching `q`."""
    cond = Q(**{f"{prefix}pk__isnull": False})
    for child in q.children:
        key, value = child
        cond &= Q(**{f"{prefix}{key}": value})
    return Count(f"{prefix}registration", distinct=True, filter=cond)


def measure_counts(county, school_year: int, *, unit_id=None, on: date | None = None):
    """Every count of the measures section (docs/statistics.md, "Measures"), in a constant
    number of queries. `on` (default: today, at most 31 July) is the date the work-practice
    follow-up duties are read at."""
    _start, end = school_year_bounds(school_year)
    on = on or min(timezone.localdate(), end)
    registrations = registrations_of(county, school_year, unit_id)
    result = MeasureCounts(school_year=school_year, on=on)

    # Youth cells over all measures: one query, Exists per cell.
    annotations = {}
    for cell in ENROLMENT_CELLS:
        annotations[cell] = Count(
            "pk", filter=Q(pk__in=cell_registrations(county, school_year, cell, unit_id=unit_id))
        )
    for cell in ("in_work_practice", "training", *AUTUMN_CELLS):
        annotations[cell.replace(".", "__")] = Count(
            "pk", filter=Q(pk__in=cell_registrations(county, school_year, cell, unit_id=unit_id))
        )
    totals = registrations.aggregate(**annotations)
    result.cells = {key.replace("__", "."): value for key, value in totals.items()}
    enrolments = Enrolment.objects.filter(registration__in=registrations)
    result.enrolments = enrolments.count()
    result.placements = Placement.objects.filter(registration__in=registrations).count()

    # Per measure: one query grouped by measure.
    per = (
        Measure.objects.filter(enrolments__registration__in=registrations)
        .values("pk", "name", "unit__name", "kind", "capacity")
        .annotate(
            n_enrolments=Count("enrolments", distinct=True),
            **{f"c_{cell}": _distinct("enrolments__", q) for cell, q in ENROLMENT_CELLS.items()},
        )
        .order_by("unit__name", "name", "pk")
    )
    for row in per:
        result.rows.append(
            MeasureRow(
                measure_id=row["pk"],
                name=row["name"],
                unit_name=row["unit__name"] or "",
                kind=row["kind"],
                capacity=row["capacity"],
                enrolments=row["n_enrolments"],
                cells={cell: row[f"c_{cell}"] for cell in ENROLMENT_CELLS},
            )
        )
    result.follow_ups = follow_up_compliance(registrations, on=on)
    return result


def follow_up_compliance(registrations, *, on: date) -> dict:
    """The work-practice follow-up duties of the youths with a placement, read by the duty
    engine at `on`: met on time, met late, overdue, not yet due, and the share on time of
    those met or past due (docs/duties.md)."""
    from veiviser.codes.selectors import kodeverk
    from veiviser.duties import engine
    from veiviser.duties import selectors as duty_selectors

    with_placement = registrations.filter(
        Exists(Placement.objects.filter(registration=OuterRef("pk")))
    )
    rows = duty_selectors._rows(with_placement)
    if not rows:
        return engine.KindFigures().as_dict()
    cases = duty_selectors.cases_for(rows, with_placement.values("pk"))
    deadlines = duty_selectors.deadlines_for({row.county_id for row in rows})
    kv = kodeverk()
    figures = engine.KindFigures()
    for row in rows:
        for duty in engine.duties_of(
            cases[row.pk], deadlines[row.county_id], on, kv.status_main_group
        ):
            if duty.kind not in (engine.Kind.FOLLOW_UP_YOUTH, engine.Kind.FOLLOW_UP_EMPLOYER):
                continue
            figures.duties += 1
            if duty.state == engine.State.MET:
                if duty.met_late:
                    figures.met_late += 1
                else:
                    figures.met_on_time += 1
            elif duty.state == engine.State.OVERDUE:
                figures.overdue += 1
            else:
                figures.not_yet_due += 1
    return figures.as_dict()


# Outcome places with their statistics labels live in models.AutumnPlace; the place order is
# the report's (seed 001: education, work, continues, other OT offer).
AUTUMN_ORDER = [*AutumnPlace.values, "none"]
__all__ = ["AUTUMN_ORDER", "CELLS", "AutumnOutcome", "cell_registrations", "measure_counts"]
