"""Reads of the kodeverk: one snapshot object that rule functions and importers consult.

A snapshot is plain data (no queries after loading), so the pure rule functions in
`registry.rules` can be tested without a database and an importer checking 100,000 lines asks
the database once.

The snapshot is cached in the process (docs/performance.md, "The kodeverk cache"). The kodeverk
changes only through `veiviser loadcodes`, a data migration (both through `codes.loader.sync`)
or an ORM save of a code row, and each of those gives `KodeverkVersion` a new random token.
`kodeverk()` reads that one token instead of the six code tables, and only once per request:
the first call in a request checks the token, later calls in the same request trust it.
Outside a request (commands, tasks, tests) every call checks it.
"""

import threading
import uuid
from dataclasses import dataclass, field
from datetime import date

from django.core.signals import request_finished, request_started

from veiviser.codes.models import (
    AgeLimit,
    CountingDate,
    KodeverkVersion,
    MainGroup,
    ReasonCode,
    ReasonGroup,
    StatusCode,
)


def school_year_of(d: date) -> int:
    """The school year (its start year) that date `d` lies in: 1 Aug – 31 Jul (DOMAIN.md §3)."""
    return d.year if d.month >= 8 else d.year - 1


def school_year_bounds(school_year: int) -> tuple[date, date]:
    return date(school_year, 8, 1), date(school_year + 1, 7, 31)


def school_year_label(school_year: int) -> str:
    return f"{school_year}/{(school_year + 1) % 100:02d}"


@dataclass(frozen=True)
class CodeVersion:
    code: str
    main_group: int
    valid_from: int
    valid_to: int | None

    def valid_in(self, school_year: int) -> bool:
        return self.valid_from <= school_year and (
            self.valid_to is None or school_year <= self.valid_to
        )


@dataclass(frozen=True)
class Kodeverk:
    status_codes: dict[str, list[CodeVersion]] = field(default_factory=dict)
    reason_groups: tuple[str, ...] = ()
    reason_codes: dict[str, list[tuple[str, int, int | None]]] = field(default_factory=dict)
    age_limits: tuple[tuple[int, int, int], ...] = ()  # (valid_from, min_age, max_age)
    counting_dates: tuple[tuple[int, int | None, int, int, int], ...] = ()
    # The main groups whose youths are in the target group (1–4; DOMAIN.md §5).
    target_main_groups: frozenset[int] = frozenset({1, 2, 3, 4})
    # For forms and labels, so that a page needs no query of its own for them:
    # (number, name) of the main groups by number; (key, name) of the reason groups in their
    # order; (code, name, main group, valid_from, valid_to) of the status codes by group, code.
    main_group_names: tuple[tuple[int, str], ...] = ()
    reason_group_names: tuple[tuple[str, str], ...] = ()
    status_code_rows: tuple[tuple[str, str, int, int, int | None], ...] = ()

    def status_codes_in(self, school_year: int) -> list[tuple[str, str, int]]:
        """(code, name, main group) of the status codes valid in `school_year`, by group and
        code (as `StatusCode.objects.valid_in(school_year)`)."""
        return [
            (code, name, group)
            for code, name, group, valid_from, valid_to in self.status_code_rows
            if valid_from <= school_year and (valid_to is None or school_year <= valid_to)
        ]

    def status_main_group(self, code: str, school_year: int) -> int | None:
        """The main group (1–5) of `code` in `school_year`, or None if not valid then."""
        for version in self.status_codes.get(code, ()):
            if version.valid_in(school_year):
                return version.main_group
        return None

    def reason_group_of_code(self, code: str, school_year: int) -> str | None:
        for group, valid_from, valid_to in self.reason_codes.get(code, ()):
            if valid_from <= school_year and (valid_to is None or school_year <= valid_to):
                return group
        return None

    def age_limit(self, school_year: int) -> tuple[int, int]:
        """(min_age, max_age) of the target group in `school_year` (DOMAIN.md §5)."""
        chosen = None
        for valid_from, min_age, max_age in self.age_limits:
            if valid_from <= school_year and (chosen is None or valid_from > chosen[0]):
                chosen = (valid_from, min_age, max_age)
        if chosen is None:
            raise LookupError(f"no age limit is defined for school year {school_year}")
        return chosen[1], chosen[2]

    def counting_dates_of(self, school_year: int) -> list[date]:
        """The counting dates of `school_year` in calendar order (15 Nov, 15 Feb, 15 Jun)."""
        candidates = [
            row
            for row in self.counting_dates
            if row[0] <= school_year and (row[1] is None or school_year <= row[1])
        ]
        if not candidates:
            raise LookupError(f"no counting dates are defined for school year {school_year}")
        newest = max(row[0] for row in candidates)
        result = []
        for _valid_from, _valid_to, _ordinal, month, day in sorted(
            (row for row in candidates if row[0] == newest), key=lambda row: row[2]
        ):
            year = school_year if month >= 8 else school_year + 1
            result.append(date(year, month, day))
        return sorted(result)


