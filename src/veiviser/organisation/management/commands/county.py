from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from veiviser.cli_options import parse_date
from veiviser.organisation import reorganise
from veiviser.organisation.models import County, Unit


class Command(BaseCommand):
    help = (
        "County split and merge. `county split --from 38 --to 40 --name Telemark --units "
        "u-gren,u-vest --on 2024-01-01` moves those units, their municipalities, staff and "
        "youths (with their whole history) to county 40; `county merge --from 40 --into 39 "
        "--on …` moves all units. Without --apply it only shows what would move. Tables "
        "published before stay reproducible under the old county (docs/operations.md)."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        split = sub.add_parser("split", help="move some units to another (new) county")
        split.add_argument("--from", dest="source", required=True, help="county number, e.g. 38")
        split.add_argument("--to", dest="target", required=True, help="county number, e.g. 40")
        split.add_argument("--name", default="", help="the new county's name")
        split.add_argument("--units", required=True, help="unit keys, comma-separated")
        merge = sub.add_parser("merge", help="move every unit into another county")
        merge.add_argument("--from", dest="source", required=True, help="county number")
        merge.add_argument("--into", dest="target", required=True, help="county number")
        merge.add_argument("--name", default="", help="the county's name, if it is new")
        for p in (split, merge):
            p.add_argument("--on", required=True, help="the date of the change (YYYY-MM-DD)")
            p.add_argument("--apply", action="store_true", help="do it (default: preview)")

    def handle(self, *args, **options):
        source = County.objects.filter(number=options["source"]).first()
        if source is None:
            raise CommandError(_("no county %(county)s") % {"county": options["source"]})
        if options["action"] == "split":
            keys = [k.strip() for k in options["units"].split(",") if k.strip()]
            units = list(Unit.objects.filter(county=source, key__in=keys))
            missing = sorted(set(keys) - {u.key for u in units})
            if missing:
                raise CommandError(
                    _("no unit %(units)s in county %(county)s")
                    % {"units": ", ".join(missing), "county": source.number}
                )
        else:
            units = list(Unit.objects.filter(county=source))
        plan = reorganise.plan(
            source=source,
            target_number=options["target"],
            target_name=options["name"],
            units=units,
            on=parse_date(options["on"], "--on"),
        )
        for label, count in sorted(plan.counts.items()):
            self.stdout.write(f"{label}\t{count}")
        if plan.problems:
            raise CommandError("\n".join(plan.problems))
        if not options["apply"]:
            self.stdout.write(_("preview: nothing changed (add --apply)"))
            return
        target = reorganise.apply(actor=None, plan=plan)
        self.stdout.write(
            _("moved to county %(county)s") % {"county": f"{target.number} {target.name}"}
        )
