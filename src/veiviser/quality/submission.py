"""The submission file: the counting-date extraction for the national collection, one row per
registration counted at the date (Table 1's total), as known at an instant (docs/quality.md,
"Submission file").

The rows are read with the statistics' own bitemporal reading (`registrations_at`), so the
file and Table 1/2 at the same date and instant always agree. Registration, reason and status
are bitemporal: the same date and instant give the same rows however much is recorded later.
Identity number, birth date and unit are the person's and registration's current values (they
have no history); a correction to one of them changes a file produced again, and the checksum
in the log shows it.
"""

import hashlib
from dataclasses import dataclass
from datetime import date, datetime

from veiviser.codes.selectors import Kodeverk, school_year_of
from veiviser.registry.rules import age_at, in_target_group
from veiviser.statistics.exports import write_csv
from veiviser.statistics.tables import check_in_school_year, registrations_at

FORMAT_VERSION = 1
COLUMNS = [
    "county",
    "unit",
    "unit_name",
    "registration",
    "fnr",
    "birth_date",
    "school_year",
    "registered_on",
    "reason",
    "status",
    "main_group",
    "in_target_group",
]


@dataclass(frozen=True)
class SubmissionFile:
    content: bytes
    rows: int
    sha256: str

    def filename(self, county: str, on: date) -> str:
        return f"ot-innsending-{county}-{on.isoformat()}.csv"


def submission_rows(
    kv: Kodeverk, *, county: str, on: date, known_at: datetime | None
) -> list[list]:
    """The rows of the file, ordered by registration key (a plain string order, the same on
    every database)."""
    school_year = school_year_of(on)
    check_in_school_year(school_year, on)
    limits = kv.age_limit(school_year)
    registrations = registrations_at(
        county=county, school_year=school_year, on=on, known_at=known_at
    ).values_list(
        "key",
        "unit__key",
        "unit__name",
        "person__fnr",
        "person__birth_date",
        "registered_on",
        "reason_now",
        "status_now",
    )
    rows = []
    for key, unit, unit_name, fnr, birth, registered_on, reason, status in registrations:
        group = kv.status_main_group(status, school_year)
        target = group is not None and in_target_group(group, age_at(on, birth), limits)
        rows.append(
            [
                county,
                unit or "",
                unit_name or "",
                key,
                fnr or "",
                birth.isoformat(),
                school_year,
                registered_on.isoformat(),
                reason,
                status,
                "" if group is None else group,
                1 if target else 0,
            ]
        )
    rows.sort(key=lambda row: row[3])
    return rows


def submission_file(
    kv: Kodeverk, *, county: str, on: date, known_at: datetime | None
) -> SubmissionFile:
    """The file's bytes (semicolon CSV, UTF-8 with a byte-order mark, CRLF, as every CSV of
    Veiviser) and their SHA-256."""
    rows = submission_rows(kv, county=county, on=on, known_at=known_at)
    content = write_csv(COLUMNS, rows).encode("utf-8")
    return SubmissionFile(
        content=content, rows=len(rows), sha256=hashlib.sha256(content).hexdigest()
    )
