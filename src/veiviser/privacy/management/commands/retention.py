from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from veiviser.cli_options import parse_date
from veiviser.organisation.models import County
from veiviser.privacy import archive, services
from veiviser.problems import ValidationFailed


class Command(BaseCommand):
    help = (
        "Retention (GDPR storage limitation): list the persons whose identifying data is due "
        "for anonymisation (the county's retention years after their last school year) and "
        "whether a Noark 5 archive extract holds their closed case, or with --apply anonymise "
        "those it holds (arkivlova: archive before anything is removed). --extract-to DIR makes "
        "the missing extract first. docs/privacy.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("--county", required=True, help="two-digit county number, e.g. 39")
        parser.add_argument("--date", help="as of this date (YYYY-MM-DD); default today")
        parser.add_argument("--apply", action="store_true", help="anonymise (default: list)")
        parser.add_argument(
            "--extract-to",
            metavar="DIR",
            help="with --apply: first write the archive extract of the due cases that lack "
            "one to DIR/avleveringspakke (veiviser archive-extract)",
        )
        parser.add_argument(
            "--validate-with",
            metavar="DIR",
            default=settings.NOARK5_SCHEMA_DIR or None,
            help="the official Noark 5 schemas for that extract (default "
            "VEIVISER_NOARK5_SCHEMA_DIR)",
        )

    def handle(self, *args, **options):
        county = County.objects.filter(number=options["county"]).first()
        if county is None:
            raise CommandError(_("no county %(county)s") % options)
        today = parse_date(options["date"]) if options["date"] else timezone.localdate()
        candidates = services.retention_candidates(county, today=today)
        states = {c.person.pk: archive.extract_state(c.person) for c in candidates}
        labels = {
            "extracted": _("archived"),
            "changed": _("changed since the extract"),
            "missing": _("not archived"),
        }
        for c in candidates:
            self.stdout.write(
                f"{c.person.key}\t{c.last_school_year}/{(c.last_school_year + 1) % 100:02d}"
                f"\t{c.closed_on.isoformat()}\t{c.due_on.isoformat()}"
                f"\t{labels[states[c.person.pk]]}"
            )
        ready = sum(1 for s in states.values() if s == "extracted")
        if not options["apply"]:
            self.stdout.write(
                _(
                    "%(n)s persons due for anonymisation, %(ready)s of them in an archive "
                    "extract (dry run: nothing changed)"
                )
                % {"n": len(candidates), "ready": ready}
            )
            return
        try:
            run = services.retention_run(
                actor=None,
                county=county,
                today=today,
                extract_to=options["extract_to"],
                schema_dir=options["validate_with"] if options["extract_to"] else None,
            )
        except (ValidationFailed, archive.SchemaError, archive.ExtractInvalid) as exc:
            raise CommandError(str(exc)) from None
        if run.extract is not None:
            self.stdout.write(
                _("Archive extract written to %(path)s (SHA-256 %(checksum)s)")
                % {"path": run.extract.location, "checksum": run.extract.checksum}
            )
        self.stdout.write(_("%(n)s persons anonymised") % {"n": len(run.anonymised)})
        if run.not_extracted:
            self.stdout.write(
                _(
                    "%(n)s persons left as they are: no archive extract holds their case as it "
                    "stands (veiviser archive-extract, or --extract-to)"
                )
                % {"n": len(run.not_extracted)}
            )
