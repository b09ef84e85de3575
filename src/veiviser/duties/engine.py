"""The duty engine: which of OT's duties a registration has at a date, and which are met.

Pure functions of plain values (STYLE.md habit 5): the registration's dates, its status facts,
contacts, plan and letters, the county's deadlines and a date. No database; the selectors batch
the data and call `duties_of` for each registration. docs/duties.md is the documentation a
county can disagree with; every rule below cites it.

A duty is **met** by the first event that fulfils it (a contact, a status change, a letter, a
plan), **overdue** when it is not met and its due date is before the date, and otherwise **due**.
Only events on or before the date count, so a duty met at a date stays met at every later date.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from veiviser.people.rules import is_minor
from veiviser.registry.rules import DEFAULT_STATUS, TimedValue, value_at


class Kind(StrEnum):
    FIRST_CONTACT = "first_contact"
    RENEWED_CONTACT = "renewed_contact"
    INFORMATION_YOUTH = "information_youth"
    INFORMATION_GUARDIAN = "information_guardian"
    PLAN = "plan"
    OFFER = "offer"
    FOLLOW_UP_YOUTH = "follow_up_youth"
    FOLLOW_UP_EMPLOYER = "follow_up_employer"


# Duties of DOMAIN.md §6 the engine does not compute (docs/duties.md). The 14-day follow-up of
# youth and employer in work practice is computed from the placements (veiviser.measures).
NOT_COMPUTED: tuple[str, ...] = ()


class State(StrEnum):
    DUE = "due"
    OVERDUE = "overdue"
    MET = "met"


@dataclass(frozen=True)
class Deadlines:
    """A county's deadlines in days; the defaults are the documented ones (docs/duties.md)."""

    first_contact_days: int = 7
    renewed_contact_days: int = 30
    information_days: int = 14
    plan_days: int = 30
    follow_up_days: int = 14


@dataclass(frozen=True)
class ContactEvent:
    """A contact attempt or conversation on a day; `establishes` per
    `casework.models.establishes_contact`."""

    on: date
    establishes: bool
    pk: int | None = None


@dataclass(frozen=True)
class LetterEvent:
    """A letter as sent: kind `information` or `appointment`, recipient `youth` or `guardian`."""

    kind: str
    recipient: str
    sent_on: date
    pk: int | None = None


@dataclass(frozen=True)
class PlacementEvent:
    """A work-practice placement and the days its youth and its employer were followed up."""

    starts_on: date
    ends_on: date | None = None
    youth_follow_ups: tuple[date, ...] = ()
    employer_follow_ups: tuple[date, ...] = ()
    pk: int | None = None


INFORMATION = "information"
YOUTH = "youth"
GUARDIAN = "guardian"


@dataclass(frozen=True)
class Case:
    """Everything the engine knows about one registration."""

    registered_on: date
    school_year: int
    birth_date: date
    statuses: tuple[TimedValue, ...] = ()
    contacts: tuple[ContactEvent, ...] = ()
    plan_agreed_on: date | None = None
    plan_pk: int | None = None
    letters: tuple[LetterEvent, ...] = ()
    # Letters to the guardians are blocked for confidentiality (`letters.LetterBlock`): the
    # guardian-information duty is then not required (docs/duties.md).
    guardian_letters_blocked: bool = False
    placements: tuple[PlacementEvent, ...] = ()


@dataclass(frozen=True)
class Event:
    """What met a duty: a `contact`, a `status` change, a `letter` or a `plan`, on a day."""

    source: str
    on: date
    pk: int | None = None
    detail: str = ""


@dataclass(frozen=True)
class Duty:
    kind: Kind
    due: date
    state: State
    met_by: Event | None = None

    @property
    def is_open(self) -> bool:
        return self.state != State.MET

    @property
    def met_late(self) -> bool:
        return self.met_by is not None and self.met_by.on > self.due


