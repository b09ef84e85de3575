"""Norwegian identity numbers: fødselsnummer, D-nummer and synthetic test numbers.

The one place that decides whether an identity number is acceptable (DOMAIN.md §2). Check digits
are python-stdnum's (`stdnum.no.fodselsnummer`); when new numbers from 2032 get other check
digits, this module is what changes.

- fødselsnummer: DDMMYY + individual number (3) + two mod-11 check digits;
- D-nummer: the first digit + 4 (day 41–71);
- synthetic test number: the month + 80 (as Norwegian test-data services issue them), accepted
  only when the installation allows it (VEIVISER_ALLOW_SYNTHETIC_FNR), so that demo and test
  data can never be a real person and production never takes a test person for a real one.
H-numbers (month + 40) and FH-numbers (day ≥ 80) are health-service numbers, not identities of
a person in the registry, and are refused.
"""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _
from stdnum.exceptions import ValidationError
from stdnum.no import fodselsnummer
from stdnum.util import isdigits


class IdentityError(ValueError):
    """An identity number that cannot be accepted; the message says why in plain words, in the
    active language, as a predicate that follows the number ("12345678901 must be …")."""


@dataclass(frozen=True)
class Identity:
    number: str
    birth_date: datetime.date
    d_number: bool
    synthetic: bool


def parse(number: str, *, allow_synthetic: bool, today: datetime.date | None = None) -> Identity:
    """Validate `number` and return what it says; raise IdentityError with the reason."""
    compact = fodselsnummer.compact(number)
    if len(compact) != 11 or not isdigits(compact):
        raise IdentityError(_("must be 11 digits"))
    if compact[9] != fodselsnummer.calc_check_digit1(compact) or compact[
        10
    ] != fodselsnummer.calc_check_digit2(compact):
        raise IdentityError(_("check digits do not match (mistyped number?)"))
    day, month = int(compact[0:2]), int(compact[2:4])
    if day >= 80:
        raise IdentityError(_("is an FH-number (health service), not a personal identity number"))
    synthetic = month > 80
    if synthetic:
        if not allow_synthetic:
            raise IdentityError(
                _(
                    "is a synthetic test number (month + 80); this installation accepts real "
                    "numbers only"
                )
            )
        month -= 80
    elif month > 40:
        raise IdentityError(_("is an H-number (health service), not a personal identity number"))
    # stdnum works out the century from the individual number; give it the real month.
    normal = f"{compact[0:2]}{month:02d}{compact[4:]}"
    try:
        birth_date = fodselsnummer.get_birth_date(normal)
    except ValidationError as exc:
        raise IdentityError(_("does not contain a valid birth date")) from exc
    if birth_date > (today or datetime.date.today()):
        raise IdentityError(_("gives a birth date in the future"))
    return Identity(number=compact, birth_date=birth_date, d_number=day > 40, synthetic=synthetic)


def synthetic_number(birth_date: datetime.date, individual: int) -> str | None:
    """A synthetic test number (month + 80) for `birth_date`, or None when `individual`
    gives no valid check digit (mod 11 = 10); callers try the next individual number.

    `individual` must fit the birth year's century (500–999 for 2000–2039, as stdnum reads it).
    """
    base = f"{birth_date.day:02d}{birth_date.month + 80:02d}{birth_date.year % 100:02d}"
    base += f"{individual:03d}"
    k1 = fodselsnummer.calc_check_digit1(base)
    if len(k1) != 1:
        return None
    k2 = fodselsnummer.calc_check_digit2(base + k1)
    if len(k2) != 1:
        return None
    return base + k1 + k2
