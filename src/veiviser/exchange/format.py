"""The veiviser-exchange format, version 1 (EXCHANGE.md §1): record types, their fields, and
how one line's values are read into Python values.

Reading a line only checks its shape (types, formats, required fields); the rules that need
other records or the database live in `exchange.importer`. Reasons are in the active language;
field and record type names are the format's own and stay English.
"""

import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.utils.translation import gettext as _

from veiviser.exchange.extensions import REGISTRY

FORMAT = "veiviser-exchange"
VERSION = 1
# Version 2 (docs/exchange.md) = version 1 plus the record types registered in
# `exchange.extensions`; the importer reads both.
SUPPORTED_VERSIONS = (1, 2)

REQUIRED = {
    "header": ("format", "version", "county"),
    "unit": ("id", "name", "municipalities"),
    "person": ("id", "fnr", "birth_date", "given_name", "family_name"),
    "registration": (
        "id",
        "person",
        "school_year",
        "registered_on",
        "reason",
        "recorded_at",
    ),
    "reason": ("id", "registration", "reason", "valid_from", "recorded_at"),
    "status": ("id", "registration", "code", "valid_from", "recorded_at"),
}
OPTIONAL = {
    "header": ("exported_at",),
    "unit": (),
    "person": ("municipality",),
    "registration": ("reason_code", "unit"),
    "reason": (),
    "status": (),
}
RECORD_TYPES = tuple(t for t in REQUIRED if t != "header")

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$")
_COUNTY = re.compile(r"^\d{2}$")
_MUNICIPALITY = re.compile(r"^\d{4}$")
MAX_ID = 64
MAX_NAME = 100


@dataclass(slots=True)  # an import holds one per record: no per-instance __dict__
class Line:
    """One line of a file: its number (from 1, the header being line 1), type and values."""

    number: int
    type: str
    values: dict[str, Any]
    # (field, reason) pairs; a tuple until there is one, so that a good line (the most) makes
    # no lists the garbage collector has to visit while the line is alive.
    problems: tuple | list[tuple[str, str]] = ()
    warnings: tuple | list[tuple[str, str]] = ()

    def problem(self, field_name: str, reason: str) -> None:
        self.problems = [*self.problems, (field_name, reason)]

    def warning(self, field_name: str, reason: str) -> None:
        self.warnings = [*self.warnings, (field_name, reason)]


def read_line(number: int, text: str) -> Line:
    """Parse one JSON line and check its fields' shape. Problems are collected on the Line."""
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        line = Line(number, "", {})
        line.problem(
            "-",
            _("not valid JSON (%(error)s at column %(column)s)")
            % {"error": exc.msg, "column": exc.colno},
        )
        return line
    if not isinstance(raw, dict):
        line = Line(number, "", {})
        line.problem("-", _("a line must be a JSON object"))
        return line
    kind = raw.get("type")
    line = Line(number, kind if isinstance(kind, str) else "", {})
    if kind in REGISTRY:
        return _read_extension(line, raw, REGISTRY[kind])
    if kind not in REQUIRED:
        known = ", ".join([*REQUIRED, *REGISTRY])
        line.problem(
            "type",
            _("%(type)s is not a record type (one of %(known)s)")
            % {"type": repr(kind), "known": known},
        )
        return line
    for name in REQUIRED[kind]:
        if name not in raw:
            line.problem(name, _("is required"))
    readers = _FIELDS[kind]
    for name, value in raw.items():
        reader = readers.get(name)
        if reader is None:
            if name != "type":
                line.warning(
                    name, _("is not a field of %(type)s records and was ignored") % {"type": kind}
                )
            continue
        try:
            line.values[name] = reader(value)
        except ValueError as exc:
            line.problem(name, str(exc))
    return line


def _read_extension(line: Line, raw: dict, record_type) -> Line:
    """A version-2 record of a registered type: the same shape checks, with its readers."""
    for name in record_type.required:
        if name not in raw:
            line.problem(name, _("is required"))
    for name, value in raw.items():
        if name == "type":
            continue
        if name not in record_type.required and name not in record_type.optional:
            line.warning(
                name,
                _("is not a field of %(type)s records and was ignored") % {"type": line.type},
            )
            continue
        reader = record_type.readers.get(name, _read_text)
        try:
            line.values[name] = reader(value)
        except ValueError as exc:
            line.problem(name, str(exc))
    return line


def _read_text(value: Any, max_length: int = MAX_NAME) -> str:
    if not isinstance(value, str) or not (stripped := value.strip()):
        raise ValueError(_("must be a non-empty string"))
    if len(value) > max_length:
        raise ValueError(_("is longer than %(max)s characters") % {"max": max_length})
    return stripped


def _read_id(value: Any) -> str:
    return _read_text(value, MAX_ID)


def _read_optional_text(value: Any) -> str:
    return "" if value is None else _read_text(value, 16)


def _read_optional_id(value: Any) -> str | None:
    return None if value is None else _read_id(value)


