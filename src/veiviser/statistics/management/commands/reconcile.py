import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from veiviser.cli_options import add_county_and_school_year, parse_date, parse_instant
from veiviser.codes.selectors import kodeverk
from veiviser.organisation.models import County
from veiviser.statistics import exports
from veiviser.statistics.reconcile import (
    InstantsOutOfOrder,
    reconcile,
    reconcile_with_udir,
    reconciliation_document,
    reconciliation_rows,
    reconciliation_text,
    udir_document,
    udir_rows,
    udir_text,
)
from veiviser.statistics.tables import DateOutsideSchoolYear
from veiviser.udir.models import UdirTable


class Command(BaseCommand):
    help = (
        "Explain why Table 1 and Table 2 at one date differ between two readings: as the data "
        "were known at --from (e.g. when the numbers were sent to Udir) and as they are known "
        "at --to (default: now). Prints each cell at both instants and the difference, and "
        "every registration that moved between cells, with the reason: a registration recorded "
        "late, a status recorded late, a corrected status, or a changed reason. Youths are "
        "shown by registration key and initials only. See docs/statistics.md, Reconciliation."
    )

    def add_arguments(self, parser):
        add_county_and_school_year(parser)
        parser.add_argument(
            "--date",
            required=True,
            help="the counting date to explain, inside the school year (YYYY-MM-DD)",
        )
        parser.add_argument(
            "--from",
            dest="known_from",
            metavar="INSTANT",
            required=True,
            help="the first reading: what had been recorded by this instant, e.g. when the "
            "numbers were taken (ISO 8601 with offset, e.g. 2024-06-20T00:00:00+02:00)",
        )
        parser.add_argument(
            "--to",
            dest="known_to",
            metavar="INSTANT",
            help="the second reading: what had been recorded by this instant (default: "
            "everything recorded so far); must come after --from",
        )
        parser.add_argument(
            "--format",
            choices=["text", "json", "csv"],
            default="text",
            help="text (for people), json or csv (semicolons, UTF-8 with BOM, for Excel)",
        )
        parser.add_argument(
            "--udir",
            action="store_true",
            help="compare with Udir's published table imported with `veiviser udir-import` "
            "(the newest version): --from is then the instant Udir extracted the data, and each "
            "published cell is shown beside the county's numbers, with what explains the "
            "difference",
        )
        parser.add_argument(
            "--udir-version",
            type=int,
            metavar="N",
            help="with --udir: this version of Udir's table instead of the newest",
        )
        parser.add_argument("--output", help="write to this file instead of standard output")

    def handle(self, *args, **options):
        county = County.objects.filter(number=options["county"]).first()
        if county is None:
            raise CommandError(
                _("no county %(county)s in this database") % {"county": repr(options["county"])}
            )
        on = parse_date(options["date"])
        known_from = parse_instant(options["known_from"], "--from")
        known_to = parse_instant(options["known_to"], "--to") if options["known_to"] else None
        if options["udir_version"] is not None and not options["udir"]:
            raise CommandError(_("--udir-version needs --udir"))
        udir_table = None
        if options["udir"]:
            tables = UdirTable.objects.order_by("-version")
            if options["udir_version"] is not None:
                tables = tables.filter(version=options["udir_version"])
            udir_table = tables.first()
            if udir_table is None:
                raise CommandError(
                    _("no Udir table version %(version)s: import one with veiviser udir-import")
                    % {"version": options["udir_version"] or ""}
                )
        try:
            if udir_table is not None:
                compared = reconcile_with_udir(
                    kodeverk(),
                    county=county.number,
                    school_year=options["school_year"],
                    on=on,
                    table=udir_table,
                    extracted_at=known_from,
                    known_to=known_to,
                )
                result = compared.reconciliation
            else:
                result = reconcile(
                    kodeverk(),
                    county=county.number,
                    school_year=options["school_year"],
                    on=on,
                    known_from=known_from,
                    known_to=known_to,
                )
        except (DateOutsideSchoolYear, InstantsOutOfOrder, LookupError) as exc:
            raise CommandError(str(exc)) from None
        texts = {"known_from_text": options["known_from"], "known_to_text": options["known_to"]}
        output_format = options["format"]
        if udir_table is not None:
            if output_format == "csv":
                text = exports.write_csv(*udir_rows(compared))
            elif output_format == "json":
                document = reconciliation_document(result, **texts)
                document["udir"] = udir_document(compared)
                text = json.dumps(document, ensure_ascii=False) + "\n"
            else:
                text = udir_text(
                    compared,
                    extracted_text=options["known_from"],
                    known_to_text=options["known_to"],
                )
        elif output_format == "csv":
            text = exports.write_csv(*reconciliation_rows(result))
        elif output_format == "json":
            text = json.dumps(reconciliation_document(result, **texts), ensure_ascii=False) + "\n"
        else:
            text = reconciliation_text(result, **texts)
        if options["output"]:
            # newline="": the CSV writer already ends its lines with CRLF.
            with Path(options["output"]).open("w", encoding="utf-8", newline="") as file:
                file.write(text)
        else:
            self.stdout.write(text, ending="")
