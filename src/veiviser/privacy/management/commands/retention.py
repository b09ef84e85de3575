from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from veiviser.cli_options import parse_date
from veiviser.organisation.models import County
from veiviser.privacy import services


class Command(BaseCommand):
    help = (
        "Retention (GDPR storage limitation): list the persons whose identifying data is due "
        "for anonymisation (the county's retention years after their last school year), or "
        "with --apply anonymise them. --apply needs --confirm-archived: the county's archive "
        "extract of the closed cases must be taken first (arkivlova). docs/privacy.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("--county", required=True, help="two-digit county number, e.g. 39")
        parser.add_argument("--date", help="as of this date (YYYY-MM-DD); default today")
        parser.add_argument("--apply", action="store_true", help="anonymise (default: list)")
        parser.add_argument(
            "--confirm-archived",
            action="store_true",
            help="state that the archive extract of these cases has been taken",
        )

    def handle(self, *args, **options):
        county = County.objects.filter(number=options["county"]).first()
        if county is None:
            raise CommandError(_("no county %(county)s") % options)
        today = parse_date(options["date"]) if options["date"] else timezone.localdate()
        candidates = services.retention_candidates(county, today=today)
        for c in candidates:
            self.stdout.write(
                f"{c.person.key}\t{c.last_school_year}/{(c.last_school_year + 1) % 100:02d}"
                f"\t{c.closed_on.isoformat()}\t{c.due_on.isoformat()}"
            )
        if not options["apply"]:
            self.stdout.write(
                _("%(n)s persons due for anonymisation (dry run: nothing changed)")
                % {"n": len(candidates)}
            )
            return
        if not options["confirm_archived"]:
            raise CommandError(
                _("--apply needs --confirm-archived: take the archive extract first")
            )
        done = services.retention_run(actor=None, county=county, today=today, confirm_archived=True)
        self.stdout.write(_("%(n)s persons anonymised") % {"n": len(done)})
