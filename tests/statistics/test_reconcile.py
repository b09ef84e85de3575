"""Reconciliation explains every difference between two readings of one counting date: each
reason class on a hand-made history, and on random histories the moves add up exactly to the
difference between the engine's tables as known at K1 and at K2."""

import csv
import io
import json
import random
from datetime import UTC, date, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.exchange.files import HEADER, lines
from tests.statistics.test_tables import random_county
from veiviser.codes.selectors import kodeverk
from veiviser.exchange.importer import import_lines
from veiviser.statistics.reconcile import (
    CORRECTION,
    LATE_REGISTRATION,
    LATE_STATUS,
    MULTIPLE,
    REASON_CHANGE,
    initials,
    reconcile,
)
from veiviser.statistics.tables import tables_at

pytestmark = pytest.mark.django_db

D = date(2024, 6, 15)
K1 = datetime.fromisoformat("2024-06-20T00:00:00+02:00")  # when the numbers went to Udir
EARLY = "2023-09-01T10:00:00+02:00"  # known long before K1
LATE = "2024-06-25T10:00:00+02:00"  # recorded after K1


def person(n: int, given: str, family: str, birth: str = "2006-03-01") -> dict:
    return {
        "type": "person",
        "id": f"p-{n}",
        "fnr": None,
        "birth_date": birth,
        "given_name": given,
        "family_name": family,
    }


def registration(n: int, *, on="2023-08-20", reason="not_applied", recorded=EARLY) -> dict:
    return {
        "type": "registration",
        "id": f"r-{n}",
        "person": f"p-{n}",
        "school_year": 2023,
        "registered_on": on,
        "reason": reason,
        "recorded_at": recorded,
    }


def status(key: str, n: int, code: str, valid_from: str, recorded: str) -> dict:
    return {
        "type": "status",
        "id": key,
        "registration": f"r-{n}",
        "code": code,
        "valid_from": valid_from,
        "recorded_at": recorded,
    }


def reason(key: str, n: int, value: str, valid_from: str, recorded: str) -> dict:
    return {
        "type": "reason",
        "id": key,
        "registration": f"r-{n}",
        "reason": value,
        "valid_from": valid_from,
        "recorded_at": recorded,
    }


def load(*records: dict) -> None:
    import_lines(lines([dict(HEADER), *records]), county="39", actor=None)


def run(known_to: datetime | None = None):
    return reconcile(
        kodeverk(), county="39", school_year=2023, on=D, known_from=K1, known_to=known_to
    )


def only_move(result):
    assert len(result.moves) == 1, [m.registration for m in result.moves]
    return result.moves[0]


def test_a_registration_recorded_after_k1_is_a_late_registration():
    load(
        person(1, "Ola", "Testesen"),
        registration(1, on="2024-05-02", recorded=LATE),
        status("s-1", 1, "OTOV", "2024-05-10", LATE),
    )
    move = only_move(run())
    assert move.reasons == (LATE_REGISTRATION,)
    assert move.kind == LATE_REGISTRATION
    assert move.left == ()
    assert move.entered == (
        ("table1", "not_applied"),
        ("table1", "total"),
        ("table2", "group2"),
        ("table2", "target_group"),
        ("table2", "total"),
    )
    assert move.initials == "OT"


def test_a_status_recorded_after_k1_is_a_late_status():
    load(
        person(1, "Ola", "Testesen"),
        registration(1),
        status("s-1", 1, "OTOV", "2023-09-01", EARLY),
        status("s-2", 1, "OTOA", "2024-06-01", LATE),
    )
    move = only_move(run())
    assert move.reasons == (LATE_STATUS,)
    assert move.left == (("table2", "group2"),)
    assert move.entered == (("table2", "group3"),)
    assert move.evidence[0][:3] == (LATE_STATUS, "status", "s-2")


def test_a_new_status_with_the_valid_from_of_a_known_one_is_a_correction():
    load(
        person(1, "Ola", "Testesen"),
        registration(1),
        status("s-1", 1, "OTOV", "2024-03-01", "2024-03-02T09:00:00+01:00"),
        status("s-2", 1, "OTNO", "2024-03-01", LATE),
    )
    move = only_move(run())
    assert move.reasons == (CORRECTION,)
    assert (move.at_from.status, move.at_to.status) == ("OTOV", "OTNO")
    assert move.left == (("table2", "group2"),)
    assert move.entered == (("table2", "group4"),)


def test_a_reason_recorded_after_k1_is_a_reason_change():
    load(
        person(1, "Ola", "Testesen"),
        registration(1),
        reason("c-1", 1, "dropped_out", "2024-05-01", LATE),
    )
    move = only_move(run())
    assert move.reasons == (REASON_CHANGE,)
    assert move.left == (("table1", "not_applied"),)
    assert move.entered == (("table1", "dropped_out"),)


