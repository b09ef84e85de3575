"""Writes of measures, enrolments, placements, follow-ups and autumn outcomes. Each is one
transaction and one audit event; the access policy decides who may (docs/measures.md)."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.no import orgnr

from veiviser import policy
from veiviser.audit import services as audit
from veiviser.codes.selectors import kodeverk
from veiviser.measures.models import (
    AutumnOutcome,
    AutumnPlace,
    EndReason,
    Enrolment,
    FollowUp,
    Kind,
    Measure,
    Organiser,
    Party,
    Placement,
    ProposalState,
)
from veiviser.problems import Problem, require_none
from veiviser.registry import rules as registry_rules
from veiviser.registry import services as registry
from veiviser.registry.models import Registration
from veiviser.registry.services import new_key


def _require_manage(actor, county_id: int, unit_id: int | None) -> None:
    if not policy.may_manage_measure(actor, county_id, unit_id):
        raise PermissionDenied("managing this measure is not allowed here")


def _measure_problems(*, county, unit, name, kind, organiser, capacity, starts_on, ends_on):
    problems = []
    if not (name or "").strip():
        problems.append(Problem("name", _("a measure needs a name")))
    if kind not in Kind.values:
        problems.append(Problem("kind", _("%(kind)s is not a kind of measure") % {"kind": kind}))
    if organiser not in Organiser.values:
        problems.append(
            Problem("organiser", _("%(value)s is not an organiser") % {"value": organiser})
        )
    if unit is not None and unit.county_id != county.pk:
        problems.append(Problem("unit", _("the unit belongs to another county")))
    if capacity is not None and capacity < 1:
        problems.append(Problem("capacity", _("the capacity must be at least 1")))
    if ends_on is not None and ends_on < starts_on:
        problems.append(Problem("ends_on", _("the measure ends before it starts")))
    return problems


def measure_create(
    *,
    actor,
    county,
    name: str,
    kind: str,
    starts_on: date,
    organiser: str = Organiser.COUNTY,
    unit=None,
    capacity: int | None = None,
    ends_on: date | None = None,
    responsible=None,
    description: str = "",
    key: str | None = None,
) -> Measure:
    """Add a measure to the county's catalogue (DOMAIN.md §7). A unit coordinator adds the own
    unit's measures; the county leader and the office any (policy `measures`)."""
    _require_manage(actor, county.pk, unit.pk if unit else None)
    problems = _measure_problems(
        county=county,
        unit=unit,
        name=name,
        kind=kind,
        organiser=organiser,
        capacity=capacity,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    if responsible is not None and responsible.county_id != county.pk:
        problems.append(Problem("responsible", _("the responsible works in another county")))
    require_none(problems)
    with transaction.atomic():
        measure = Measure.objects.create(
            county=county,
            key=key or new_key(),
            unit=unit,
            name=name.strip(),
            kind=kind,
            organiser=organiser,
            capacity=capacity,
            starts_on=starts_on,
            ends_on=ends_on,
            responsible=responsible,
            description=description.strip(),
        )
        audit.log(actor, "measures.measure.created", measure, data={"kind": kind})
    return measure


def measure_update(*, actor, measure: Measure, **changes) -> Measure:
    """Change a measure's name, capacity, dates, responsible or description. Kind and organiser
    are fixed once youths have enrolled (their proposed statuses came from them)."""
    _require_manage(actor, measure.county_id, measure.unit_id)
    allowed = {"name", "capacity", "starts_on", "ends_on", "responsible", "description", "kind"}
    allowed |= {"organiser"}
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"cannot change {sorted(unknown)}")
    merged = {f: changes.get(f, getattr(measure, f)) for f in allowed}
    problems = _measure_problems(
        county=measure.county,
        unit=measure.unit,
        name=merged["name"],
        kind=merged["kind"],
        organiser=merged["organiser"],
        capacity=merged["capacity"],
        starts_on=merged["starts_on"],
        ends_on=merged["ends_on"],
    )
    if (
        merged["kind"] != measure.kind or merged["organiser"] != measure.organiser
    ) and measure.enrolments.exists():
        problems.append(
            Problem("kind", _("youths have enrolled: the kind and organiser cannot change"))
        )
    require_none(problems)
    with transaction.atomic():
        for field, value in merged.items():
            setattr(measure, field, value.strip() if isinstance(value, str) else value)
        measure.save()
        audit.log(actor, "measures.measure.changed", measure, data={"fields": sorted(changes)})
    return measure


def _current_status(registration: Registration, on: date) -> str:
    return registry_rules.value_at(
        [
            registry_rules.TimedValue(f.valid_from, f.recorded_at, f.code)
            for f in registration.status_facts.all()
        ],
        on,
        None,
        registry_rules.DEFAULT_STATUS,
    )


def participants_on(measure: Measure, day: date, exclude_pk: int | None = None) -> int:
    qs = measure.enrolments.filter(starts_on__lte=day).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=day)
    )
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.count()


