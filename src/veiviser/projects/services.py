"""Writes of projects and their cohorts. Each is one transaction and one audit event."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from veiviser import policy
from veiviser.audit import services as audit
from veiviser.codes.selectors import school_year_bounds, school_year_label
from veiviser.organisation.models import Role
from veiviser.problems import Problem, require_none
from veiviser.projects.models import Participant, Project, ProjectOutcome


def project_create(
    *,
    actor,
    county,
    name: str,
    starts_on,
    ends_on=None,
    unit=None,
    description: str = "",
    partners: str = "",
    workers=(),
) -> Project:
    """Start a project. The office starts any project of the county, a unit coordinator one
    run by their own unit; the administrator may in the admin."""
    if actor is not None:
        allowed = actor.county_id == county.pk and (
            actor.role == Role.OFFICE
            or (
                actor.role == Role.UNIT_COORDINATOR
                and unit is not None
                and unit.pk == actor.unit_id
            )
        )
        if not allowed:
            raise PermissionDenied("project_create is not allowed here")
    problems = []
    if not name.strip():
        problems.append(Problem("name", _("a project needs a name")))
    elif Project.objects.filter(county=county, name=name.strip()).exists():
        problems.append(Problem("name", _("the county already has a project with that name")))
    if ends_on is not None and ends_on < starts_on:
        problems.append(Problem("ends_on", _("the project cannot end before it starts")))
    if unit is not None and unit.county_id != county.pk:
        problems.append(Problem("unit", _("the unit belongs to another county")))
    bad_workers = [w for w in workers if w.county_id != county.pk]
    if bad_workers:
        problems.append(Problem("workers", _("a project worker must belong to the county")))
    require_none(problems)
    with transaction.atomic():
        project = Project.objects.create(
            county=county,
            unit=unit,
            name=name.strip(),
            description=description.strip(),
            starts_on=starts_on,
            ends_on=ends_on,
            partners=partners.strip(),
        )
        project.workers.set(workers)
        audit.log(
            actor,
            "projects.project.created",
            project,
            data={"workers": sorted(w.pk for w in workers)},
        )
    return project


def participant_add(*, actor, project: Project, registration, joined_on) -> Participant:
    """Add a youth to the project's cohort of the school year of `registration`. Needs the
    right to manage the project and to change the youth's registration."""
    if not policy.can_manage_project(actor, project):
        raise PermissionDenied("participant_add is not allowed here")
    policy.require(actor, policy.CHANGE, registration)
    problems = []
    if registration.county_id != project.county_id:
        problems.append(Problem("registration", _("the youth is registered in another county")))
    start, end = school_year_bounds(registration.school_year)
    if not start <= joined_on <= end:
        problems.append(
            Problem(
                "joined_on",
                _("the date must lie in the school year %(year)s of the registration")
                % {"year": school_year_label(registration.school_year)},
            )
        )
    if (
        project.ends_on is not None and joined_on > project.ends_on
    ) or joined_on < project.starts_on:
        problems.append(Problem("joined_on", _("the date must lie in the project's period")))
    if Participant.objects.filter(project=project, registration=registration).exists():
        problems.append(
            Problem("project", _("the youth already takes part in this project this year"))
        )
    require_none(problems)
    with transaction.atomic():
        participant = Participant.objects.create(
            county_id=project.county_id,
            project=project,
            registration=registration,
            joined_on=joined_on,
            created_by=actor,
        )
        audit.log(
            actor,
            "projects.participant.added",
            participant,
            data={"project": project.pk, "registration": registration.pk},
        )
    return participant


def participant_outcome_record(
    *, actor, participant: Participant, outcome: str, outcome_on
) -> Participant:
    """Record where the participant is at the end of the project year (seed 004's
    categories); recording again corrects, audited with the old value."""
    if not policy.can_manage_project(actor, participant.project):
        raise PermissionDenied("participant_outcome_record is not allowed here")
    problems = []
    if outcome not in ProjectOutcome.values:
        problems.append(
            Problem("outcome", _("%(outcome)s is not an outcome") % {"outcome": repr(outcome)})
        )
    if outcome_on < participant.joined_on:
        problems.append(Problem("outcome_on", _("the outcome cannot come before the start")))
    require_none(problems)
    with transaction.atomic():
        before = participant.outcome
        participant.outcome = outcome
        participant.outcome_on = outcome_on
        participant.save(update_fields=["outcome", "outcome_on"])
        audit.log(
            actor,
            "projects.participant.outcome_recorded",
            participant,
            data={"outcome": outcome, "before": before},
        )
    return participant
