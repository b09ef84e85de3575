"""Options the operators' commands share: the county and school year, dates and instants.

One place for their wording and their errors, so `stats`, `reconcile` and `duties` read them
the same way.
"""

from datetime import date, datetime

from django.core.management.base import CommandError
from django.utils.translation import gettext as _


def add_county_and_school_year(parser) -> None:
    parser.add_argument("--county", required=True, help="two-digit county number, e.g. 39")
    parser.add_argument(
        "--school-year",
        required=True,
        type=int,
        help="the school year's start year: 2023 means 2023/24",
    )


def parse_date(text: str, option: str = "--date") -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(
            _("%(option)s %(value)s is not a date YYYY-MM-DD")
            % {"option": option, "value": repr(text)}
        ) from None


def parse_instant(text: str, option: str) -> datetime:
    """An instant with a UTC offset; a wall-clock time without one is ambiguous and refused."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        value = None
    if value is None or value.tzinfo is None:
        raise CommandError(
            _(
                "%(option)s %(value)s is not an instant with a UTC offset, "
                "e.g. 2024-06-20T00:00:00+02:00"
            )
            % {"option": option, "value": repr(text)}
        )
    return value


def read_file(path) -> bytes:
    """The bytes of an input file, or the command's error naming the file and why."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise CommandError(
            _("%(file)s: cannot be read (%(why)s)") % {"file": path, "why": exc.strerror}
        ) from None
