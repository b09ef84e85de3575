"""Reconciliation: why Table 1 and Table 2 at one date differ between two readings (EXCHANGE.md
§2, docs/statistics.md "Reconciliation").

A county sends Udir its numbers at D (e.g. 15 June) as known at K1 (the moment it took them);
later the same date, read as known at K2 (default: now), gives other numbers. This module lists
every registration whose contribution to a cell of Table 1 or Table 2 changed between the two
readings, the cells it left and entered, and why:

- `late_registration`: the registration was recorded after K1 (its `registered_on` ≤ D, so it
  counts at D as known at K2 but did not exist as known at K1). Its status and reason at K2 come
  with it; they are not listed as separate reasons, because at K1 there was nothing to change.
- `late_status`: the status in force at D as known at K2 comes from a status fact (valid_from ≤
  D) recorded after K1, and no fact known at K1 has that valid_from: a status reported late.
- `correction`: as `late_status`, but a fact known at K1 has the same valid_from: the new fact
  corrects it (EXCHANGE.md §2, a correction is a new fact with the same valid_from).
- `reason_change`: the reason in force at D as known at K2 comes from a reason fact recorded
  after K1 (late or a correction alike: Table 1 moves either way).
- `multiple`: more than one of the above applies; `reasons` then lists them all.

Only the fact that decides the reading at K2 is a reason: a late fact that something else
overrides at D (a later valid_from known at K1) changes nothing and is not listed. A status
reason is given only when the registration's Table 2 cells changed (a new status in the same
main group moves nobody), and `reason_change` only when its Table 1 cell changed.

There is no `birth_date_change`: persons are not bitemporal (EXCHANGE.md §5, Decisions 6), so
both readings use the person's current birth date and age never differs between them. A birth
date corrected after K1 changes the numbers at K1 as well; reconciliation cannot see it.

This is an analysis of differences, not a published table: it reads each registration recorded
by K2 with its facts (three queries, whatever the county's size) and applies the reference
reading of `registry.selectors.registration_state` twice. The cell values it gives at K1 and K2
are the engine's (`tables.tables_at`); the tests check both, and that for every cell the value at
K1 plus the moves in minus the moves out is the value at K2.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from veiviser.codes.selectors import Kodeverk, school_year_bounds, school_year_label
from veiviser.registry.models import ReasonFact, Registration, StatusFact
from veiviser.registry.selectors import RegistrationState, registration_state
from veiviser.statistics.tables import (
    TABLE1,
    TABLE2,
    DateOutsideSchoolYear,
    in_county,
    known_filter,
)

LATE_REGISTRATION = "late_registration"
LATE_STATUS = "late_status"
CORRECTION = "correction"
REASON_CHANGE = "reason_change"
MULTIPLE = "multiple"
REASONS = (LATE_REGISTRATION, LATE_STATUS, CORRECTION, REASON_CHANGE)

# Every cell of Table 1 and Table 2, in the order of the tables.
CELLS: tuple[tuple[str, str], ...] = tuple(("table1", key) for key in TABLE1) + tuple(
    ("table2", key) for key in TABLE2
)


class InstantsOutOfOrder(ValueError):
    pass


@dataclass(frozen=True)
class Move:
    """One registration whose contribution to the tables changed between K1 and K2."""

    registration: str  # the registration's key
    initials: str
    left: tuple[tuple[str, str], ...]  # cells it counted in at K1 but not at K2
    entered: tuple[tuple[str, str], ...]  # cells it counts in at K2 but not at K1
    reasons: tuple[str, ...]  # of REASONS, in their order
    at_from: RegistrationState
    at_to: RegistrationState
    # The records behind the reasons: (reason, kind, key, valid_from, recorded_at, value).
    evidence: tuple[tuple[str, str, str, date, datetime, str], ...] = ()

    @property
    def kind(self) -> str:
        """The one reason, or `multiple` when more than one applies."""
        return self.reasons[0] if len(self.reasons) == 1 else MULTIPLE


@dataclass(frozen=True)
class CellDifference:
    table: str
    key: str
    value_from: int
    value_to: int
    moves_in: tuple[Move, ...] = ()
    moves_out: tuple[Move, ...] = ()

    @property
    def difference(self) -> int:
        return self.value_to - self.value_from


@dataclass(frozen=True)
class Reconciliation:
    county: str
    school_year: int
    on: date
    known_from: datetime
    known_to: datetime | None
    cells: tuple[CellDifference, ...]
    moves: tuple[Move, ...] = field(default_factory=tuple)


def cells_of(state: RegistrationState) -> frozenset[tuple[str, str]]:
    """The cells of Table 1 and Table 2 a registration counts in, by the engine's definitions
    (EXCHANGE.md §3): its reason and `total` in Table 1; its main group and `target_group`, or
    `not_in_target_group`, plus `outside_age` and `total` in Table 2."""
    if not state.exists:
        return frozenset()
    cells = {("table1", "total"), ("table2", "total")}
    if state.reason in TABLE1[:-1]:
        cells.add(("table1", state.reason))
    if state.in_target_group:
        cells |= {("table2", f"group{state.main_group}"), ("table2", "target_group")}
    else:
        cells.add(("table2", "not_in_target_group"))
    if state.outside_age:
        cells.add(("table2", "outside_age"))
    return frozenset(cells)


def initials(given_name: str, family_name: str) -> str:
    """The initials of a person's names ("Kari Anne Prøvesen" → "KAP"): enough to recognise a
    youth in one's own lists, without printing names in a report."""
    return "".join(word[0].upper() for word in f"{given_name} {family_name}".split() if word)


