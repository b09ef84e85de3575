"""Checks on a young person's data, shared by the services and the importers."""

from datetime import date

from django.conf import settings
from django.utils.translation import gettext as _

from veiviser.people import identity
from veiviser.problems import Problem


def check_person(*, fnr: str | None, birth_date: date) -> list[Problem]:
    """The identity number must be acceptable and agree with the birth date (DOMAIN.md §2)."""
    problems: list[Problem] = []
    if fnr:
        try:
            ident = identity.parse(fnr, allow_synthetic=settings.ALLOW_SYNTHETIC_FNR)
        except identity.IdentityError as exc:
            # The reason is a predicate that follows the number, in English and in bokmål.
            problems.append(Problem("fnr", f"{fnr} {exc}"))
        else:
            if ident.birth_date != birth_date:
                problems.append(
                    Problem(
                        "birth_date",
                        _(
                            "%(birth_date)s does not agree with the identity number, "
                            "which gives %(given)s"
                        )
                        % {
                            "birth_date": birth_date.isoformat(),
                            "given": ident.birth_date.isoformat(),
                        },
                    )
                )
    return problems


def is_minor(birth_date: date, on: date) -> bool:
    """Under 18 on the day, by exact age: guardians' rights and signatures follow the legal
    age, not the calendar-year age of the statistics (DOMAIN.md §5)."""
    try:
        eighteenth = birth_date.replace(year=birth_date.year + 18)
    except ValueError:  # born 29 February
        eighteenth = date(birth_date.year + 18, 3, 1)
    return on < eighteenth