# (token, snapshot) of the last snapshot read in this process, or None.
_cached: tuple[str, "Kodeverk"] | None = None
# Per thread: `in_request` between request_started and request_finished; `checked` once the
# token has been compared in this request.
_local = threading.local()


def kodeverk() -> Kodeverk:
    """A snapshot of the code lists and rules as the database holds them now.

    Callers must treat it as read-only: the same object serves every request of the process
    until the kodeverk changes.
    """
    global _cached
    cached = _cached
    if cached is not None and getattr(_local, "checked", False):
        return cached[1]
    token = kodeverk_token()
    if cached is None or cached[0] != token:
        cached = (token, load_kodeverk())
        _cached = cached
    if getattr(_local, "in_request", False):
        _local.checked = True
    return cached[1]


def kodeverk_token() -> str:
    """The kodeverk's version token now ("" before any is set): one query."""
    return KodeverkVersion.objects.filter(pk=1).values_list("token", flat=True).first() or ""


def kodeverk_changed() -> None:
    """Give the kodeverk a new version token, so every process reads its snapshot again."""
    global _cached
    KodeverkVersion.objects.update_or_create(pk=1, defaults={"token": uuid.uuid4().hex})
    _cached = None
    _local.checked = False


def _request_started(**kwargs) -> None:
    _local.in_request = True
    _local.checked = False


def _request_finished(**kwargs) -> None:
    _local.in_request = False
    _local.checked = False


def connect_request_signals() -> None:
    request_started.connect(_request_started, dispatch_uid="kodeverk-request-started")
    request_finished.connect(_request_finished, dispatch_uid="kodeverk-request-finished")


def load_kodeverk() -> Kodeverk:
    """Read the snapshot from the code tables (six queries), bypassing the cache."""
    status: dict[str, list[CodeVersion]] = {}
    status_rows = tuple(
        StatusCode.objects.values_list(
            "code", "name", "main_group__number", "valid_from", "valid_to"
        )
    )
    for code, _name, group, valid_from, valid_to in status_rows:
        status.setdefault(code, []).append(CodeVersion(code, group, valid_from, valid_to))
    reason_codes: dict[str, list[tuple[str, int, int | None]]] = {}
    for code, group, valid_from, valid_to in ReasonCode.objects.values_list(
        "code", "reason_group__key", "valid_from", "valid_to"
    ):
        reason_codes.setdefault(code, []).append((group, valid_from, valid_to))
    reason_groups = tuple(ReasonGroup.objects.order_by("order").values_list("key", "name"))
    main_groups = tuple(MainGroup.objects.values_list("number", "name", "in_target_group"))
    return Kodeverk(
        status_codes=status,
        reason_groups=tuple(key for key, _name in reason_groups),
        reason_codes=reason_codes,
        age_limits=tuple(AgeLimit.objects.values_list("valid_from", "min_age", "max_age")),
        counting_dates=tuple(
            CountingDate.objects.values_list("valid_from", "valid_to", "ordinal", "month", "day")
        ),
        target_main_groups=frozenset(number for number, _name, target in main_groups if target),
        main_group_names=tuple((number, name) for number, name, _target in main_groups),
        reason_group_names=reason_groups,
        status_code_rows=status_rows,
    )
