"""The access policy: the one place that decides who may see and change a youth's records.

Tenant first (a user sees only their own county), then role, then unit or own caseload
(DOMAIN.md §1). Views, services and selectors ask here; nothing else decides access.

| role | view | change | assign | register | confidential notes | statistics |
|---|---|---|---|---|---|---|
| advisor | own unit | own caseload and the unit's unassigned youths | – | own unit | own caseload | – |
| unit coordinator | own unit | own unit | own unit | own unit | own unit | own unit |
| county leader | county | – | county | – | – | county |
| office / statistics | county | county | county | county | – | county |
| project worker | own caseload and their projects' participants | own caseload and their projects' participants | – | – | own caseload | – |
| administrator | – (users and settings, not youths) | – | – | – | – | – |

**Projects** (`projects`, `project_view` / `project_manage`). A project worker follows a cohort
(seed 004): they see and change the registrations of the participants of the projects they are
a worker of (and their own caseload), open those youths' pages without stating a reason, and
record the participants' outcomes; confidential notes stay with the caseload. Which projects a
user sees: the county's (county leader, office), their unit's (advisor, unit coordinator: a
project run by their unit or county-wide), or their own (project worker). Managing a project
(its participants and outcomes): office (county), unit coordinator (their unit's projects),
project worker (their projects; adding a participant also needs CHANGE on the youth).

The county leader also has `audit` (county); every other role has nothing.

`intake` is importing files from outside (docs/intake.md): the admissions office's intake files
(office: the county; unit coordinator: their own unit's rows) and Udir's published tables
(county scope only: the office). Nobody else imports.
`measures` is the measure catalogue (docs/measures.md): the unit coordinator manages the own
unit's measures, the county leader and the office every measure of the county (county-wide ones
too); everyone who may view youths sees the catalogue. Enrolling a youth is `change` on the
youth's registration.

`audit` is the audit viewer (`/revisjon/`): the county leader reads the county's trail; nobody
else (the administrator and the data-protection officer work from the Django admin).

**Break the glass.** Being allowed to view a youth is not the same as having a reason to.
Before a youth's page opens, `needs_reason` decides whether the user must first state why:

- a youth in the user's own caseload (a registration, any school year, with the user as
  advisor) opens directly;
- a unit coordinator opens the youths of their own unit directly: distributing and following up
  the unit's work is the role's daily duty;
- everyone else who may view the youth is asked: an advisor opening a colleague's or an
  unassigned youth of the unit, a project worker outside their caseload, and the county leader
  and office always (they have no caseload; county-wide reach is where misuse would hide).

The stated reason goes into the audit trail (`people.person.viewed` with `reason`) and the
answer is remembered in the session for that youth for `REASON_GRANT_HOURS` hours, so every
later opening in that time is logged with the same reason without asking again. Lists and
statistics (names in a worklist) are not behind the glass; the youth's page is.

`referral_scope` decides who handles requests from the public contact page: the narrower of
`register` and `assign`, so the unit coordinator (own unit) and the office (county).

`statistics` is the Table 1 and Table 2 page: the whole county or any of its units (county), or
the user's own unit only (unit). Its drill-down lists still show only what `view` allows.

`actor=None` is the system itself (an operator's command, a migration): it passes every check,
as the operator already holds the database.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, Case, Q, Value, When

from veiviser.organisation.models import Role

VIEW = "view"
CHANGE = "change"
ASSIGN = "assign"
REGISTER = "register"
CONFIDENTIAL = "confidential"  # read and write confidential (special-category) notes
STATISTICS = "statistics"  # the statistics page: Table 1 and 2 of the county or a unit
AUDIT = "audit"  # the audit viewer: the county's audit trail
INTAKE = "intake"  # files from outside: the admissions office's intake files, Udir's tables
MEASURES = "measures"  # the measure catalogue: create and change measures (measures app)

REASON_GRANT_HOURS = 8  # how long a stated reason ("break the glass") lasts for one youth

NOTHING, CASELOAD, CASELOAD_OR_UNASSIGNED, CASELOAD_OR_PROJECT, UNIT, COUNTY = (
    "nothing",
    "caseload",
    "caseload_or_unassigned",
    "caseload_or_project",
    "unit",
    "county",
)

SCOPES: dict[str, dict[str, str]] = {
    Role.ADVISOR: {
        VIEW: UNIT,
        CHANGE: CASELOAD_OR_UNASSIGNED,
        ASSIGN: NOTHING,
        REGISTER: UNIT,
        CONFIDENTIAL: CASELOAD,
        STATISTICS: NOTHING,
        AUDIT: NOTHING,
        INTAKE: NOTHING,
        MEASURES: NOTHING,
    },
    Role.UNIT_COORDINATOR: {
        VIEW: UNIT,
        CHANGE: UNIT,
        ASSIGN: UNIT,
        REGISTER: UNIT,
        CONFIDENTIAL: UNIT,
        STATISTICS: UNIT,
        AUDIT: NOTHING,
        INTAKE: UNIT,
        MEASURES: UNIT,
    },
    Role.COUNTY_LEADER: {
        VIEW: COUNTY,
        CHANGE: NOTHING,
        ASSIGN: COUNTY,
        REGISTER: NOTHING,
        CONFIDENTIAL: NOTHING,
        STATISTICS: COUNTY,
        AUDIT: COUNTY,
        INTAKE: NOTHING,
        MEASURES: COUNTY,
    },
    Role.OFFICE: {
        VIEW: COUNTY,
        CHANGE: COUNTY,
        ASSIGN: COUNTY,
        REGISTER: COUNTY,
        CONFIDENTIAL: NOTHING,
        STATISTICS: COUNTY,
        AUDIT: NOTHING,
        INTAKE: COUNTY,
        MEASURES: COUNTY,
    },
    Role.PROJECT_WORKER: {
        VIEW: CASELOAD_OR_PROJECT,
        CHANGE: CASELOAD_OR_PROJECT,
        ASSIGN: NOTHING,
        REGISTER: NOTHING,
        CONFIDENTIAL: CASELOAD,
        STATISTICS: NOTHING,
        AUDIT: NOTHING,
        INTAKE: NOTHING,
        MEASURES: NOTHING,
    },
    Role.ADMINISTRATOR: {
        VIEW: NOTHING,
        CHANGE: NOTHING,
        ASSIGN: NOTHING,
        REGISTER: NOTHING,
        CONFIDENTIAL: NOTHING,
        STATISTICS: NOTHING,
        AUDIT: NOTHING,
        INTAKE: NOTHING,
        MEASURES: NOTHING,
    },
}


def scope(user, action: str) -> str:
    if user is None:
        return COUNTY
    if not user.is_authenticated or not user.is_active or user.county_id is None:
        return NOTHING
    return SCOPES.get(user.role, {}).get(action, NOTHING)


def registrations_q(user, action: str, prefix: str = "") -> Q:
    """A filter on registrations (or, with `prefix="registrations__"`, on persons) that keeps
    exactly what `user` may do `action` to."""
    if user is None:
        return Q()
    kind = scope(user, action)

    def q(**kw):
        return Q(**{prefix + k: v for k, v in kw.items()})

    if kind == NOTHING:
        return Q(pk__in=[])
    county = q(county_id=user.county_id)
    if kind == COUNTY:
        return county
    if kind == UNIT:
        return county & q(unit_id=user.unit_id) if user.unit_id else Q(pk__in=[])
    if kind == CASELOAD:
        return county & q(advisor_id=user.pk)
    if kind == CASELOAD_OR_PROJECT:
        from veiviser.projects.models import Participant

        participants = Participant.objects.filter(
            project__workers=user, county_id=user.county_id
        ).values("registration_id")
        return county & (q(advisor_id=user.pk) | q(pk__in=participants))
    if kind == CASELOAD_OR_UNASSIGNED:
        mine = county & q(advisor_id=user.pk)
        if user.unit_id:
            mine |= county & q(unit_id=user.unit_id, advisor__isnull=True)
        return mine
    raise ValueError(f"unknown scope {kind!r}")


def can(user, action: str, obj) -> bool:
    """May `user` do `action` to `obj` (a Registration, a Person, or a Unit for REGISTER)?"""
    from veiviser.organisation.models import Unit
    from veiviser.people.models import Person
    from veiviser.registry.models import Registration

    if user is None:
        return True
    if isinstance(obj, Registration):
        return Registration.objects.filter(registrations_q(user, action), pk=obj.pk).exists()
    if isinstance(obj, Person):
        return Registration.objects.filter(registrations_q(user, action), person_id=obj.pk).exists()
    if isinstance(obj, Unit) and action == REGISTER:
        kind = scope(user, action)
        if obj.county_id != user.county_id:
            return False
        return kind == COUNTY or (kind == UNIT and obj.pk == user.unit_id)
    return False


def annotate_rights(registrations, user, *actions: str):
    """`registrations` (a queryset) with a boolean `may_<action>` for each of `actions`:
    `can(user, action, r)` for every row, computed in the one query that reads the rows (the
    same `registrations_q` as `can`, as a CASE), instead of a query per row and action."""

    def right(action: str):
        q = registrations_q(user, action)
        if not q:  # the system actor: everything
            return Value(True, output_field=BooleanField())
        return Case(When(q, then=Value(True)), default=Value(False), output_field=BooleanField())

    return registrations.annotate(**{f"may_{action}": right(action) for action in actions})


def statistics_units(user):
    """The units whose statistics `user` may see (STATISTICS): every unit of the county, the
    user's own unit, or none. With county scope the whole county may be chosen as well."""
    from veiviser.organisation.models import Unit

    kind = scope(user, STATISTICS)
    if user is None:
        return Unit.objects.all()
    if kind == COUNTY:
        return Unit.objects.filter(county_id=user.county_id)
    if kind == UNIT and user.unit_id:
        return Unit.objects.filter(county_id=user.county_id, pk=user.unit_id)
    return Unit.objects.none()