def _deciding(facts, on: date, known_at: datetime | None):
    """The fact that decides the reading at D as known at K (greatest valid_from ≤ D, ties:
    greatest recorded_at), or None: the same rule as `registry.rules.value_at`."""
    best = None
    for fact in facts:
        if fact.valid_from > on or (known_at is not None and fact.recorded_at > known_at):
            continue
        if best is None or (fact.valid_from, fact.recorded_at) > (
            best.valid_from,
            best.recorded_at,
        ):
            best = fact
    return best


def _classify(
    registration: Registration, on: date, k1: datetime, k2: datetime | None, left, entered
):
    """The reasons (and the records behind them) why the registration's cells changed."""
    if registration.recorded_at > k1:
        return (LATE_REGISTRATION,), (
            (
                LATE_REGISTRATION,
                "registration",
                registration.key,
                registration.registered_on,
                registration.recorded_at,
                registration.reason,
            ),
        )
    reasons, evidence = [], []
    changed = {table for table, _key in (*left, *entered)}
    statuses = list(registration.status_facts.all())
    if "table2" in changed:
        fact = _deciding(statuses, on, k2)
        # A changed status at D always comes from a fact recorded after K1: the facts known at
        # K1 are a subset of those known at K2, so an old deciding fact would decide both.
        if fact is not None and fact.recorded_at > k1:
            corrects = any(
                f.valid_from == fact.valid_from and f.recorded_at <= k1 for f in statuses
            )
            reason = CORRECTION if corrects else LATE_STATUS
            reasons.append(reason)
            evidence.append(
                (reason, "status", fact.key, fact.valid_from, fact.recorded_at, fact.code)
            )
    if "table1" in changed:
        fact = _deciding(registration.reason_facts.all(), on, k2)
        if fact is not None and fact.recorded_at > k1:
            reasons.append(REASON_CHANGE)
            evidence.append(
                (REASON_CHANGE, "reason", fact.key, fact.valid_from, fact.recorded_at, fact.reason)
            )
    order = {reason: n for n, reason in enumerate(REASONS)}
    reasons.sort(key=order.__getitem__)
    return tuple(reasons), tuple(evidence)


def check_period(
    *, school_year: int, on: date, known_from: datetime, known_to: datetime | None
) -> None:
    """D must lie in the school year, and K1 must come before K2 (as instants)."""
    start, end = school_year_bounds(school_year)
    if not start <= on <= end:
        raise DateOutsideSchoolYear(
            _("%(date)s is outside school year %(label)s (%(start)s – %(end)s)")
            % {
                "date": on.isoformat(),
                "label": school_year_label(school_year),
                "start": start.isoformat(),
                "end": end.isoformat(),
            }
        )
    if known_to is not None and known_from >= known_to:
        raise InstantsOutOfOrder(
            _("the first reading (%(from)s) must come before the second (%(to)s)")
            % {"from": known_from.isoformat(), "to": known_to.isoformat()}
        )


