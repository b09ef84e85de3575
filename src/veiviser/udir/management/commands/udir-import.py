from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from veiviser.cli_options import read_file
from veiviser.udir import services


class Command(BaseCommand):
    help = (
        "Import Udir's published county table of Oppfølgingstjenesten (semicolon-separated CSV, "
        "see docs/statistics.md) as a new version. Every error is listed with its row and "
        "column, nothing is written, and the exit status is 1. The same file again changes "
        "nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the CSV file")

    def handle(self, *args, **options):
        path = Path(options["file"])
        data = read_file(path)
        try:
            table, created = services.table_import(actor=None, filename=path.name, data=data)
        except services.UdirImportFailed as failed:
            for error in failed.errors:
                self.stderr.write(f"{path}: {error}")
            raise CommandError(
                _("%(count)s error(s) in %(file)s; nothing was imported")
                % {"count": len(failed.errors), "file": path}
            ) from None
        text = (
            _("Imported %(file)s as version %(version)s (%(rows)s rows, sha256 %(checksum)s)")
            if created
            else _("%(file)s is already version %(version)s (sha256 %(checksum)s): nothing changed")
        )
        self.stdout.write(
            text
            % {
                "file": path,
                "version": table.version,
                "rows": table.rows,
                "checksum": table.sha256,
            }
        )
