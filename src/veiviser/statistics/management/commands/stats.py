import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from veiviser.cli_options import parse_date, parse_instant
from veiviser.codes.selectors import kodeverk
from veiviser.organisation.models import County
from veiviser.statistics import exports
from veiviser.statistics.counts import REPORTS, report_document
from veiviser.statistics.programmes import NOT_BITEMPORAL
from veiviser.statistics.suppression import suppress_document, suppress_report
from veiviser.statistics.tables import (
    DateOutsideSchoolYear,
    main_group_codes,
    statistics_document,
    statistics_documents,
)


def parse_school_years(text: str) -> list[int]:
    """`2023`, `2015-2024` (both included) or `2015,2019,2023`: the school years' start
    years, in the order given."""
    years: list[int] = []
    try:
        for part in text.split(","):
            first, dash, last = part.strip().partition("-")
            start = int(first)
            end = int(last) if dash else start
            if end < start:
                raise ValueError
            years += range(start, end + 1)
    except ValueError:
        raise CommandError(
            _(
                "--school-year %(value)s is not a school year (2023), a range (2015-2024) or a "
                "list (2015,2023)"
            )
            % {"value": repr(text)}
        ) from None
    return list(dict.fromkeys(years))


def parse_counties(text: str) -> list[County]:
    """`39`, `39,40` or `all` (every county in the database, by number): each must exist."""
    if text.strip() == "all":
        counties = list(County.objects.order_by("number"))
        if not counties:
            raise CommandError(_("no counties in this database"))
        return counties
    numbers = list(dict.fromkeys(n.strip() for n in text.split(",")))
    found = {c.number: c for c in County.objects.filter(number__in=numbers)}
    for number in numbers:
        if number not in found:
            raise CommandError(
                _("no county %(county)s in this database") % {"county": repr(number)}
            )
    return [found[n] for n in numbers]


