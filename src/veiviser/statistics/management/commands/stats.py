import json
from datetime import date, datetime

from django.core.management.base import BaseCommand, CommandError

from veiviser.codes.selectors import kodeverk
from veiviser.organisation.models import County
from veiviser.statistics.tables import DateOutsideSchoolYear, statistics_document


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--date {text!r} is not a date YYYY-MM-DD") from None


def _instant(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        value = None
    if value is None or value.tzinfo is None:
        raise CommandError(
            f"--known-at {text!r} is not an instant with a UTC offset, "
            "e.g. 2024-06-20T00:00:00+02:00"
        )
    return value


class Command(BaseCommand):
    help = (
        "Print Table 1 (registered youths by reason) and Table 2 (by status main group, target "
        "group) for a county and school year: at the school year's three counting dates, or at "
        "--date; as the data are known now, or as they were known at --known-at. "
        "The JSON is the documented contract of docs/statistics.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("--county", required=True, help="two-digit county number, e.g. 39")
        parser.add_argument(
            "--school-year",
            required=True,
            type=int,
            help="the school year's start year: 2023 means 2023/24",
        )
        parser.add_argument("--date", help="one date inside the school year (YYYY-MM-DD)")
        parser.add_argument(
            "--known-at",
            help="count only what had been recorded by this instant "
            "(ISO 8601 with offset, e.g. 2024-06-20T00:00:00+02:00)",
        )
        parser.add_argument("--format", choices=["json"], default="json", help="output format")

    def handle(self, *args, **options):
        if not County.objects.filter(number=options["county"]).exists():
            raise CommandError(f"no county {options['county']!r} in this database")
        on = _date(options["date"]) if options["date"] else None
        known_at = _instant(options["known_at"]) if options["known_at"] else None
        try:
            document = statistics_document(
                kodeverk(),
                county=options["county"],
                school_year=options["school_year"],
                on=on,
                known_at=known_at,
                known_at_text=options["known_at"],
            )
        except (DateOutsideSchoolYear, LookupError) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(json.dumps(document, ensure_ascii=False))