def _read_int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(_("must be a whole number, got %(value)s") % {"value": json.dumps(value)})
    return value


def _read_school_year(value: Any) -> int:
    year = _read_int(value)
    if not 1990 <= year <= 2100:
        raise ValueError(
            _("%(year)s is not a school year (its start year, e.g. 2023 for 2023/24)")
            % {"year": year}
        )
    return year


def read_date(value: Any) -> date:
    if not isinstance(value, str) or not _DATE.match(value):
        raise ValueError(
            _("must be a date YYYY-MM-DD, got %(value)s") % {"value": json.dumps(value)}
        )
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(_("%(value)s is not a calendar date") % {"value": value}) from None


def read_instant(value: Any) -> datetime:
    if not isinstance(value, str) or not _INSTANT.match(value):
        raise ValueError(
            _(
                "must be an ISO 8601 instant with a UTC offset, e.g. 2024-06-20T08:00:00+02:00; "
                "got %(value)s"
            )
            % {"value": json.dumps(value)}
        )
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(_("%(value)s is not a valid instant") % {"value": value}) from None


def _read_optional_instant(value: Any) -> datetime | None:
    return None if value is None else read_instant(value)


def _read_fnr(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(
            _("must be a string of 11 digits or null, got %(value)s") % {"value": json.dumps(value)}
        )
    if not value.strip():
        # EXCHANGE.md §1: "11 digits or null". An empty string is neither; it would pass as
        # "no number" here and then collide in the database with the next one.
        raise ValueError(
            _("is empty: write null for a person without an identity number, got %(value)s")
            % {"value": json.dumps(value)}
        )
    return value


def _read_county(value: Any) -> str:
    if not isinstance(value, str) or not _COUNTY.match(value):
        raise ValueError(
            _("must be a two-digit county number as a string, got %(value)s")
            % {"value": json.dumps(value)}
        )
    return value


def _read_municipality(value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str) or not _MUNICIPALITY.match(value):
        raise ValueError(
            _("must be a four-digit municipality number, got %(value)s")
            % {"value": json.dumps(value)}
        )
    return value


def _read_municipalities(value: Any) -> list[str]:
    if not isinstance(value, list):
        raise ValueError(_("must be a list of four-digit municipality numbers"))
    bad = [v for v in value if not isinstance(v, str) or not _MUNICIPALITY.match(v)]
    if bad:
        raise ValueError(
            _("%(values)s are not four-digit municipality numbers") % {"values": json.dumps(bad)}
        )
    if len(set(value)) != len(value):
        raise ValueError(_("lists a municipality more than once"))
    return list(value)


def _read_format(value: Any) -> str:
    if value != FORMAT:
        raise ValueError(
            _("must be %(format)s, got %(value)s")
            % {"format": repr(FORMAT), "value": json.dumps(value)}
        )
    return value


def _read_version(value: Any) -> int:
    if value not in SUPPORTED_VERSIONS or isinstance(value, bool):
        raise ValueError(
            _("version %(version)s is not supported (this is version %(supported)s)")
            % {
                "version": json.dumps(value),
                "supported": " or ".join(str(v) for v in SUPPORTED_VERSIONS),
            }
        )
    return value


_READERS: dict[str, dict[str, Any]] = {
    "header": {
        "format": _read_format,
        "version": _read_version,
        "county": _read_county,
        "exported_at": _read_optional_instant,
    },
    "unit": {"id": _read_id, "municipalities": _read_municipalities},
    "person": {
        "id": _read_id,
        "fnr": _read_fnr,
        "birth_date": read_date,
        "municipality": _read_municipality,
    },
    "registration": {
        "id": _read_id,
        "person": _read_id,
        "school_year": _read_school_year,
        "registered_on": read_date,
        "reason": _read_id,
        "reason_code": _read_optional_text,
        "unit": _read_optional_id,
        "recorded_at": read_instant,
    },
    "reason": {
        "id": _read_id,
        "registration": _read_id,
        "reason": _read_id,
        "valid_from": read_date,
        "recorded_at": read_instant,
    },
    "status": {
        "id": _read_id,
        "registration": _read_id,
        "code": _read_id,
        "valid_from": read_date,
        "recorded_at": read_instant,
    },
}

# Every field of each version-1 type → its reader (a field without its own reader is text).
_FIELDS: dict[str, dict[str, Any]] = {
    kind: {
        name: _READERS[kind].get(name, _read_text) for name in (*REQUIRED[kind], *OPTIONAL[kind])
    }
    for kind in REQUIRED
}


# Readers for the record types of version 2 (exchange.extensions).
read_id = _read_id
read_text = _read_text
read_optional_id = _read_optional_id
read_int = _read_int


def read_optional_date(value: Any) -> date | None:
    return None if value is None else read_date(value)


def read_optional_text(value: Any, max_length: int = 2000) -> str:
    return "" if value is None or value == "" else _read_text(value, max_length)
