from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from veiviser.letters.yearend import yearend_plan, yearend_run
from veiviser.organisation.models import County


class Command(BaseCommand):
    help = (
        "Year end (DOMAIN.md §3): carry the youths still in the target group on 31 July over "
        "to the next school year (registered 1 August, same reason group); everyone else's "
        "registration ends. --preview prints what would happen and changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--county", required=True, help="two-digit county number, e.g. 39")
        parser.add_argument(
            "--school-year", required=True, type=int, help="the ending school year: 2024 = 2024/25"
        )
        parser.add_argument("--preview", action="store_true", help="change nothing")

    def handle(self, *args, **options):
        county = County.objects.filter(number=options["county"]).first()
        if county is None:
            raise CommandError(
                _("no county %(county)s in this database") % {"county": repr(options["county"])}
            )
        year = options["school_year"]
        preview = options["preview"]
        if not preview and timezone.localdate().isoformat() < f"{year + 1}-06-01":
            raise CommandError(
                _("the school year %(year)s ends on 31 July %(end)s: run it from 1 June on")
                % {"year": f"{year}/{(year + 1) % 100:02d}", "end": year + 1}
            )
        if preview:
            plan = yearend_plan(county=county, school_year=year)
        else:
            plan = yearend_run(actor=None, county=county, school_year=year)
        verb = _("Would carry over") if preview else _("Carried over")
        self.stdout.write(
            f"{verb} ({len(plan.carry_over)}) {year}/{(year + 1) % 100:02d} → "
            f"{year + 1}/{(year + 2) % 100:02d}:"
        )
        for line in plan.carry_over:
            self.stdout.write(f"  + {line.name} [{line.unit}] {line.reason} {line.status}")
        self.stdout.write(
            (_("Would end") if preview else _("Ended"))
            + f" ({len(plan.close)}): "
            + _("not in the target group on 31 July")
        )
        for line in plan.close:
            self.stdout.write(f"  - {line.name} [{line.unit}] {line.reason} {line.status}")
        self.stdout.write(
            _("Already registered in the next school year: %(n)s")
            % {"n": len(plan.already_next_year)}
        )
        if not preview and not plan.carry_over:
            self.stdout.write(_("Nothing to do: nothing was changed."))
