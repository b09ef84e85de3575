"""Writes of preventive work. Each is one transaction and one audit event."""

from django.db import transaction
from django.utils.translation import gettext as _

from veiviser import policy
from veiviser.audit import services as audit
from veiviser.casework.models import PartnerKind
from veiviser.codes.selectors import school_year_bounds, school_year_label
from veiviser.prevention.models import (
    ClarificationMeeting,
    DropoutReason,
    PreventiveCase,
    PupilKind,
    YearOutcome,
)
from veiviser.problems import Problem, require_none
from veiviser.registry.models import Registration


def _in_year(field: str, day, school_year: int) -> list[Problem]:
    start, end = school_year_bounds(school_year)
    if start <= day <= end:
        return []
    return [
        Problem(
            field,
            _("the date must lie in the school year %(year)s of the registration")
            % {"year": school_year_label(school_year)},
        )
    ]


def preventive_case_open(
    *, actor, registration: Registration, kind: str, school: str, started_on, concern: str = ""
) -> PreventiveCase:
    """Start preventive work with a pupil or apprentice at risk of dropping out, for the
    school year of `registration`. One case per registration: a second is refused."""
    policy.require(actor, policy.CHANGE, registration)
    problems = _in_year("started_on", started_on, registration.school_year)
    if kind not in PupilKind.values:
        problems.append(
            Problem("kind", _("%(kind)s is not a kind of pupil") % {"kind": repr(kind)})
        )
    if not school.strip():
        problems.append(Problem("school", _("name the school or training company")))
    if PreventiveCase.objects.filter(registration=registration).exists():
        problems.append(
            Problem("kind", _("preventive work with this youth is already recorded this year"))
        )
    require_none(problems)
    with transaction.atomic():
        case = PreventiveCase.objects.create(
            county_id=registration.county_id,
            registration=registration,
            kind=kind,
            school=school.strip(),
            started_on=started_on,
            concern=concern.strip(),
            created_by=actor,
        )
        audit.log(
            actor,
            "prevention.case.opened",
            case,
            data={"registration": registration.pk, "kind": kind},
        )
    return case


def meeting_record(
    *,
    actor,
    case: PreventiveCase,
    held_on,
    partners: list[str],
    participants: str = "",
    summary: str = "",
) -> ClarificationMeeting:
    """Record a clarification meeting (avklaringsmøte) with the school and partners."""
    registration = case.registration
    policy.require(actor, policy.CHANGE, registration)
    problems = _in_year("held_on", held_on, registration.school_year)
    unknown = [p for p in partners if p not in PartnerKind.values]
    if unknown:
        problems.append(
            Problem(
                "partners",
                _("%(kind)s is not a partner service") % {"kind": ", ".join(map(repr, unknown))},
            )
        )
    require_none(problems)
    with transaction.atomic():
        meeting = ClarificationMeeting.objects.create(
            county_id=case.county_id,
            case=case,
            registration=registration,
            held_on=held_on,
            partners=sorted(set(partners)),
            participants=participants.strip(),
            summary=summary.strip(),
            created_by=actor,
        )
        # The summary is personal data: the trail names the meeting, not what was said.
        audit.log(
            actor,
            "prevention.meeting.recorded",
            meeting,
            data={"case": case.pk, "partners": meeting.partners},
        )
    return meeting


def preventive_outcome_record(
    *, actor, case: PreventiveCase, outcome: str, outcome_on, dropout_reason: str = ""
) -> PreventiveCase:
    """Record how the school year ended: completed, or dropped out and why. A completed year
    has no reason; a drop-out needs one. Recording again corrects (audited with the old)."""
    registration = case.registration
    policy.require(actor, policy.CHANGE, registration)
    problems = _in_year("outcome_on", outcome_on, registration.school_year)
    if outcome not in YearOutcome.values:
        problems.append(
            Problem("outcome", _("%(outcome)s is not an outcome") % {"outcome": repr(outcome)})
        )
    if outcome == YearOutcome.DROPPED_OUT and dropout_reason not in DropoutReason.values:
        problems.append(Problem("dropout_reason", _("say why the youth dropped out")))
    if outcome == YearOutcome.COMPLETED and dropout_reason:
        problems.append(
            Problem("dropout_reason", _("a youth who completed the year has no drop-out reason"))
        )
    if outcome_on is not None and outcome_on < case.started_on:
        problems.append(Problem("outcome_on", _("the outcome cannot come before the start")))
    require_none(problems)
    with transaction.atomic():
        before = {"outcome": case.outcome, "dropout_reason": case.dropout_reason}
        case.outcome = outcome
        case.outcome_on = outcome_on
        case.dropout_reason = dropout_reason
        case.save(update_fields=["outcome", "outcome_on", "dropout_reason"])
        audit.log(
            actor,
            "prevention.case.outcome_recorded",
            case,
            data={"outcome": outcome, "dropout_reason": dropout_reason, "before": before},
        )
    return case
