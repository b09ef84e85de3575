"""The bitemporal reading and the target-group rule as pure functions (EXCHANGE.md §2, §5).

No database: the kodeverk here is an in-memory snapshot with the age limits of the data file.
"""

from datetime import UTC, date, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from veiviser.codes.selectors import Kodeverk
from veiviser.registry import rules
from veiviser.registry.rules import TimedValue

OSLO_WINTER = timezone(timedelta(hours=1))
OSLO_SUMMER = timezone(timedelta(hours=2))

# The age limits of codes/data/kodeverk.json: 15–21 up to 2023/24, 15–24 from 2024/25.
KV = Kodeverk(age_limits=((2010, 15, 21), (2024, 15, 24)))


def at(text: str, tz=UTC) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=tz)


def fact(valid_from: str, recorded_at: str, value: str, tz=UTC) -> TimedValue:
    return TimedValue(date.fromisoformat(valid_from), at(recorded_at, tz), value)


# value_at: which fact is valid at D


def test_value_at_picks_the_greatest_valid_from_on_or_before_the_date():
    facts = [
        fact("2023-09-01", "2023-09-02 10:00", "OTOV"),
        fact("2023-10-01", "2023-10-02 10:00", "OTEV"),
        fact("2023-08-20", "2023-08-21 10:00", "OTUK"),
    ]
    assert rules.value_at(facts, date(2023, 9, 30), None, "none") == "OTOV"
    assert rules.value_at(facts, date(2023, 10, 1), None, "none") == "OTEV"


def test_value_at_ignores_facts_valid_from_after_the_date():
    facts = [fact("2023-10-01", "2023-09-01 10:00", "OTEV")]
    assert rules.value_at(facts, date(2023, 9, 30), None, "OTUK") == "OTUK"


def test_value_at_gives_the_default_without_facts():
    assert rules.value_at([], date(2023, 9, 30), None, "OTUK") == "OTUK"


def test_correction_with_same_valid_from_and_later_recorded_at_wins():
    original = fact("2023-09-01", "2023-09-02 10:00", "OTOV")
    correction = fact("2023-09-01", "2023-10-05 10:00", "OTEV")
    for order in ([original, correction], [correction, original]):
        assert rules.value_at(order, date(2023, 9, 15), None, "OTUK") == "OTEV"


def test_facts_recorded_after_known_at_are_ignored():
    original = fact("2023-09-01", "2023-09-02 10:00", "OTOV")
    correction = fact("2023-09-01", "2023-10-05 10:00", "OTEV")
    known_at = at("2023-10-01 00:00")
    assert rules.value_at([original, correction], date(2023, 9, 15), known_at, "OTUK") == "OTOV"


def test_known_at_is_inclusive():
    correction = fact("2023-09-01", "2023-10-05 10:00", "OTEV")
    exactly = at("2023-10-05 10:00")
    assert rules.value_at([correction], date(2023, 9, 15), exactly, "OTUK") == "OTEV"
    just_before = exactly - timedelta(microseconds=1)
    assert rules.value_at([correction], date(2023, 9, 15), just_before, "OTUK") == "OTUK"


def test_recorded_at_with_different_offsets_is_compared_as_instants():
    # 09:00+01:00 is 08:00 UTC, earlier than 08:30 UTC although its wall time is later.
    earlier = fact("2024-01-10", "2024-01-11 09:00", "dropped_out", OSLO_WINTER)
    later = fact("2024-01-10", "2024-01-11 08:30", "other", UTC)
    assert rules.value_at([later, earlier], date(2024, 2, 1), None, "-") == "other"


def test_known_at_with_another_offset_is_compared_as_an_instant():
    # Recorded 08:30 UTC; K = 09:15+01:00 = 08:15 UTC is before it, 10:30+02:00 = 08:30 UTC is it.
    recorded = fact("2024-01-10", "2024-01-11 08:30", "other", UTC)
    before = at("2024-01-11 09:15", OSLO_WINTER)
    same_instant = at("2024-01-11 10:30", OSLO_SUMMER)
    assert rules.value_at([recorded], date(2024, 2, 1), before, "-") == "-"
    assert rules.value_at([recorded], date(2024, 2, 1), same_instant, "-") == "other"


def test_known_is_true_for_every_fact_when_known_at_is_none():
    assert rules.known(at("2999-01-01 00:00"), None)


# value_at agrees with a brute-force reference

offsets = st.sampled_from([UTC, OSLO_WINTER, OSLO_SUMMER, timezone(timedelta(hours=-5))])
instants = st.builds(
    lambda naive, tz: naive.replace(tzinfo=tz),
    st.datetimes(datetime(2023, 7, 1), datetime(2024, 9, 1)),
    offsets,
)
timed_values = st.builds(
    TimedValue,
    valid_from=st.dates(date(2023, 7, 1), date(2024, 8, 31)),
    recorded_at=instants,
    value=st.sampled_from(["OTUK", "OTOV", "OTEV", "OTAR_IM", "Feil"]),
)


