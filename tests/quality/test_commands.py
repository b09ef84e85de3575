"""`veiviser check --county --date` and `veiviser submission`: output, errors, exit codes."""

import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from veiviser.quality.models import Submission

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_check_lists_findings_by_rule_as_json(vestfold, register):
    nowhere = register(unit=None)
    out, _ = run("check", "--county", "39", "--date", "2024-11-15", "--format", "json")
    document = json.loads(out)
    rules = {r["rule"]: r for r in document["rules"]}
    assert rules["no_unit"]["count"] == 1
    assert rules["no_unit"]["registrations"][0]["registration"] == nowhere.key
    assert document["date"] == "2024-11-15"


def test_check_as_text_and_csv(vestfold, register):
    nowhere = register(unit=None)
    text, _ = run("check", "--county", "39", "--date", "2024-11-15")
    assert "No unit (no_unit): 1" in text
    assert nowhere.key in text
    table, _ = run("check", "--county", "39", "--date", "2024-11-15", "--format", "csv")
    assert f"no_unit;{nowhere.key}" in table


def test_check_without_county_is_djangos_system_check():
    out, _ = run("check")
    assert "System check identified no issues" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--county", "99", "--date", "2024-11-15"], "no county '99'"),
        (["--county", "39", "--date", "15.11.2024"], "is not a date"),
        (["--county", "39"], "needs both --county and --date"),
    ],
)
def test_check_refuses_bad_input(vestfold, args, message):
    with pytest.raises(CommandError, match=message):
        run("check", *args)


def test_submission_writes_the_file_and_logs_it(vestfold, register, tmp_path):
    register()
    target = tmp_path / "innsending.csv"
    _, err = run(
        "submission",
        "--county",
        "39",
        "--date",
        "2024-11-15",
        "--known-at",
        "2024-11-20T00:00:00+01:00",
        "--output",
        str(target),
    )
    log = Submission.objects.get()
    assert log.sha256 in err
    assert target.read_bytes().startswith("\ufeffcounty;unit".encode())
    assert log.on == date(2024, 11, 15)
    assert log.produced_by is None


def test_submission_refuses_an_instant_without_offset(vestfold):
    with pytest.raises(CommandError, match="UTC offset"):
        run("submission", "--county", "39", "--date", "2024-11-15", "--known-at", "2024-11-20")
    assert not Submission.objects.exists()
