"""The duty engine as pure functions (docs/duties.md): examples, then properties with hypothesis.

No database: the main groups come from a small in-memory map of the kodeverk's codes.
"""

from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from veiviser.duties import engine
from veiviser.duties.engine import (
    Case,
    ContactEvent,
    Deadlines,
    Event,
    Kind,
    LetterEvent,
    State,
)
from veiviser.registry.rules import TimedValue

GROUPS = {
    "OTUK": 1,
    "OTOV": 2,
    "OTOA": 3,
    "OTEV": 3,
    "OTNO": 4,
    "OTSY": 4,
    "ELVG_IM": 5,
    "OTFA_IM": 5,
}
DEFAULTS = Deadlines()
REGISTERED = date(2024, 8, 20)
ADULT = date(2004, 5, 1)
MINOR = date(2008, 5, 1)


def group_of(code: str, school_year: int) -> int | None:
    return GROUPS.get(code)


def status(on: date, code: str) -> TimedValue:
    return TimedValue(on, datetime.combine(on, datetime.min.time(), UTC), code)


def case(**kw) -> Case:
    kw.setdefault("registered_on", REGISTERED)
    kw.setdefault("school_year", 2024)
    kw.setdefault("birth_date", ADULT)
    return Case(**kw)


def duties(c: Case, on: date, deadlines: Deadlines = DEFAULTS):
    return engine.duties_of(c, deadlines, on, group_of)


def of_kind(found, kind: Kind):
    return [d for d in found if d.kind == kind]


def days(n: int) -> timedelta:
    return timedelta(days=n)


# Examples, one rule each


def test_a_new_registration_is_due_first_contact_within_seven_days():
    (first,) = of_kind(duties(case(), REGISTERED), Kind.FIRST_CONTACT)
    assert (first.due, first.state) == (REGISTERED + days(7), State.DUE)


def test_first_contact_is_overdue_the_day_after_its_due_date():
    (first,) = of_kind(duties(case(), REGISTERED + days(8)), Kind.FIRST_CONTACT)
    assert first.state == State.OVERDUE


def test_the_county_deadline_moves_the_due_date():
    (first,) = of_kind(
        duties(case(), REGISTERED, Deadlines(first_contact_days=3)), Kind.FIRST_CONTACT
    )
    assert first.due == REGISTERED + days(3)


def test_an_unanswered_attempt_meets_first_contact_and_starts_renewed_attempts():
    c = case(contacts=(ContactEvent(REGISTERED + days(2), False, 11),))
    found = duties(c, REGISTERED + days(10))
    (first,) = of_kind(found, Kind.FIRST_CONTACT)
    assert first.met_by == Event("contact", REGISTERED + days(2), 11, "")
    (renewed,) = of_kind(found, Kind.RENEWED_CONTACT)
    assert (renewed.due, renewed.state) == (REGISTERED + days(32), State.DUE)


def test_renewed_attempts_chain_from_each_attempt_until_contact_is_established():
    c = case(
        contacts=(
            ContactEvent(REGISTERED + days(2), False, 1),
            ContactEvent(REGISTERED + days(40), False, 2),  # 6 days late
            ContactEvent(REGISTERED + days(50), True, 3),
        )
    )
    renewed = of_kind(duties(c, REGISTERED + days(200)), Kind.RENEWED_CONTACT)
    assert [(d.due, d.met_by.pk, d.met_late) for d in renewed] == [
        (REGISTERED + days(32), 2, True),
        (REGISTERED + days(70), 3, False),
    ]


def test_renewed_attempts_stop_when_the_status_leaves_otuk():
    c = case(
        contacts=(ContactEvent(REGISTERED + days(2), False, 1),),
        statuses=(status(REGISTERED + days(10), "OTOV"),),
    )
    assert of_kind(duties(c, REGISTERED + days(60)), Kind.RENEWED_CONTACT) == []


def test_a_status_change_to_otov_meets_first_contact_when_no_attempt_was_recorded():
    c = case(statuses=(status(REGISTERED + days(3), "OTOV"),))
    (first,) = of_kind(duties(c, REGISTERED + days(30)), Kind.FIRST_CONTACT)
    assert first.met_by == Event("status", REGISTERED + days(3), None, "OTOV")


def test_a_plan_is_due_thirty_days_after_contact_is_established():
    c = case(contacts=(ContactEvent(REGISTERED + days(5), True, 1),))
    (plan,) = of_kind(duties(c, REGISTERED + days(10)), Kind.PLAN)
    assert (plan.due, plan.state) == (REGISTERED + days(35), State.DUE)


def test_a_plan_agreed_meets_the_plan_duty():
    c = case(
        contacts=(ContactEvent(REGISTERED + days(5), True, 1),),
        plan_agreed_on=REGISTERED + days(20),
        plan_pk=9,
    )
    (plan,) = of_kind(duties(c, REGISTERED + days(40)), Kind.PLAN)
    assert plan.met_by == Event("plan", REGISTERED + days(20), 9)