# The main groups an open duty still applies in, by kind (docs/duties.md, "when a duty lapses").
# Group 5 (not in the target group) ends every open duty; group 4 (clarified: declined, military,
# caring for a child, ill, non-formal education) ends the plan and the offer.
OPEN_IN_GROUPS: dict[Kind, frozenset[int]] = {
    Kind.FIRST_CONTACT: frozenset({1, 2, 3, 4}),
    Kind.INFORMATION_YOUTH: frozenset({1, 2, 3, 4}),
    Kind.INFORMATION_GUARDIAN: frozenset({1, 2, 3, 4}),
    Kind.PLAN: frozenset({1, 2, 3}),
    Kind.OFFER: frozenset({1, 2}),
    Kind.FOLLOW_UP_YOUTH: frozenset({1, 2, 3, 4}),
    Kind.FOLLOW_UP_EMPLOYER: frozenset({1, 2, 3, 4}),
}
KIND_ORDER = {kind: n for n, kind in enumerate(Kind)}
GroupOf = Callable[[str, int], int | None]


def school_year_end(school_year: int) -> date:
    return date(school_year + 1, 7, 31)


def _state(due: date, on: date, met_by: Event | None) -> State:
    if met_by is not None:
        return State.MET
    return State.OVERDUE if due < on else State.DUE


