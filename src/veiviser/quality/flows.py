"""Flows between two dates: who joined, who left and who moved between status main groups
(docs/quality.md, "Flows").

Each date is read exactly as the statistics read it (`statistics.tables.registrations_at`: the
registrations counted at the date in its school year, with the status in force, as known at
K); the two readings are then joined by person, so a youth carried over from one school year to
the next is the same youth at both dates. The state of a youth at a date is the main group
(1–5) of the status, or "not registered" (0).

- joiners: not registered at the first date, registered at the second;
- leavers: in main groups 1–4 at the first date, and at the second in group 5 (split into
  "moved away", OTFA_IM and OTFU_IM, and the rest of group 5) or not registered (the school
  year ended without a carry-over);
- movements: the whole transition matrix, group × group.

A youth belongs to the unit of the registration at the second date, or at the first when not
registered at the second.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from veiviser import policy
from veiviser.codes.selectors import Kodeverk, school_year_of
from veiviser.statistics.tables import check_in_school_year, registrations_at

NOT_REGISTERED = 0
STATES = (1, 2, 3, 4, 5, NOT_REGISTERED)
MOVED_AWAY = ("OTFA_IM", "OTFU_IM")


class DatesOutOfOrder(ValueError):
    pass


@dataclass(frozen=True)
class Reading:
    registration_id: int
    person_id: int
    unit_id: int | None
    status: str
    group: int


@dataclass
class Flows:
    first: date
    second: date
    # (state at first, state at second) → person ids
    matrix: dict[tuple[int, int], list[int]] = field(default_factory=dict)
    moved_away: list[int] = field(default_factory=list)
    readings: dict[int, tuple[Reading | None, Reading | None]] = field(default_factory=dict)

    def count(self, from_state: int, to_state: int) -> int:
        return len(self.matrix.get((from_state, to_state), []))

    @property
    def joiners(self) -> list[int]:
        return [p for g in STATES if g for p in self.matrix.get((NOT_REGISTERED, g), [])]

    @property
    def leavers_to_group5(self) -> list[int]:
        moved = set(self.moved_away)
        return [p for g in (1, 2, 3, 4) for p in self.matrix.get((g, 5), []) if p not in moved]

    @property
    def leavers_year_end(self) -> list[int]:
        return [p for g in (1, 2, 3, 4) for p in self.matrix.get((g, NOT_REGISTERED), [])]

    @property
    def stayed(self) -> list[int]:
        return [p for a in (1, 2, 3, 4) for b in (1, 2, 3, 4) for p in self.matrix.get((a, b), [])]


def _reading(kv: Kodeverk, county: str, on: date, known_at, user) -> dict[int, Reading]:
    school_year = school_year_of(on)
    check_in_school_year(school_year, on)
    rows = registrations_at(county=county, school_year=school_year, on=on, known_at=known_at)
    if user is not None:
        rows = rows.filter(policy.registrations_q(user, policy.STATISTICS))
    out = {}
    for pk, person_id, unit_id, status in rows.values_list(
        "pk", "person_id", "unit_id", "status_now"
    ):
        group = kv.status_main_group(status, school_year) or 5
        out[person_id] = Reading(pk, person_id, unit_id, status, group)
    return out


def flows_between(
    kv: Kodeverk,
    *,
    county: str,
    first: date,
    second: date,
    known_at: datetime | None = None,
    user=None,
    unit_id: int | None = None,
) -> Flows:
    """The flows from `first` to `second` (both read as known at K) for the county, or for the
    youths of one unit; limited to the user's STATISTICS scope."""
    if second <= first:
        raise DatesOutOfOrder(f"{second.isoformat()} is not after {first.isoformat()}")
    before = _reading(kv, county, first, known_at, user)
    after = _reading(kv, county, second, known_at, user)
    result = Flows(first=first, second=second)
    matrix: dict[tuple[int, int], list[int]] = defaultdict(list)
    for person_id in sorted(set(before) | set(after)):
        a, b = before.get(person_id), after.get(person_id)
        unit = b.unit_id if b is not None else a.unit_id
        if unit_id is not None and unit != unit_id:
            continue
        from_state = a.group if a else NOT_REGISTERED
        to_state = b.group if b else NOT_REGISTERED
        matrix[(from_state, to_state)].append(person_id)
        result.readings[person_id] = (a, b)
        if b is not None and b.status in MOVED_AWAY and from_state in (1, 2, 3, 4):
            result.moved_away.append(person_id)
    result.matrix = dict(matrix)
    return result