def test_no_plan_duty_before_contact():
    assert of_kind(duties(case(), REGISTERED + days(60)), Kind.PLAN) == []


def test_information_letter_to_the_youth_meets_the_information_duty():
    c = case(letters=(LetterEvent("information", "youth", REGISTERED + days(1), 4),))
    (info,) = of_kind(duties(c, REGISTERED + days(20)), Kind.INFORMATION_YOUTH)
    assert info.met_by == Event("letter", REGISTERED + days(1), 4, "youth")


def test_an_appointment_letter_does_not_meet_the_information_duty():
    c = case(letters=(LetterEvent("appointment", "youth", REGISTERED + days(1)),))
    (info,) = of_kind(duties(c, REGISTERED + days(20)), Kind.INFORMATION_YOUTH)
    assert info.state == State.OVERDUE


def test_letters_may_be_plain_tuples_turned_into_events():
    letters = tuple(LetterEvent(*t) for t in [("information", "guardian", REGISTERED + days(3))])
    c = case(birth_date=MINOR, letters=letters)
    (guardian,) = of_kind(duties(c, REGISTERED + days(20)), Kind.INFORMATION_GUARDIAN)
    assert guardian.state == State.MET


def test_a_minor_gets_the_guardian_information_duty_an_adult_does_not():
    assert of_kind(duties(case(birth_date=MINOR), REGISTERED), Kind.INFORMATION_GUARDIAN)
    assert not of_kind(duties(case(birth_date=ADULT), REGISTERED), Kind.INFORMATION_GUARDIAN)


def test_blocked_letters_to_guardians_mean_no_guardian_duty():
    blocked = case(birth_date=MINOR, guardian_letters_blocked=True)
    assert not of_kind(duties(blocked, REGISTERED + days(20)), Kind.INFORMATION_GUARDIAN)
    assert of_kind(duties(blocked, REGISTERED + days(20)), Kind.INFORMATION_YOUTH)


def test_a_guardian_letter_before_the_block_still_meets_the_duty():
    letters = (LetterEvent("information", "guardian", REGISTERED + days(3)),)
    c = case(birth_date=MINOR, letters=letters, guardian_letters_blocked=True)
    (guardian,) = of_kind(duties(c, REGISTERED + days(20)), Kind.INFORMATION_GUARDIAN)
    assert guardian.state == State.MET


def test_the_offer_is_met_by_a_group_3_status():
    c = case(statuses=(status(REGISTERED + days(40), "OTEV"),))
    (offer,) = of_kind(duties(c, REGISTERED + days(100)), Kind.OFFER)
    assert offer.met_by == Event("status", REGISTERED + days(40), None, "OTEV")
    assert offer.due == date(2025, 7, 31)


def test_a_youth_never_in_the_target_group_has_no_duties():
    c = case(statuses=(status(REGISTERED, "ELVG_IM"),))
    assert duties(c, REGISTERED + days(100)) == []


def test_open_duties_lapse_when_the_youth_moves_to_another_county():
    c = case(statuses=(status(REGISTERED + days(20), "OTFA_IM"),))
    assert duties(c, REGISTERED + days(10))
    assert duties(c, REGISTERED + days(30)) == []


def test_a_declined_youth_keeps_no_open_plan_or_offer():
    c = case(
        contacts=(ContactEvent(REGISTERED + days(1), True, 1),),
        statuses=(status(REGISTERED + days(2), "OTNO"),),
    )
    kinds = {d.kind for d in duties(c, REGISTERED + days(60)) if d.is_open}
    assert Kind.PLAN not in kinds and Kind.OFFER not in kinds


def test_no_duties_before_the_registration_day():
    assert duties(case(), REGISTERED - days(1)) == []


def test_after_the_school_year_the_duties_stand_as_on_31_july():
    late = date(2025, 9, 1)
    assert [d.kind for d in duties(case(), late)] == [
        d.kind for d in duties(case(), date(2025, 7, 31))
    ]


def test_next_duty_is_the_earliest_open_one():
    c = case(contacts=(ContactEvent(REGISTERED + days(1), False, 1),))
    found = duties(c, REGISTERED + days(16))
    nxt = engine.next_duty(found)
    assert (nxt.kind, nxt.state) == (Kind.INFORMATION_YOUTH, State.OVERDUE)


def test_figures_count_on_time_late_and_overdue():
    on_time = case(contacts=(ContactEvent(REGISTERED + days(1), False, 1),))
    late = case(contacts=(ContactEvent(REGISTERED + days(9), False, 2),))
    never = case()
    lists = [duties(c, REGISTERED + days(20)) for c in (on_time, late, never)]
    first = engine.figures(lists)[Kind.FIRST_CONTACT]
    assert (first.met_on_time, first.met_late, first.overdue) == (1, 1, 1)
    assert first.share_on_time == round(1 / 3, 4)


