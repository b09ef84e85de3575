"""Export followed by import changes no number: every table and every report of the engine, at
the counting dates and as known at several instants, is the same before and after (issue 4,
"export/import must not change any number")."""

from datetime import datetime

import pytest

from tests.exchange.files import lines
from tests.exchange.test_roundtrip import wipe
from tests.statistics.test_counts import three_years
from veiviser.codes.selectors import kodeverk
from veiviser.exchange.exporter import export_lines
from veiviser.exchange.importer import import_lines
from veiviser.organisation.models import County
from veiviser.statistics.counts import REPORTS, report_document
from veiviser.statistics.programmes import NOT_BITEMPORAL
from veiviser.statistics.tables import statistics_document

pytestmark = pytest.mark.django_db

INSTANTS = [
    None,
    "2023-11-20T00:00:00+01:00",
    "2024-02-16T00:00:00+01:00",
    "2024-06-20T00:00+02:00",
]


def numbers() -> dict:
    kv = kodeverk()
    out = {}
    for text in INSTANTS:
        known_at = datetime.fromisoformat(text) if text else None
        for year in (2022, 2023):
            out[("tables", year, text)] = statistics_document(
                kv, county="39", school_year=year, known_at=known_at
            )
            for report in REPORTS:
                if report in NOT_BITEMPORAL:
                    continue
                out[(report, year, text)] = report_document(
                    kv, report=report, county="39", school_year=year, known_at=known_at
                )
    return out


def test_export_then_import_changes_no_number():
    import_lines(lines(three_years(21, 2023, persons=40)), county="39", actor=None)
    before = numbers()
    assert before[("tables", 2023, None)]["counting_dates"][0]["table1"]["total"] > 0
    exported = list(export_lines(County.objects.get(number="39")))
    wipe()
    import_lines(exported, county="39", actor=None)
    assert numbers() == before