class Command(BaseCommand):
    help = (
        "Print Table 1 (registered youths by reason) and Table 2 (by status main group, target "
        "group) for a county and school year: at the school year's three counting dates, or at "
        "--date; as the data are known now, or as they were known at --known-at. "
        "The JSON is the documented contract of docs/statistics.md. --format csv|xlsx gives the "
        "same numbers for a spreadsheet; --suppress hides small numbers; --report NAME gives "
        "one of the other counts of the annual report instead of the tables."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--county",
            required=True,
            help="two-digit county number, e.g. 39; several: 39,40, or all (every county in "
            "the database)",
        )
        parser.add_argument(
            "--school-year",
            required=True,
            help="the school year's start year: 2023 means 2023/24; several: 2015-2024 or "
            "2015,2023",
        )
        parser.add_argument("--date", help="one date inside the school year (YYYY-MM-DD)")
        parser.add_argument(
            "--known-at",
            help="count only what had been recorded by this instant "
            "(ISO 8601 with offset, e.g. 2024-06-20T00:00:00+02:00)",
        )
        parser.add_argument(
            "--format",
            choices=["json", "csv", "xlsx"],
            default="json",
            help="output format: json (the contract), csv (semicolons, UTF-8 with BOM, for "
            "Excel) or xlsx (needs --output)",
        )
        parser.add_argument("--output", help="write to this file instead of standard output")
        parser.add_argument(
            "--suppress",
            action="store_true",
            help="apply the county's small-number rule: hide counts from 1 to the threshold − 1 "
            "and every cell (or share) that would reveal one; with --report too",
        )
        parser.add_argument(
            "--report",
            choices=REPORTS,
            help="instead of Table 1 and 2, one of the other counts of the annual report "
            "(docs/statistics.md): " + ", ".join(REPORTS),
        )

    def handle(self, *args, **options):
        # str(): call_command("stats", county="39", school_year=2023) passes the values as given.
        counties = parse_counties(str(options["county"]))
        school_years = parse_school_years(str(options["school_year"]))
        output_format, output = options["format"], options["output"]
        report = options["report"]
        if len(counties) * len(school_years) != 1:
            self.several(counties, school_years, options)
            return
        county, options["school_year"] = counties[0], school_years[0]
        if output_format == "xlsx" and not output:
            raise CommandError(_("--format xlsx writes a file: give --output FILE.xlsx"))
        if report and options["date"]:
            raise CommandError(_("--report counts at the school year's own dates: drop --date"))
        if report in NOT_BITEMPORAL and options["known_at"]:
            raise CommandError(
                _("--report %(report)s counts recorded work as it is now: drop --known-at")
                % {"report": report}
            )
        on = parse_date(options["date"]) if options["date"] else None
        known_at = parse_instant(options["known_at"], "--known-at") if options["known_at"] else None
        try:
            if report:
                document = report_document(
                    kodeverk(),
                    report=report,
                    county=county.number,
                    school_year=options["school_year"],
                    known_at=known_at,
                    known_at_text=options["known_at"],
                )
            else:
                document = statistics_document(
                    kodeverk(),
                    county=county.number,
                    school_year=options["school_year"],
                    on=on,
                    known_at=known_at,
                    known_at_text=options["known_at"],
                )
        except (DateOutsideSchoolYear, LookupError) as exc:
            raise CommandError(str(exc)) from None
        if options["suppress"] and report:
            groups = main_group_codes(kodeverk(), options["school_year"])
            document = suppress_report(
                document,
                county.suppression_threshold,
                main_groups={str(g): codes for g, codes in groups.items()},
            )
        elif options["suppress"]:
            document = suppress_document(document, county.suppression_threshold)

        if output_format == "xlsx" and report:
            exports.write_report_xlsx(
                document,
                output,
                county_name=county.name,
                threshold=county.suppression_threshold,
            )
            return
        if output_format == "xlsx":
            exports.write_xlsx(
                document,
                output,
                county_name=county.name,
                threshold=county.suppression_threshold,
            )
            return
        if output_format == "csv":
            header, rows = (exports.report_rows if report else exports.table_rows)(document)
            text = exports.write_csv(header, rows)
        else:
            text = json.dumps(document, ensure_ascii=False)
        if output:
            # newline="": the CSV writer already ends its lines with CRLF.
            with Path(output).open("w", encoding="utf-8", newline="") as file:
                file.write(text if output_format == "csv" else text + "\n")
        else:
            self.stdout.write(text, ending="" if output_format == "csv" else "\n")

    def several(self, counties: list[County], school_years: list[int], options) -> None:
        """Table 1 and Table 2 of several counties or school years, computed by one statement
        (`statistics_documents`): one JSON document (EXCHANGE.md §3) per line, county by
        county, each county's school years in the order given."""
        if options["report"]:
            raise CommandError(_("--report counts one county and school year at a time"))
        if options["format"] != "json":
            raise CommandError(
                _(
                    "several counties or school years are printed as JSON, one document per "
                    "line: drop --format %(format)s"
                )
                % {"format": options["format"]}
            )
        if options["date"] and len(school_years) > 1:
            raise CommandError(_("--date lies in one school year: give one with --school-year"))
        on = parse_date(options["date"]) if options["date"] else None
        known_at = parse_instant(options["known_at"], "--known-at") if options["known_at"] else None
        try:
            documents = statistics_documents(
                kodeverk(),
                counties=[c.number for c in counties],
                school_years=school_years,
                on=on,
                known_at=known_at,
                known_at_text=options["known_at"],
            )
        except (DateOutsideSchoolYear, LookupError) as exc:
            raise CommandError(str(exc)) from None
        if options["suppress"]:
            thresholds = {c.number: c.suppression_threshold for c in counties}
            documents = [suppress_document(d, thresholds[d["county"]]) for d in documents]
        text = "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in documents)
        if options["output"]:
            with Path(options["output"]).open("w", encoding="utf-8", newline="") as file:
                file.write(text)
        else:
            self.stdout.write(text, ending="")