def reference_value_at(facts, on, known_at, default):
    eligible = [
        f for f in facts if f.valid_from <= on and (known_at is None or f.recorded_at <= known_at)
    ]
    if not eligible:
        return default
    return sorted(eligible, key=lambda f: (f.valid_from, f.recorded_at))[-1].value


@given(
    # Two facts with the same valid_from and the same recorded_at are ambiguous; the importer
    # and a database constraint refuse them (EXCHANGE.md §5), so the reading need not decide.
    facts=st.lists(timed_values, max_size=8, unique_by=lambda f: (f.valid_from, f.recorded_at)),
    on=st.dates(date(2023, 7, 1), date(2024, 8, 31)),
    known_at=st.none() | instants,
)
def test_value_at_equals_the_brute_force_reference(facts, on, known_at):
    expected = reference_value_at(facts, on, known_at, "DEFAULT")
    assert rules.value_at(facts, on, known_at, "DEFAULT") == expected


@given(facts=st.lists(timed_values, max_size=8, unique_by=lambda f: (f.valid_from, f.recorded_at)))
def test_value_at_does_not_depend_on_the_order_of_facts(facts):
    on, known_at = date(2024, 2, 15), at("2024-03-01 00:00")
    assert rules.value_at(facts, on, known_at, "-") == rules.value_at(
        list(reversed(facts)), on, known_at, "-"
    )


# registration_exists


def exists(on: str, *, registered_on="2023-08-20", recorded_at="2023-08-21 09:00", known_at=None):
    return rules.registration_exists(
        school_year=2023,
        registered_on=date.fromisoformat(registered_on),
        recorded_at=at(recorded_at),
        on=date.fromisoformat(on),
        known_at=known_at,
    )


def test_registration_exists_from_registered_on():
    assert not exists("2023-08-19")
    assert exists("2023-08-20")


def test_registration_exists_until_the_last_day_of_the_school_year():
    assert exists("2024-07-31")
    assert not exists("2024-08-01")


def test_registration_exists_from_the_first_day_of_the_school_year():
    assert exists("2023-08-01", registered_on="2023-08-01")
    assert not exists("2023-07-31", registered_on="2023-08-01")


def test_registration_does_not_exist_before_it_was_recorded():
    assert not exists("2023-11-15", known_at=at("2023-08-21 08:59"))
    assert exists("2023-11-15", known_at=at("2023-08-21 09:00"))


def test_fact_valid_before_registered_on_counts_only_from_registered_on():
    status = [fact("2023-08-01", "2023-09-02 10:00", "OTOV")]
    before = date(2023, 8, 15)
    assert rules.value_at(status, before, None, "OTUK") == "OTOV"
    assert not exists(before.isoformat(), registered_on="2023-09-01")
    assert exists("2023-09-01", registered_on="2023-09-01")


# Age and target group


@given(on=st.dates(date(2010, 1, 1), date(2040, 12, 31)), birth=st.dates(date(1990, 1, 1)))
def test_age_at_is_the_difference_of_calendar_years(on, birth):
    assert rules.age_at(on, birth) == on.year - birth.year


def test_age_at_ignores_whether_the_birthday_has_passed():
    assert rules.age_at(date(2024, 1, 1), date(2005, 12, 31)) == 19


def test_age_limit_is_21_up_to_school_year_2023():
    assert KV.age_limit(2023) == (15, 21)


def test_age_limit_is_24_from_school_year_2024():
    assert KV.age_limit(2024) == (15, 24)


def test_main_groups_1_to_4_are_in_the_target_group_inside_the_age_limit():
    for group in (1, 2, 3, 4):
        assert rules.in_target_group(group, 18, KV.age_limit(2023))


def test_main_group_5_is_never_in_the_target_group():
    assert not rules.in_target_group(5, 18, KV.age_limit(2023))


def test_age_limit_bounds_are_inclusive():
    limits = KV.age_limit(2023)
    assert not rules.in_target_group(2, 14, limits)
    assert rules.in_target_group(2, 15, limits)
    assert rules.in_target_group(2, 21, limits)
    assert not rules.in_target_group(2, 22, limits)


def test_youths_aged_22_to_24_are_in_the_target_group_from_2024():
    assert not rules.in_target_group(2, 22, KV.age_limit(2023))
    for age in (22, 23, 24):
        assert rules.in_target_group(2, age, KV.age_limit(2024))
    assert not rules.in_target_group(2, 25, KV.age_limit(2024))


@given(
    group=st.integers(1, 5),
    age=st.integers(0, 40),
    school_year=st.integers(2010, 2040),
)
def test_in_target_group_is_groups_1_to_4_and_inside_the_limit(group, age, school_year):
    low, high = KV.age_limit(school_year)
    expected = group <= 4 and low <= age <= high
    assert rules.in_target_group(group, age, (low, high)) is expected
