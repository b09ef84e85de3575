"""`veiviser import` and `veiviser export` as an operator meets them."""

import os
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.exchange.files import base_records, changed, lines
from veiviser.people.models import Person

pytestmark = pytest.mark.django_db


def write(path, records):
    path.write_text("".join(lines(records)), encoding="utf-8")
    return path


def test_import_prints_a_summary(tmp_path):
    out = StringIO()
    call_command(
        "import", str(write(tmp_path / "f.jsonl", base_records())), "--county", "39", stdout=out
    )
    assert "created: 1 unit, 2 person, 2 registration, 1 reason, 2 status" in out.getvalue()


def test_import_lists_every_error_and_fails(tmp_path):
    records = changed(base_records(), "s-1", code="OTXX")
    records = changed(records, "p-1", birth_date="2005-05-02")
    path = write(tmp_path / "bad.jsonl", records)
    err = StringIO()
    with pytest.raises(CommandError, match="2 error"):
        call_command("import", str(path), "--county", "39", stderr=err)
    assert f"{path}:3: birth_date:" in err.getvalue()
    assert f"{path}:8: code: 'OTXX' is not an OT status code" in err.getvalue()
    assert Person.objects.count() == 0


def test_import_of_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("import", str(tmp_path / "nope.jsonl"), "--county", "39")


def test_import_of_a_file_that_is_not_utf8(tmp_path):
    path = tmp_path / "latin1.jsonl"
    path.write_bytes("".join(lines(base_records())).encode("utf-8") + "Ø\n".encode("latin-1"))
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import", str(path), "--county", "39", stderr=err)
    assert "is not UTF-8" in err.getvalue()


def test_export_of_an_unknown_county():
    with pytest.raises(CommandError, match="no county"):
        call_command("export", "--county", "77", "--output", "-")


@pytest.mark.slow
def test_the_veiviser_command_exits_non_zero_on_a_bad_file(tmp_path):
    """The real console script, its own database: what an operator's shell sees."""
    env = {
        **os.environ,
        "VEIVISER_DATA_DIR": str(tmp_path / "var"),
        "VEIVISER_ALLOW_SYNTHETIC_FNR": "1",
        "DJANGO_SETTINGS_MODULE": "veiviser.config.settings",
    }
    env.pop("DATABASE_URL", None)
    veiviser = [sys.executable, "-m", "veiviser"]
    subprocess.run([*veiviser, "migrate", "-v0"], env=env, check=True)
    good = write(tmp_path / "good.jsonl", base_records())
    bad = write(tmp_path / "bad.jsonl", changed(base_records(), "s-1", code="OTXX"))

    failed = subprocess.run(
        [*veiviser, "import", str(bad), "--county", "39"], env=env, capture_output=True, text=True
    )
    assert failed.returncode == 1
    # The real command speaks the installation's language, bokmål; field names stay the format's.
    assert f"{bad}:8: code: 'OTXX' er ikke en statuskode i OT" in failed.stderr

    done = subprocess.run(
        [*veiviser, "import", str(good), "--county", "39"], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "opprettet: 1 unit, 2 person, 2 registration, 1 reason, 2 status" in done.stdout