def enrolment_create(
    *,
    actor,
    registration: Registration,
    measure: Measure,
    starts_on: date,
    ends_on: date | None = None,
    end_reason: str = "",
    key: str | None = None,
    propose: bool = True,
) -> Enrolment:
    """Enrol the youth's registration in a measure of the county. The measure must run on the
    start day and have a free place; the youth may not already take part in it then. The
    status the measure implies (rules.implied_status) is *proposed* when it differs from the
    youth's status on the start day; the advisor confirms it (`enrolment_confirm_status`)."""
    policy.require(actor, policy.CHANGE, registration)
    problems = []
    if measure.county_id != registration.county_id:
        problems.append(Problem("measure", _("the measure belongs to another county")))
    if starts_on < measure.starts_on or (measure.ends_on and starts_on > measure.ends_on):
        problems.append(Problem("starts_on", _("the measure does not run on this day")))
    year_start = date(registration.school_year, 8, 1)
    year_end = date(registration.school_year + 1, 7, 31)
    if not year_start <= starts_on <= year_end:
        problems.append(
            Problem("starts_on", _("the start is outside the registration's school year"))
        )
    if ends_on is not None and ends_on < starts_on:
        problems.append(Problem("ends_on", _("the enrolment ends before it starts")))
    if end_reason and end_reason not in EndReason.values:
        problems.append(Problem("end_reason", _("not a reason for ending")))
    overlapping = measure.enrolments.filter(registration__person_id=registration.person_id).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=starts_on)
    )
    if ends_on is not None:
        overlapping = overlapping.filter(starts_on__lte=ends_on)
    if overlapping.exists():
        problems.append(Problem("measure", _("the youth already takes part in this measure")))
    if measure.capacity is not None and participants_on(measure, starts_on) >= measure.capacity:
        problems.append(
            Problem(
                "measure",
                _("the measure is full (%(capacity)s places) on this day")
                % {"capacity": measure.capacity},
            )
        )
    require_none(problems)
    implied = measure.implied_status if propose else None
    if implied is not None and (
        kodeverk().status_main_group(implied, registration.school_year) is None
        or _current_status(registration, starts_on) == implied
    ):
        implied = None
    with transaction.atomic():
        enrolment = Enrolment.objects.create(
            county_id=registration.county_id,
            key=key or new_key(),
            measure=measure,
            registration=registration,
            starts_on=starts_on,
            ends_on=ends_on,
            end_reason=end_reason if ends_on else "",
            proposed_status=implied or "",
            proposal=ProposalState.PROPOSED if implied else ProposalState.NONE,
            created_by=actor,
        )
        audit.log(
            actor,
            "measures.enrolment.created",
            enrolment,
            data={
                "registration": registration.pk,
                "measure": measure.pk,
                "proposed_status": implied or "",
            },
        )
    return enrolment


def enrolment_end(*, actor, enrolment: Enrolment, ends_on: date, end_reason: str) -> Enrolment:
    """End the youth's participation in the measure on `ends_on`, with a reason. A changed
    status (the youth started school, work) is recorded by the advisor as usual."""
    policy.require(actor, policy.CHANGE, enrolment.registration)
    problems = []
    if enrolment.ends_on is not None:
        problems.append(Problem("ends_on", _("the enrolment has already ended")))
    if ends_on < enrolment.starts_on:
        problems.append(Problem("ends_on", _("the enrolment ends before it starts")))
    if end_reason not in EndReason.values:
        problems.append(Problem("end_reason", _("choose a reason for ending")))
    require_none(problems)
    with transaction.atomic():
        enrolment.ends_on = ends_on
        enrolment.end_reason = end_reason
        if enrolment.proposal == ProposalState.PROPOSED:
            enrolment.proposal = ProposalState.DISMISSED
        enrolment.save(update_fields=["ends_on", "end_reason", "proposal"])
        audit.log(actor, "measures.enrolment.ended", enrolment, data={"end_reason": end_reason})
    return enrolment


def enrolment_confirm_status(*, actor, enrolment: Enrolment):
    """The advisor confirms the proposed status: it is recorded through the registry
    (`registry.services.status_record`) from the enrolment's start, in the same transaction."""
    policy.require(actor, policy.CHANGE, enrolment.registration)
    if enrolment.proposal != ProposalState.PROPOSED:
        require_none([Problem("proposal", _("there is no status proposal to confirm"))])
    with transaction.atomic():
        fact = registry.status_record(
            actor=actor,
            registration=enrolment.registration,
            code=enrolment.proposed_status,
            valid_from=enrolment.starts_on,
        )
        enrolment.proposal = ProposalState.CONFIRMED
        enrolment.status_fact = fact
        enrolment.save(update_fields=["proposal", "status_fact"])
        audit.log(
            actor,
            "measures.enrolment.status_confirmed",
            enrolment,
            data={"code": fact.code, "status_fact": fact.pk},
        )
    return fact


def enrolment_dismiss_status(*, actor, enrolment: Enrolment) -> Enrolment:
    """The advisor decides the proposed status does not apply; nothing is recorded."""
    policy.require(actor, policy.CHANGE, enrolment.registration)
    if enrolment.proposal != ProposalState.PROPOSED:
        require_none([Problem("proposal", _("there is no status proposal to dismiss"))])
    with transaction.atomic():
        enrolment.proposal = ProposalState.DISMISSED
        enrolment.save(update_fields=["proposal"])
        audit.log(actor, "measures.enrolment.status_dismissed", enrolment)
    return enrolment


