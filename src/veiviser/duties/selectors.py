"""Reads for the duties: batch a set of registrations' facts (one query per fact type), run the
pure engine on each, and shape the results for the worklist, the dashboard and the annual
report's figures (docs/duties.md)."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.apps import apps
from django.db.models import CharField, F, Value
from django.utils import timezone

from veiviser import policy
from veiviser.casework.models import Contact, Plan, establishes_contact
from veiviser.codes.selectors import Kodeverk, school_year_bounds
from veiviser.duties import engine
from veiviser.duties.models import KIND_LABELS, STATE_LABELS, DeadlineSettings
from veiviser.organisation.models import County, Role
from veiviser.registry.models import Registration, StatusFact
from veiviser.registry.rules import TimedValue


@dataclass(frozen=True)
class RegistrationRow:
    """What the engine needs of a registration, and what the lists show of it."""

    pk: int
    county_id: int
    registered_on: date
    school_year: int
    birth_date: date
    person_id: int = 0
    given_name: str = ""
    family_name: str = ""
    unit_id: int | None = None
    unit_name: str = ""
    advisor_id: int | None = None
    advisor_name: str = ""


def deadlines_for(county_ids: Iterable[int]) -> dict[int, engine.Deadlines]:
    """Each county's deadlines; the defaults where the county has none saved yet."""
    ids = set(county_ids)
    saved = {s.county_id: s.deadlines() for s in DeadlineSettings.objects.filter(county_id__in=ids)}
    return {county_id: saved.get(county_id, engine.Deadlines()) for county_id in ids}


BLOCKED = "__blocked__"  # the marker row of a guardian-letter block in the letters query


def _letter_events(registration_in) -> tuple[dict[int, list[engine.LetterEvent]], set[int]]:
    """Letters as the engine's plain input, and the registrations whose youth has letters to
    the guardians blocked (`letters.LetterBlock`). The letters app is optional to this one (it
    came later); without it no letter meets the information duty and nothing is blocked.

    One query: the blocks come as marker rows in a UNION with the letters, so the worklist's
    next duty stays a constant six queries (with the placements)."""
    if not apps.is_installed("veiviser.letters"):
        return {}, set()
    try:
        from veiviser.letters.models import Letter
    except ImportError:  # pragma: no cover - an installed app always imports
        return {}, set()
    names = {f.name for f in Letter._meta.get_fields()}
    recipient = "audience" if "audience" in names else "recipient"
    sent = "sent_on" if "sent_on" in names else "created_at"
    letters_q = (
        Letter.objects.filter(registration_id__in=registration_in)
        .order_by()
        .values_list("pk", "registration_id", "kind", recipient, sent)
    )
    blocks_q = (
        Registration.objects.filter(pk__in=registration_in, person__letter_block__isnull=False)
        .order_by()
        .values_list(
            "pk",
            "pk",
            Value(BLOCKED, output_field=CharField()),
            Value("", output_field=CharField()),
            "recorded_at",
        )
    )
    result: dict[int, list[engine.LetterEvent]] = defaultdict(list)
    blocked: set[int] = set()
    for pk, registration_id, kind, to, when in letters_q.union(blocks_q, all=True):
        if kind == BLOCKED:
            blocked.add(registration_id)
            continue
        sent_on = timezone.localdate(when) if hasattr(when, "hour") else when
        result[registration_id].append(engine.LetterEvent(kind, to, sent_on, pk))
    return result, blocked


def _placement_events(registration_in) -> dict[int, list[engine.PlacementEvent]]:
    """Work-practice placements with their follow-ups, in one query (a row per follow-up, or
    one for a placement without any). Without the measures app there are none."""
    if not apps.is_installed("veiviser.measures"):
        return {}
    from veiviser.measures.models import Placement

    found: dict[int, tuple[int, date, date | None, list[date], list[date]]] = {}
    for pk, registration_id, starts_on, ends_on, on, party in (
        Placement.objects.filter(registration_id__in=registration_in)
        .order_by()
        .values_list(
            "pk", "registration_id", "starts_on", "ends_on", "follow_ups__on", "follow_ups__party"
        )
    ):
        entry = found.setdefault(pk, (registration_id, starts_on, ends_on, [], []))
        if on is not None:
            (entry[3] if party == "youth" else entry[4]).append(on)
    result: dict[int, list[engine.PlacementEvent]] = defaultdict(list)
    for pk, (registration_id, starts_on, ends_on, youth, employer) in found.items():
        result[registration_id].append(
            engine.PlacementEvent(starts_on, ends_on, tuple(youth), tuple(employer), pk)
        )
    return result