def needs_reason(user, person) -> bool:
    """Must `user` state a reason before opening `person`'s page ("break the glass")?

    Only meaningful when `can(user, VIEW, person)`; see the module docstring for the rule.
    """
    from veiviser.registry.models import Registration

    if user is None:
        return False
    mine = Registration.objects.filter(person_id=person.pk, county_id=user.county_id)
    if mine.filter(advisor_id=user.pk).exists():
        return False
    if user.role == Role.UNIT_COORDINATOR and user.unit_id:
        return not mine.filter(unit_id=user.unit_id).exists()
    if user.role == Role.PROJECT_WORKER:
        # Following the project's cohort is the project worker's daily work.
        return not mine.filter(project_participations__project__workers=user).exists()
    return True


def referral_scope(user) -> str:
    """Who handles requests from the public contact page (the referral list, `/henvendelser/`):
    whoever may both register youths and assign them, in the narrower of the two scopes. That
    is the unit coordinator (own unit) and the office (county); nobody else (docs/public.md)."""
    kinds = {scope(user, REGISTER), scope(user, ASSIGN)}
    if NOTHING in kinds:
        return NOTHING
    return UNIT if UNIT in kinds else COUNTY


def may_manage_measure(user, county_id: int, unit_id: int | None) -> bool:
    """May `user` create or change a measure of `county_id` run by `unit_id` (None: a
    county-wide measure)?"""
    if user is None:
        return True
    kind = scope(user, MEASURES)
    if county_id != user.county_id:
        return False
    if kind == COUNTY:
        return True
    return kind == UNIT and unit_id is not None and unit_id == user.unit_id


