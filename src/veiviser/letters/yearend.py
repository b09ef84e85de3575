"""Year end (avslutte skoleåret, DOMAIN.md §3) for a whole county: who is carried over to the
next school year and whose registration ends with the year.

The rule for one youth is `registry.services.registration_carry_over`; this module plans it for
every registration of the school year (`yearend_plan`, changes nothing: the preview) and runs
exactly that plan in one transaction with one audit event (`yearend_run`). A youth already
registered in the next school year is neither carried nor closed again, so a second run does
nothing. (It lives here because the registry app was not ours to edit when it was written; it
uses only registry's public services and selectors and can move there unchanged.)
"""

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction

from veiviser.audit import services as audit
from veiviser.codes.selectors import kodeverk
from veiviser.registry import services as registry
from veiviser.registry.models import Registration
from veiviser.registry.selectors import registration_state


@dataclass(frozen=True)
class YearEndLine:
    registration_id: int
    person_id: int
    name: str
    unit: str
    reason: str
    status: str


@dataclass
class YearEndPlan:
    county: str
    school_year: int
    carry_over: list[YearEndLine] = field(default_factory=list)
    close: list[YearEndLine] = field(default_factory=list)
    already_next_year: list[YearEndLine] = field(default_factory=list)

    def counts(self) -> dict:
        return {
            "carried_over": len(self.carry_over),
            "closed": len(self.close),
            "already_next_year": len(self.already_next_year),
        }


def yearend_plan(*, county, school_year: int) -> YearEndPlan:
    """What the year end of `school_year` would do in `county`, youth by youth, as known now:
    in the target group on 31 July → carried over; otherwise → the registration ends."""
    kv = kodeverk()
    year_end = date(school_year + 1, 7, 31)
    registrations = (
        Registration.objects.filter(county=county, school_year=school_year)
        .select_related("person", "unit")
        .prefetch_related("reason_facts", "status_facts")
        .order_by("person__family_name", "person__given_name", "pk")
    )
    next_year = set(
        Registration.objects.filter(county=county, school_year=school_year + 1).values_list(
            "person_id", flat=True
        )
    )
    plan = YearEndPlan(county=county.number, school_year=school_year)
    for registration in registrations:
        state = registration_state(kv, registration, year_end)
        line = YearEndLine(
            registration_id=registration.pk,
            person_id=registration.person_id,
            name=registration.person.full_name,
            unit=registration.unit.name if registration.unit else "",
            reason=state.reason,
            status=state.status,
        )
        if registration.person_id in next_year:
            plan.already_next_year.append(line)
        elif state.in_target_group:
            plan.carry_over.append(line)
        else:
            plan.close.append(line)
    return plan


def yearend_run(*, actor, county, school_year: int) -> YearEndPlan:
    """Carry over everyone the plan carries over, in one transaction, and record one audit
    event `registry.yearend.completed` with the counts (each youth also gets the
    `registry.registration.carried_over` event of `registration_carry_over`). When there is
    nobody to carry over, nothing is written."""
    with transaction.atomic():
        plan = yearend_plan(county=county, school_year=school_year)
        if not plan.carry_over:
            return plan
        registrations = Registration.objects.select_related("person", "unit").in_bulk(
            [line.registration_id for line in plan.carry_over]
        )
        for line in plan.carry_over:
            registry.registration_carry_over(
                actor=actor, registration=registrations[line.registration_id]
            )
        audit.log(
            actor,
            "registry.yearend.completed",
            county=county.number,
            data={"school_year": school_year, **plan.counts()},
        )
    return plan
