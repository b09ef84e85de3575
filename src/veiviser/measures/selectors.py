"""Reads of measures: the county's catalogue with participants, a youth's enrolments,
placements and follow-ups, and when a placement's next follow-up is due."""

from datetime import date, timedelta

from django.db.models import Count, Q

from veiviser import policy
from veiviser.measures import rules
from veiviser.measures.models import AutumnOutcome, Enrolment, Measure, Placement


def catalogue_for(user, *, on: date):
    """The measures of the user's county (anyone who may view youths sees the catalogue), each
    with `participants`: enrolments active on `on`. County-wide measures and the user's own
    unit's first."""
    if user is not None and policy.scope(user, policy.VIEW) == policy.NOTHING:
        return Measure.objects.none()
    qs = Measure.objects.all() if user is None else Measure.objects.filter(county=user.county)
    active = Q(enrolments__starts_on__lte=on) & (
        Q(enrolments__ends_on__isnull=True) | Q(enrolments__ends_on__gte=on)
    )
    return (
        qs.select_related("unit", "responsible")
        .annotate(participants=Count("enrolments", filter=active))
        .order_by("unit__name", "name", "pk")
    )


def measures_open_for_enrolment(registration, *, on: date):
    """The measures of the registration's county a youth can join: running on `on` or later."""
    return (
        Measure.objects.filter(county_id=registration.county_id)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))
        .select_related("unit")
        .order_by("unit__name", "name")
    )


def enrolments_of(registration_ids):
    return (
        Enrolment.objects.filter(registration_id__in=registration_ids)
        .select_related("measure", "status_fact")
        .order_by("-starts_on", "-pk")
    )


def placements_of(registration_ids):
    return (
        Placement.objects.filter(registration_id__in=registration_ids)
        .prefetch_related("follow_ups")
        .order_by("-starts_on", "-pk")
    )


def outcomes_of(registration_ids) -> dict[int, AutumnOutcome]:
    return {
        o.registration_id: o
        for o in AutumnOutcome.objects.filter(registration_id__in=registration_ids)
    }


def next_follow_up(placement: Placement, party: str, *, days: int = rules.FOLLOW_UP_DAYS) -> date:
    """When the placement's next follow-up of `party` is due: `days` after the latest one, or
    after the start when there is none (the duty engine's rule, docs/duties.md)."""
    days_done = [f.on for f in placement.follow_ups.all() if f.party == party]
    return max(days_done, default=placement.starts_on) + timedelta(days=days)


def registrations_with_measure(*, county_id: int, on: date):
    """Ids of the county's registrations with an enrolment or a work-practice placement in force
    on `on` (started on or before, not ended before). The data-quality rule "group 3 code
    without a measure" (`quality.rules`) asks this."""
    in_force = Q(starts_on__lte=on) & (Q(ends_on__isnull=True) | Q(ends_on__gte=on))
    enrolled = Enrolment.objects.filter(in_force, county_id=county_id).values_list(
        "registration_id", flat=True
    )
    placed = Placement.objects.filter(in_force, county_id=county_id).values_list(
        "registration_id", flat=True
    )
    from veiviser.registry.models import Registration

    return Registration.objects.filter(Q(pk__in=enrolled) | Q(pk__in=placed)).values_list(
        "pk", flat=True
    )