def projects_q(user) -> Q:
    """A filter on projects that keeps those `user` may see (see the module docstring)."""
    if user is None:
        return Q()
    if not user.is_authenticated or not user.is_active or user.county_id is None:
        return Q(pk__in=[])
    county = Q(county_id=user.county_id)
    if user.role in (Role.COUNTY_LEADER, Role.OFFICE):
        return county
    if user.role in (Role.ADVISOR, Role.UNIT_COORDINATOR) and user.unit_id:
        return county & (Q(unit_id=user.unit_id) | Q(unit__isnull=True))
    if user.role == Role.PROJECT_WORKER:
        return county & Q(workers=user)
    return Q(pk__in=[])


def can_manage_project(user, project) -> bool:
    """May `user` change `project`'s cohort (participants and their outcomes)?"""
    if user is None:
        return True
    if not user.is_authenticated or not user.is_active or user.county_id != project.county_id:
        return False
    if user.role == Role.OFFICE:
        return True
    if user.role == Role.UNIT_COORDINATOR:
        return user.unit_id is not None and project.unit_id == user.unit_id
    if user.role == Role.PROJECT_WORKER:
        return project.workers.filter(pk=user.pk).exists()
    return False


def may_audit(user) -> bool:
    """May `user` open the audit viewer (their own county's trail)?"""
    return user is not None and scope(user, AUDIT) == COUNTY


def require(user, action: str, obj) -> None:
    if not can(user, action, obj):
        raise PermissionDenied(f"{action} is not allowed here")
