"""Importing Udir's published county table (docs/statistics.md, "Udir's tables").

A file is checked whole first; any error (row, column, why) refuses the whole file. A good file
becomes the next version. The same file again (same SHA-256) is the version it already is:
nothing is written and the caller is told so.
"""

import re
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from veiviser import policy
from veiviser.audit import services as audit
from veiviser.intake import csvfile
from veiviser.intake.planning import parse_date
from veiviser.udir.models import COUNTS, KEYS, NATIONAL, UdirRow, UdirTable

# How a published table marks a cell it does not give (suppressed small numbers, missing).
SUPPRESSED = {"", "*", ":", ".", "..", "-", "–"}
REASONS = ("not_applied", "declined", "dropped_out", "other")
GROUPS = ("group1", "group2", "group3", "group4")


@dataclass(frozen=True)
class UdirError:
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return _("row %(row)s, column %(column)s: %(why)s") % {
            "row": self.row,
            "column": self.column,
            "why": self.reason,
        }


class UdirImportFailed(ValueError):
    def __init__(self, errors: list[UdirError]):
        self.errors = errors
        super().__init__("; ".join(str(e) for e in errors))


def _count(text: str) -> int | None:
    text = text.replace("\u00a0", "").replace(" ", "")
    if text in SUPPRESSED:
        return None
    if not re.fullmatch(r"\d+", text):
        raise ValueError
    return int(text)


def parse(data: bytes) -> tuple[str, list[dict]]:
    """The file's checksum and its rows as dicts of the model's fields; UdirImportFailed with
    every error found."""
    try:
        raw = csvfile.read(data)
    except csvfile.FileUnreadable as failed:
        raise UdirImportFailed([UdirError(1, p.field, p.reason) for p in failed.problems]) from None
    header = [h.lower() for h in raw.header]
    errors: list[UdirError] = []
    index = {}
    for field, name in (*KEYS, *COUNTS):
        if name.lower() in header:
            index[field] = header.index(name.lower())
        else:
            errors.append(UdirError(1, name, _("the column is missing from the header")))
    if errors:
        raise UdirImportFailed(errors)
    names = dict((*KEYS, *COUNTS))
    rows: list[dict] = []
    seen: dict[tuple, int] = {}
    for number, cells in raw.rows:
        cell = {f: (cells[i] if i < len(cells) else "") for f, i in index.items()}
        row: dict = {"row": number}
        problems: list[tuple[str, str]] = []
        try:
            row["counting_date"] = parse_date(cell["counting_date"])
        except ValueError:
            problems.append(
                (
                    "counting_date",
                    _("%(value)s is not a date") % {"value": repr(cell["counting_date"])},
                )
            )
        if not re.fullmatch(r"\d{2}", cell["county"]):
            problems.append(
                (
                    "county",
                    _("%(value)s is not a two-digit county number (00: the whole country)")
                    % {"value": repr(cell["county"])},
                )
            )
        row["county"] = cell["county"]
        row["county_name"] = cell["county_name"]
        if not cell["county_name"]:
            problems.append(("county_name", _("is empty")))
        for field, _name in COUNTS:
            try:
                row[field] = _count(cell[field])
            except ValueError:
                problems.append(
                    (
                        field,
                        _("%(value)s is not a count (a whole number, or * where not published)")
                        % {"value": repr(cell[field])},
                    )
                )
        if not problems:
            problems += _check_sums(row)
            key = (row["counting_date"], row["county"])
            if key in seen:
                problems.append(
                    ("county", _("the same county and date as row %(row)s") % {"row": seen[key]})
                )
            seen[key] = number
        errors += [UdirError(number, names[f], why) for f, why in problems]
        rows.append(row)
    if not rows and not errors:
        errors.append(UdirError(1, "", _("the file has no rows")))
    for counting_date in sorted({r["counting_date"] for r in rows if "counting_date" in r}):
        if (counting_date, NATIONAL) not in seen and not errors:
            errors.append(
                UdirError(
                    1,
                    names["county"],
                    _("counting date %(date)s has no row for the whole country (county 00)")
                    % {"date": counting_date.isoformat()},
                )
            )
    if errors:
        raise UdirImportFailed(errors)
    return raw.sha256, rows


def _check_sums(row: dict) -> list[tuple[str, str]]:
    """The table's own arithmetic, where every cell of a sum is published."""
    problems = []

    def total(fields):
        values = [row[f] for f in fields]
        return None if None in values else sum(values)

    reasons = total(REASONS)
    if reasons is not None and row["registered"] is not None and reasons != row["registered"]:
        problems.append(
            (
                "registered",
                _("%(total)s is not the sum of the reason groups (%(sum)s)")
                % {"total": row["registered"], "sum": reasons},
            )
        )
    groups = total(GROUPS)
    if groups is not None and row["target_group"] is not None and groups != row["target_group"]:
        problems.append(
            (
                "target_group",
                _("%(total)s is not the sum of groups 1–4 (%(sum)s)")
                % {"total": row["target_group"], "sum": groups},
            )
        )
    parts = total(("target_group", "group5"))
    if parts is not None and row["registered"] is not None and parts != row["registered"]:
        problems.append(
            (
                "group5",
                _(
                    "the target group and those outside it (%(sum)s) are not all registered (%(total)s)"
                )
                % {"total": row["registered"], "sum": parts},
            )
        )
    return problems


def table_import(*, actor, filename: str, data: bytes) -> tuple[UdirTable, bool]:
    """Import a Udir table file as the next version; (table, created). The same file again
    returns its existing version with created False. Office only (county scope of INTAKE)."""
    if actor is not None and policy.scope(actor, policy.INTAKE) != policy.COUNTY:
        raise PermissionDenied("udir import is not allowed here")
    sha256, rows = parse(data)
    existing = UdirTable.objects.filter(sha256=sha256).first()
    if existing is not None:
        return existing, False
    with transaction.atomic():
        version = (UdirTable.objects.aggregate(v=Max("version"))["v"] or 0) + 1
        table = UdirTable.objects.create(
            version=version,
            filename=filename[:255],
            sha256=sha256,
            rows=len(rows),
            imported_by=actor,
        )
        UdirRow.objects.bulk_create(
            UdirRow(table=table, **{k: v for k, v in row.items() if k != "row"}) for row in rows
        )
        audit.log(
            actor,
            "udir.table.imported",
            table,
            county=actor.county.number if actor is not None and actor.county_id else "",
            data={"file": table.filename, "sha256": sha256, "version": version, "rows": len(rows)},
        )
    return table, True
