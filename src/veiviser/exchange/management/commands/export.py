import os
import sys
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from veiviser.audit import services as audit
from veiviser.exchange.exporter import export_lines
from veiviser.organisation.models import County


class Command(BaseCommand):
    help = (
        "Export everything a county holds as a veiviser-exchange file (JSON Lines, see "
        "docs/exchange.md): units, persons, registrations, reason and status facts with their "
        "original recording times. Importing the file into an empty database reproduces them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--county", required=True, help="two-digit county number, e.g. 39")
        parser.add_argument(
            "--output", required=True, help="the file to write (.jsonl), or - for standard output"
        )
        parser.add_argument(
            "--format-version",
            type=int,
            choices=(1, 2),
            default=1,
            help="1 (default): the records of EXCHANGE.md; 2: also measures, enrolments, "
            "placements, follow-ups and autumn outcomes (docs/exchange.md)",
        )

    def handle(self, *args, **options):
        county = County.objects.filter(number=options["county"]).first()
        if county is None:
            raise CommandError(
                _("no county %(county)s in this database") % {"county": repr(options["county"])}
            )
        output = options["output"]
        self.version = options["format_version"]
        # One read transaction: the export is a consistent snapshot even while others write.
        with transaction.atomic():
            if output == "-":
                try:
                    count = self._write(county, sys.stdout)
                    sys.stdout.flush()
                except BrokenPipeError:
                    # The reader stopped early (`| head`): not an error of the export.
                    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
                    return
            else:
                target = Path(output)
                # Write beside the target and rename: a failed export never leaves half a file.
                fd, tmp = tempfile.mkstemp(dir=target.parent or ".", suffix=".partial")
                try:
                    with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
                        count = self._write(county, fh)
                    os.replace(tmp, target)
                except BaseException:
                    Path(tmp).unlink(missing_ok=True)
                    raise
            audit.log(
                None,
                "exchange.export.completed",
                county=county.number,
                data={"output": output, "lines": count, "version": self.version},
            )
        if output != "-":
            self.stdout.write(
                _("Exported county %(county)s to %(output)s (%(lines)s lines)")
                % {"county": county, "output": output, "lines": count}
            )

    def _write(self, county, fh) -> int:
        count = 0
        for line in export_lines(county, version=self.version):
            fh.write(line)
            count += 1
        return count
