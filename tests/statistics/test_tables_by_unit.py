"""Table 1 and Table 2 for one unit: the registrations of that unit, and the units' numbers
plus those of registrations without a unit add up to the county's."""

from datetime import UTC, datetime

import pytest

from tests.exchange.files import lines
from tests.statistics.test_tables import random_county
from veiviser.codes.selectors import kodeverk
from veiviser.exchange.importer import import_lines
from veiviser.registry.models import Registration
from veiviser.statistics.tables import tables_at

pytestmark = pytest.mark.django_db


def test_units_add_up_to_the_county(tonsberg, horten):
    records = random_county(7, 2023)
    units = ["u-tbg", "u-hor", None]
    registrations = [r for r in records if r["type"] == "registration"]
    for n, record in enumerate(registrations):
        if units[n % 3]:
            record["unit"] = units[n % 3]
    import_lines(lines(records), county="39", actor=None)
    assert Registration.objects.filter(unit__isnull=True).exists()
    kv = kodeverk()
    for known_at in (None, datetime(2024, 1, 10, tzinfo=UTC)):
        for on in kv.counting_dates_of(2023):
            county = tables_at(kv, county="39", school_year=2023, on=on, known_at=known_at)
            parts = [
                tables_at(kv, county="39", school_year=2023, on=on, known_at=known_at, unit_id=unit)
                for unit in (tonsberg.pk, horten.pk)
            ]
            without_unit = Registration.objects.filter(unit__isnull=True, registered_on__lte=on)
            if known_at is not None:
                without_unit = without_unit.filter(recorded_at__lte=known_at)
            assert (
                sum(p.table1["total"] for p in parts) + without_unit.count()
                == (county.table1["total"])
            )
            assert all(p.table1["total"] > 0 for p in parts)
            for table in ("table1", "table2"):
                for key, value in getattr(county, table).items():
                    assert sum(getattr(p, table)[key] for p in parts) <= value, (table, key)
