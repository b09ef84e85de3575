"""The bitemporal reading and the target-group rule as pure functions (EXCHANGE.md §2, §5).

These are the reference definitions: the set-based statistics queries must agree with them, and
the tests check both against each other. They take plain values, never the database.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

DEFAULT_STATUS = "OTUK"


@dataclass(frozen=True)
class TimedValue:
    """A fact reduced to what the reading needs."""

    valid_from: date
    recorded_at: datetime
    value: str


def known(recorded_at: datetime, known_at: datetime | None) -> bool:
    """A fact exists as known at K when recorded_at ≤ K (inclusive; instants, not wall time)."""
    return known_at is None or recorded_at <= known_at


def value_at(facts: Iterable[TimedValue], on: date, known_at: datetime | None, default: str) -> str:
    """The value of the fact with the greatest valid_from ≤ `on` among those known at
    `known_at`, ties broken by the greatest recorded_at; `default` when there is none."""
    best: TimedValue | None = None
    for fact in facts:
        if fact.valid_from > on or not known(fact.recorded_at, known_at):
            continue
        if best is None or (fact.valid_from, fact.recorded_at) > (
            best.valid_from,
            best.recorded_at,
        ):
            best = fact
    return default if best is None else best.value


def registration_exists(
    *,
    school_year: int,
    registered_on: date,
    recorded_at: datetime,
    on: date,
    known_at: datetime | None,
) -> bool:
    """Registered at D: registered on or before D, D inside the school year, and known at K."""
    start, end = date(school_year, 8, 1), date(school_year + 1, 7, 31)
    return start <= on <= end and registered_on <= on and known(recorded_at, known_at)


def age_at(on: date, birth_date: date) -> int:
    """Age at D = calendar year of D − birth year (SSB's age at the end of the year)."""
    return on.year - birth_date.year


def inside_age_limit(age: int, limits: tuple[int, int]) -> bool:
    min_age, max_age = limits
    return min_age <= age <= max_age


def in_target_group(main_group: int, age: int, limits: tuple[int, int]) -> bool:
    """In the target group (målgruppe): status in main groups 1–4 and inside the age limit."""
    return 1 <= main_group <= 4 and inside_age_limit(age, limits)