def cases_for(rows: Iterable[RegistrationRow], registration_in) -> dict[int, engine.Case]:
    """The engine's input for each row: one query each for status facts, contacts, plans and
    letters, filtered by `registration_in` (a list of ids, or a `.values("pk")` queryset)."""
    statuses: dict[int, list[TimedValue]] = defaultdict(list)
    for registration_id, valid_from, recorded_at, code in StatusFact.objects.filter(
        registration_id__in=registration_in
    ).values_list("registration_id", "valid_from", "recorded_at", "code"):
        statuses[registration_id].append(TimedValue(valid_from, recorded_at, code))
    contacts: dict[int, list[engine.ContactEvent]] = defaultdict(list)
    for pk, registration_id, at, outcome in Contact.objects.filter(
        registration_id__in=registration_in
    ).values_list("pk", "registration_id", "at", "outcome"):
        contacts[registration_id].append(
            engine.ContactEvent(timezone.localdate(at), establishes_contact(outcome), pk)
        )
    plans = {
        registration_id: (pk, agreed_on)
        for pk, registration_id, agreed_on in Plan.objects.filter(
            registration_id__in=registration_in
        ).values_list("pk", "registration_id", "agreed_on")
    }
    letters, blocked = _letter_events(registration_in)
    placements = _placement_events(registration_in)
    cases = {}
    for row in rows:
        plan_pk, agreed_on = plans.get(row.pk, (None, None))
        cases[row.pk] = engine.Case(
            registered_on=row.registered_on,
            school_year=row.school_year,
            birth_date=row.birth_date,
            statuses=tuple(statuses.get(row.pk, ())),
            contacts=tuple(contacts.get(row.pk, ())),
            plan_agreed_on=agreed_on,
            plan_pk=plan_pk,
            letters=tuple(letters.get(row.pk, ())),
            guardian_letters_blocked=row.pk in blocked,
            placements=tuple(placements.get(row.pk, ())),
        )
    return cases


def next_duties(kv: Kodeverk, registrations, *, on: date) -> dict[int, engine.Duty | None]:
    """The next open duty of each of a page of registrations (objects with `person` loaded):
    a constant number of queries, whatever the page size."""
    rows = [
        RegistrationRow(r.pk, r.county_id, r.registered_on, r.school_year, r.person.birth_date)
        for r in registrations
    ]
    if not rows:
        return {}
    ids = [row.pk for row in rows]
    cases = cases_for(rows, ids)
    deadlines = deadlines_for(row.county_id for row in rows)
    return {
        row.pk: engine.next_duty(
            engine.duties_of(cases[row.pk], deadlines[row.county_id], on, kv.status_main_group)
        )
        for row in rows
    }


def described(duty: engine.Duty | None) -> dict | None:
    """A duty as the lists show it: its name, due date and state."""
    if duty is None:
        return None
    return {
        "kind": duty.kind.value,
        "label": KIND_LABELS[duty.kind],
        "due": duty.due,
        "state": STATE_LABELS[duty.state],
        "overdue": duty.state == engine.State.OVERDUE,
    }


ROW_FIELDS = (
    "pk",
    "county_id",
    "registered_on",
    "school_year",
    "person__birth_date",
    "person_id",
    "person__given_name",
    "person__family_name",
    "unit_id",
    "unit__name",
    "advisor_id",
    "advisor__first_name",
    "advisor__last_name",
    "advisor__username",
)


def _rows(registrations) -> list[RegistrationRow]:
    rows = []
    for values in registrations.values_list(*ROW_FIELDS):
        (pk, county_id, registered_on, year, birth, person_id, given, family) = values[:8]
        unit_id, unit_name, advisor_id, first, last, username = values[8:]
        advisor_name = f"{first or ''} {last or ''}".strip() or (username or "")
        rows.append(
            RegistrationRow(
                pk,
                county_id,
                registered_on,
                year,
                birth,
                person_id,
                given,
                family,
                unit_id,
                unit_name or "",
                advisor_id,
                advisor_name,
            )
        )
    return rows


def dashboard_registrations(user, *, school_year: int, unit_id=None, advisor_id=None):
    """The registrations whose duties `user` sees on the dashboard: an advisor (or a project
    worker) their own caseload, a unit coordinator the unit, the county leader and the office
    the county — always inside what the access policy lets them view."""
    qs = Registration.objects.filter(policy.registrations_q(user, policy.VIEW)).filter(
        school_year=school_year
    )
    if user is not None and user.role in (Role.ADVISOR, Role.PROJECT_WORKER):
        qs = qs.filter(advisor_id=user.pk)
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    if advisor_id:
        qs = qs.filter(advisor_id=advisor_id)
    return qs


@dataclass(frozen=True)
class DutyRow:
    registration: RegistrationRow
    duty: engine.Duty


