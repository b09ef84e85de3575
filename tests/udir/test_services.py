"""Udir's published table: the format's checks (row and column), versions, idempotency, and the
comparison with the county's own numbers."""

from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from veiviser.codes.selectors import kodeverk
from veiviser.registry import services as registry
from veiviser.udir import selectors, services
from veiviser.udir.models import UdirRow, UdirTable

pytestmark = pytest.mark.django_db

EXAMPLE = Path(__file__).parents[2] / "docs" / "examples" / "udir-ot-fylker-syntetisk.csv"
HEADER = (
    "Tellingsdato;Fylkesnummer;Fylke;Ikke søkt opplæring;Takket nei til opplæring;"
    "Avbrutt opplæring;Andre grunner;Tilmeldte i alt;Ukjent aktivitet;"
    "Under oppfølging og veiledning;I aktivitet;Avklart;Målgruppe i alt;Ikke i målgruppen"
)
# 10 registered: reasons 4+2+1+3; groups 1+1+3+1 = 6 in the target group, 4 outside it.
VESTFOLD = "2025-06-15;39;Vestfold;4;2;1;3;10;1;1;3;1;6;4"
TELEMARK = "2025-06-15;40;Telemark;5;0;0;5;10;0;2;2;0;4;6"
NATION = "2025-06-15;00;Hele landet;9;2;1;8;20;1;3;5;1;10;10"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def csv(*lines) -> bytes:
    return ("\n".join([HEADER, *lines]) + "\n").encode()


def test_the_example_file_imports(db):
    table, created = services.table_import(
        actor=None, filename=EXAMPLE.name, data=EXAMPLE.read_bytes()
    )
    assert created and table.version == 1 and table.rows == 48
    finnmark = UdirRow.objects.get(table=table, county="56", counting_date=date(2025, 6, 15))
    assert finnmark.group1 is None  # "*": not published


def test_the_same_file_again_is_the_same_version_and_a_new_file_the_next(db):
    first, _ = services.table_import(actor=None, filename="a.csv", data=csv(VESTFOLD, NATION))
    again, created = services.table_import(actor=None, filename="a.csv", data=csv(VESTFOLD, NATION))
    assert (again, created) == (first, False)
    second, created = services.table_import(
        actor=None, filename="b.csv", data=csv(VESTFOLD, TELEMARK, NATION)
    )
    assert created and second.version == 2
    assert selectors.latest_table() == second
    assert UdirRow.objects.filter(table=first).count() == 2


def test_errors_name_the_row_and_the_column_and_nothing_is_written(db):
    bad_sum = VESTFOLD.replace(";10;1;1;3;1;6;4", ";11;1;1;3;1;6;5")
    bad_count = TELEMARK.replace(";5;0;0;5;", ";5;x;0;5;")
    with pytest.raises(services.UdirImportFailed) as failed:
        services.table_import(
            actor=None, filename="bad.csv", data=csv(bad_sum, bad_count, NATION, NATION)
        )
    assert [str(e) for e in failed.value.errors] == [
        "row 2, column Tilmeldte i alt: 11 is not the sum of the reason groups (10)",
        "row 3, column Takket nei til opplæring: 'x' is not a count "
        "(a whole number, or * where not published)",
        "row 5, column Fylkesnummer: the same county and date as row 4",
    ]
    assert not UdirTable.objects.exists()


def test_a_date_without_a_national_row_is_an_error(db):
    with pytest.raises(services.UdirImportFailed, match="no row for the whole country"):
        services.table_import(actor=None, filename="x.csv", data=csv(VESTFOLD))


def test_a_missing_column_is_an_error_of_row_1(db):
    data = csv(VESTFOLD, NATION).replace(b";Avklart", b";Avklaret")
    with pytest.raises(services.UdirImportFailed) as failed:
        services.table_import(actor=None, filename="x.csv", data=data)
    assert str(failed.value.errors[0]) == (
        "row 1, column Avklart: the column is missing from the header"
    )


def test_the_command_lists_errors_and_fails(db, tmp_path, capsys):
    path = tmp_path / "x.csv"
    path.write_bytes(csv(VESTFOLD))
    with pytest.raises(CommandError):
        call_command("udir-import", str(path))
    assert "x.csv: row 1, column Fylkesnummer" in capsys.readouterr().err
    path.write_bytes(csv(VESTFOLD, NATION))
    call_command("udir-import", str(path))
    assert "version 1" in capsys.readouterr().out


def test_activity_shares_per_county_and_nation(db):
    services.table_import(actor=None, filename="a.csv", data=csv(VESTFOLD, TELEMARK, NATION))
    shares = selectors.activity_shares(counting_date=date(2025, 6, 15))
    assert [(s.county, s.share) for s in shares] == [("39", 0.5), ("40", 0.5), ("00", 0.5)]
    assert selectors.activity_shares(counting_date=date(2025, 2, 15)) == []


def test_the_comparison_puts_the_countys_own_numbers_beside_udirs(vestfold, tonsberg, make_person):
    services.table_import(actor=None, filename="a.csv", data=csv(VESTFOLD, TELEMARK, NATION))
    for birth, code in ((date(2006, 1, 1), "OTOV"), (date(2006, 2, 2), "OTEV")):
        registration = registry.registration_create(
            actor=None,
            person=make_person(birth_date=birth),
            school_year=2024,
            registered_on=date(2024, 9, 1),
            reason="not_applied",
            unit=tonsberg,
        )
        registry.status_record(
            actor=None, registration=registration, code=code, valid_from=date(2024, 9, 2)
        )
    result = selectors.comparison(kodeverk(), county="39", counting_date=date(2025, 6, 15))
    lines = {line.field: line for line in result["lines"]}
    assert (lines["registered"].own, lines["registered"].udir) == (2, 10)
    assert lines["registered"].difference == -8
    assert (lines["group3"].own, lines["group3"].udir, lines["group3"].difference) == (1, 3, -2)
    assert lines["target_group"].own == 2
    assert result["own_share"].share == 0.5
    assert dict(result["national"])["registered"] == 20


def test_the_demo_table_is_deterministic_and_has_every_county(vestfold, tonsberg, make_person):
    from veiviser.udir.demo import demo_udir_table

    registry.registration_create(
        actor=None,
        person=make_person(birth_date=date(2006, 1, 1)),
        school_year=2024,
        registered_on=date(2024, 9, 1),
        reason="other",
        unit=tonsberg,
    )
    table = demo_udir_table(county=vestfold, school_year=2024, seed=7)
    assert table.rows == 3 * 16
    assert demo_udir_table(county=vestfold, school_year=2024, seed=7) == table  # same file
    own = UdirRow.objects.get(table=table, county="39", counting_date=date(2025, 6, 15))
    assert own.registered <= 1
