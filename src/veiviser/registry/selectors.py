"""Reads of the registry: one registration's state at a date as known at an instant.

The per-registration reading here applies the reference rules of `registry.rules`; the
statistics engine computes the same thing set-based for whole counties.
"""

from dataclasses import dataclass
from datetime import date, datetime

from veiviser.codes.selectors import Kodeverk
from veiviser.registry import rules
from veiviser.registry.models import Registration


@dataclass(frozen=True)
class RegistrationState:
    exists: bool
    reason: str
    status: str
    main_group: int | None
    age: int
    in_target_group: bool
    outside_age: bool


def registration_state(
    kv: Kodeverk, registration: Registration, on: date, known_at: datetime | None = None
) -> RegistrationState:
    reasons = [
        rules.TimedValue(f.valid_from, f.recorded_at, f.reason)
        for f in registration.reason_facts.all()
    ]
    statuses = [
        rules.TimedValue(f.valid_from, f.recorded_at, f.code)
        for f in registration.status_facts.all()
    ]
    exists = rules.registration_exists(
        school_year=registration.school_year,
        registered_on=registration.registered_on,
        recorded_at=registration.recorded_at,
        on=on,
        known_at=known_at,
    )
    reason = rules.value_at(reasons, on, known_at, registration.reason)
    status = rules.value_at(statuses, on, known_at, rules.DEFAULT_STATUS)
    group = kv.status_main_group(status, registration.school_year)
    age = rules.age_at(on, registration.person.birth_date)
    limits = kv.age_limit(registration.school_year)
    in_group_1_4 = group in kv.target_main_groups
    inside = rules.inside_age_limit(age, limits)
    return RegistrationState(
        exists=exists,
        reason=reason,
        status=status,
        main_group=group,
        age=age,
        in_target_group=exists and in_group_1_4 and inside,
        outside_age=exists and in_group_1_4 and not inside,
    )
