"""Reads of preventive work and its counts (docs/statistics.md, "Preventive work")."""

from django.db.models import Count, Q

from veiviser.prevention.models import (
    ClarificationMeeting,
    DropoutReason,
    PreventiveCase,
    PupilKind,
    YearOutcome,
)

# The cells: each a filter on the preventive cases of the selection; "meetings" counts the
# clarification meetings of those cases instead.
CELLS = {
    "cases": Q(),
    "with_meeting": Q(meetings__isnull=False),
    "completed": Q(outcome=YearOutcome.COMPLETED),
    "dropped_out": Q(outcome=YearOutcome.DROPPED_OUT),
    "open": Q(outcome=""),
    **{f"kind.{k}": Q(kind=k) for k in PupilKind.values},
    **{
        f"reason.{r}": Q(outcome=YearOutcome.DROPPED_OUT, dropout_reason=r)
        for r in DropoutReason.values
    },
}
MEETINGS = "meetings"


def cases_of(registrations):
    return (
        PreventiveCase.objects.filter(registration__in=registrations)
        .prefetch_related("meetings")
        .order_by("pk")
    )


def cases_in(*, county_id: int, school_year: int, unit_id: int | None = None):
    """The preventive cases counted for a county's (or a unit's) school year: those of the
    registrations of that school year (and unit)."""
    cases = PreventiveCase.objects.filter(
        county_id=county_id, registration__school_year=school_year
    )
    if unit_id is not None:
        cases = cases.filter(registration__unit_id=unit_id)
    return cases


def prevention_counts(*, county_id: int, school_year: int, unit_id: int | None = None) -> dict:
    """Youths worked with (one case each), by kind; with at least one clarification meeting;
    completed the school year, dropped out (by reason), no outcome yet; and the meetings held.
    Two queries."""
    cases = cases_in(county_id=county_id, school_year=school_year, unit_id=unit_id)
    aggregates = {
        name.replace(".", "__"): Count("pk", filter=q, distinct=True) for name, q in CELLS.items()
    }
    row = cases.aggregate(**aggregates)
    counts = {name: row[name.replace(".", "__")] for name in CELLS}
    counts[MEETINGS] = ClarificationMeeting.objects.filter(case__in=cases).count()
    done = counts["completed"] + counts["dropped_out"]
    counts["completed_share"] = round(100 * counts["completed"] / done) if done else None
    return counts


def prevention_cell(*, county_id: int, school_year: int, unit_id: int | None, cell: str):
    cases = cases_in(county_id=county_id, school_year=school_year, unit_id=unit_id)
    if cell == MEETINGS:
        return ClarificationMeeting.objects.filter(case__in=cases)
    return cases.filter(pk__in=cases.filter(CELLS[cell]).values("pk"))
