"""Writes to the registry: registrations and their reason and status facts.

Facts are append-only (ARCHITECTURE.md decision 1): a correction is `status_record` again with the
same `valid_from`; the newer `recorded_at` wins in every reading from then on, and every earlier
reading stays reproducible.
"""

import uuid
from datetime import date, datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from veiviser import policy
from veiviser.audit import services as audit
from veiviser.codes.selectors import kodeverk
from veiviser.organisation.models import Unit
from veiviser.people.models import Person
from veiviser.problems import Problem, require_none
from veiviser.registry import checks, rules
from veiviser.registry.models import ReasonFact, Registration, Source, StatusFact


def new_key() -> str:
    return f"vv-{uuid.uuid4().hex}"


def _check_unambiguous(model, registration: Registration, valid_from: date, recorded_at):
    """Two facts of one registration with the same valid_from and recorded_at would make the
    reading ambiguous (EXCHANGE.md §5)."""
    if model.objects.filter(
        registration=registration, valid_from=valid_from, recorded_at=recorded_at
    ).exists():
        return [
            Problem(
                "recorded_at",
                _(
                    "the registration already has a fact with this valid_from and recorded_at; "
                    "the reading would be ambiguous"
                ),
            )
        ]
    return []


def registration_create(
    *,
    actor,
    person: Person,
    school_year: int,
    registered_on: date,
    reason: str,
    reason_code: str = "",
    source: str = "",
    unit: Unit | None = None,
    recorded_at: datetime | None = None,
    key: str | None = None,
) -> Registration:
    """Register `person` to OT for `school_year` (tilmelding, DOMAIN.md §3): at most one
    registration per person and school year; a later referral is `reason_record`."""
    if unit is not None:
        policy.require(actor, policy.REGISTER, unit)
    elif policy.scope(actor, policy.REGISTER) == policy.NOTHING:
        raise PermissionDenied("register is not allowed here")
    kv = kodeverk()
    problems = checks.check_registration(
        kv,
        school_year=school_year,
        registered_on=registered_on,
        reason=reason,
        reason_code=reason_code,
    )
    if source and source not in Source.values:
        problems.append(
            Problem(
                "source",
                _("%(source)s is not a registration source") % {"source": repr(source)},
            )
        )
    if unit is not None and unit.county_id != person.county_id:
        problems.append(
            Problem("unit", _("unit %(unit)s belongs to another county") % {"unit": repr(unit.key)})
        )
    if Registration.objects.filter(person=person, school_year=school_year).exists():
        problems.append(
            Problem("school_year", _("the person is already registered in this school year"))
        )
    require_none(problems)
    with transaction.atomic():
        registration = Registration.objects.create(
            county_id=person.county_id,
            key=key or new_key(),
            person=person,
            school_year=school_year,
            registered_on=registered_on,
            reason=reason,
            reason_code=reason_code,
            source=source,
            unit=unit,
            recorded_at=recorded_at or timezone.now(),
            recorded_by=actor,
        )
        audit.log(actor, "registry.registration.created", registration)
    return registration


def reason_record(
    *,
    actor,
    registration: Registration,
    reason: str,
    valid_from: date,
    recorded_at: datetime | None = None,
    key: str | None = None,
) -> ReasonFact:
    """Record that the registration's reason group is `reason` from `valid_from` on."""
    policy.require(actor, policy.CHANGE, registration)
    kv = kodeverk()
    recorded_at = recorded_at or timezone.now()
    require_none(
        checks.check_reason(kv, reason)
        + checks.check_valid_from(registration.school_year, valid_from)
        + _check_unambiguous(ReasonFact, registration, valid_from, recorded_at)
    )
    with transaction.atomic():
        fact = ReasonFact.objects.create(
            county_id=registration.county_id,
            key=key or new_key(),
            registration=registration,
            reason=reason,
            valid_from=valid_from,
            recorded_at=recorded_at,
            recorded_by=actor,
        )
        audit.log(actor, "registry.reason.recorded", fact, data={"registration": registration.pk})
    return fact


