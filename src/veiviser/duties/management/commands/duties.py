import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from veiviser.cli_options import add_county_and_school_year, parse_date
from veiviser.codes.selectors import kodeverk, school_year_bounds, school_year_label
from veiviser.duties import engine
from veiviser.duties.selectors import county_figures
from veiviser.organisation.models import County


def _share(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.1f} %"


class Command(BaseCommand):
    help = (
        "Print the county's duty figures for the annual report (docs/duties.md): the share of "
        "youths contacted within the deadline, plans made and information letters sent, and "
        "every duty kind met on time, met late, overdue or not yet due, at --date (default: "
        "today, or the end of the school year once it is over)."
    )

    def add_arguments(self, parser):
        add_county_and_school_year(parser)
        parser.add_argument("--date", help="the date to count at (YYYY-MM-DD)")
        parser.add_argument(
            "--format",
            choices=["text", "json"],
            default="text",
            help="text (a readable summary) or json (the figures as documented)",
        )

    def handle(self, *args, **options):
        county = County.objects.filter(number=options["county"]).first()
        if county is None:
            raise CommandError(
                _("no county %(county)s in this database") % {"county": repr(options["county"])}
            )
        school_year = options["school_year"]
        on = parse_date(options["date"]) if options["date"] else None
        start, end = school_year_bounds(school_year)
        if on is not None and not start <= on <= end:
            raise CommandError(
                _("--date %(date)s is outside the school year %(year)s")
                % {"date": on.isoformat(), "year": school_year_label(school_year)}
            )
        figures = county_figures(kodeverk(), county, school_year=school_year, on=on)
        if options["format"] == "json":
            self.stdout.write(json.dumps(figures, indent=2, ensure_ascii=False))
            return
        self.stdout.write(self._text(county, figures))

    def _text(self, county: County, figures: dict) -> str:
        contacted = figures["contacted_within_deadline"]
        lines = [
            _("Duties in %(county)s, school year %(year)s, at %(date)s")
            % {
                "county": county,
                "year": school_year_label(figures["school_year"]),
                "date": figures["date"],
            },
            _("Registrations: %(n)d, with duties: %(with)d")
            % {"n": figures["registrations"], "with": figures["with_duties"]},
            _("Contacted within the deadline: %(youths)d of %(of)d (%(share)s)")
            % {
                "youths": contacted["youths"],
                "of": contacted["of"],
                "share": _share(contacted["share"]),
            },
            "",
            "\t".join(
                [
                    _("duty"),
                    _("duties"),
                    _("met on time"),
                    _("met late"),
                    _("overdue"),
                    _("not yet due"),
                    _("share on time"),
                ]
            ),
        ]
        for kind in engine.Kind:
            row = figures["duties"][kind.value]
            lines.append(
                "\t".join(
                    [
                        kind.value,
                        str(row["duties"]),
                        str(row["met_on_time"]),
                        str(row["met_late"]),
                        str(row["overdue"]),
                        str(row["not_yet_due"]),
                        _share(row["share_on_time"]),
                    ]
                )
            )
        if figures["not_computed"]:
            lines.append("")
            lines.append(
                _("Not computed yet: %(duties)s") % {"duties": ", ".join(figures["not_computed"])}
            )
        return "\n".join(lines) + "\n"