def reconcile(
    kv: Kodeverk,
    *,
    county: str,
    school_year: int,
    on: date,
    known_from: datetime,
    known_to: datetime | None = None,
) -> Reconciliation:
    """Every difference in Table 1 and Table 2 at D between the reading as known at K1
    (`known_from`) and as known at K2 (`known_to`, None = now), registration by registration,
    with its reason (module docstring)."""
    check_period(school_year=school_year, on=on, known_from=known_from, known_to=known_to)
    registrations = (
        in_county(county, known_to)
        .filter(known_filter(known_to), school_year=school_year, registered_on__lte=on)
        .select_related("person")
        .prefetch_related(
            # Facts valid after D never decide the reading at D; facts recorded after K2 are
            # not known in either reading.
            Prefetch(
                "status_facts",
                queryset=StatusFact.objects.filter(known_filter(known_to), valid_from__lte=on),
            ),
            Prefetch(
                "reason_facts",
                queryset=ReasonFact.objects.filter(known_filter(known_to), valid_from__lte=on),
            ),
        )
        .order_by("key")
    )
    values_from = dict.fromkeys(CELLS, 0)
    values_to = dict.fromkeys(CELLS, 0)
    moves: list[Move] = []
    for registration in registrations:
        state_from = registration_state(kv, registration, on, known_from)
        state_to = registration_state(kv, registration, on, known_to)
        cells_from, cells_to = cells_of(state_from), cells_of(state_to)
        for cell in cells_from:
            values_from[cell] += 1
        for cell in cells_to:
            values_to[cell] += 1
        if cells_from == cells_to:
            continue
        left = tuple(c for c in CELLS if c in cells_from - cells_to)
        entered = tuple(c for c in CELLS if c in cells_to - cells_from)
        reasons, evidence = _classify(registration, on, known_from, known_to, left, entered)
        person = registration.person
        moves.append(
            Move(
                registration=registration.key,
                initials=initials(person.given_name, person.family_name),
                left=left,
                entered=entered,
                reasons=reasons,
                at_from=state_from,
                at_to=state_to,
                evidence=evidence,
            )
        )
    cells = tuple(
        CellDifference(
            table=table,
            key=key,
            value_from=values_from[(table, key)],
            value_to=values_to[(table, key)],
            moves_in=tuple(m for m in moves if (table, key) in m.entered),
            moves_out=tuple(m for m in moves if (table, key) in m.left),
        )
        for table, key in CELLS
    )
    for cell in cells:
        # The invariant the report promises: the listed moves explain the difference exactly.
        assert cell.value_from + len(cell.moves_in) - len(cell.moves_out) == cell.value_to
    return Reconciliation(
        county=county,
        school_year=school_year,
        on=on,
        known_from=known_from,
        known_to=known_to,
        cells=cells,
        moves=tuple(moves),
    )


def _state_document(state: RegistrationState) -> dict:
    return {
        "exists": state.exists,
        "reason": state.reason if state.exists else None,
        "status": state.status if state.exists else None,
        "main_group": state.main_group if state.exists else None,
        "in_target_group": state.in_target_group,
        "outside_age": state.outside_age,
    }


def _cell_name(cell: tuple[str, str]) -> str:
    return f"{cell[0]}.{cell[1]}"


def reconciliation_document(
    result: Reconciliation, *, known_from_text: str, known_to_text: str | None
) -> dict:
    """The JSON of `veiviser reconcile --format json` (docs/statistics.md)."""
    return {
        "county": result.county,
        "school_year": result.school_year,
        "date": result.on.isoformat(),
        "from": known_from_text,
        "to": known_to_text,
        "cells": [
            {
                "table": cell.table,
                "key": cell.key,
                "from": cell.value_from,
                "to": cell.value_to,
                "difference": cell.difference,
                "in": [m.registration for m in cell.moves_in],
                "out": [m.registration for m in cell.moves_out],
            }
            for cell in result.cells
        ],
        "registrations": [
            {
                "registration": move.registration,
                "initials": move.initials,
                "kind": move.kind,
                "reasons": list(move.reasons),
                "left": [_cell_name(c) for c in move.left],
                "entered": [_cell_name(c) for c in move.entered],
                "from": _state_document(move.at_from),
                "to": _state_document(move.at_to),
                "evidence": [
                    {
                        "reason": reason,
                        "record": record,
                        "key": key,
                        "valid_from": valid_from.isoformat(),
                        "recorded_at": recorded_at.isoformat(),
                        "value": value,
                    }
                    for reason, record, key, valid_from, recorded_at, value in move.evidence
                ],
            }
            for move in result.moves
        ],
    }


