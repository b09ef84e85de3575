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
- `county_change`: the registration was moved to or from the county (a county split or merge,
  `registry.CountyChange`) between K1 and K2: it belonged to the county as known at one reading
  and not at the other. Like a late registration, whatever else changed comes with it.
- `multiple`: more than one of the above applies; `reasons` then lists them all.

Only the fact that decides the reading at K2 is a reason: a late fact that something else
overrides at D (a later valid_from known at K1) changes nothing and is not listed. A status
reason is given only when the registration's Table 2 cells changed (a new status in the same
main group moves nobody), and `reason_change` only when its Table 1 cell changed.

There is no `birth_date_change`: persons are not bitemporal (EXCHANGE.md §5, Decisions 6), so
both readings use the person's current birth date and age never differs between them. A birth
date corrected after K1 changes the numbers at K1 as well; reconciliation cannot see it.

This is an analysis of differences, not a published table: it reads each registration recorded
in the county at K1 or K2 with its facts and county changes (six queries, whatever the
county's size) and applies the reference
reading of `registry.selectors.registration_state` twice. The cell values it gives at K1 and K2
are the engine's (`tables.tables_at`); the tests check both, and that for every cell the value at
K1 plus the moves in minus the moves out is the value at K2.
"""

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from veiviser.codes.selectors import Kodeverk, school_year_bounds, school_year_label
from veiviser.registry.models import CountyChange, ReasonFact, Registration, StatusFact
from veiviser.registry.selectors import RegistrationState, registration_state
from veiviser.statistics.tables import (
    TABLE1,
    TABLE2,
    DateOutsideSchoolYear,
    in_county,
    known_filter,
)
from veiviser.udir.charts import LABEL_KEYS

LATE_REGISTRATION = "late_registration"
COUNTY_CHANGE = "county_change"
LATE_STATUS = "late_status"
CORRECTION = "correction"
REASON_CHANGE = "reason_change"
MULTIPLE = "multiple"
REASONS = (LATE_REGISTRATION, COUNTY_CHANGE, LATE_STATUS, CORRECTION, REASON_CHANGE)

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
    registration: Registration,
    on: date,
    k1: datetime,
    k2: datetime | None,
    left,
    entered,
    *,
    moved: bool = False,
):
    """The reasons (and the records behind them) why the registration's cells changed."""
    if moved and registration.recorded_at <= k1:
        changes = [
            c
            for c in registration.county_changes.all()
            if c.recorded_at > k1 and (k2 is None or c.recorded_at <= k2)
        ]
        return (COUNTY_CHANGE,), tuple(
            (
                COUNTY_CHANGE,
                "county_change",
                registration.key,
                registration.registered_on,
                change.recorded_at,
                f"{change.from_county.number}→{change.to_county.number}",
            )
            for change in changes
        )
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

    def members(known_at):
        return (
            in_county(county, known_at)
            .filter(known_filter(known_at), school_year=school_year, registered_on__lte=on)
            .values("pk")
        )

    # The county's registrations at either reading: one moved away by a county split or merge
    # between K1 and K2 counts at K1 only, one moved in at K2 only.
    in_from = set(members(known_from).values_list("pk", flat=True))
    in_to = set(members(known_to).values_list("pk", flat=True))
    registrations = (
        Registration.objects.filter(pk__in=sorted(in_from | in_to))
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
            Prefetch(
                "county_changes",
                queryset=CountyChange.objects.select_related("from_county", "to_county"),
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
        if registration.pk not in in_from:
            state_from = replace(state_from, exists=False)
        if registration.pk not in in_to:
            state_to = replace(state_to, exists=False)
        cells_from, cells_to = cells_of(state_from), cells_of(state_to)
        for cell in cells_from:
            values_from[cell] += 1
        for cell in cells_to:
            values_to[cell] += 1
        if cells_from == cells_to:
            continue
        left = tuple(c for c in CELLS if c in cells_from - cells_to)
        entered = tuple(c for c in CELLS if c in cells_to - cells_from)
        reasons, evidence = _classify(
            registration,
            on,
            known_from,
            known_to,
            left,
            entered,
            moved=(registration.pk in in_from) != (registration.pk in in_to),
        )
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
        COUNTY_CHANGE: _("moved between counties"),
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


# Udir's published columns (`udir.models.COUNTS`) as cells of the engine's tables. Udir's
# "Ikke i målgruppen" is everyone registered outside the target group, those outside the age
# limit included: the engine's `not_in_target_group`.
UDIR_CELLS: dict[str, tuple[str, str]] = LABEL_KEYS

# What an unexplained remainder may be, for the report (docs/statistics.md).
MATCHES = "matches"  # Udir's number is the county's own at the extraction instant
AGE_VIEW = "age_view"  # Udir's number is the county's all-ages (follow-up) view
NOT_PUBLISHED = "not_published"  # Udir did not publish the cell (suppressed or missing)
UNEXPLAINED = "unexplained"  # the county's data cannot explain the remainder


@dataclass(frozen=True)
class UdirCell:
    """One published cell of Udir's table beside the county's own numbers.

    `own_then` is the county's number at D as known at Udir's extraction instant K1, `own_now`
    as known at K2. `own_now − own_then` is explained registration by registration (the moves of
    `Reconciliation`); `own_then − udir` is Udir's side: `explanation` says what it is, as far as
    the county's data can tell."""

    field: str
    table: str
    key: str
    udir: int | None
    own_then: int
    own_now: int
    all_ages_then: int | None  # the county's own follow-up view, where it differs
    explanation: str

    @property
    def explained(self) -> int:
        return self.own_now - self.own_then

    @property
    def remainder(self) -> int | None:
        """What the county's data do not explain: own at K1 − Udir (None: not published)."""
        return None if self.udir is None else self.own_then - self.udir


@dataclass(frozen=True)
class UdirReconciliation:
    table_version: int
    table_file: str
    reconciliation: Reconciliation
    cells: tuple[UdirCell, ...]

    @property
    def unexplained(self) -> tuple[UdirCell, ...]:
        return tuple(c for c in self.cells if c.explanation == UNEXPLAINED)


class NoUdirRow(LookupError):
    pass


def reconcile_with_udir(
    kv: Kodeverk,
    *,
    county: str,
    school_year: int,
    on: date,
    table,
    extracted_at: datetime,
    known_to: datetime | None = None,
) -> UdirReconciliation:
    """The county's Table 1 and Table 2 at D compared cell by cell with Udir's published row
    (`udir.UdirRow` of `table`), read as known at Udir's extraction instant K1 (`extracted_at`)
    and as known at K2 (`known_to`, None = now). The difference own(K2) − own(K1) is listed
    registration by registration (`reconcile`); own(K1) − Udir is classified per cell: equal
    (`matches`), equal to the county's all-ages view (`age_view`: Udir did not apply the age
    limit the county did, or the other way round), not published, or `unexplained`."""
    from veiviser.udir.models import UdirRow

    row = UdirRow.objects.filter(table=table, counting_date=on, county=county).first()
    if row is None:
        raise NoUdirRow(
            _("Udir's table v%(version)s has no row for county %(county)s at %(date)s")
            % {"version": table.version, "county": county, "date": on.isoformat()}
        )
    result = reconcile(
        kv,
        county=county,
        school_year=school_year,
        on=on,
        known_from=extracted_at,
        known_to=known_to,
    )
    by_cell = {(c.table, c.key): c for c in result.cells}
    outside_age = by_cell[("table2", "outside_age")].value_from
    cells = []
    for udir_field, (table_name, key) in UDIR_CELLS.items():
        cell = by_cell[(table_name, key)]
        published = getattr(row, udir_field)
        all_ages = None
        if key == "target_group":
            all_ages = cell.value_from + outside_age
        elif key == "not_in_target_group":
            all_ages = cell.value_from - outside_age
        if published is None:
            explanation = NOT_PUBLISHED
        elif published == cell.value_from:
            explanation = MATCHES
        elif all_ages is not None and outside_age and published == all_ages:
            explanation = AGE_VIEW
        else:
            explanation = UNEXPLAINED
        cells.append(
            UdirCell(
                field=udir_field,
                table=table_name,
                key=key,
                udir=published,
                own_then=cell.value_from,
                own_now=cell.value_to,
                all_ages_then=all_ages,
                explanation=explanation,
            )
        )
    return UdirReconciliation(
        table_version=table.version,
        table_file=table.filename,
        reconciliation=result,
        cells=tuple(cells),
    )


def udir_explanation_labels() -> dict[str, str]:
    return {
        MATCHES: _("equal to the county's number at the extraction instant"),
        AGE_VIEW: _("equal to the county's all-ages view: the age limit is applied differently"),
        NOT_PUBLISHED: _("not published by Udir"),
        UNEXPLAINED: _("not explained by the county's data"),
    }


def udir_document(result: UdirReconciliation) -> dict:
    """The `udir` part of `veiviser reconcile --udir --format json`."""
    return {
        "version": result.table_version,
        "file": result.table_file,
        "cells": [
            {
                "field": c.field,
                "table": c.table,
                "key": c.key,
                "udir": c.udir,
                "own_at_extraction": c.own_then,
                "own_now": c.own_now,
                "explained_by_registrations": c.explained,
                "remainder": c.remainder,
                "all_ages_at_extraction": c.all_ages_then,
                "explanation": c.explanation,
            }
            for c in result.cells
        ],
    }


def udir_rows(result: UdirReconciliation) -> tuple[list[str], list[list]]:
    """The Udir comparison as CSV rows, one per published cell."""
    header = [
        "field",
        "table",
        "key",
        "udir",
        "own_at_extraction",
        "own_now",
        "explained_by_registrations",
        "remainder",
        "all_ages_at_extraction",
        "explanation",
    ]
    rows = [
        [
            c.field,
            c.table,
            c.key,
            c.udir,
            c.own_then,
            c.own_now,
            c.explained,
            c.remainder,
            c.all_ages_then,
            c.explanation,
        ]
        for c in result.cells
    ]
    return header, rows


def udir_text(result: UdirReconciliation, *, extracted_text: str, known_to_text: str | None) -> str:
    """The plain-text report: Udir's cells beside the county's, then the registrations that
    explain the county's own change since the extraction (`reconciliation_text`)."""
    from veiviser.statistics.exports import row_labels

    labels = row_labels()
    explanations = udir_explanation_labels()
    recon = result.reconciliation
    lines = [
        _(
            "Udir's table v%(version)s (%(file)s), county %(county)s at %(date)s, "
            "compared with the county's numbers as known at Udir's extraction (%(from)s) and "
            "as known at %(to)s"
        )
        % {
            "version": result.table_version,
            "file": result.table_file,
            "county": recon.county,
            "date": recon.on.isoformat(),
            "from": extracted_text,
            "to": known_to_text or _("now"),
        },
        "",
    ]
    width = max(len(label) for label in labels.values())
    head = [_("Cell"), "Udir", _("extraction"), _("after"), _("remainder")]
    lines.append(f"{head[0]:<{width}}  {head[1]:>8}  {head[2]:>10}  {head[3]:>8}  {head[4]:>10}  ")
    for c in result.cells:
        udir = "*" if c.udir is None else str(c.udir)
        remainder = "" if c.remainder is None else f"{c.remainder:+}"
        lines.append(
            f"{labels[(c.table, c.key)]:<{width}}  {udir:>8}  {c.own_then:>10}  {c.own_now:>8}  "
            f"{remainder:>10}  {explanations[c.explanation]}"
        )
    lines.append("")
    lines.append(
        _(
            "A remainder the county's data cannot explain comes from Udir's side: its own "
            "processing of the extraction (e.g. youths registered in two counties, or an age "
            "computed otherwise), or an extraction instant given here that is not Udir's."
        )
    )
    lines.append("")
    lines.append(
        reconciliation_text(recon, known_from_text=extracted_text, known_to_text=known_to_text)
    )
    return "\n".join(lines)
