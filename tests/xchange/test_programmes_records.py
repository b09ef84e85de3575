"""The exams', prevention's and projects' record types of version 2 (docs/exchange.md): what a
good file writes, that a bad one is reported line by line and writes nothing, and that the same
file twice changes nothing."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.exchange.files import base_records, lines
from veiviser.exams.models import ExamEntry, Subject
from veiviser.exchange import importer
from veiviser.exchange.importer import ImportFailed, import_lines
from veiviser.prevention.models import ClarificationMeeting, PreventiveCase
from veiviser.projects.models import Participant, Project

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True, params=["chunks", "one-record-chunks"])
def chunk_size(request, monkeypatch):
    """Every test twice: with the importer's chunks, and with chunks of one record, so that no
    rule depends on records being checked or written in the same chunk."""
    if request.param == "one-record-chunks":
        monkeypatch.setattr(importer, "CHUNK", 1)


MODELS = (Subject, ExamEntry, PreventiveCase, ClarificationMeeting, Project, Participant)


def good() -> list[dict]:
    records = base_records()
    records[0] = {**records[0], "version": 2}
    return [
        *records,
        {"type": "subject", "id": "XYZ9001", "name": "Fag som ikke finnes ennå"},
        {
            "type": "exam_entry",
            "id": "e-1",
            "registration": "r-1",
            "subject": "NOR1211",
            "exam_date": "2024-05-27",
            "result": "passed",
            "grade": 4,
            "training": "To dager i uka",
            "training_hours": 40,
        },
        {
            "type": "exam_entry",
            "id": "e-2",
            "registration": "r-1",
            "subject": "XYZ9001",
            "exam_date": "2024-05-28",
            "result": "pending",
        },
        {
            "type": "preventive_case",
            "id": "pc-1",
            "registration": "r-2",
            "kind": "pupil",
            "school": "Skolen vgs",
            "started_on": "2024-01-08",
            "outcome": "dropped_out",
            "outcome_on": "2024-03-01",
            "dropout_reason": "motivation",
        },
        {
            "type": "clarification_meeting",
            "id": "cm-1",
            "case": "pc-1",
            "held_on": "2024-01-20",
            "partners": ["school", "nav"],
        },
        {
            "type": "project",
            "id": "pr-1",
            "name": "Overgangsprosjektet",
            "unit": "u-tbg",
            "starts_on": "2023-08-01",
            "ends_on": "2024-07-31",
        },
        {
            "type": "project_participant",
            "id": "pp-1",
            "project": "pr-1",
            "registration": "r-1",
            "joined_on": "2023-09-01",
            "outcome": "apprentice",
            "outcome_on": "2024-06-15",
        },
    ]


def counts() -> tuple[int, ...]:
    return tuple(model.objects.count() for model in MODELS)


def run(records):
    return import_lines(lines(records), county="39", actor=None, filename="test.jsonl")


def errors_of(records) -> set[tuple[int, str]]:
    before = counts()
    with pytest.raises(ImportFailed) as failed:
        run(records)
    assert counts() == before, "a file with an error must write nothing"
    assert all(str(e).startswith("test.jsonl:") for e in failed.value.errors)
    return {(e.line, e.field) for e in failed.value.errors}


def test_a_good_file_writes_every_record_and_twice_changes_nothing():
    subjects = Subject.objects.count()
    result = run(good())
    assert result.created["exam_entry"] == 2 and result.created["subject"] == 1
    assert Subject.objects.count() == subjects + 1
    meeting = ClarificationMeeting.objects.get(key="cm-1")
    assert meeting.registration.key == "r-2" and meeting.partners == ["nav", "school"]
    assert Participant.objects.get(key="pp-1").project.unit.key == "u-tbg"
    again = run(good())
    assert sum(again.created.values()) == 0 and sum(again.updated.values()) == 0
    assert again.unchanged["exam_entry"] == 2 and again.unchanged["subject"] == 1


def test_a_changed_record_updates_its_row():
    run(good())
    records = good()
    for record in records:
        if record.get("id") == "e-2":
            record.update(result="not_passed", grade=1)
    result = run(records)
    assert result.updated["exam_entry"] == 1
    entry = ExamEntry.objects.get(key="e-2")
    assert (entry.result, entry.grade) == ("not_passed", 1)


def test_a_row_made_in_veiviser_gets_its_own_key():
    run(good())
    entry = ExamEntry.objects.get(key="e-1")
    copy = ExamEntry.objects.create(
        county=entry.county,
        registration=entry.registration,
        subject=entry.subject,
        exam_date="2024-05-30",
    )
    assert copy.key.startswith("vv-") and copy.key != entry.key


def bad(record_id: str, **changes) -> list[dict]:
    records = good()
    for record in records:
        if record.get("id") == record_id:
            record.update(changes)
    return records


def line_of(records, record_id: str) -> int:
    return next(n for n, r in enumerate(records, start=1) if r.get("id") == record_id)


@pytest.mark.parametrize(
    ("record_id", "changes", "field"),
    [
        ("e-1", {"grade": 1}, "grade"),  # grade 1 is not passed
        ("e-1", {"result": "excellent"}, "result"),
        ("e-1", {"subject": "NOPE123"}, "subject"),
        ("e-1", {"exam_date": "2024-09-01"}, "exam_date"),  # outside the school year
        ("e-2", {"subject": "NOR1211", "exam_date": "2024-05-27"}, "registration"),  # twice
        ("pc-1", {"dropout_reason": ""}, "dropout_reason"),
        ("pc-1", {"kind": "teacher"}, "kind"),
        ("pc-1", {"registration": "r-9"}, "registration"),
        ("cm-1", {"partners": ["school", "oracle"]}, "partners"),
        ("cm-1", {"case": "pc-9"}, "case"),
        ("cm-1", {"held_on": "2025-01-01"}, "held_on"),
        ("pr-1", {"ends_on": "2023-01-01"}, "ends_on"),
        ("pr-1", {"unit": "u-none"}, "unit"),
        ("pp-1", {"joined_on": "2025-01-01"}, "joined_on"),
        ("pp-1", {"outcome": "astronaut"}, "outcome"),
        ("pp-1", {"project": None}, "project"),
    ],
)
def test_a_bad_record_is_named_by_line_and_field_and_nothing_is_written(record_id, changes, field):
    records = bad(record_id, **changes)
    # A record dropped for its shape can also leave a record that refers to it unresolved.
    assert (line_of(records, record_id), field) in errors_of(records)


def test_a_second_project_with_the_same_name_is_an_error():
    run(good())
    records = [
        *good(),
        {"type": "project", "id": "pr-2", "name": "Overgangsprosjektet", "starts_on": "2023-08-01"},
    ]
    assert errors_of(records) == {(len(records), "name")}


def test_the_county_already_has_a_case_for_the_registration_under_another_id():
    run(good())
    records = [r for r in good() if r["type"] != "clarification_meeting"]
    for record in records:
        if record.get("id") == "pc-1":
            record["id"] = "pc-other"
    assert errors_of(records) == {(line_of(records, "pc-other"), "registration")}


def test_the_new_record_types_need_version_2():
    records = good()
    records[0]["version"] = 1
    found = errors_of(records)
    assert (line_of(records, "e-1"), "type") in found
    assert (line_of(records, "pp-1"), "type") in found


def test_an_empty_fnr_is_an_error_not_a_second_person_without_one():
    """EXCHANGE.md §1: `fnr` is 11 digits or null. Two persons with "" used to pass every check
    and crash with an IntegrityError when written."""
    records = base_records()
    for record in records:
        if record["type"] == "person":
            record["fnr"] = ""
    found = errors_of(records)
    assert found == {(3, "fnr"), (4, "fnr")}
    with pytest.raises(ImportFailed) as failed:
        run(records)
    assert "null" in str(failed.value.errors[0])


def test_a_blank_fnr_is_an_error_too():
    records = base_records()
    records[2]["fnr"] = "   "
    assert errors_of(records) == {(3, "fnr")}


def test_a_null_fnr_stays_allowed():
    records = base_records()
    records[2]["fnr"] = None
    run(records)
    assert json.loads(lines(records)[2])["fnr"] is None


def test_the_commands_export_version_2_and_import_it_with_line_numbered_errors(tmp_path):
    run(good())
    exported = tmp_path / "v2.jsonl"
    call_command("export", "--county", "39", "--output", str(exported), "--format-version", "2")
    types = {json.loads(line)["type"] for line in exported.read_text().splitlines()}
    assert {"subject", "exam_entry", "clarification_meeting", "project_participant"} <= types
    before = counts()
    call_command("import", str(exported), "--county", "39", stdout=StringIO())
    assert counts() == before

    records = bad("pc-1", dropout_reason="")
    path = tmp_path / "bad.jsonl"
    path.write_text("".join(lines(records)), encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError, match=r"^1 "):
        call_command("import", str(path), "--county", "39", stderr=err)
    assert f"{path}:{line_of(records, 'pc-1')}: dropout_reason: " in err.getvalue()
