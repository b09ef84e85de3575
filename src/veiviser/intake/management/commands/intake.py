from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from veiviser.cli_options import read_file
from veiviser.intake import services
from veiviser.intake.models import Action
from veiviser.organisation.models import County, User
from veiviser.problems import ValidationFailed


class Command(BaseCommand):
    help = (
        "Import an intake file from the admissions office (semicolon-separated CSV, UTF-8 or "
        "Windows-1252; columns named by the county's mapping, see docs/intake.md). Every row "
        "is planned first: created, updated, unchanged or rejected with its reason. The rows "
        "that can be applied are written in one transaction; rejected rows are listed and "
        "make the exit status 1. Importing the same file again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--county", required=True, help="two-digit county number, e.g. 39")
        parser.add_argument("--file", required=True, help="the CSV file")
        parser.add_argument(
            "--dry-run", action="store_true", help="show the plan without writing anything"
        )
        parser.add_argument(
            "--as",
            dest="username",
            help="the staff user the import is recorded for (default: the system)",
        )

    def handle(self, *args, **options):
        county = County.objects.filter(number=options["county"]).first()
        if county is None:
            raise CommandError(_("no county %(county)s") % {"county": repr(options["county"])})
        actor = None
        if options["username"]:
            actor = User.objects.filter(username=options["username"]).first()
            if actor is None:
                raise CommandError(
                    _("no staff user %(username)s") % {"username": repr(options["username"])}
                )
        path = Path(options["file"])
        data = read_file(path)
        try:
            run = services.intake_file(
                actor=actor,
                county=county,
                filename=path.name,
                data=data,
                dry_run=options["dry_run"],
            )
        except ValidationFailed as failed:
            for problem in failed.problems:
                self.stderr.write(f"{path}: {problem.field}: {problem.reason}")
            raise CommandError(_("%(file)s: nothing was imported") % {"file": path}) from None
        for row in run.plan:
            for problem in row["problems"]:
                self.stderr.write(
                    _("%(file)s: row %(row)s, column %(column)s: %(why)s")
                    % {
                        "file": path,
                        "row": row["row"],
                        "column": problem["column"],
                        "why": problem["reason"],
                    }
                )
        if earlier := services.earlier_imports(run).first():
            self.stdout.write(
                _("This file was imported before (%(when)s).")
                % {"when": earlier.applied_at.isoformat() if earlier.applied_at else "?"}
            )
        text = (
            _("Dry run, nothing written: %(file)s (sha256 %(checksum)s)")
            if options["dry_run"]
            else _("Imported: %(file)s (sha256 %(checksum)s)")
        )
        self.stdout.write(text % {"file": path, "checksum": run.sha256})
        counts = run.counts()
        self.stdout.write(
            _(
                "%(rows)s rows: %(create)s to create, %(update)s to update, "
                "%(unchanged)s unchanged, %(rejected)s rejected"
            )
            % counts
        )
        if counts[Action.REJECTED]:
            raise CommandError(_("%(count)s row(s) rejected") % {"count": counts[Action.REJECTED]})
