"""The identity-number rules of `people.identity` (DOMAIN.md §2).

No number here is written out: every number is computed from an invented birth date with
stdnum's check-digit functions, so the suite never holds a real person's number.
"""

import datetime

import pytest
from django.utils import translation
from hypothesis import assume, given
from hypothesis import strategies as st
from stdnum.no.fodselsnummer import calc_check_digit1, calc_check_digit2

from veiviser.people import identity

# `today` for every parse: later than any birth date the strategies draw.
TODAY = datetime.date(2026, 1, 1)

synthetic_birth_dates = st.dates(datetime.date(2000, 1, 1), datetime.date(2025, 12, 31))
synthetic_individuals = st.integers(500, 999)
real_birth_dates = st.dates(datetime.date(1940, 1, 1), datetime.date(2025, 12, 31))


def with_check_digits(first_nine: str) -> str | None:
    """`first_nine` with its two mod-11 check digits, or None when none exist (remainder 10)."""
    k1 = calc_check_digit1(first_nine)
    if len(k1) != 1:
        return None
    k2 = calc_check_digit2(first_nine + k1)
    if len(k2) != 1:
        return None
    return first_nine + k1 + k2


def individual_for(birth_date: datetime.date, seed: int) -> int:
    """An individual number that stdnum reads as `birth_date`'s century (1900–2039)."""
    if birth_date.year >= 2000:
        return 500 + seed % 500
    return seed % 500


def real_style(birth_date: datetime.date, individual: int, *, day_offset: int = 0) -> str | None:
    """An ordinary (not synthetic) number for an invented birth date; day + 40 for a D-number."""
    first_nine = (
        f"{birth_date.day + day_offset:02d}{birth_date.month:02d}{birth_date.year % 100:02d}"
        f"{individual:03d}"
    )
    return with_check_digits(first_nine)


def synthetic(birth_date: datetime.date, start: int = 500) -> str:
    for individual in range(start, 1000):
        number = identity.synthetic_number(birth_date, individual)
        if number is not None:
            return number
    raise AssertionError(f"no synthetic number for {birth_date}")


# Synthetic test numbers (month + 80)


@given(birth_date=synthetic_birth_dates, individual=synthetic_individuals)
def test_synthetic_number_parses_back_to_its_birth_date(birth_date, individual):
    number = identity.synthetic_number(birth_date, individual)
    assume(number is not None)
    parsed = identity.parse(number, allow_synthetic=True, today=TODAY)
    assert parsed.birth_date == birth_date
    assert parsed.synthetic
    assert not parsed.d_number
    assert parsed.number == number


@given(birth_date=synthetic_birth_dates, individual=synthetic_individuals)
def test_synthetic_number_is_refused_where_only_real_numbers_are_allowed(birth_date, individual):
    number = identity.synthetic_number(birth_date, individual)
    assume(number is not None)
    with pytest.raises(identity.IdentityError, match="synthetic"):
        identity.parse(number, allow_synthetic=False, today=TODAY)


@given(birth_date=synthetic_birth_dates, individual=synthetic_individuals)
def test_synthetic_number_is_none_exactly_when_no_check_digit_exists(birth_date, individual):
    base = f"{birth_date.day:02d}{birth_date.month + 80:02d}{birth_date.year % 100:02d}"
    expected = with_check_digits(base + f"{individual:03d}")
    assert identity.synthetic_number(birth_date, individual) == expected


def test_synthetic_number_has_month_plus_80():
    number = synthetic(datetime.date(2007, 4, 9))
    assert number[2:4] == "84"


# Ordinary fødselsnummer and D-nummer


@given(birth_date=real_birth_dates, seed=st.integers(0, 10_000))
def test_real_style_number_is_accepted_whether_or_not_synthetic_numbers_are(birth_date, seed):
    number = real_style(birth_date, individual_for(birth_date, seed))
    assume(number is not None)
    for allow_synthetic in (True, False):
        parsed = identity.parse(number, allow_synthetic=allow_synthetic, today=TODAY)
        assert parsed.birth_date == birth_date
        assert not parsed.synthetic
        assert not parsed.d_number


