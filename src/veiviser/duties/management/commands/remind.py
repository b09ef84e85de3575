from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from veiviser.cli_options import parse_date
from veiviser.codes.selectors import kodeverk
from veiviser.duties.services import reminders_send
from veiviser.organisation.models import County


class Command(BaseCommand):
    help = (
        "Send each advisor a digest e-mail of their overdue duties (docs/duties.md), for one "
        "county or all. Meant for a daily cron job; --dry-run lists the digests and sends "
        "nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--county", help="two-digit county number, e.g. 39 (default: all)")
        parser.add_argument("--date", help="the date the duties are overdue at (YYYY-MM-DD)")
        parser.add_argument(
            "--dry-run", action="store_true", help="list the digests, send and log nothing"
        )

    def handle(self, *args, **options):
        county = None
        if options["county"]:
            county = County.objects.filter(number=options["county"]).first()
            if county is None:
                raise CommandError(
                    _("no county %(county)s in this database") % {"county": repr(options["county"])}
                )
        on = parse_date(options["date"]) if options["date"] else timezone.localdate()
        reminders = reminders_send(kodeverk(), on=on, county=county, dry_run=options["dry_run"])
        for reminder in reminders:
            if reminder.skipped:
                state = _("skipped: no e-mail address")
            elif reminder.sent:
                state = _("sent")
            else:
                state = _("not sent (dry run)")
            self.stdout.write(
                _("%(advisor)s: %(count)d overdue, %(state)s")
                % {
                    "advisor": reminder.advisor.get_username(),
                    "count": reminder.count,
                    "state": state,
                }
            )
        sent = sum(1 for r in reminders if r.sent)
        self.stdout.write(
            _("%(sent)d of %(digests)d digests sent, on %(date)s.")
            % {"sent": sent, "digests": len(reminders), "date": on.isoformat()}
        )
