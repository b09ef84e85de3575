"""Export followed by import into an empty database reproduces every record (EXCHANGE.md §4)."""

import json
from datetime import date, datetime, timedelta

import pytest
from django.core.management import call_command

from tests.exchange.files import base_records, lines
from veiviser.codes.selectors import kodeverk
from veiviser.exchange.exporter import export_lines
from veiviser.exchange.importer import import_lines
from veiviser.organisation.models import County, Municipality, Unit
from veiviser.people.models import Person
from veiviser.registry.models import ReasonFact, Registration, StatusFact
from veiviser.registry.selectors import registration_state

pytestmark = pytest.mark.django_db


def correction_records() -> list[dict]:
    """Corrections and late recordings: the readings depend on `known_at`."""
    return [
        {
            "type": "status",
            "id": "s-1-corr",
            "registration": "r-1",
            "code": "OTAP",
            "valid_from": "2023-09-01",
            "recorded_at": "2023-12-01T10:00:00+01:00",
        },
        {
            "type": "status",
            "id": "s-late",
            "registration": "r-2",
            "code": "OTNO",
            "valid_from": "2024-01-10",
            "recorded_at": "2024-06-20T10:00:00+02:00",
        },
    ]


def records_of(text_lines) -> set[str]:
    """The records as canonical JSON, without the header's exported_at."""
    out = set()
    for text in text_lines:
        record = json.loads(text)
        record.pop("exported_at", None)
        out.add(json.dumps(record, sort_keys=True, ensure_ascii=False))
    return out


def wipe():
    """Empty the database between export and import (facts only go through `purge`)."""
    StatusFact.objects.all().purge()
    ReasonFact.objects.all().purge()
    for model in (Registration, Person, Municipality, Unit, County):
        model.objects.all().delete()


def readings() -> dict:
    kv = kodeverk()
    instants = [None] + [
        datetime.fromisoformat(t)
        for t in (
            "2023-09-02T10:00:00+02:00",
            "2024-01-01T00:00:00+01:00",
            "2024-06-20T10:00:00+02:00",
        )
    ]
    days = [date(2023, 8, 1) + timedelta(days=n) for n in range(0, 366, 7)]
    registrations = Registration.objects.prefetch_related(
        "reason_facts", "status_facts"
    ).select_related("person")
    return {
        (r.key, d, k): registration_state(kv, r, d, k)
        for r in registrations
        for d in days
        for k in instants
    }


def test_export_then_import_into_an_empty_database_reproduces_every_record():
    import_lines(lines(base_records() + correction_records()), county="39", actor=None)
    county = County.objects.get(number="39")
    first = list(export_lines(county))
    before = readings()
    wipe()
    import_lines(first, county="39", actor=None)
    second = list(export_lines(County.objects.get(number="39")))
    assert records_of(second) == records_of(first)
    assert readings() == before


def test_export_writes_every_input_record_back():
    given = base_records() + correction_records()
    import_lines(lines(given), county="39", actor=None)
    exported = list(export_lines(County.objects.get(number="39")))

    # The exporter writes instants in Norwegian local time: the same instants as the input's.
    def canonical(record):
        record = dict(record)
        for name in ("recorded_at", "exported_at"):
            if name in record:
                record[name] = datetime.fromisoformat(record[name]).timestamp()
        record.pop("exported_at", None)
        return json.dumps(record, sort_keys=True, ensure_ascii=False)

    assert {canonical(json.loads(t)) for t in exported} == {canonical(r) for r in given}


def test_export_command_writes_a_file_that_imports_again(tmp_path):
    import_lines(lines(base_records()), county="39", actor=None)
    target = tmp_path / "export.jsonl"
    call_command("export", "--county", "39", "--output", str(target))
    assert not list(tmp_path.glob("*.partial"))
    wipe()
    call_command("import", str(target), "--county", "39")
    assert Registration.objects.count() == 2
