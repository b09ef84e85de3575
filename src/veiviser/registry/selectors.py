"""Reads of the registry: one registration's state at a date as known at an instant.

The per-registration reading here applies the reference rules of `registry.rules`; the
statistics engine computes the same thing set-based for whole counties.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

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


def registrations_for(user, action: str = "view"):
    """The registrations `user` may see (or do `action` to), per the access policy."""
    from veiviser import policy

    return Registration.objects.filter(policy.registrations_q(user, action))


@dataclass(frozen=True)
class WorklistFilter:
    school_year: int
    mine: bool = True
    unit_id: int | None = None
    main_group: int | None = None
    reason: str = ""
    search: str = ""
    min_age: int | None = None
    max_age: int | None = None
    unassigned: bool = False
    no_contact_days: int | None = None
    registered_within_days: int | None = None


def worklist(user, kv: Kodeverk, f: WorklistFilter, *, today: date):
    """The advisor's list ("Mine ungdommer") or, with `mine=False`, every registration the user
    may see: status and reason in force today, last contact, next appointment (the first not
    cancelled that ends today or later, so today's stay on the list all day); filtered and
    searched."""
    from django.db.models import OuterRef, Q, Subquery
    from django.utils import timezone

    from veiviser.casework.models import Appointment, Contact
    from veiviser.registry.queries import reason_in_force, status_in_force

    qs = registrations_for(user).filter(school_year=f.school_year)
    if f.mine:
        qs = qs.filter(advisor=user)
    if f.unassigned:
        qs = qs.filter(advisor__isnull=True)
    if f.unit_id:
        qs = qs.filter(unit_id=f.unit_id)
    if f.min_age is not None:
        qs = qs.filter(person__birth_date__year__lte=today.year - f.min_age)
    if f.max_age is not None:
        qs = qs.filter(person__birth_date__year__gte=today.year - f.max_age)
    search = f.search.strip()
    if search:
        digits = search.replace(" ", "")
        if digits.isdigit() and len(digits) == 11:
            qs = qs.filter(person__fnr=digits)
        else:
            for word in search.split():
                qs = qs.filter(
                    Q(person__given_name__icontains=word) | Q(person__family_name__icontains=word)
                )
    last_contact = (
        Contact.objects.filter(registration=OuterRef("pk")).order_by("-at").values("at")[:1]
    )
    next_appointment = (
        Appointment.objects.filter(
            registration=OuterRef("pk"),
            cancelled_at__isnull=True,
            ends_at__gt=datetime.combine(today, time.min, timezone.get_current_timezone()),
        )
        .order_by("starts_at")
        .values("starts_at")[:1]
    )
    qs = qs.annotate(
        status_now=status_in_force(today),
        reason_now=reason_in_force(today),
        last_contact_at=Subquery(last_contact),
        next_appointment_at=Subquery(next_appointment),
    )
    if f.no_contact_days is not None:
        cutoff = datetime.combine(today - timedelta(days=f.no_contact_days), time.min, UTC)
        qs = qs.filter(Q(last_contact_at__isnull=True) | Q(last_contact_at__lt=cutoff))
    if f.registered_within_days is not None:
        qs = qs.filter(registered_on__gte=today - timedelta(days=f.registered_within_days))
    if f.main_group:
        codes = [
            c for c in kv.status_codes if kv.status_main_group(c, f.school_year) == f.main_group
        ]
        qs = qs.filter(status_now__in=codes)
    if f.reason:
        qs = qs.filter(reason_now=f.reason)
    return qs.select_related("person", "unit", "advisor").order_by(
        "person__family_name", "person__given_name", "pk"
    )


def school_years_for(user, *, today: date) -> list[int]:
    """The school years a user can choose between in lists, the default first: the current
    school year, or the latest with registrations the user may see while the current one has
    none yet."""
    from veiviser.codes.selectors import school_year_of

    years = set(registrations_for(user).order_by().values_list("school_year", flat=True).distinct())
    current = school_year_of(today)
    default = current if current in years or not years else max(years)
    return [default, *sorted((years | {current}) - {default}, reverse=True)]
