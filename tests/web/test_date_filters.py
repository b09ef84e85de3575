"""`dmy` and `dmy_hm` (web/templatetags/veiviser_web.py) write what Django's `date:"j.n.Y"` and
`date:"j.n.Y H:i"` write, faster: dates, and datetimes in Oslo time across the clock changes."""

from datetime import UTC, date, datetime, timedelta

from django.template import engines

DATES = [
    date(2024, 9, 2),
    date(2025, 12, 31),
    date(2000, 1, 1),
    datetime(2024, 3, 31, 0, 59, tzinfo=UTC),  # 01:59 in Oslo, just before summer time
    datetime(2024, 3, 31, 1, 0, tzinfo=UTC),  # 03:00 in Oslo
    datetime(2024, 10, 26, 22, 30, tzinfo=UTC),  # the next day in Oslo
    datetime(2024, 12, 31, 23, 5, tzinfo=UTC),  # new year in Oslo
    datetime(2024, 9, 2, 10, 5),  # naive: as it is
    None,
    "",
]


def render(source: str, value) -> str:
    template = engines["django"].from_string("{% load veiviser_web %}" + source)
    return template.render({"value": value})


def test_dmy_writes_what_the_date_filter_writes():
    for value in DATES:
        assert render("{{ value|dmy }}", value) == render('{{ value|date:"j.n.Y" }}', value)


def test_dmy_hm_writes_what_the_date_filter_writes():
    values = [v for v in DATES if not isinstance(v, date) or isinstance(v, datetime)]
    values += [datetime(2024, 9, 2, 8, 0, tzinfo=UTC) + timedelta(minutes=m) for m in (0, 9, 61)]
    for value in values:
        assert render("{{ value|dmy_hm }}", value) == render('{{ value|date:"j.n.Y H:i" }}', value)
