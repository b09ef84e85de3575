"""Version 2 of the exchange format with the measures' record types (docs/exchange.md):
a round trip, idempotent re-import, version 1 unchanged, and errors that write nothing."""

import json
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from veiviser.exchange.exporter import export_lines
from veiviser.exchange.importer import ImportFailed, import_lines
from veiviser.measures import services
from veiviser.measures.models import Enrolment, FollowUp, Measure, Placement
from veiviser.organisation.models import County

pytestmark = pytest.mark.django_db

EXPORTED_AT = None
TYPES = ("measure", "enrolment", "placement", "follow_up", "autumn_outcome")


@pytest.fixture
def recorded(registration, measure, advisor, vestfold):
    enrolment = services.enrolment_create(
        actor=advisor, registration=registration, measure=measure, starts_on=date(2024, 9, 10)
    )
    services.enrolment_confirm_status(actor=advisor, enrolment=enrolment)
    placement = services.placement_create(
        actor=advisor,
        registration=registration,
        enrolment=enrolment,
        employer_orgnr="974760673",
        employer_name="Bakeri AS",
        contact_person="Kari",
        starts_on=date(2024, 10, 1),
        hours_per_week=Decimal("18.5"),
    )
    services.follow_up_record(
        actor=advisor, placement=placement, on=date(2024, 10, 10), party="youth", note="Bra"
    )
    services.autumn_outcome_record(
        actor=advisor, registration=registration, place="work", observed_on=date(2025, 9, 1)
    )
    return vestfold


def records(county, version=2):
    return [json.loads(line) for line in export_lines(county, version=version)]


def test_version_1_stays_version_1(recorded):
    lines = records(recorded, version=1)
    assert lines[0]["version"] == 1
    assert {r["type"] for r in lines[1:]} == {"unit", "person", "registration", "status"}


def test_an_export_imports_into_another_county_and_exports_the_same(recorded):
    lines = records(recorded)
    assert lines[0]["version"] == 2
    assert {r["type"] for r in lines} >= set(TYPES)
    moved = [json.dumps({**lines[0], "county": "40"})] + [json.dumps(r) for r in lines[1:]]
    result = import_lines(moved, county="40", actor=None)
    assert result.created["enrolment"] == 1 and result.created["follow_up"] == 1
    again = records(County.objects.get(number="40"))
    strip = lambda rs: [r for r in rs if r["type"] != "header"]  # noqa: E731
    assert strip(again) == strip(lines)
    enrolment = Enrolment.objects.get(county__number="40")
    assert enrolment.status_fact.code == "OTOA" and enrolment.status_fact.county.number == "40"
    assert Placement.objects.get(county__number="40").hours_per_week == Decimal("18.5")


def test_importing_the_same_file_again_changes_nothing(recorded):
    lines = [json.dumps(r) for r in records(recorded)]
    result = import_lines(lines, county="39", actor=None)
    assert sum(result.created.values()) == 0 and sum(result.updated.values()) == 0
    assert result.unchanged["measure"] == 1 and result.unchanged["autumn_outcome"] == 1


def test_a_changed_record_updates_the_row(recorded, measure):
    lines = records(recorded)
    for r in lines:
        if r["type"] == "measure":
            r["capacity"] = 9
    result = import_lines([json.dumps(r) for r in lines], county="39", actor=None)
    assert result.updated["measure"] == 1
    measure.refresh_from_db()
    assert measure.capacity == 9


def test_measure_records_need_version_2(recorded):
    lines = records(recorded)
    lines[0]["version"] = 1
    with pytest.raises(ImportFailed) as failed:
        import_lines([json.dumps(r) for r in lines], county="39", actor=None)
    fields = {(e.field, e.reason.split(" ")[0]) for e in failed.value.errors}
    assert ("type", "measure") in fields and ("type", "follow_up") in fields


def test_bad_records_are_each_reported_and_nothing_is_written(recorded):
    header = records(recorded)[0]
    bad = [
        header,
        {
            "type": "measure",
            "id": "m-new",
            "name": "Ny",
            "kind": "sailing",
            "organiser": "county",
            "starts_on": "2024-08-01",
        },
        {
            "type": "placement",
            "id": "pl-new",
            "registration": "no-such-registration",
            "employer_orgnr": "974760674",
            "employer_name": "X",
            "starts_on": "2024-10-01",
            "hours_per_week": 20,
        },
        {
            "type": "follow_up",
            "id": "f-new",
            "placement": "no-such-placement",
            "on": "2024-10-02",
            "party": "youth",
        },
    ]
    before = (Measure.objects.count(), FollowUp.objects.count())
    with pytest.raises(ImportFailed) as failed:
        import_lines([json.dumps(r) for r in bad], county="39", actor=None)
    found = {(e.line, e.field) for e in failed.value.errors}
    assert found == {(2, "kind"), (3, "employer_orgnr"), (4, "placement")}
    assert (Measure.objects.count(), FollowUp.objects.count()) == before


def test_the_export_command_writes_version_2_on_request(recorded, tmp_path):
    target = tmp_path / "v2.jsonl"
    call_command(
        "export",
        "--county",
        "39",
        "--output",
        str(target),
        "--format-version",
        "2",
        stdout=StringIO(),
    )
    types = [json.loads(line)["type"] for line in target.read_text().splitlines()]
    assert "autumn_outcome" in types
    call_command("export", "--county", "39", "--output", str(target), stdout=StringIO())
    types = [json.loads(line)["type"] for line in target.read_text().splitlines()]
    assert not set(types) & set(TYPES)
