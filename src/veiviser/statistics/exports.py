"""Writers for `veiviser stats --format csv|xlsx`: the same numbers as the JSON document.

The tables come out in the layout of the annual reports: one row per cell of Table 1 then
Table 2, with the reports' Norwegian row labels (English in the source, through gettext), and one
column per counting date; `table` and `key` columns name each row for programs. CSV is for
Norwegian Excel: semicolons, UTF-8 with a byte-order mark. A suppressed cell is empty.
"""

import csv
import io
from datetime import datetime

from django.utils.translation import gettext as _

from veiviser.codes.selectors import school_year_label
from veiviser.statistics.tables import TABLE1, TABLE2

CSV_DIALECT = {"delimiter": ";", "lineterminator": "\r\n", "quoting": csv.QUOTE_MINIMAL}
BOM = "\ufeff"


def row_labels() -> dict[tuple[str, str], str]:
    """The row labels of Table 1 and Table 2 in the active language (bokmål: the reports')."""
    return {
        ("table1", "not_applied"): _("Did not apply for education"),
        ("table1", "declined"): _("Declined education"),
        ("table1", "dropped_out"): _("Dropped out of education"),
        ("table1", "other"): _("Other reasons"),
        ("table1", "total"): _("Registered, all together"),
        ("table2", "group1"): _("1. Unknown youths"),
        ("table2", "group2"): _("2. Youths under follow-up/guidance"),
        ("table2", "group3"): _("3. Youths in activity"),
        ("table2", "group4"): _("4. Clarified youths"),
        ("table2", "target_group"): _("Youths in the target group"),
        ("table2", "not_in_target_group"): _("Outside the target group"),
        ("table2", "outside_age"): _("of them outside the age limit"),
        ("table2", "total"): _("Total registered"),
    }


def table_rows(document: dict) -> tuple[list[str], list[list]]:
    """The tables document (EXCHANGE.md §3) as (header, rows): table, key, label, one value per
    counting date (None where suppressed)."""
    labels = row_labels()
    dates = [entry["date"] for entry in document["counting_dates"]]
    rows = []
    for table, keys in (("table1", TABLE1), ("table2", TABLE2)):
        for key in keys:
            rows.append(
                [table, key, labels[(table, key)]]
                + [entry[table][key] for entry in document["counting_dates"]]
            )
    return ["table", "key", "label", *dates], rows


def _flatten(value, path: tuple[str, ...]):
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _flatten(inner, (*path, str(key)))
    else:
        yield path, value


def report_rows(document: dict) -> tuple[list[str], list[list]]:
    """A `--report` document as (header, rows) in long form, one number or name per row:
    report, section, key, field, value (`during-year;by_unit;u-tbg;guidance;41`; a top-level
    field has an empty section and key: `year-end;;;target_group;825`). Pivot it in a
    spreadsheet."""
    meta = {"county", "school_year", "known_at", "report", "suppressed"}
    rows = []
    for path, value in _flatten({k: v for k, v in document.items() if k not in meta}, ()):
        section = path[0] if len(path) > 1 else ""
        rows.append([document["report"], section, "/".join(path[1:-1]), path[-1], value])
    return ["report", "section", "key", "field", "value"], rows


def write_csv(header: list[str], rows: list[list]) -> str:
    """Semicolon CSV with a byte-order mark; None is written as an empty cell."""
    out = io.StringIO()
    writer = csv.writer(out, **CSV_DIALECT)
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if value is None else value for value in row])
    return BOM + out.getvalue()


def write_xlsx(
    document: dict,
    path,
    *,
    county_name: str = "",
    threshold: int | None = None,
    unit_name: str = "",
):
    """One sheet with both tables: a note of county (and unit, for one unit's numbers), school
    year, known at and suppression above them, bold headers, one column per counting date.
    `path` is a file name or a binary file object."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    labels = row_labels()
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Statistics")[:31]
    known_at = document["known_at"] or _("now (everything recorded so far)")
    suppressed = _("yes") if document["suppressed"] else _("no")
    if document["suppressed"] and threshold is not None:
        suppressed = _("yes: counts from 1 to %(below)s and the cells that would reveal them") % {
            "below": threshold - 1
        }
    notes = [
        (_("County"), f"{document['county']} {county_name}".strip()),
        *([(_("Unit"), unit_name)] if unit_name else []),
        (_("School year"), school_year_label(document["school_year"])),
        (_("Known at"), known_at),
        (_("Suppressed"), suppressed),
    ]
    for label, value in notes:
        sheet.append([label, value])
        sheet.cell(row=sheet.max_row, column=1).font = bold
    dates = [datetime.fromisoformat(e["date"]).date() for e in document["counting_dates"]]
    for table, keys, title in (
        ("table1", TABLE1, _("Table 1. Registered youths by reason")),
        ("table2", TABLE2, _("Table 2. Registered youths by status and target group")),
    ):
        sheet.append([])
        sheet.append([title, *dates])
        header_row = sheet.max_row
        for column in range(1, len(dates) + 2):
            cell = sheet.cell(row=header_row, column=column)
            cell.font = bold
            if column > 1:
                cell.number_format = "DD.MM.YYYY"
        for key in keys:
            sheet.append(
                [labels[(table, key)]] + [entry[table][key] for entry in document["counting_dates"]]
            )
            if key in ("total", "target_group"):
                sheet.cell(row=sheet.max_row, column=1).font = bold
    if document["suppressed"]:
        sheet.append([])
        sheet.append(
            [_("An empty cell is suppressed: a small number, or one that would reveal one.")]
        )
    sheet.column_dimensions["A"].width = 44
    for column in range(2, len(dates) + 2):
        sheet.column_dimensions[get_column_letter(column)].width = 14
    workbook.save(path)


def _notes(sheet, document: dict, *, county_name: str, threshold: int | None, bold) -> None:
    known_at = document.get("known_at") or _("now (everything recorded so far)")
    suppressed = _("yes") if document.get("suppressed") else _("no")
    if document.get("suppressed") and threshold is not None:
        suppressed = _("yes: counts from 1 to %(below)s and the cells that would reveal them") % {
            "below": threshold - 1
        }
    for label, value in (
        (_("County"), f"{document['county']} {county_name}".strip()),
        (_("School year"), school_year_label(document["school_year"])),
        (_("Known at"), known_at),
        (_("Suppressed"), suppressed),
    ):
        sheet.append([label, value])
        sheet.cell(row=sheet.max_row, column=1).font = bold


def write_report_xlsx(document: dict, path, *, county_name: str = "", threshold: int | None = None):
    """A `--report` document as one sheet: the notes (county, school year, known at,
    suppression), then the long-form rows of `report_rows` under a bold header. A suppressed
    number is an empty cell."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    bold = Font(bold=True)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = document["report"][:31]
    _notes(sheet, document, county_name=county_name, threshold=threshold, bold=bold)
    sheet.append([])
    header, rows = report_rows(document)
    sheet.append(header)
    for column in range(1, len(header) + 1):
        sheet.cell(row=sheet.max_row, column=column).font = bold
    for row in rows:
        sheet.append(row)
    if document.get("suppressed"):
        sheet.append([])
        sheet.append(
            [_("An empty cell is suppressed: a small number, or one that would reveal one.")]
        )
    for letter, width in zip("ABCDE", (14, 16, 24, 24, 12), strict=True):
        sheet.column_dimensions[letter].width = width
    workbook.save(path)