def duties_of(case: Case, deadlines: Deadlines, on: date, group_of: GroupOf) -> list[Duty]:
    """The registration's duties at `on`, earliest due first (docs/duties.md).

    `group_of(code, school_year)` is the kodeverk's main group of a status code
    (`Kodeverk.status_main_group`). A registration that has never been in the target group
    (main groups 1–4) since it was registered has no duties; after the school year ends
    (31 July) the duties stand as they were on that day.
    """
    year_end = school_year_end(case.school_year)
    until = min(on, year_end)
    if until < case.registered_on:
        return []

    def status_at(day: date) -> str:
        return value_at(case.statuses, day, None, DEFAULT_STATUS)

    def group_at(day: date) -> int | None:
        return group_of(status_at(day), case.school_year)

    # The status in force on the registration day and on each later day a fact takes effect.
    change_days = sorted(
        {case.registered_on}
        | {f.valid_from for f in case.statuses if case.registered_on < f.valid_from <= until}
    )
    changes = [(day, status_at(day)) for day in change_days]
    groups = [(day, code, group_of(code, case.school_year)) for day, code in changes]
    if not any(g in (1, 2, 3, 4) for _day, _code, g in groups):
        return []

    def first_status(wanted: Iterable[int]) -> Event | None:
        wanted = frozenset(wanted)
        for day, code, g in groups:
            if g in wanted:
                return Event("status", day, detail=code)
        return None

    contacts = sorted((c for c in case.contacts if c.on <= until), key=lambda c: (c.on, c.pk or 0))
    established = next((c for c in contacts if c.establishes), None)

    def established_in(start: date, end: date) -> bool:
        """Contact established in the OTUK spell that started on `start`, up to `end`. The
        first spell (from the registration day) counts every earlier contact too."""
        since = date.min if start == case.registered_on else start
        return any(c.establishes and since <= c.on <= end for c in contacts)

    def contact_event(contact: ContactEvent) -> Event:
        return Event(
            "contact", contact.on, contact.pk, "established" if contact.establishes else ""
        )

    # OTUK spells (docs/duties.md, "renewed contact"): OTUK stays until contact is established
    # (DOMAIN.md §4), and OT must try again while the youth is in the target group (§6.3). A
    # spell starts on the registration day (if OTUK), on each day the status comes back to
    # main group 1 from another group, and on a day OTUK is recorded again after contact was
    # established in the running spell (contact lost). Contact established in an earlier
    # spell does not count in a later one.
    spell_starts: list[date] = []
    for day, _code, g in groups:
        if g != 1:
            if spell_starts and spell_starts[-1] is not None:
                spell_starts.append(None)  # the spell ended on `day`
            continue
        if (
            not spell_starts
            or spell_starts[-1] is None
            or (day != spell_starts[-1] and established_in(spell_starts[-1], day - timedelta(1)))
        ):
            spell_starts.append(day)

    def spell_at(day: date) -> date | None:
        """The start of the OTUK spell running on `day`, if any (before the registration day:
        the first spell, as the status then is the default OTUK)."""
        day = max(day, case.registered_on)
        start = None
        for change, (_d, _c, g) in zip(change_days, groups, strict=True):
            if change > day:
                break
            if g != 1:
                start = None
            elif start is None or change in spell_starts:
                start = change
        return start

    def uncontacted(day: date) -> bool:
        """In an OTUK spell on the day, and no contact established in it by then."""
        start = spell_at(day)
        return start is not None and not established_in(start, day)

    group_now = group_at(until)
    duties: list[Duty] = []

    def add(kind: Kind, due: date, met_by: Event | None) -> None:
        if met_by is None and (group_now not in OPEN_IN_GROUPS[kind] or due > year_end):
            return  # an open duty lapses outside its groups and with the school year
        duties.append(Duty(kind, due, _state(due, on, met_by), met_by))

    # 1. First contact attempt within N days of registration: met by the first attempt of any
    # outcome, or by the status leaving OTUK for groups 2–4 if that came first (contact made
    # off the record). A status change to group 5 does not meet it; the duty lapses.
    candidates = [e for e in (first_status((2, 3, 4)),) if e is not None]
    if contacts:
        candidates.append(contact_event(contacts[0]))
    first = min(candidates, key=lambda e: (e.on, e.source != "contact"), default=None)
    add(Kind.FIRST_CONTACT, case.registered_on + timedelta(deadlines.first_contact_days), first)

    # 2. Renewed contact attempts while OTUK: at most N days between two attempts, until
    # contact is established or the status leaves OTUK. In the spell from the registration
    # day the chain starts at the first attempt (the first-contact duty covers the time
    # before it); in a later spell it starts on the spell's first day.
    bounds = [day for day in spell_starts if day is not None]
    for start in bounds:
        ends = [day for day in change_days if day > start and (day in bounds or group_at(day) != 1)]
        end = ends[0] if ends else None
        in_spell = [c for c in contacts if end is None or c.on < end]
        if start == case.registered_on:
            if not in_spell:
                continue
            previous, strict = in_spell[0].on, True
        else:
            previous, strict = start, False
        while uncontacted(previous):
            due = previous + timedelta(deadlines.renewed_contact_days)
            following = next(
                (c for c in in_spell if (c.on > previous if strict else c.on >= previous)),
                None,
            )
            strict = True
            if following is None:
                if end is None and uncontacted(until) and due <= year_end:
                    duties.append(Duty(Kind.RENEWED_CONTACT, due, _state(due, on, None)))
                break
            if following.on > start and not uncontacted(following.on - timedelta(days=1)):
                break  # the status left OTUK before the next attempt: the duty lapsed
            duties.append(Duty(Kind.RENEWED_CONTACT, due, State.MET, contact_event(following)))
            previous = following.on

    # 3. Written information about rights, to the youth and, for a youth under 18 on the
    # registration day, to a guardian: met by the first information letter to each.
    information_due = case.registered_on + timedelta(deadlines.information_days)
    letters = sorted(
        (x for x in case.letters if x.kind == INFORMATION and x.sent_on <= until),
        key=lambda x: (x.sent_on, x.pk or 0),
    )

    def letter_to(recipient: str) -> Event | None:
        letter = next((x for x in letters if x.recipient == recipient), None)
        return None if letter is None else Event("letter", letter.sent_on, letter.pk, recipient)

    add(Kind.INFORMATION_YOUTH, information_due, letter_to(YOUTH))
    if is_minor(case.birth_date, case.registered_on):
        # Blocked letters to the guardians (confidentiality): the duty is not generated, unless
        # a letter already met it before the block (met duties stay).
        guardian_letter = letter_to(GUARDIAN)
        if guardian_letter is not None or not case.guardian_letters_blocked:
            add(Kind.INFORMATION_GUARDIAN, information_due, guardian_letter)

    # 4. A plan within N days after contact is established or the status is OTOV (group 2).
    starts = [e for e in (first_status((2,)),) if e is not None]
    if established is not None:
        starts.append(contact_event(established))
    start = min(starts, key=lambda e: e.on, default=None)
    if start is not None:
        plan = (
            Event("plan", case.plan_agreed_on, case.plan_pk)
            if case.plan_agreed_on is not None and case.plan_agreed_on <= until
            else None
        )
        add(Kind.PLAN, start.on + timedelta(deadlines.plan_days), plan)

    # 5. An offer during the school year: met when the youth has been in a group-3 status
    # (in activity) at some point; due by the end of the school year.
    add(Kind.OFFER, year_end, first_status((3,)))

    # 6. Work practice: the youth and the employer are each followed up at least every N days
    # (DOMAIN.md §6.7) from the placement's start until it ends. Each interval is a duty, met
    # by the first follow-up after the previous one (or the start); a placement that ends
    # before a follow-up falls due owes none for that interval.
    for placement in sorted(case.placements, key=lambda p: (p.starts_on, p.pk or 0)):
        if placement.starts_on > until:
            continue
        for kind, days in (
            (Kind.FOLLOW_UP_YOUTH, placement.youth_follow_ups),
            (Kind.FOLLOW_UP_EMPLOYER, placement.employer_follow_ups),
        ):
            done = sorted(d for d in days if placement.starts_on <= d <= until)
            previous = placement.starts_on
            while True:
                due = previous + timedelta(deadlines.follow_up_days)
                if placement.ends_on is not None and placement.ends_on < due:
                    break
                following = next((d for d in done if d > previous), None)
                if following is None:
                    add(kind, due, None)
                    break
                duties.append(
                    Duty(kind, due, State.MET, Event("follow_up", following, placement.pk))
                )
                previous = following

    return sorted(duties, key=lambda d: (d.due, KIND_ORDER[d.kind]))


