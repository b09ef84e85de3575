import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from veiviser.exchange.importer import ImportFailed, import_path
from veiviser.organisation.models import User


class Command(BaseCommand):
    help = (
        "Import a veiviser-exchange file (JSON Lines, see docs/exchange.md) into a county. "
        "The file is checked whole first: if any line breaks a rule, every error is listed "
        "with its line and field, nothing is written, and the command exits with status 1. "
        "Importing the same file again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .jsonl file to import")
        parser.add_argument(
            "--county", required=True, help="two-digit county number, e.g. 39 (must match the file)"
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="check the file and say what would change, without writing anything",
        )
        parser.add_argument(
            "--as",
            dest="username",
            help="the staff user the import is recorded for in the audit trail "
            "(default: the system)",
        )

    def handle(self, *args, **options):
        actor = None
        if options["username"]:
            actor = User.objects.filter(username=options["username"]).first()
            if actor is None:
                raise CommandError(
                    _("no staff user %(username)s") % {"username": repr(options["username"])}
                )
        try:
            result = import_path(
                options["file"],
                county=options["county"],
                actor=actor,
                progress=sys.stderr.isatty(),
                dry_run=options["dry_run"],
            )
        except FileNotFoundError as exc:
            raise CommandError(_("%(file)s: no such file") % {"file": options["file"]}) from exc
        except ImportFailed as failed:
            for warning in failed.warnings:
                self.stderr.write(_("%(warning)s (warning)") % {"warning": warning})
            for error in failed.errors:
                self.stderr.write(str(error))
            raise CommandError(
                _("%(count)s error(s) in %(file)s; nothing was imported")
                % {"count": len(failed.errors), "file": options["file"]}
            ) from None
        for warning in result.warnings:
            self.stderr.write(_("%(warning)s (warning)") % {"warning": warning})
        if result.dry_run:
            text = _("Dry run, nothing written: %(file)s (%(lines)s lines, sha256 %(checksum)s…)")
        else:
            text = _("Imported: %(file)s (%(lines)s lines, sha256 %(checksum)s…)")
        self.stdout.write(
            text
            % {"file": options["file"], "lines": result.lines, "checksum": result.checksum[:12]}
        )
        self.stdout.write(result.summary())
