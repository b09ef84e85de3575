"""Norwegian typography for the annual report: numbers, shares and dates as a Norwegian reader
expects them (Språkrådet): a narrow no-break space between thousands ("2 113"), a decimal comma
("56,0 %", with a no-break space before the per cent sign), dates with the month in words
("15. november 2023"). A suppressed number (None) is printed as a dash."""

from datetime import date

THIN_NBSP = "\u202f"  # narrow no-break space: the thousands separator
NBSP = "\u00a0"
SUPPRESSED = "–"
MONTHS = (
    "januar",
    "februar",
    "mars",
    "april",
    "mai",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "desember",
)


def number(value: int | None) -> str:
    """2113 → "2 113" (narrow no-break space); 934 → "934"; None → "–"."""
    if value is None:
        return SUPPRESSED
    sign = "−" if value < 0 else ""
    return sign + f"{abs(value):,}".replace(",", THIN_NBSP)


def decimal(value: float | None, places: int = 1) -> str:
    """0.5 → "0,5"; 1234.5 → "1 234,5"; None → "–"."""
    if value is None:
        return SUPPRESSED
    whole, _dot, fraction = f"{abs(value):,.{places}f}".partition(".")
    text = whole.replace(",", THIN_NBSP) + ("," + fraction if fraction else "")
    return ("−" if value < 0 else "") + text


def percent(share: float | None, places: int = 0) -> str:
    """A fraction as a percentage: 0.56 → "56 %"; 0.5634 with places=1 → "56,3 %"."""
    if share is None:
        return SUPPRESSED
    return decimal(share * 100, places) + NBSP + "%"


def long_date(value: date) -> str:
    """date(2023, 11, 15) → "15. november 2023"."""
    return f"{value.day}. {MONTHS[value.month - 1]} {value.year}"


def school_year_text(school_year: int) -> str:
    """2023 → "2023/24"."""
    return f"{school_year}/{(school_year + 1) % 100:02d}"
