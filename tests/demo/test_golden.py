"""The demo county's numbers, pinned: the same on SQLite and PostgreSQL (CI runs both), the
same after export and import into an empty database, and reproducible as known at an instant.

If the generator changes on purpose, regenerate the pinned file:
    VEIVISER_REGENERATE_GOLDEN=1 make test PYTEST_ARGS=tests/demo/test_golden.py
"""

import json
import os
from datetime import datetime
from pathlib import Path

import pytest

from veiviser.codes.selectors import kodeverk
from veiviser.demo import generator
from veiviser.exchange.exporter import export_lines
from veiviser.exchange.importer import import_lines
from veiviser.organisation.models import County, Municipality, Unit
from veiviser.people.models import Person
from veiviser.registry.models import ReasonFact, Registration, StatusFact
from veiviser.statistics.tables import statistics_document

GOLDEN = Path(__file__).with_name("golden_stats.json")
KNOWN_AT = "2024-02-20T12:00:00+01:00"


def all_statistics() -> dict:
    kv = kodeverk()
    out = {}
    for year in generator.SCHOOL_YEARS:
        out[str(year)] = statistics_document(kv, county="39", school_year=year)
    out[f"2023 known at {KNOWN_AT}"] = statistics_document(
        kv,
        county="39",
        school_year=2023,
        known_at=datetime.fromisoformat(KNOWN_AT),
        known_at_text=KNOWN_AT,
    )
    return out


@pytest.mark.django_db
def test_demo_numbers_are_pinned_and_survive_an_export_import_round_trip():
    import_lines(generator.generate(generator.DEFAULT_SEED), county="39", actor=None)
    numbers = all_statistics()
    if os.environ.get("VEIVISER_REGENERATE_GOLDEN") == "1":
        GOLDEN.write_text(json.dumps(numbers, indent=1, ensure_ascii=False) + "\n")
    assert numbers == json.loads(GOLDEN.read_text())

    exported = list(export_lines(County.objects.get(number="39")))
    StatusFact.objects.all().purge()
    ReasonFact.objects.all().purge()
    for model in (Registration, Person, Municipality, Unit, County):
        model.objects.all().delete()
    import_lines(exported, county="39", actor=None)
    assert all_statistics() == numbers
