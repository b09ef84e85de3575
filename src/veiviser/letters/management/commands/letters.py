from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from tqdm import tqdm

from veiviser.letters import services
from veiviser.organisation.models import County, Unit


class Command(BaseCommand):
    help = (
        "Letters. `letters batch --county 39 --since 2025-08-18` makes the information letters "
        "due (DOMAIN.md §6 duty 2) for new registrations without one: to the youth and to the "
        "guardians of minors (unless blocked). In the foreground with a progress bar, or with "
        "--background queued for `veiviser db_worker`."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        batch = sub.add_parser("batch", help="information letters for new registrations")
        batch.add_argument("--county", required=True, help="two-digit county number, e.g. 39")
        batch.add_argument("--unit", help="only this unit (its key)")
        batch.add_argument(
            "--since",
            type=date.fromisoformat,
            help="registered on or after this date (YYYY-MM-DD); default: 7 days ago",
        )
        batch.add_argument(
            "--background", action="store_true", help="queue it for the worker instead"
        )

    def handle(self, *args, **options):
        county = County.objects.filter(number=options["county"]).first()
        if county is None:
            raise CommandError(
                _("no county %(county)s in this database") % {"county": repr(options["county"])}
            )
        unit = None
        if options.get("unit"):
            unit = Unit.objects.filter(county=county, key=options["unit"]).first()
            if unit is None:
                raise CommandError(_("no unit %(unit)s") % {"unit": repr(options["unit"])})
        since = options.get("since") or timezone.localdate() - timedelta(days=7)
        if options["background"]:
            batch = services.batch_start(actor=None, county=county, since=since, unit=unit)
            self.stdout.write(
                _("Queued letter batch %(id)s: `veiviser db_worker` runs it.") % {"id": batch.pk}
            )
            return
        bar = tqdm(total=0, unit=_("letters"), disable=options["verbosity"] == 0)

        def progress(made, refused, total):
            bar.total = total
            bar.n = made + refused
            bar.refresh()

        result = services.letters_batch(
            actor=None, county=county, since=since, unit=unit, progress=progress
        )
        bar.close()
        self.stdout.write(
            _("%(created)s letters made, %(refused)s refused, since %(since)s.")
            % {**result, "since": since.isoformat()}
        )
