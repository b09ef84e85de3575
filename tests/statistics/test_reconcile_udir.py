"""Reconciliation against Udir's published table (imported from CSV) and across a county move:
each published cell beside the county's numbers at Udir's extraction instant and now, the
registrations that explain the county's own change, and what is left for Udir's side."""

import json
from datetime import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from tests.statistics.test_reconcile import (
    EARLY,
    K1,
    LATE,
    D,
    load,
    person,
    registration,
    run,
    status,
)
from veiviser.codes.selectors import kodeverk
from veiviser.organisation.models import County
from veiviser.registry.models import CountyChange, Registration
from veiviser.statistics.reconcile import (
    AGE_VIEW,
    COUNTY_CHANGE,
    LATE_REGISTRATION,
    MATCHES,
    NOT_PUBLISHED,
    UNEXPLAINED,
    NoUdirRow,
    reconcile_with_udir,
)
from veiviser.statistics.tables import tables_at
from veiviser.udir import services as udir

pytestmark = pytest.mark.django_db

HEADER = (
    "Tellingsdato;Fylkesnummer;Fylke;Ikke søkt opplæring;Takket nei til opplæring;"
    "Avbrutt opplæring;Andre grunner;Tilmeldte i alt;Ukjent aktivitet;"
    "Under oppfølging og veiledning;I aktivitet;Avklart;Målgruppe i alt;Ikke i målgruppen"
)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def udir_table(row39: str):
    data = "\n".join(
        [
            HEADER,
            f"2024-06-15;39;Vestfold;{row39}",
            "2024-06-15;00;Hele landet;*;*;*;*;*;*;*;*;*;*;*",
        ]
    )
    table, _created = udir.table_import(actor=None, filename="udir.csv", data=data.encode())
    return table


def scenario():
    """Three youths known at K1: two in group 2 inside the age limit, one in group 2 aged 23
    (outside the age limit of 2023/24); one more registered late (after K1)."""
    load(
        person(1, "Ola", "Testesen"),
        registration(1),
        status("s-1", 1, "OTOV", "2023-09-01", EARLY),
        person(2, "Kari", "Prøvesen"),
        registration(2),
        status("s-2", 2, "OTOV", "2023-09-01", EARLY),
        person(3, "Per", "Eldre", birth="2001-01-01"),
        registration(3),
        status("s-3", 3, "OTOV", "2023-09-01", EARLY),
        person(4, "Siri", "Sen"),
        registration(4, on="2024-05-02", recorded=LATE),
        status("s-4", 4, "OTOV", "2024-05-10", LATE),
    )


def compare(table):
    return reconcile_with_udir(
        kodeverk(), county="39", school_year=2023, on=D, table=table, extracted_at=K1
    )


def by_field(result):
    return {c.field: c for c in result.cells}


def test_each_udir_cell_beside_the_county_at_extraction_and_now():
    scenario()
    # Udir: 3 registered (not_applied), target group 2 in group 2, 1 outside it.
    table = udir_table("3;0;0;0;3;0;2;0;0;2;1")
    result = compare(table)
    cells = by_field(result)
    at_k1 = tables_at(kodeverk(), county="39", school_year=2023, on=D, known_at=K1)
    now = tables_at(kodeverk(), county="39", school_year=2023, on=D)
    assert cells["registered"].own_then == at_k1.table1["total"] == 3
    assert cells["registered"].own_now == now.table1["total"] == 4
    assert cells["registered"].explained == 1 and cells["registered"].remainder == 0
    assert {c.explanation for c in result.cells} == {MATCHES}
    assert not result.unexplained
    # The county's own change since the extraction is the late registration.
    (move,) = result.reconciliation.moves
    assert move.reasons == (LATE_REGISTRATION,)


def test_udir_counting_all_ages_is_recognised_as_the_age_view():
    scenario()
    # Udir put the youth aged 23 in the target group: 3 in group 2, nobody outside.
    result = compare(udir_table("3;0;0;0;3;0;3;0;0;3;0"))
    cells = by_field(result)
    assert cells["target_group"].all_ages_then == 3
    assert cells["target_group"].explanation == AGE_VIEW
    assert cells["group5"].explanation == AGE_VIEW
    # Group 2 has no all-ages view of its own: the remainder is not explained.
    assert cells["group2"].explanation == UNEXPLAINED
    assert cells["group2"].remainder == -1