def test_a_correction_and_a_reason_change_at_once_are_multiple_and_both_listed():
    load(
        person(1, "Ola", "Testesen"),
        registration(1),
        status("s-1", 1, "OTOV", "2024-03-01", "2024-03-02T09:00:00+01:00"),
        status("s-2", 1, "OTEV_IM", "2024-03-01", LATE),
        reason("c-1", 1, "declined", "2024-01-01", "2024-07-01T08:00:00+02:00"),
    )
    move = only_move(run())
    assert move.kind == MULTIPLE
    assert move.reasons == (CORRECTION, REASON_CHANGE)
    assert move.left == (
        ("table1", "not_applied"),
        ("table2", "group2"),
        ("table2", "target_group"),
    )
    assert move.entered == (("table1", "declined"), ("table2", "not_in_target_group"))


def test_each_reason_class_on_its_own_registration_in_one_county():
    load(
        person(1, "Ola", "Testesen"),
        registration(1, on="2024-06-15", recorded=LATE),
        person(2, "Kari Anne", "Prøvesen"),
        registration(2),
        status("s-2", 2, "OTOV", "2024-06-15", LATE),
        person(3, "Per", "Olsen"),
        registration(3),
        status("s-3a", 3, "OTOA", "2024-02-01", "2024-02-02T09:00:00+01:00"),
        status("s-3b", 3, "OTNO", "2024-02-01", LATE),
        person(4, "Lise", "Berg"),
        registration(4),
        reason("c-4", 4, "other", "2024-04-01", LATE),
    )
    result = run()
    kinds = {m.registration: (m.kind, m.initials) for m in result.moves}
    assert kinds == {
        "r-1": (LATE_REGISTRATION, "OT"),
        "r-2": (LATE_STATUS, "KAP"),
        "r-3": (CORRECTION, "PO"),
        "r-4": (REASON_CHANGE, "LB"),
    }
    cells = {(c.table, c.key): c for c in result.cells}
    assert (cells[("table1", "total")].value_from, cells[("table1", "total")].value_to) == (3, 4)
    assert cells[("table2", "group1")].difference == 1 - 1  # r-1 in, r-2 out
    assert [m.registration for m in cells[("table2", "group1")].moves_in] == ["r-1"]
    assert [m.registration for m in cells[("table2", "group1")].moves_out] == ["r-2"]


def test_changes_that_move_no_cell_are_not_listed():
    load(
        person(1, "Ola", "Testesen"),
        registration(1),
        status("s-1a", 1, "OTAR", "2024-03-01", "2024-03-02T09:00:00+01:00"),
        # Same main group (3): the status changed, no cell did.
        status("s-1b", 1, "OTEV", "2024-03-01", LATE),
        person(2, "Kari", "Prøvesen"),
        registration(2),
        status("s-2a", 2, "OTOV", "2024-05-01", "2024-05-02T09:00:00+02:00"),
        # Late, but a later status known at K1 is in force at D.
        status("s-2b", 2, "OTNO", "2024-04-01", LATE),
        # Valid after D.
        status("s-2c", 2, "OTNO", "2024-06-16", LATE),
        person(3, "Per", "Olsen"),
        # Registered after D.
        registration(3, on="2024-06-16", recorded=LATE),
    )
    result = run()
    assert result.moves == ()
    assert all(c.difference == 0 for c in result.cells)


def test_a_status_change_can_move_a_youth_out_of_outside_age_only():
    load(
        person(1, "Ola", "Testesen", birth="2000-01-01"),  # 24 in 2024: above 21
        registration(1),
        status("s-1", 1, "OTOV", "2023-09-01", EARLY),
        status("s-2", 1, "ELVG_IM", "2024-06-01", LATE),
    )
    move = only_move(run())
    assert move.reasons == (LATE_STATUS,)
    assert move.left == (("table2", "outside_age"),)
    assert move.entered == ()


def test_facts_recorded_after_k2_are_in_neither_reading():
    load(
        person(1, "Ola", "Testesen"),
        registration(1),
        status("s-1", 1, "OTOV", "2024-06-01", "2024-06-22T10:00:00+02:00"),
        status("s-2", 1, "OTNO", "2024-06-01", "2024-08-01T10:00:00+02:00"),
    )
    move = only_move(run(known_to=datetime.fromisoformat("2024-07-01T00:00:00+02:00")))
    assert (move.at_from.status, move.at_to.status) == ("OTUK", "OTOV")
    assert move.reasons == (LATE_STATUS,)
    # Read up to now, the K1 reading had OTUK: the deciding fact is the correction, but what it
    # corrects was not known at K1, so from K1's view the status is late, not a correction.
    move = only_move(run())
    assert move.at_to.status == "OTNO"
    assert move.reasons == (LATE_STATUS,)


def test_a_reconciliation_takes_six_queries(django_assert_num_queries):
    # The members at K1 and at K2, the registrations, and their statuses, reasons and moves.
    import_lines(lines(random_county(11, 2023, persons=40)), county="39", actor=None)
    kv = kodeverk()
    with django_assert_num_queries(6):
        reconcile(kv, county="39", school_year=2023, on=D, known_from=K1)


def test_initials_never_show_the_whole_name():
    assert initials("Kari Anne", "Prøvesen") == "KAP"
    assert initials("ola", "") == "O"