def open_duties(kv: Kodeverk, registrations, *, on: date) -> list[DutyRow]:
    """Every open (due or overdue) duty of `registrations` at `on`, overdue first, then by due
    date and name. The overdue-first order spans the whole list, so every registration's duties
    are computed: a constant seven queries and linear work in Python (docs/duties.md)."""
    rows = _rows(registrations)
    cases = cases_for(rows, registrations.values("pk"))
    deadlines = deadlines_for({row.county_id for row in rows})
    result = []
    for row in rows:
        for duty in engine.duties_of(
            cases[row.pk], deadlines[row.county_id], on, kv.status_main_group
        ):
            if duty.is_open:
                result.append(DutyRow(row, duty))
    result.sort(
        key=lambda r: (
            r.duty.state != engine.State.OVERDUE,
            r.duty.due,
            r.registration.family_name,
            r.registration.given_name,
            r.registration.pk,
            engine.KIND_ORDER[r.duty.kind],
        )
    )
    return result


@dataclass
class AdvisorSummary:
    advisor_name: str
    unit_name: str
    overdue: int = 0
    due: int = 0


def summary_by_advisor(duty_rows: Iterable[DutyRow]) -> list[AdvisorSummary]:
    """Open duties counted per advisor (and unit), the most overdue first."""
    table: dict[tuple, AdvisorSummary] = {}
    for row in duty_rows:
        r = row.registration
        key = (r.advisor_id, r.unit_id)
        entry = table.setdefault(key, AdvisorSummary(r.advisor_name, r.unit_name))
        if row.duty.state == engine.State.OVERDUE:
            entry.overdue += 1
        else:
            entry.due += 1
    return sorted(table.values(), key=lambda s: (-s.overdue, -s.due, s.advisor_name))


def county_figures(kv: Kodeverk, county: County, *, school_year: int, on: date | None) -> dict:
    """The county's duty figures for the annual report at `on` (default: the end of the school
    year, or today while it runs): of the registrations registered by then, how many duties of
    each kind were met on time, met late, overdue or not yet due; the share on time is of the
    duties met or past due (docs/duties.md, "County figures")."""
    _start, end = school_year_bounds(school_year)
    if on is None:
        on = min(timezone.localdate(), end)
    registrations = Registration.objects.filter(
        county=county, school_year=school_year, registered_on__lte=on
    )
    rows = _rows(registrations)
    cases = cases_for(rows, registrations.values("pk"))
    deadlines = deadlines_for([county.pk])[county.pk]
    lists = [engine.duties_of(cases[row.pk], deadlines, on, kv.status_main_group) for row in rows]
    by_kind = engine.figures(lists)
    first = by_kind[engine.Kind.FIRST_CONTACT]
    return {
        "county": county.number,
        "school_year": school_year,
        "date": on.isoformat(),
        "deadlines": {
            "first_contact_days": deadlines.first_contact_days,
            "renewed_contact_days": deadlines.renewed_contact_days,
            "information_days": deadlines.information_days,
            "plan_days": deadlines.plan_days,
            "follow_up_days": deadlines.follow_up_days,
        },
        "registrations": len(rows),
        "with_duties": sum(1 for duties in lists if duties),
        "contacted_within_deadline": {
            "youths": first.met_on_time,
            "of": first.settled,
            "share": first.share_on_time,
        },
        "plans": by_kind[engine.Kind.PLAN].as_dict(),
        "letters": {
            "youth": by_kind[engine.Kind.INFORMATION_YOUTH].as_dict(),
            "guardian": by_kind[engine.Kind.INFORMATION_GUARDIAN].as_dict(),
        },
        "duties": {kind.value: figures.as_dict() for kind, figures in by_kind.items()},
        "not_computed": list(engine.NOT_COMPUTED),
        "letters_recorded": apps.is_installed("veiviser.letters"),
    }


@dataclass
class OverdueDigest:
    """One advisor's overdue duties at a date: what the daily reminder e-mail lists."""

    advisor_id: int
    county_id: int
    rows: list[DutyRow]


def initials(given: str, family: str) -> str:
    """Ola Nordmann → O.N.: enough for the advisor to recognise the youth in a mail, and
    no full name (data minimisation)."""
    return "".join(f"{part[0].upper()}." for part in (*given.split(), *family.split()) if part)


def overdue_by_advisor(kv: Kodeverk, *, on: date, county: County | None = None):
    """The overdue duties of each advisor's caseload at `on` (the school year `on` lies in),
    for the daily reminder: only active staff of the registration's own county, advisors with
    no overdue duty left out, ordered by advisor."""
    from veiviser.codes.selectors import school_year_of

    registrations = Registration.objects.filter(
        school_year=school_year_of(on),
        advisor__isnull=False,
        advisor__is_active=True,
        advisor__county_id=F("county_id"),
    )
    if county is not None:
        registrations = registrations.filter(county=county)
    digests: dict[int, OverdueDigest] = {}
    for row in open_duties(kv, registrations, on=on):
        if row.duty.state != engine.State.OVERDUE:
            continue
        r = row.registration
        digest = digests.setdefault(r.advisor_id, OverdueDigest(r.advisor_id, r.county_id, []))
        digest.rows.append(row)
    return [digests[key] for key in sorted(digests)]
