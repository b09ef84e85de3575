"""The annual report's chapters on measures and participants, work practice with its
follow-ups, and the autumn outcomes (docs/reports.md). Every number is `measure_counts`'s
(docs/statistics.md, "Measures"), published through the county's small-number rule.

Measures are casework, not bitemporal facts: their counts are as recorded when the report is
made, so a regeneration prints the numbers kept with the earlier report (the chapters' keys are
in `reports.services.NOT_BITEMPORAL`)."""

from django.utils.translation import gettext as _

from veiviser.measures.models import BACK_IN_EDUCATION_OR_WORK, AutumnPlace, Kind
from veiviser.measures.statistics import AUTUMN_ORDER, ENROLMENT_CELLS, measure_counts
from veiviser.reports.numbers import duties_date
from veiviser.statistics import charts
from veiviser.statistics.suppression import Equation

FOLLOW_UP_PARTS = ("met_on_time", "met_late", "overdue", "not_yet_due")
YOUTH_CELLS = (*ENROLMENT_CELLS, "in_work_practice")


def _counts(ctx):
    return measure_counts(
        ctx.county, ctx.school_year, on=duties_date(ctx.school_year, ctx.known_at)
    )


def _share(part, whole, places: int = 4):
    if part is None or whole is None or not whole:
        return None
    return round(part / whole, places)


def measures_numbers(ctx) -> dict:
    """The published numbers of the measures chapter (JSON)."""
    counts = _counts(ctx)
    totals = ctx.publish({cell: counts.cells[cell] for cell in YOUTH_CELLS})
    kinds = dict(Kind.choices)
    rows = []
    for row in counts.rows:
        shown = ctx.publish(dict(row.cells))
        rows.append(
            {
                "name": row.name,
                "unit": row.unit_name,
                "kind": str(kinds.get(row.kind, row.kind)),
                **shown,
            }
        )
    raw = counts.follow_ups
    cells = {part: raw[part] for part in FOLLOW_UP_PARTS}
    cells["duties"] = raw["duties"]
    cells["settled"] = raw["met_on_time"] + raw["met_late"] + raw["overdue"]
    follow_ups = ctx.publish(
        cells,
        [
            Equation("duties", ("settled", "not_yet_due")),
            Equation("settled", ("met_on_time", "met_late", "overdue")),
        ],
    )
    follow_ups["share_on_time"] = _share(follow_ups["met_on_time"], follow_ups["settled"])
    return {
        "date": counts.on.isoformat(),
        "totals": totals,
        "rows": rows,
        "follow_ups": follow_ups,
    }


def measures_section(ctx) -> dict:
    numbers = ctx.frozen.get("measures") or measures_numbers(ctx)
    return {**numbers, "numbers": numbers}


def autumn_numbers(ctx) -> dict:
    """The published autumn outcomes of the youths in OT's training measures."""
    counts = _counts(ctx)
    places = [f"autumn.{place}" for place in AUTUMN_ORDER]
    cells = {"training": counts.cells["training"]}
    cells.update({place: counts.cells[place] for place in places})
    cells["back"] = sum(counts.cells[f"autumn.{p}"] for p in BACK_IN_EDUCATION_OR_WORK)
    back_parts = tuple(f"autumn.{p}" for p in BACK_IN_EDUCATION_OR_WORK)
    rest = tuple(p for p in places if p not in back_parts)
    shown = ctx.publish(
        cells,
        [Equation("training", ("back", *rest)), Equation("back", back_parts)],
    )
    shown["back_share"] = _share(shown["back"], shown["training"])
    return shown


def autumn_section(ctx) -> dict:
    numbers = ctx.frozen.get("autumn_outcomes") or autumn_numbers(ctx)
    labels = dict(AutumnPlace.choices)
    labels["none"] = _("No outcome recorded")
    rows = [
        {
            "label": str(labels[place]),
            "value": numbers[f"autumn.{place}"],
            "share": _share(numbers[f"autumn.{place}"], numbers["training"]),
            "back": place in BACK_IN_EDUCATION_OR_WORK,
        }
        for place in AUTUMN_ORDER
    ]
    chart = charts.bar_chart(
        title=_("Where the youths in OT's training measures were in the autumn"),
        # One bar per place, named in the legend: the long names do not fit under bars.
        categories=[_("In the autumn")],
        series=[(r["label"], [r["value"]]) for r in rows],
        id_prefix="report-autumn",
        description=_(
            "Bar chart of the youths in OT's training measures by where they were in the "
            "autumn after the school year."
        ),
    )
    return {
        "rows": rows,
        "training": numbers["training"],
        "back": numbers["back"],
        "back_share": numbers["back_share"],
        "chart": chart,
        "numbers": numbers,
    }