def reason_labels() -> dict[str, str]:
    """The reasons in the active language, for the text report."""
    return {
        LATE_REGISTRATION: _("late registration"),
        LATE_STATUS: _("late status"),
        CORRECTION: _("correction"),
        REASON_CHANGE: _("reason change"),
        MULTIPLE: _("several reasons"),
    }


def reconciliation_rows(result: Reconciliation) -> tuple[list[str], list[list]]:
    """The reconciliation as CSV rows: per cell one row with its values at K1 and K2 and the
    difference, followed by one row per registration that moved into (+1) or out of (−1) it."""
    from veiviser.statistics.exports import row_labels

    labels = row_labels()
    header = [
        "table",
        "key",
        "label",
        "from",
        "to",
        "difference",
        "registration",
        "initials",
        "change",
        "kind",
        "reasons",
    ]
    rows: list[list] = []
    for cell in result.cells:
        label = labels[(cell.table, cell.key)]
        rows.append(
            [cell.table, cell.key, label, cell.value_from, cell.value_to, cell.difference]
            + [None] * 5  # registration, initials, change, kind, reasons
        )
        for change, moves in ((1, cell.moves_in), (-1, cell.moves_out)):
            for move in moves:
                moved = [move.registration, move.initials, change, move.kind]
                rows.append(
                    [cell.table, cell.key, label, None, None, None, *moved, ",".join(move.reasons)]
                )
    return header, rows


def _describe(state: RegistrationState) -> str:
    if not state.exists:
        return _("not registered")
    return f"{state.status} ({state.reason})"


def reconciliation_text(
    result: Reconciliation, *, known_from_text: str, known_to_text: str | None
) -> str:
    """The plain-text report: a row per cell with K1, K2 and the difference, then per cell that
    changed the registrations that moved in or out, by key and initials, with the reasons."""
    from veiviser.statistics.exports import row_labels

    labels = row_labels()
    reasons = reason_labels()
    to_text = known_to_text or _("now")
    lines = [
        _(
            "County %(county)s, school year %(label)s, at %(date)s: "
            "as known at %(from)s compared with as known at %(to)s"
        )
        % {
            "county": result.county,
            "label": school_year_label(result.school_year),
            "date": result.on.isoformat(),
            "from": known_from_text,
            "to": to_text,
        },
        "",
    ]
    width = max(len(label) for label in labels.values())
    head = [_("Cell"), _("before"), _("after"), _("difference")]
    lines.append(f"{head[0]:<{width}}  {head[1]:>8}  {head[2]:>8}  {head[3]:>10}")
    for cell in result.cells:
        if cell.key == "not_applied" or (cell.table, cell.key) == ("table2", "group1"):
            lines.append(_("Table 1") if cell.table == "table1" else _("Table 2"))
        lines.append(
            f"{labels[(cell.table, cell.key)]:<{width}}  {cell.value_from:>8}  "
            f"{cell.value_to:>8}  {cell.difference:>+10}"
        )
    lines.append("")
    if not result.moves:
        lines.append(_("No registration counts differently: the two readings agree."))
        return "\n".join(lines) + "\n"
    lines.append(
        ngettext(
            "%(count)s registration counts differently:",
            "%(count)s registrations count differently:",
            len(result.moves),
        )
        % {"count": len(result.moves)}
    )
    by_kind = Counter(move.kind for move in result.moves)
    lines.append(
        "  "
        + ", ".join(
            f"{reasons[kind]}: {by_kind[kind]}" for kind in (*REASONS, MULTIPLE) if by_kind[kind]
        )
    )
    for cell in result.cells:
        if not cell.moves_in and not cell.moves_out:
            continue
        lines.append("")
        lines.append(
            f"{labels[(cell.table, cell.key)]} ({cell.table}.{cell.key}): "
            f"{cell.value_from} → {cell.value_to} ({cell.difference:+})"
        )
        for sign, moves in (("+", cell.moves_in), ("−", cell.moves_out)):
            for move in moves:
                lines.append(
                    f"  {sign} {move.registration} {move.initials}: "
                    + ", ".join(reasons[r] for r in move.reasons)
                    + f"; {_describe(move.at_from)} → {_describe(move.at_to)}"
                )
    return "\n".join(lines) + "\n"