def status_record(
    *,
    actor,
    registration: Registration,
    code: str,
    valid_from: date,
    recorded_at: datetime | None = None,
    key: str | None = None,
) -> StatusFact:
    """Record the youth's OT status `code` from `valid_from` on (kodeverk, DOMAIN.md §4).
    The code must be valid in the registration's school year."""
    policy.require(actor, policy.CHANGE, registration)
    kv = kodeverk()
    recorded_at = recorded_at or timezone.now()
    require_none(
        checks.check_status_code(kv, code, registration.school_year)
        + checks.check_valid_from(registration.school_year, valid_from)
        + _check_unambiguous(StatusFact, registration, valid_from, recorded_at)
    )
    with transaction.atomic():
        fact = StatusFact.objects.create(
            county_id=registration.county_id,
            key=key or new_key(),
            registration=registration,
            code=code,
            valid_from=valid_from,
            recorded_at=recorded_at,
            recorded_by=actor,
        )
        audit.log(
            actor,
            "registry.status.recorded",
            fact,
            data={"registration": registration.pk, "code": code},
        )
    return fact


def registration_assign(*, actor, registration: Registration, advisor) -> bool:
    """Put the registration in `advisor`'s caseload (None: unassigned). The advisor must work
    in the registration's county and be an advisor or project worker. Returns whether it
    changed."""
    policy.require(actor, policy.ASSIGN, registration)
    if advisor is not None and (
        advisor.county_id != registration.county_id
        or advisor.role not in ("advisor", "project_worker", "unit_coordinator")
        or not advisor.is_active
        or hasattr(advisor, "api_client")  # an API client's service user has no caseload
    ):
        require_none([Problem("advisor", _("not an active advisor in the registration's county"))])
    if registration.advisor_id == (advisor.pk if advisor else None):
        return False
    with transaction.atomic():
        previous = registration.advisor_id
        registration.advisor = advisor
        registration.save(update_fields=["advisor"])
        audit.log(
            actor,
            "registry.registration.assigned",
            registration,
            data={"from": previous, "to": advisor.pk if advisor else None},
        )
    return True


def registration_move_unit(*, actor, registration: Registration, unit: Unit) -> bool:
    """Move the registration to another OT unit of its county (the youth moved within the
    county, or the registration had no unit). Needs ASSIGN on the registration as it stands: a
    unit coordinator hands their unit's youth over to another unit; a registration without a
    unit needs county scope (office, county leader). The advisor is cleared unless they work
    in the new unit, so the youth lands in the new unit's list of unassigned youths. Returns
    whether it changed."""
    policy.require(actor, policy.ASSIGN, registration)
    problems = []
    if unit is None or unit.county_id != registration.county_id:
        problems.append(Problem("unit", _("not a unit of the registration's county")))
    elif unit.closed_on is not None and unit.closed_on <= timezone.localdate():
        problems.append(Problem("unit", _("the unit is closed")))
    require_none(problems)
    if registration.unit_id == unit.pk:
        return False
    with transaction.atomic():
        previous_unit = registration.unit_id
        previous_advisor = registration.advisor_id
        registration.unit = unit
        fields = ["unit"]
        if registration.advisor_id is not None and registration.advisor.unit_id != unit.pk:
            registration.advisor = None
            fields.append("advisor")
        registration.save(update_fields=fields)
        audit.log(
            actor,
            "registry.registration.unit_moved",
            registration,
            data={
                "from": previous_unit,
                "to": unit.pk,
                "advisor_cleared": previous_advisor if "advisor" in fields else None,
            },
        )
    return True