def test_a_remainder_the_data_cannot_explain_and_a_suppressed_cell():
    scenario()
    result = compare(udir_table("5;0;0;0;5;*;2;0;0;*;3"))
    cells = by_field(result)
    assert cells["registered"].remainder == -2
    assert cells["registered"].explanation == UNEXPLAINED
    assert cells["group1"].explanation == NOT_PUBLISHED and cells["group1"].remainder is None
    assert {c.field for c in result.unexplained} == {"not_applied", "registered", "group5"}


def test_a_county_without_a_row_in_udirs_table_is_an_error():
    scenario()
    data = "\n".join([HEADER, "2024-06-15;00;Hele landet;1;0;0;0;1;0;1;0;0;1;0"])
    table, _ = udir.table_import(actor=None, filename="n.csv", data=data.encode())
    with pytest.raises(NoUdirRow):
        compare(table)


def move_to_telemark(key: str, at: str) -> None:
    registration = Registration.objects.get(key=key)
    vestfold, telemark = County.objects.get(number="39"), County.objects.get(number="40")
    Registration.objects.filter(pk=registration.pk).update(county=telemark)
    CountyChange.objects.create(
        registration=registration,
        from_county=vestfold,
        to_county=telemark,
        recorded_at=datetime.fromisoformat(at),
    )


def test_a_registration_moved_to_another_county_after_k1_is_a_county_change(telemark):
    scenario()
    move_to_telemark("r-2", "2024-08-01T12:00:00+02:00")
    result = run()
    moved = [m for m in result.moves if m.registration == "r-2"]
    assert len(moved) == 1
    assert moved[0].reasons == (COUNTY_CHANGE,)
    assert moved[0].entered == ()
    assert ("table1", "total") in moved[0].left
    assert moved[0].evidence[0][5] == "39→40"
    # The cells at both readings are the engine's, the moved registration counted at K1 only.
    cells = {(c.table, c.key): c for c in result.cells}
    at_k1 = tables_at(kodeverk(), county="39", school_year=2023, on=D, known_at=K1)
    now = tables_at(kodeverk(), county="39", school_year=2023, on=D)
    assert cells[("table1", "total")].value_from == at_k1.table1["total"] == 3
    assert cells[("table1", "total")].value_to == now.table1["total"] == 3  # −1 moved, +1 late


def test_a_move_before_k1_is_in_neither_reading(telemark):
    scenario()
    move_to_telemark("r-2", "2024-01-01T12:00:00+01:00")
    assert all(m.registration != "r-2" for m in run().moves)


def command(*args):
    out = StringIO()
    call_command(
        "reconcile",
        "--county",
        "39",
        "--school-year",
        "2023",
        "--date",
        "2024-06-15",
        "--from",
        K1.isoformat(),
        *args,
        stdout=out,
    )
    return out.getvalue()


def test_the_command_compares_with_udirs_newest_table_in_json_csv_and_text():
    scenario()
    udir_table("3;0;0;0;3;0;2;0;0;2;1")
    newest = udir_table("4;0;0;0;4;0;2;0;0;2;2")
    document = json.loads(command("--udir", "--format", "json"))
    assert document["udir"]["version"] == newest.version
    registered = next(c for c in document["udir"]["cells"] if c["field"] == "registered")
    assert registered == {
        "field": "registered",
        "table": "table1",
        "key": "total",
        "udir": 4,
        "own_at_extraction": 3,
        "own_now": 4,
        "explained_by_registrations": 1,
        "remainder": -1,
        "all_ages_at_extraction": None,
        "explanation": UNEXPLAINED,
    }
    assert [r["registration"] for r in document["registrations"]] == ["r-4"]
    first = json.loads(command("--udir", "--udir-version", "1", "--format", "json"))
    assert first["udir"]["version"] == 1
    csv_text = command("--udir", "--format", "csv")
    assert csv_text.splitlines()[0].lstrip("\ufeff").startswith("field;table;key;udir;")
    assert len(csv_text.splitlines()) == 12
    text = command("--udir")
    assert "Udir's table v2" in text and "not explained by the county's data" in text
    assert "Testesen" not in text


def test_the_command_refuses_a_missing_udir_table():
    scenario()
    with pytest.raises(CommandError, match="no Udir table"):
        command("--udir")
    udir_table("3;0;0;0;3;0;2;0;0;2;1")
    with pytest.raises(CommandError, match="no Udir table version 7"):
        command("--udir", "--udir-version", "7")
    with pytest.raises(CommandError, match="needs --udir"):
        command("--udir-version", "1")
