"""Reads of subject training and exams, and the counts for the statistics (docs/statistics.md,
"Subject training and exams")."""

from django.db.models import Count, Q

from veiviser import policy
from veiviser.exams.models import TAKEN, ExamEntry, Result, Subject
from veiviser.registry.models import Registration

# The cells of the exam table, each a filter on the entries of the selection. "youths" counts
# distinct registrations (one per youth and school year) with at least one exam taken.
CELLS = {
    "exams": Q(result__in=TAKEN),
    "passed": Q(result=Result.PASSED),
    "not_passed": Q(result=Result.NOT_PASSED),
    "withdrawn": Q(result=Result.WITHDRAWN),
    "pending": Q(result=Result.PENDING),
}
YOUTHS = "youths"


def active_subjects():
    return Subject.objects.filter(active=True)


def entries_of(registrations):
    """The exam entries of the given registrations (the youth page), oldest exam first."""
    return (
        ExamEntry.objects.filter(registration__in=registrations)
        .select_related("subject")
        .order_by("exam_date", "subject__code", "pk")
    )


def entries_in(*, county_id: int, school_year: int, unit_id: int | None = None):
    """Every exam entry counted for a county's (or one unit's) school year: the entries of the
    registrations of that school year (whose exam date lies in it) and that unit."""
    entries = ExamEntry.objects.filter(county_id=county_id, registration__school_year=school_year)
    if unit_id is not None:
        entries = entries.filter(registration__unit_id=unit_id)
    return entries


def _aggregates() -> dict:
    counts = {name: Count("pk", filter=q) for name, q in CELLS.items()}
    counts[YOUTHS] = Count("registration", distinct=True, filter=CELLS["exams"])
    return counts


def _with_rate(row: dict) -> dict:
    row["pass_rate"] = round(100 * row["passed"] / row["exams"]) if row["exams"] else None
    return row


def exam_counts(*, county_id: int, school_year: int, unit_id: int | None = None) -> dict:
    """Per subject and in all: youths, exams taken, passed, not passed (and the withdrawn and
    not yet decided entries), with the pass rate = passed / exams taken. Two grouped queries."""
    entries = entries_in(county_id=county_id, school_year=school_year, unit_id=unit_id)
    rows = [
        _with_rate(row)
        for row in entries.values("subject__code", "subject__name")
        .annotate(**_aggregates())
        .order_by("subject__code")
    ]
    total = _with_rate(entries.aggregate(**_aggregates()))
    return {"subjects": rows, "total": total}


def exam_cell(
    *, county_id: int, school_year: int, unit_id: int | None, cell: str, subject: str = ""
):
    """What one number of `exam_counts` counts: exam entries for an exam cell, registrations
    for "youths". As long as the number, by the same filter."""
    entries = entries_in(county_id=county_id, school_year=school_year, unit_id=unit_id)
    if subject:
        entries = entries.filter(subject__code=subject)
    if cell == YOUTHS:
        return Registration.objects.filter(
            pk__in=entries.filter(CELLS["exams"]).values("registration_id")
        )
    return entries.filter(CELLS[cell])


def visible_entries(user, entries):
    return entries.filter(policy.registrations_q(user, policy.VIEW, prefix="registration__"))
