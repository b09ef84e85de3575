"""The benchmark's national dataset (benchmarks/national.py, docs/performance.md) stays a valid
exchange file: a tiny scale imports without error. No timing here; `make bench` measures."""

from collections import Counter

import pytest

from benchmarks import national
from veiviser.codes.selectors import kodeverk
from veiviser.exchange.importer import import_lines
from veiviser.registry.models import Registration, StatusFact
from veiviser.statistics.tables import statistics_document

COUNTIES = ("03", "56")
YEAR = 2015  # before OTVF existed: the generator must record OTEV instead


def tiny(county: str) -> list[dict]:
    return national.county_records(county, school_years=(YEAR,), per_county_year=50, seed=7)


def test_the_same_seed_gives_the_same_records():
    assert tiny("03") == tiny("03")
    assert tiny("03") != tiny("56")


@pytest.mark.django_db
def test_a_tiny_national_dataset_imports_and_counts():
    kv = kodeverk()
    for county in COUNTIES:
        records = tiny(county)
        expected = Counter(r["type"] for r in records)
        assert records[0]["type"] == "header" and records[0]["county"] == county
        assert 30 <= expected["registration"] <= 80

        result = import_lines(national.lines(records), county=county, actor=None)

        assert result.created["registration"] == expected["registration"]
        assert result.created["status"] == expected["status"]
        registrations = Registration.objects.filter(county__number=county)
        assert set(registrations.values_list("school_year", flat=True)) == {YEAR}
        codes = set(StatusFact.objects.filter(county__number=county).values_list("code", flat=True))
        assert all(kv.status_main_group(code, YEAR) is not None for code in codes)
        document = statistics_document(kv, county=county, school_year=YEAR)
        june = document["counting_dates"][-1]
        assert 0 < june["table1"]["total"] <= expected["registration"]