@given(birth_date=real_birth_dates, seed=st.integers(0, 10_000))
def test_d_number_parses_with_its_birth_date(birth_date, seed):
    number = real_style(birth_date, individual_for(birth_date, seed), day_offset=40)
    assume(number is not None)
    parsed = identity.parse(number, allow_synthetic=False, today=TODAY)
    assert parsed.d_number
    assert parsed.birth_date == birth_date
    assert int(number[0]) == birth_date.day // 10 + 4


def test_separators_are_ignored_and_the_compact_number_is_kept():
    number = synthetic(datetime.date(2008, 10, 15))
    spaced = f"{number[:6]} {number[6:]}"
    assert identity.parse(spaced, allow_synthetic=True, today=TODAY).number == number


# Check digits: mod 11 with these weights catches every single-digit error, so changing any one
# digit of a valid number always gives an invalid one.


@given(
    birth_date=synthetic_birth_dates,
    individual=synthetic_individuals,
    position=st.integers(0, 10),
    shift=st.integers(1, 9),
)
def test_changing_any_single_digit_breaks_the_check_digits(birth_date, individual, position, shift):
    number = identity.synthetic_number(birth_date, individual)
    assume(number is not None)
    digit = str((int(number[position]) + shift) % 10)
    mistyped = number[:position] + digit + number[position + 1 :]
    with pytest.raises(identity.IdentityError, match="check digits"):
        identity.parse(mistyped, allow_synthetic=True, today=TODAY)


def test_the_reasons_are_in_bokmal_where_the_installation_speaks_it():
    number = identity.synthetic_number(datetime.date(2006, 3, 14), 500)
    mistyped = number[:-1] + str((int(number[-1]) + 1) % 10)
    with translation.override("nb"):
        with pytest.raises(identity.IdentityError, match=r"^har feil kontrollsiffer"):
            identity.parse(mistyped, allow_synthetic=True, today=TODAY)
        with pytest.raises(identity.IdentityError, match=r"^må ha 11 sifre$"):
            identity.parse("1234", allow_synthetic=True, today=TODAY)


@pytest.mark.parametrize("number", ["", "1234567890", "123456789012", "1234567890a", "abcdefghijk"])
def test_wrong_length_or_non_digits_are_refused(number):
    with pytest.raises(identity.IdentityError, match="11 digits"):
        identity.parse(number, allow_synthetic=True, today=TODAY)


# Numbers that are not a person's identity in the registry


@given(birth_date=real_birth_dates, seed=st.integers(0, 10_000))
def test_h_number_is_refused(birth_date, seed):
    individual = individual_for(birth_date, seed)
    first_nine = (
        f"{birth_date.day:02d}{birth_date.month + 40:02d}{birth_date.year % 100:02d}"
        f"{individual:03d}"
    )
    number = with_check_digits(first_nine)
    assume(number is not None)
    for allow_synthetic in (True, False):
        with pytest.raises(identity.IdentityError, match="H-number"):
            identity.parse(number, allow_synthetic=allow_synthetic, today=TODAY)


@given(first_nine=st.from_regex(r"\A[89][0-9]{8}\Z"))
def test_fh_number_is_refused(first_nine):
    number = with_check_digits(first_nine)
    assume(number is not None)
    for allow_synthetic in (True, False):
        with pytest.raises(identity.IdentityError, match="FH-number"):
            identity.parse(number, allow_synthetic=allow_synthetic, today=TODAY)


def test_impossible_birth_date_is_refused():
    number = with_check_digits("310406500")  # 31 April
    assert number is not None, "pick another individual number"
    with pytest.raises(identity.IdentityError, match="valid birth date"):
        identity.parse(number, allow_synthetic=False, today=TODAY)


def test_birth_date_in_the_future_is_refused():
    birth_date = datetime.date(2025, 6, 2)
    number = synthetic(birth_date)
    with pytest.raises(identity.IdentityError, match="future"):
        identity.parse(number, allow_synthetic=True, today=datetime.date(2025, 6, 1))


def test_birth_date_today_is_accepted():
    birth_date = datetime.date(2025, 6, 2)
    parsed = identity.parse(synthetic(birth_date), allow_synthetic=True, today=birth_date)
    assert parsed.birth_date == birth_date