# Properties

START = date(2024, 8, 1)
offsets = st.integers(min_value=0, max_value=364)
codes = st.sampled_from(sorted(GROUPS))


@st.composite
def cases(draw):
    registered_on = START + days(draw(offsets))

    def around(n: int) -> date:
        return registered_on + days(n)

    statuses = tuple(
        status(around(n), code)
        for n, code in draw(st.lists(st.tuples(st.integers(0, 300), codes), max_size=4))
    )
    contacts = tuple(
        ContactEvent(around(n), est, pk)
        for pk, (n, est) in enumerate(
            draw(st.lists(st.tuples(st.integers(-5, 300), st.booleans()), max_size=6)), 1
        )
    )
    letters = tuple(
        LetterEvent(kind, to, around(n), pk)
        for pk, (kind, to, n) in enumerate(
            draw(
                st.lists(
                    st.tuples(
                        st.sampled_from(["information", "appointment"]),
                        st.sampled_from(["youth", "guardian"]),
                        st.integers(0, 200),
                    ),
                    max_size=3,
                )
            ),
            1,
        )
    )
    plan = draw(st.none() | st.integers(0, 300))
    return Case(
        registered_on=registered_on,
        school_year=2024,
        birth_date=draw(st.dates(date(2000, 1, 1), date(2010, 12, 31))),
        statuses=statuses,
        contacts=contacts,
        plan_agreed_on=None if plan is None else around(plan),
        plan_pk=None if plan is None else 1,
        letters=letters,
    )


deadline_settings = st.builds(
    Deadlines,
    first_contact_days=st.integers(1, 60),
    renewed_contact_days=st.integers(1, 90),
    information_days=st.integers(1, 60),
    plan_days=st.integers(1, 90),
)
dates = st.dates(date(2024, 7, 1), date(2025, 9, 30))


@settings(max_examples=300)
@given(cases(), deadline_settings, dates, st.integers(0, 400))
def test_a_met_duty_stays_met_at_later_dates(c, deadlines, on, later):
    earlier = engine.duties_of(c, deadlines, on, group_of)
    after = engine.duties_of(c, deadlines, on + days(later), group_of)
    for duty in earlier:
        if duty.state == State.MET:
            assert duty in after


@settings(max_examples=300)
@given(cases(), deadline_settings, dates)
def test_states_agree_with_the_date(c, deadlines, on):
    for duty in engine.duties_of(c, deadlines, on, group_of):
        if duty.state == State.OVERDUE:
            assert duty.due < on
        elif duty.state == State.DUE:
            assert duty.due >= on
        else:
            assert duty.met_by is not None and duty.met_by.on <= on


@settings(max_examples=300)
@given(cases(), deadline_settings, dates)
def test_at_most_one_open_duty_of_each_kind(c, deadlines, on):
    found = engine.duties_of(c, deadlines, on, group_of)
    open_kinds = [d.kind for d in found if d.is_open]
    assert len(open_kinds) == len(set(open_kinds))
    assert [d.due for d in found] == sorted(d.due for d in found)


@given(cases(), deadline_settings, dates)
def test_contact_established_meets_first_contact_by_that_contact(c, deadlines, on):
    """With no earlier attempt nor status change, the contact that established contact is
    the one that met the first-contact duty."""
    established = ContactEvent(min(c.registered_on + days(3), date(2025, 7, 31)), True, 99)
    c = Case(
        registered_on=c.registered_on,
        school_year=c.school_year,
        birth_date=c.birth_date,
        contacts=(established,),
        letters=c.letters,
    )
    on = max(on, established.on)
    (first,) = of_kind(engine.duties_of(c, deadlines, on, group_of), Kind.FIRST_CONTACT)
    assert first.met_by == Event("contact", established.on, 99, "established")


@given(cases(), deadline_settings, dates)
def test_any_established_contact_means_first_contact_is_met(c, deadlines, on):
    established = [x for x in c.contacts if x.establishes and x.on <= min(on, date(2025, 7, 31))]
    found = of_kind(engine.duties_of(c, deadlines, on, group_of), Kind.FIRST_CONTACT)
    if established and found:
        assert found[0].state == State.MET
        assert found[0].met_by.on <= min(x.on for x in established)


@given(st.dates(date(1995, 1, 1), date(2012, 12, 31)), st.integers(0, 300))
def test_only_a_minor_gets_the_guardian_duty(birth_date, offset):
    registered_on = START + days(offset)
    c = Case(registered_on=registered_on, school_year=2024, birth_date=birth_date)
    guardian = of_kind(
        engine.duties_of(c, DEFAULTS, registered_on, group_of), Kind.INFORMATION_GUARDIAN
    )
    assert bool(guardian) == engine.is_minor(birth_date, registered_on)
