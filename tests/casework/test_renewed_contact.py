"""Renewed contact attempts after contact was established (issue 6 item 1; docs/duties.md):
a youth whose status comes back to OTUK, or for whom OTUK is recorded again after contact was
established, gets a new chain of renewed-contact duties from that day (DOMAIN.md §4, §6.3).
Pure examples and hypothesis properties of the engine, then the same through the database at a
frozen date."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from hypothesis import given, settings
from hypothesis import strategies as st

from veiviser.casework import services as casework
from veiviser.codes.selectors import kodeverk
from veiviser.duties import engine, selectors
from veiviser.duties.engine import Case, ContactEvent, Deadlines, Event, Kind, State
from veiviser.registry import services as registry
from veiviser.registry.rules import TimedValue
from veiviser.registry.rules import value_at as rules_value_at

GROUPS = {"OTUK": 1, "OTOV": 2, "OTOA": 3, "OTNO": 4, "ELVG_IM": 5}
REGISTERED = date(2024, 8, 20)
YEAR_END = date(2025, 7, 31)
DEFAULTS = Deadlines()


def group_of(code: str, school_year: int) -> int | None:
    return GROUPS.get(code)


def status(on: date, code: str) -> TimedValue:
    return TimedValue(on, datetime.combine(on, datetime.min.time(), UTC), code)


def days(n: int) -> timedelta:
    return timedelta(days=n)


def renewed(c: Case, on: date, deadlines: Deadlines = DEFAULTS):
    found = engine.duties_of(c, deadlines, on, group_of)
    return [d for d in found if d.kind == Kind.RENEWED_CONTACT]


def case(**kw) -> Case:
    return Case(registered_on=REGISTERED, school_year=2024, birth_date=date(2004, 5, 1), **kw)


# Examples


def test_back_in_otuk_after_otov_starts_a_new_chain_on_that_day():
    back = REGISTERED + days(60)
    c = case(
        contacts=(ContactEvent(REGISTERED + days(3), True, 1),),
        statuses=(status(REGISTERED + days(3), "OTOV"), status(back, "OTUK")),
    )
    assert renewed(c, back - days(1)) == []  # in OTOV: nothing to renew
    (duty,) = renewed(c, back)
    assert (duty.due, duty.state) == (back + days(30), State.DUE)
    (duty,) = renewed(c, back + days(31))
    assert duty.state == State.OVERDUE


def test_the_new_chain_is_met_by_attempts_and_ends_when_contact_is_established_again():
    back = REGISTERED + days(60)
    c = case(
        contacts=(
            ContactEvent(REGISTERED + days(3), True, 1),
            ContactEvent(back + days(10), False, 2),
            ContactEvent(back + days(45), False, 3),  # 5 days late
            ContactEvent(back + days(50), True, 4),
        ),
        statuses=(status(REGISTERED + days(3), "OTOV"), status(back, "OTUK")),
    )
    found = renewed(c, back + days(200))
    assert [(d.due, d.met_by.pk, d.met_late) for d in found] == [
        (back + days(30), 2, False),
        (back + days(40), 3, True),
        (back + days(75), 4, False),
    ]
    assert all(d.state == State.MET for d in found)


def test_an_attempt_on_the_day_the_status_came_back_meets_the_first_interval():
    back = REGISTERED + days(60)
    c = case(
        contacts=(ContactEvent(REGISTERED + days(3), True, 1), ContactEvent(back, False, 2)),
        statuses=(status(REGISTERED + days(3), "OTOV"), status(back, "OTUK")),
    )
    first, second = renewed(c, back + days(5))
    assert first.met_by == Event("contact", back, 2, "")
    assert (second.due, second.state) == (back + days(30), State.DUE)


def test_otuk_recorded_again_after_contact_was_established_means_contact_was_lost():
    again = REGISTERED + days(90)
    c = case(
        contacts=(
            ContactEvent(REGISTERED + days(2), False, 1),
            ContactEvent(REGISTERED + days(20), True, 2),  # reached; status left at OTUK
        ),
        statuses=(status(again, "OTUK"),),
    )
    assert [d.state for d in renewed(c, again - days(1))] == [State.MET]
    met, new = renewed(c, again + days(1))
    assert met.met_by.pk == 2
    assert (new.due, new.state) == (again + days(30), State.DUE)


def test_otuk_recorded_again_without_contact_in_between_changes_nothing():
    c = case(
        contacts=(ContactEvent(REGISTERED + days(2), False, 1),),
        statuses=(status(REGISTERED + days(10), "OTUK"),),
    )
    (duty,) = renewed(c, REGISTERED + days(20))
    assert duty.due == REGISTERED + days(32)  # the chain from the first attempt runs on


def test_the_new_chain_lapses_when_the_youth_leaves_the_target_group():
    back = REGISTERED + days(60)
    c = case(
        contacts=(ContactEvent(REGISTERED + days(3), True, 1),),
        statuses=(
            status(REGISTERED + days(3), "OTOV"),
            status(back, "OTUK"),
            status(back + days(40), "ELVG_IM"),
        ),
    )
    assert renewed(c, back + days(50)) == []


def test_the_new_chain_lapses_with_the_school_year():
    back = YEAR_END - days(10)
    c = case(
        contacts=(ContactEvent(REGISTERED + days(3), True, 1),),
        statuses=(status(REGISTERED + days(3), "OTOV"), status(back, "OTUK")),
    )
    assert renewed(c, back + days(2)) == []  # due 20 days after 31 July


# Properties

codes = st.sampled_from(sorted(GROUPS))


@st.composite
def cases(draw):
    statuses = tuple(
        status(REGISTERED + days(n), code)
        for n, code in draw(st.lists(st.tuples(st.integers(0, 300), codes), max_size=5))
    )
    contacts = tuple(
        ContactEvent(REGISTERED + days(n), est, pk)
        for pk, (n, est) in enumerate(
            draw(st.lists(st.tuples(st.integers(0, 300), st.booleans()), max_size=7)), 1
        )
    )
    return case(statuses=statuses, contacts=contacts)


deadline_settings = st.builds(Deadlines, renewed_contact_days=st.integers(1, 90))
dates = st.dates(REGISTERED, YEAR_END + days(60))


def _status_at(c: Case, day: date) -> str:
    return rules_value_at(c.statuses, day, None, "OTUK")


def _reentry(c: Case, on: date) -> date | None:
    """The last day up to `on` the status came back to OTUK from another main group, if the
    youth has stayed in OTUK since."""
    day, found = on, None
    while day > REGISTERED:
        if group_of(_status_at(c, day), 2024) != 1:
            return found
        if group_of(_status_at(c, day - days(1)), 2024) != 1:
            return day
        day -= days(1)
    return found


@settings(max_examples=300, deadline=None)
@given(cases(), deadline_settings, dates)
def test_a_youth_back_in_otuk_without_contact_always_has_a_renewed_contact_duty(c, deadlines, on):
    """Back in OTUK on day S and no contact established since: the open duty is due N days
    after the last attempt since S (or S itself), unless that is after 31 July."""
    on = min(on, YEAR_END)
    start = _reentry(c, on)
    if start is None:
        return
    since = [x for x in c.contacts if start <= x.on <= on]
    if any(x.establishes for x in since):
        return
    last = max([start] + [x.on for x in since])
    due = last + days(deadlines.renewed_contact_days)
    open_duties = [d for d in renewed(c, on, deadlines) if d.is_open]
    if due > YEAR_END:
        assert open_duties == []
    else:
        assert [(d.due, d.state) for d in open_duties] == [
            (due, State.OVERDUE if due < on else State.DUE)
        ]


@settings(max_examples=300, deadline=None)
@given(cases(), deadline_settings, dates, st.integers(0, 300))
def test_a_met_renewed_duty_stays_met_at_later_dates(c, deadlines, on, later):
    earlier = [d for d in renewed(c, on, deadlines) if d.state == State.MET]
    after = renewed(c, on + days(later), deadlines)
    for duty in earlier:
        assert duty in after


@settings(max_examples=300, deadline=None)
@given(cases(), deadline_settings, dates)
def test_at_most_one_open_renewed_duty_and_only_while_uncontacted_in_otuk(c, deadlines, on):
    open_duties = [d for d in renewed(c, on, deadlines) if d.is_open]
    assert len(open_duties) <= 1
    if open_duties:
        assert group_of(_status_at(c, min(on, YEAR_END)), 2024) == 1


# Through the database, at a frozen date


@pytest.mark.django_db
def test_the_worklist_duty_of_a_youth_back_in_otuk(make_person, tonsberg, advisor):
    registration = registry.registration_create(
        actor=None,
        person=make_person(),
        school_year=2024,
        registered_on=REGISTERED,
        reason="not_applied",
        unit=tonsberg,
    )
    casework.contact_record(
        actor=None,
        registration=registration,
        at=datetime(2024, 8, 22, 10, tzinfo=UTC),
        channel="phone",
        outcome="reached",
    )
    registry.status_record(
        actor=None, registration=registration, code="OTOV", valid_from=date(2024, 8, 22)
    )
    registry.status_record(
        actor=None, registration=registration, code="OTUK", valid_from=date(2024, 11, 1)
    )
    with time_machine.travel("2024-12-05 12:00 +01:00", tick=False):
        today = date.today()
        rows = selectors.open_duties(
            kodeverk(), type(registration).objects.filter(pk=registration.pk), on=today
        )
    renewed_rows = [r.duty for r in rows if r.duty.kind == Kind.RENEWED_CONTACT]
    assert [(d.due, d.state) for d in renewed_rows] == [(date(2024, 12, 1), State.OVERDUE)]
