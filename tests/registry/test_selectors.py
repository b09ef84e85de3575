"""One registration's state at a date as known at an instant (EXCHANGE.md §2)."""

from datetime import date

import pytest

from tests.conftest import at
from veiviser.codes.selectors import kodeverk
from veiviser.registry import services as registry
from veiviser.registry.selectors import registration_state

NOV_15 = date(2023, 11, 15)
FEB_15 = date(2024, 2, 15)


@pytest.fixture
def kv(db):
    return kodeverk()


@pytest.fixture
def register(make_person, advisor, tonsberg):
    """A registration in school year 2023 in the advisor's unit, recorded the day after
    `registered_on`."""

    def make(birth_date=date(2006, 3, 14), **kw):
        kw.setdefault("unit", tonsberg)
        kw.setdefault("school_year", 2023)
        kw.setdefault("registered_on", date(2023, 8, 20))
        kw.setdefault("reason", "not_applied")
        kw.setdefault("recorded_at", at("2023-08-21 09:00"))
        return registry.registration_create(
            actor=advisor, person=make_person(birth_date=birth_date), **kw
        )

    return make


@pytest.fixture
def registration(register):
    return register()


@pytest.fixture
def record_status(advisor):
    def record(registration, code, valid_from, recorded_at):
        return registry.status_record(
            actor=advisor,
            registration=registration,
            code=code,
            valid_from=date.fromisoformat(valid_from),
            recorded_at=at(recorded_at),
        )

    return record


def test_status_is_otuk_without_status_facts(kv, registration):
    state = registration_state(kv, registration, NOV_15)
    assert (state.status, state.main_group) == ("OTUK", 1)
    assert state.in_target_group


def test_reason_is_the_registrations_own_without_reason_facts(kv, registration):
    assert registration_state(kv, registration, NOV_15).reason == "not_applied"


def test_reason_fact_changes_the_reason_from_its_valid_from(kv, registration, advisor):
    registry.reason_record(
        actor=advisor,
        registration=registration,
        reason="dropped_out",
        valid_from=date(2024, 1, 10),
        recorded_at=at("2024-01-11 08:00"),
    )
    assert registration_state(kv, registration, NOV_15).reason == "not_applied"
    assert registration_state(kv, registration, FEB_15).reason == "dropped_out"


def test_status_fact_gives_the_status_and_its_main_group(kv, registration, record_status):
    record_status(registration, "OTEV", "2023-09-01", "2023-09-02 10:00")
    state = registration_state(kv, registration, NOV_15)
    assert (state.status, state.main_group) == ("OTEV", 3)


def test_correction_supersedes_the_earlier_fact(kv, registration, record_status):
    record_status(registration, "OTOV", "2023-09-01", "2023-09-02 10:00")
    record_status(registration, "OTEV", "2023-09-01", "2023-12-01 10:00")
    assert registration_state(kv, registration, NOV_15).status == "OTEV"


def test_reading_as_known_before_a_correction_gives_the_old_value(kv, registration, record_status):
    record_status(registration, "OTOV", "2023-09-01", "2023-09-02 10:00")
    record_status(registration, "OTEV", "2023-09-01", "2023-12-01 10:00")
    state = registration_state(kv, registration, NOV_15, known_at=at("2023-11-20 00:00"))
    assert state.status == "OTOV"


def test_registration_does_not_exist_as_known_before_it_was_recorded(kv, registration):
    state = registration_state(kv, registration, NOV_15, known_at=at("2023-08-21 08:59"))
    assert not state.exists
    assert not state.in_target_group


def test_registration_does_not_exist_before_registered_on(kv, register, record_status):
    registration = register(registered_on=date(2023, 12, 1), recorded_at=at("2023-12-01 09:00"))
    record_status(registration, "OTOV", "2023-09-01", "2023-12-01 10:00")
    state = registration_state(kv, registration, NOV_15)
    assert state.status == "OTOV"
    assert not state.exists
    assert not state.in_target_group
    assert not state.outside_age


def test_status_in_main_group_5_is_not_in_the_target_group(kv, registration, record_status):
    record_status(registration, "OTEV_IM", "2023-09-01", "2023-09-02 10:00")
    state = registration_state(kv, registration, NOV_15)
    assert state.main_group == 5
    assert not state.in_target_group
    assert not state.outside_age


def test_youth_above_the_age_limit_is_outside_age(kv, register):
    # Born 2001: 23 in 2024, above the limit of 21 that applies in school year 2023/24.
    registration = register(birth_date=date(2001, 5, 5))
    state = registration_state(kv, registration, FEB_15)
    assert state.age == 23
    assert state.outside_age
    assert not state.in_target_group


def test_youth_below_15_is_outside_age(kv, register):
    registration = register(birth_date=date(2009, 5, 5))
    state = registration_state(kv, registration, NOV_15)
    assert state.age == 14
    assert state.outside_age
    assert not state.in_target_group


def test_youth_of_23_is_in_the_target_group_from_school_year_2024(kv, register):
    registration = register(
        birth_date=date(2002, 5, 5),
        school_year=2024,
        registered_on=date(2024, 8, 20),
        recorded_at=at("2024-08-21 09:00"),
    )
    state = registration_state(kv, registration, date(2025, 2, 15))
    assert state.age == 23
    assert state.in_target_group
    assert not state.outside_age


def test_main_group_5_above_the_age_limit_is_not_outside_age(kv, register, record_status):
    # outside_age counts only youths with a status in groups 1–4 (EXCHANGE.md §3).
    registration = register(birth_date=date(2001, 5, 5))
    record_status(registration, "OTAR_IM", "2023-09-01", "2023-09-02 10:00")
    assert not registration_state(kv, registration, FEB_15).outside_age