def youth_register(
    *,
    actor,
    county,
    fnr: str | None,
    birth_date: date,
    given_name: str,
    family_name: str,
    municipality: str,
    school_year: int,
    registered_on: date,
    reason: str,
    source: str,
    confirm_duplicate: bool = False,
    **contact,
) -> Registration:
    """The intake (tilmelding) of a youth: find the person by identity number or create them,
    then register them for the school year, in one transaction. The responsible unit follows
    the home municipality (DOMAIN.md §1). A person with the same name and birth date but no
    matching number is a likely duplicate: registering needs `confirm_duplicate`."""
    from django.db.models.functions import Lower

    from veiviser.organisation.models import Municipality
    from veiviser.people import services as people

    fnr = fnr or None
    mapping = Municipality.objects.filter(county=county, number=municipality).first()
    if mapping is None:
        require_none([Problem("municipality", _("not a municipality of the county"))])
    unit = mapping.unit
    if unit is None:
        require_none([Problem("municipality", _("no unit is responsible for this municipality"))])
    policy.require(actor, policy.REGISTER, unit)
    person = Person.objects.filter(county=county, fnr=fnr).first() if fnr else None
    if person is not None and person.birth_date != birth_date:
        require_none(
            [
                Problem(
                    "birth_date",
                    _("does not agree with the registered youth with this number"),
                )
            ]
        )
    if person is None and not confirm_duplicate:
        alike = (
            Person.objects.annotate(g=Lower("given_name"), f=Lower("family_name"))
            .filter(
                county=county,
                birth_date=birth_date,
                g=given_name.strip().lower(),
                f=family_name.strip().lower(),
            )
            .exists()
        )
        if alike:
            require_none(
                [
                    Problem(
                        "confirm_duplicate",
                        _(
                            "a youth with the same name and birth date is already registered; "
                            "check that this is another person"
                        ),
                    )
                ]
            )
    with transaction.atomic():
        if person is None:
            person = people.person_create(
                actor=actor,
                county=county,
                fnr=fnr,
                birth_date=birth_date,
                given_name=given_name.strip(),
                family_name=family_name.strip(),
                municipality=municipality,
                **contact,
            )
        return registration_create(
            actor=actor,
            person=person,
            school_year=school_year,
            registered_on=registered_on,
            reason=reason,
            source=source,
            unit=unit,
        )


def registration_carry_over(*, actor, registration: Registration) -> Registration:
    """Carry a youth over to the next school year (avslutte skoleåret, DOMAIN.md §3): a youth
    still in the target group on 31 July gets a registration dated 1 August of the next school
    year, with the reason group and the status in force on 31 July, in the same unit and
    caseload. Everyone else's registration simply ends with the year."""
    from veiviser.registry.selectors import registration_state

    policy.require(actor, policy.CHANGE, registration)
    kv = kodeverk()
    year_end = date(registration.school_year + 1, 7, 31)
    state = registration_state(kv, registration, year_end)
    problems = []
    if not state.in_target_group:
        problems.append(
            Problem(
                "school_year",
                _("the youth is not in the target group on %(date)s: the registration ends")
                % {"date": year_end.isoformat()},
            )
        )
    if Registration.objects.filter(
        person_id=registration.person_id, school_year=registration.school_year + 1
    ).exists():
        problems.append(
            Problem("school_year", _("the youth is already registered in the next school year"))
        )
    require_none(problems)
    start = date(registration.school_year + 1, 8, 1)
    with transaction.atomic():
        carried = registration_create(
            actor=actor,
            person=registration.person,
            school_year=registration.school_year + 1,
            registered_on=start,
            reason=state.reason,
            reason_code=registration.reason_code if state.reason == registration.reason else "",
            source=registration.source,
            unit=registration.unit,
        )
        if registration.advisor_id:
            carried.advisor_id = registration.advisor_id
            carried.save(update_fields=["advisor"])
        if state.status != rules.DEFAULT_STATUS:
            status_record(actor=actor, registration=carried, code=state.status, valid_from=start)
        audit.log(
            actor,
            "registry.registration.carried_over",
            carried,
            data={"from": registration.pk, "status": state.status},
        )
    return carried