def next_duty(duties: Sequence[Duty]) -> Duty | None:
    """The open duty due first (an overdue one, if there is any)."""
    return min(
        (d for d in duties if d.is_open),
        key=lambda d: (d.due, KIND_ORDER[d.kind]),
        default=None,
    )


@dataclass
class KindFigures:
    """How one kind of duty stands across many registrations at a date."""

    duties: int = 0
    met_on_time: int = 0
    met_late: int = 0
    overdue: int = 0
    not_yet_due: int = 0

    @property
    def settled(self) -> int:
        """Duties met, or past their due date: the denominator of the share on time."""
        return self.met_on_time + self.met_late + self.overdue

    @property
    def share_on_time(self) -> float | None:
        return round(self.met_on_time / self.settled, 4) if self.settled else None

    def as_dict(self) -> dict:
        return {
            "duties": self.duties,
            "met_on_time": self.met_on_time,
            "met_late": self.met_late,
            "overdue": self.overdue,
            "not_yet_due": self.not_yet_due,
            "share_on_time": self.share_on_time,
        }


def figures(duty_lists: Iterable[Sequence[Duty]]) -> dict[Kind, KindFigures]:
    """Count the duties of many registrations by kind. A registration's renewed-contact duties
    count one by one (each interval between attempts is a duty)."""
    result = {kind: KindFigures() for kind in Kind}
    for duties in duty_lists:
        for duty in duties:
            row = result[duty.kind]
            row.duties += 1
            if duty.state == State.MET:
                if duty.met_late:
                    row.met_late += 1
                else:
                    row.met_on_time += 1
            elif duty.state == State.OVERDUE:
                row.overdue += 1
            else:
                row.not_yet_due += 1
    return result
