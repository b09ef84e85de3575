from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from veiviser.cli_options import add_county_and_school_year, parse_instant
from veiviser.organisation.models import County
from veiviser.problems import ValidationFailed
from veiviser.reports import services
from veiviser.reports.models import Report, ReportStatus


class Command(BaseCommand):
    help = (
        "Make the county's annual OT report for a school year (docs/reports.md) as PDF (tagged, "
        "PDF/UA-1) or HTML: every table and diagram from the registry as known at --known-at "
        "(default: now), small numbers suppressed, the county's newest narratives. The report "
        "is also kept in the database with its numbers; --again ID makes a kept report again "
        "with the same numbers and narrative versions."
    )

    def add_arguments(self, parser):
        add_county_and_school_year(parser)
        parser.add_argument("--output", required=True, help="the file to write, e.g. report.pdf")
        parser.add_argument(
            "--format",
            choices=["pdf", "html"],
            help="pdf or html (default: from the --output file's extension, else pdf)",
        )
        parser.add_argument(
            "--known-at",
            help="read the numbers as recorded by this instant "
            "(ISO 8601 with offset, e.g. 2024-08-01T00:00:00+02:00); default: now",
        )
        parser.add_argument(
            "--again",
            type=int,
            metavar="ID",
            help="make the kept report ID again (its county and school year must match)",
        )

    def handle(self, *args, **options):
        county = County.objects.filter(number=options["county"]).first()
        if county is None:
            raise CommandError(
                _("no county %(county)s in this database") % {"county": repr(options["county"])}
            )
        output = Path(options["output"])
        if not output.parent.is_dir():
            raise CommandError(
                _("--output %(path)s: the folder does not exist") % {"path": str(output)}
            )
        output_format = options["format"] or (
            "html" if output.suffix.lower() in (".html", ".htm") else "pdf"
        )
        known_at = parse_instant(options["known_at"], "--known-at") if options["known_at"] else None
        try:
            if options["again"] is not None:
                if known_at is not None:
                    raise CommandError(_("--again uses the kept report's instant: drop --known-at"))
                earlier = Report.objects.filter(
                    pk=options["again"],
                    county=county,
                    school_year=options["school_year"],
                    status=ReportStatus.DONE,
                ).first()
                if earlier is None:
                    raise CommandError(
                        _("no finished report %(id)s for county %(county)s and this school year")
                        % {"id": options["again"], "county": county.number}
                    )
                report = services.report_regenerate(
                    actor=None, report=earlier, output_format=output_format
                )
            else:
                report = services.report_make(
                    actor=None,
                    county=county,
                    school_year=options["school_year"],
                    known_at=known_at,
                    output_format=output_format,
                )
        except ValidationFailed as failed:
            raise CommandError(
                "; ".join(f"{p.field}: {p.reason}" for p in failed.problems)
            ) from None
        output.write_bytes(bytes(report.file))
        self.stdout.write(
            _(
                "Report %(id)s written to %(path)s (%(format)s, numbers as known at %(known)s, sha256 %(sha)s)"
            )
            % {
                "id": report.pk,
                "path": str(output),
                "format": report.format,
                "known": report.known_at.isoformat(),
                "sha": report.sha256,
            }
        )