def orgnr_problems(value: str) -> tuple[str, list[Problem]]:
    """The organisation number in its compact form, or why it is not one (python-stdnum)."""
    try:
        return orgnr.validate(value or ""), []
    except StdnumError:
        return value, [
            Problem("employer_orgnr", _("not a valid organisation number (9 digits, mod 11)"))
        ]


def placement_create(
    *,
    actor,
    registration: Registration,
    employer_orgnr: str,
    employer_name: str,
    starts_on: date,
    hours_per_week: Decimal,
    contact_person: str = "",
    contact_phone: str = "",
    ends_on: date | None = None,
    enrolment: Enrolment | None = None,
    key: str | None = None,
) -> Placement:
    """Record a work-practice placement with an employer (DOMAIN.md §6.7). From its start the
    youth and the employer are to be followed up at least every 14 days (duty engine)."""
    policy.require(actor, policy.CHANGE, registration)
    compact, problems = orgnr_problems(employer_orgnr)
    if not (employer_name or "").strip():
        problems.append(Problem("employer_name", _("the employer needs a name")))
    if ends_on is not None and ends_on < starts_on:
        problems.append(Problem("ends_on", _("the placement ends before it starts")))
    hours = Decimal(str(hours_per_week))
    if not Decimal(0) < hours <= Decimal(60):
        problems.append(Problem("hours_per_week", _("hours per week must be between 0 and 60")))
    if enrolment is not None and enrolment.registration_id != registration.pk:
        problems.append(Problem("enrolment", _("the enrolment is another youth's")))
    require_none(problems)
    with transaction.atomic():
        placement = Placement.objects.create(
            county_id=registration.county_id,
            key=key or new_key(),
            registration=registration,
            enrolment=enrolment,
            employer_orgnr=compact,
            employer_name=employer_name.strip(),
            contact_person=contact_person.strip(),
            contact_phone=contact_phone.strip(),
            starts_on=starts_on,
            ends_on=ends_on,
            hours_per_week=hours,
            created_by=actor,
        )
        audit.log(
            actor,
            "measures.placement.created",
            placement,
            data={"registration": registration.pk, "orgnr": compact},
        )
    return placement


def placement_end(*, actor, placement: Placement, ends_on: date) -> Placement:
    policy.require(actor, policy.CHANGE, placement.registration)
    if ends_on < placement.starts_on:
        require_none([Problem("ends_on", _("the placement ends before it starts"))])
    with transaction.atomic():
        placement.ends_on = ends_on
        placement.save(update_fields=["ends_on"])
        audit.log(actor, "measures.placement.ended", placement)
    return placement


def follow_up_record(
    *, actor, placement: Placement, on: date, party: str, note: str = "", key: str | None = None
) -> FollowUp:
    """Record a follow-up of the youth or the employer in the placement, on a day within it."""
    policy.require(actor, policy.CHANGE, placement.registration)
    problems = []
    if party not in Party.values:
        problems.append(Problem("party", _("follow up the youth or the employer")))
    if on < placement.starts_on or (placement.ends_on and on > placement.ends_on):
        problems.append(Problem("on", _("the day is outside the placement")))
    require_none(problems)
    with transaction.atomic():
        follow_up = FollowUp.objects.create(
            county_id=placement.county_id,
            key=key or new_key(),
            placement=placement,
            on=on,
            party=party,
            note=note.strip(),
            created_by=actor,
        )
        audit.log(actor, "measures.follow_up.recorded", follow_up, data={"placement": placement.pk})
    return follow_up


def autumn_outcome_record(
    *,
    actor,
    registration: Registration,
    place: str,
    observed_on: date,
    note: str = "",
    key: str | None = None,
) -> AutumnOutcome:
    """Record (or revise) where a participant of OT's training measures is in the autumn after
    the school year (seed 001). Observed from 1 August after the school year on."""
    policy.require(actor, policy.CHANGE, registration)
    problems = []
    if place not in AutumnPlace.values:
        problems.append(Problem("place", _("not a place in the autumn")))
    if observed_on < date(registration.school_year + 1, 8, 1):
        problems.append(
            Problem("observed_on", _("the autumn outcome is observed after the school year"))
        )
    require_none(problems)
    with transaction.atomic():
        outcome, created = AutumnOutcome.objects.update_or_create(
            registration=registration,
            defaults={
                "county_id": registration.county_id,
                "place": place,
                "observed_on": observed_on,
                "note": note.strip(),
                "updated_by": actor,
            },
            create_defaults={
                "county_id": registration.county_id,
                "key": key or new_key(),
                "place": place,
                "observed_on": observed_on,
                "note": note.strip(),
                "updated_by": actor,
            },
        )
        audit.log(
            actor,
            "measures.autumn_outcome.recorded" if created else "measures.autumn_outcome.revised",
            outcome,
            data={"place": place},
        )
    return outcome
