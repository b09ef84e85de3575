"""`veiviser intake --county NN --file F [--dry-run]`."""

from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from tests.intake.conftest import csv_bytes, row
from veiviser.intake.models import IntakeRun
from veiviser.registry.models import Registration

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_dry_run_writes_nothing_but_the_run(vestfold, tonsberg, tmp_path, capsys):
    path = tmp_path / "inntak.csv"
    path.write_bytes(csv_bytes([row()]))
    call_command("intake", "--county", "39", "--file", str(path), "--dry-run")
    out = capsys.readouterr().out
    assert "Dry run, nothing written" in out
    assert "1 rows: 1 to create" in out
    assert not Registration.objects.exists()
    assert IntakeRun.objects.get().status == "previewed"


def test_rejected_rows_are_listed_and_fail_the_command_after_the_good_rows(
    vestfold, tonsberg, tmp_path, capsys
):
    path = tmp_path / "inntak.csv"
    path.write_bytes(csv_bytes([row(), row(birth=date(2007, 5, 3), reason="XYZ")]))
    with pytest.raises(CommandError, match="1 row\\(s\\) rejected"):
        call_command("intake", "--county", "39", "--file", str(path))
    err = capsys.readouterr().err
    assert "inntak.csv: row 3, column Årsak: 'XYZ' is neither a reason code" in err
    assert Registration.objects.count() == 1


def test_the_same_file_again_says_it_was_imported_before(vestfold, tonsberg, tmp_path, capsys):
    path = tmp_path / "inntak.csv"
    path.write_bytes(csv_bytes([row()]))
    call_command("intake", "--county", "39", "--file", str(path))
    capsys.readouterr()
    call_command("intake", "--county", "39", "--file", str(path))
    out = capsys.readouterr().out
    assert "This file was imported before" in out
    assert "0 to create, 0 to update, 1 unchanged" in out
    assert Registration.objects.count() == 1


def test_unknown_county_and_missing_file_are_clear_errors(vestfold, tmp_path):
    with pytest.raises(CommandError, match="no county '99'"):
        call_command("intake", "--county", "99", "--file", str(tmp_path / "x.csv"))
    with pytest.raises(CommandError, match=r"x\.csv: cannot be read"):
        call_command("intake", "--county", "39", "--file", str(tmp_path / "x.csv"))
