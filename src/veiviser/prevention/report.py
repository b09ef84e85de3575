"""The annual report's chapter on preventive work (docs/reports.md): the pupils, apprentices
and candidates OT worked with to prevent dropping out, the clarification meetings, how their
school year ended and why those who dropped out did. Every number is `prevention_counts`'s
(docs/statistics.md, "Preventive work"), published through the county's small-number rule.

Preventive cases are casework, not bitemporal: a regeneration prints the numbers kept with the
earlier report (`reports.services.NOT_BITEMPORAL`)."""

from django.utils.translation import gettext as _

from veiviser.prevention.models import DropoutReason, PupilKind
from veiviser.prevention.selectors import CELLS, MEETINGS, prevention_counts
from veiviser.statistics import charts
from veiviser.statistics.suppression import Equation

KINDS = tuple(f"kind.{k}" for k in PupilKind.values)
REASONS = tuple(f"reason.{r}" for r in DropoutReason.values)


def prevention_numbers(ctx) -> dict:
    counts = prevention_counts(county_id=ctx.county.pk, school_year=ctx.school_year)
    cells = {name: counts[name] for name in (*CELLS, MEETINGS)}
    shown = ctx.publish(
        cells,
        [
            Equation("cases", ("completed", "dropped_out", "open")),
            Equation("cases", KINDS),
            Equation("dropped_out", REASONS),
        ],
    )
    done = (
        None
        if shown["completed"] is None or shown["dropped_out"] is None
        else shown["completed"] + shown["dropped_out"]
    )
    shown["completed_share"] = (
        round(shown["completed"] / done, 4) if done and shown["completed"] is not None else None
    )
    return shown


def prevention_section(ctx) -> dict:
    numbers = ctx.frozen.get("prevention") or prevention_numbers(ctx)
    kinds = [{"label": str(label), "value": numbers[f"kind.{k}"]} for k, label in PupilKind.choices]
    reasons = [
        {"label": str(label), "value": numbers[f"reason.{r}"]} for r, label in DropoutReason.choices
    ]
    # One bar per kind, named in the legend: the long names do not fit under bars.
    chart = charts.bar_chart(
        title=_("Youths in preventive work, by kind of pupil"),
        categories=[_("Youths worked with")],
        series=[(k["label"], [k["value"]]) for k in kinds],
        id_prefix="report-prevention",
        description=_("Bar chart of the youths in preventive work, by kind of pupil."),
    )
    return {"kinds": kinds, "reasons": reasons, "n": numbers, "chart": chart, "numbers": numbers}
