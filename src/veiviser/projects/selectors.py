"""Reads of projects and cohorts, and their counts (docs/statistics.md, "Projects")."""

from django.db.models import Count, Q

from veiviser import policy
from veiviser.projects.models import Participant, Project, ProjectOutcome

OUTCOMES = [*ProjectOutcome.values, "none"]


def projects_for(user):
    return Project.objects.filter(policy.projects_q(user)).select_related("unit").distinct()


def manageable_projects(user):
    return [p for p in projects_for(user) if policy.can_manage_project(user, p)]


def cohort_of(project: Project, school_year: int):
    return Participant.objects.filter(project=project, registration__school_year=school_year)


def visible_participants(user, participants):
    return participants.filter(policy.registrations_q(user, policy.VIEW, "registration__"))


def participants_in(
    *, county_id: int, school_year: int, unit_id: int | None = None, project_id: int | None = None
):
    """The participants counted for a school year: those whose registration is of that school
    year (and unit, when one is chosen), in one project or all."""
    participants = Participant.objects.filter(
        county_id=county_id, registration__school_year=school_year
    )
    if unit_id is not None:
        participants = participants.filter(registration__unit_id=unit_id)
    if project_id is not None:
        participants = participants.filter(project_id=project_id)
    return participants


def _outcome_q(outcome: str) -> Q:
    return Q(outcome="") if outcome == "none" else Q(outcome=outcome)


def cohort_counts(*, county_id: int, school_year: int, unit_id: int | None = None) -> dict:
    """Per project and in all: participants, and how many ended the project year in each
    outcome (or none recorded yet), with each outcome's share of the participants. One
    grouped query and one total."""
    participants = participants_in(county_id=county_id, school_year=school_year, unit_id=unit_id)
    aggregates = {"participants": Count("pk")}
    aggregates.update({o: Count("pk", filter=_outcome_q(o)) for o in OUTCOMES})

    def shares(row):
        total = row["participants"]
        row["shares"] = {o: round(100 * row[o] / total) if total else None for o in OUTCOMES}
        return row

    rows = [
        shares(row)
        for row in participants.values("project_id", "project__name")
        .annotate(**aggregates)
        .order_by("project__name")
    ]
    return {"projects": rows, "total": shares(participants.aggregate(**aggregates))}


def cohort_cell(
    *,
    county_id: int,
    school_year: int,
    unit_id: int | None,
    outcome: str,
    project_id: int | None = None,
):
    participants = participants_in(
        county_id=county_id, school_year=school_year, unit_id=unit_id, project_id=project_id
    )
    return participants if outcome == "participants" else participants.filter(_outcome_q(outcome))