@pytest.mark.parametrize(("seed", "school_year"), [(31, 2023), (32, 2023), (33, 2024), (34, 2019)])
def test_moves_explain_every_difference_between_the_engine_readings(seed, school_year):
    import_lines(lines(random_county(seed, school_year, persons=80)), county="39", actor=None)
    kv = kodeverk()
    rng = random.Random(seed)
    start = datetime(school_year, 8, 1, tzinfo=UTC)
    days = kv.counting_dates_of(school_year) + [
        date(school_year, 8, 1) + timedelta(days=rng.randint(0, 364)) for _ in range(2)
    ]
    for on in days:
        for _ in range(3):
            k1 = start + timedelta(days=rng.randint(0, 400), hours=rng.randint(0, 23))
            k2 = rng.choice([None, k1 + timedelta(days=rng.randint(1, 120))])
            result = reconcile(
                kv, county="39", school_year=school_year, on=on, known_from=k1, known_to=k2
            )
            before = tables_at(kv, county="39", school_year=school_year, on=on, known_at=k1)
            after = tables_at(kv, county="39", school_year=school_year, on=on, known_at=k2)
            for cell in result.cells:
                engine = (
                    getattr(before, cell.table)[cell.key],
                    getattr(after, cell.table)[cell.key],
                )
                assert (cell.value_from, cell.value_to) == engine, (on, k1, k2, cell.key)
                moved = len(cell.moves_in) - len(cell.moves_out)
                assert cell.value_from + moved == cell.value_to, (on, k1, k2, cell.key)
            for move in result.moves:
                assert move.reasons, move
                assert (LATE_REGISTRATION in move.reasons) == (not move.at_from.exists)
                assert not (LATE_STATUS in move.reasons and CORRECTION in move.reasons)
                assert (move.kind == MULTIPLE) == (len(move.reasons) > 1)


# The command


@pytest.fixture
def county():
    load(
        person(1, "Ola", "Testesen"),
        registration(1, on="2024-05-02", recorded=LATE),
        person(2, "Kari", "Prøvesen"),
        registration(2),
        status("s-2", 2, "OTOV", "2024-03-01", "2024-03-02T09:00:00+01:00"),
        status("s-2b", 2, "OTNO", "2024-03-01", LATE),
        reason("c-2", 2, "declined", "2024-01-01", LATE),
    )


ARGS = ["--county", "39", "--school-year", "2023", "--date", "2024-06-15"]


def command(*args) -> str:
    out = StringIO()
    call_command("reconcile", *ARGS, "--from", "2024-06-20T00:00:00+02:00", *args, stdout=out)
    return out.getvalue()


def test_text_report_shows_cells_and_initials_not_names(county):
    text = command()
    assert "Testesen" not in text and "Prøvesen" not in text
    assert "r-1 OT" in text and "r-2 KP" in text
    assert "sen tilmelding" in text  # bokmål
    total_line = next(line for line in text.splitlines() if line.startswith("Tilmeldte til sammen"))
    assert total_line.split()[-3:] == ["1", "2", "+1"]


def test_json_lists_cells_and_registrations(county):
    document = json.loads(command("--format", "json"))
    assert list(document) == [
        "county",
        "school_year",
        "date",
        "from",
        "to",
        "cells",
        "registrations",
    ]
    assert document["to"] is None
    cells = {(c["table"], c["key"]): c for c in document["cells"]}
    assert cells[("table1", "total")] == {
        "table": "table1",
        "key": "total",
        "from": 1,
        "to": 2,
        "difference": 1,
        "in": ["r-1"],
        "out": [],
    }
    moves = {m["registration"]: m for m in document["registrations"]}
    assert moves["r-1"]["kind"] == "late_registration"
    assert moves["r-2"]["kind"] == "multiple"
    assert moves["r-2"]["reasons"] == ["correction", "reason_change"]
    assert moves["r-2"]["left"] == ["table1.not_applied", "table2.group2"]
    assert "Prøvesen" not in json.dumps(document)


def test_csv_change_column_adds_up_to_the_difference(county):
    text = command("--format", "csv", "--to", "2024-07-01T00:00:00+02:00")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:]), delimiter=";"))
    for cell in (r for r in rows if not r["registration"]):
        changes = [
            int(r["change"])
            for r in rows
            if r["registration"] and (r["table"], r["key"]) == (cell["table"], cell["key"])
        ]
        assert int(cell["from"]) + sum(changes) == int(cell["to"])
        assert sum(changes) == int(cell["difference"])


def test_a_date_outside_the_school_year_is_an_error(county):
    with pytest.raises(CommandError, match="2024-08-01"):
        call_command(
            "reconcile",
            "--county",
            "39",
            "--school-year",
            "2023",
            "--date",
            "2024-08-01",
            "--from",
            "2024-06-20T00:00:00+02:00",
        )


def test_from_after_to_is_an_error(county):
    with pytest.raises(CommandError, match="2024-06-19"):
        command("--to", "2024-06-19T00:00:00+02:00")


def test_an_instant_without_an_offset_is_an_error(county):
    with pytest.raises(CommandError, match="--to"):
        command("--to", "2024-07-01T00:00")
