from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from veiviser.cli_options import parse_date, parse_instant
from veiviser.organisation.models import County
from veiviser.quality.services import KnownAtInFuture, submission_produce
from veiviser.statistics.tables import DateOutsideSchoolYear


class Command(BaseCommand):
    help = (
        "Produce the submission file for a counting date: semicolon CSV, one row per "
        "registration counted at the date (identity, reason, status, unit, county …), as known "
        "at --known-at (default: now). The same date and instant always give the same file, "
        "byte for byte. Every file produced is logged (date, instant, who, rows, SHA-256) and "
        "audited; the checksum is printed on standard error. See docs/quality.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("--county", required=True, help="two-digit county number, e.g. 39")
        parser.add_argument(
            "--date", required=True, help="the counting date, e.g. 2024-11-15 (YYYY-MM-DD)"
        )
        parser.add_argument(
            "--known-at",
            metavar="INSTANT",
            help="as known at this instant (ISO 8601 with offset, e.g. "
            "2024-11-20T00:00:00+01:00); default: now",
        )
        parser.add_argument("--output", help="write to this file instead of standard output")

    def handle(self, *args, **options):
        county = County.objects.filter(number=options["county"]).first()
        if county is None:
            raise CommandError(
                _("no county %(county)s in this database") % {"county": repr(options["county"])}
            )
        on = parse_date(options["date"])
        known_at = parse_instant(options["known_at"], "--known-at") if options["known_at"] else None
        try:
            produced, log = submission_produce(actor=None, county=county, on=on, known_at=known_at)
        except (DateOutsideSchoolYear, KnownAtInFuture, LookupError) as exc:
            raise CommandError(str(exc)) from None
        if options["output"]:
            Path(options["output"]).write_bytes(produced.content)
        else:
            self.stdout.write(produced.content.decode("utf-8"), ending="")
        self.stderr.write(
            _("%(rows)s rows, as known at %(known_at)s, SHA-256 %(sha256)s (log no. %(log)s)")
            % {
                "rows": produced.rows,
                "known_at": log.known_at.isoformat(),
                "sha256": produced.sha256,
                "log": log.pk,
            }
        )
