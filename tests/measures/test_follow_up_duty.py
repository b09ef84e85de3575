"""The work-practice follow-up duty (DOMAIN.md §6.7, docs/duties.md): examples, properties
with hypothesis, and the duty reaching the worklist's "next duty" and the dashboard."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from veiviser.duties import engine
from veiviser.duties.engine import Case, Deadlines, Kind, PlacementEvent, State
from veiviser.registry.rules import TimedValue

GROUPS = {"OTUK": 1, "OTOV": 2, "OTOA": 3, "OTNO": 4, "OTFA_IM": 5}
REGISTERED = date(2024, 8, 20)
START = date(2024, 9, 2)
FOLLOW_UP = (Kind.FOLLOW_UP_YOUTH, Kind.FOLLOW_UP_EMPLOYER)


def group_of(code, school_year):
    return GROUPS.get(code)


def in_otoa(on=REGISTERED):
    return (TimedValue(on, datetime.combine(on, datetime.min.time(), UTC), "OTOA"),)


DEFAULTS = Deadlines()


def duties(placements, on, deadlines=DEFAULTS, statuses=None):
    c = Case(
        registered_on=REGISTERED,
        school_year=2024,
        birth_date=date(2004, 5, 1),
        statuses=in_otoa() if statuses is None else statuses,
        placements=tuple(placements),
    )
    return [d for d in engine.duties_of(c, deadlines, on, group_of) if d.kind in FOLLOW_UP]


def test_a_placement_owes_both_follow_ups_14_days_after_its_start():
    found = duties([PlacementEvent(START)], START + timedelta(days=3))
    assert {(d.kind, d.due, d.state) for d in found} == {
        (Kind.FOLLOW_UP_YOUTH, START + timedelta(days=14), State.DUE),
        (Kind.FOLLOW_UP_EMPLOYER, START + timedelta(days=14), State.DUE),
    }


def test_each_follow_up_starts_the_next_interval():
    youth = (START + timedelta(days=10), START + timedelta(days=30))
    found = duties([PlacementEvent(START, youth_follow_ups=youth)], START + timedelta(days=40))
    chain = [(d.due, d.state) for d in found if d.kind == Kind.FOLLOW_UP_YOUTH]
    assert chain == [
        (START + timedelta(days=14), State.MET),  # met on day 10
        (START + timedelta(days=24), State.MET),  # met late on day 30
        (START + timedelta(days=44), State.DUE),
    ]
    assert found[1].met_late if found[1].kind == Kind.FOLLOW_UP_YOUTH else True


def test_the_employer_overdue_when_only_the_youth_was_followed_up():
    youth = (START + timedelta(days=7),)
    found = duties([PlacementEvent(START, youth_follow_ups=youth)], START + timedelta(days=15))
    employer = [d for d in found if d.kind == Kind.FOLLOW_UP_EMPLOYER]
    assert [(d.due, d.state) for d in employer] == [(START + timedelta(days=14), State.OVERDUE)]


def test_a_placement_that_ended_owes_nothing_after_its_end():
    placement = PlacementEvent(START, START + timedelta(days=10))
    assert duties([placement], START + timedelta(days=60)) == []


def test_the_county_setting_moves_the_due_date():
    found = duties([PlacementEvent(START)], START, Deadlines(follow_up_days=7))
    assert {d.due for d in found} == {START + timedelta(days=7)}


def test_open_follow_ups_lapse_when_the_youth_moves_away():
    moved_on = START + timedelta(days=20)
    moved = (
        *in_otoa(),
        TimedValue(moved_on, datetime.combine(moved_on, datetime.min.time(), UTC), "OTFA_IM"),
    )
    assert duties([PlacementEvent(START)], START + timedelta(days=25), statuses=moved) == []


# Properties

placements = st.lists(
    st.builds(
        lambda start, length, youth, employer, pk: PlacementEvent(
            START + timedelta(days=start),
            None if length is None else START + timedelta(days=start + length),
            tuple(sorted(START + timedelta(days=start + n) for n in youth)),
            tuple(sorted(START + timedelta(days=start + n) for n in employer)),
            pk,
        ),
        st.integers(0, 200),
        st.none() | st.integers(0, 120),
        st.lists(st.integers(0, 150), max_size=8),
        st.lists(st.integers(0, 150), max_size=8),
        st.integers(1, 10_000),
    ),
    max_size=3,
    unique_by=lambda p: p.pk,
)
deadline_settings = st.builds(Deadlines, follow_up_days=st.integers(1, 30))
dates = st.dates(date(2024, 8, 1), date(2025, 9, 30))


@settings(max_examples=300)
@given(placements, deadline_settings, dates, st.integers(0, 300))
def test_a_met_follow_up_stays_met_later(ps, deadlines, on, later):
    earlier = duties(ps, on, deadlines)
    after = duties(ps, on + timedelta(days=later), deadlines)
    for duty in earlier:
        if duty.state == State.MET:
            assert duty in after


@settings(max_examples=300)
@given(placements, deadline_settings, dates)
def test_states_agree_and_one_open_interval_per_placement_and_party(ps, deadlines, on):
    found = duties(ps, on, deadlines)
    open_ones = [(d.kind, d.met_by) for d in found if d.is_open]
    assert len(open_ones) <= 2 * len(ps)
    for duty in found:
        if duty.state == State.OVERDUE:
            assert duty.due < on
        elif duty.state == State.DUE:
            assert duty.due >= on
        else:
            assert duty.met_by.source == "follow_up" and duty.met_by.on <= on


@settings(max_examples=200)
@given(st.integers(0, 200), st.integers(1, 30), st.integers(0, 200))
def test_following_up_within_the_interval_is_never_overdue(start, every, until):
    deadlines = Deadlines(follow_up_days=every)
    begin = START + timedelta(days=start)
    on = begin + timedelta(days=until)
    steps = tuple(begin + timedelta(days=n) for n in range(every, until + 1, every))
    placement = PlacementEvent(begin, None, steps, steps, 1)
    assert all(d.state != State.OVERDUE for d in duties([placement], on, deadlines))


# Through the database: the duty reaches the worklist's next duty and the dashboard.


@pytest.mark.django_db
@time_machine.travel("2024-10-20 12:00", tick=False)
def test_an_overdue_follow_up_shows_on_the_dashboard(client, advisor, registration, vestfold):
    from veiviser.duties.models import DeadlineSettings
    from veiviser.measures import services

    # Letters are due later here, so the follow-up is the youth's next duty.
    DeadlineSettings.objects.create(county=vestfold, information_days=60)

    placement = services.placement_create(
        actor=advisor,
        registration=registration,
        employer_orgnr="974760673",
        employer_name="Bakeri AS",
        starts_on=date(2024, 9, 2),
        hours_per_week=20,
    )
    services.follow_up_record(
        actor=advisor, placement=placement, on=date(2024, 10, 10), party="youth"
    )
    client.force_login(advisor)
    page = client.get(reverse("web:duties")).content.decode()
    assert "Oppfølging av arbeidsgiver i arbeidspraksis" in page
    from veiviser.codes.selectors import kodeverk
    from veiviser.duties import selectors

    found = selectors.next_duties(kodeverk(), [registration], on=date(2024, 10, 20))
    duty = found[registration.pk]
    assert (duty.kind, duty.due, duty.state) == (
        Kind.FOLLOW_UP_EMPLOYER,
        date(2024, 9, 16),
        State.OVERDUE,
    )
