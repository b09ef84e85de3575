import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from veiviser.cli_options import add_county_and_school_year, parse_date, parse_instant
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
)


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
        add_county_and_school_year(parser)
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
        county = County.objects.filter(number=options["county"]).first()
        if county is None:
            raise CommandError(
                _("no county %(county)s in this database") % {"county": repr(options["county"])}
            )
        output_format, output = options["format"], options["output"]
        report = options["report"]
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
