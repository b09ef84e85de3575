"""`veiviser stats --report exams|prevention|projects`: the same counts as the statistics page,
for the county and per unit."""

import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from veiviser.exams import services as exams
from veiviser.exams.models import Result, Subject
from veiviser.prevention import services as prevention
from veiviser.projects import services as projects

pytestmark = pytest.mark.django_db


def stats(*args) -> str:
    out = StringIO()
    call_command("stats", "--county", "39", "--school-year", "2023", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def world(register, project, horten):
    subject = Subject.objects.get(code="MAT1001")
    for unit in (None, horten):
        registration = register(**({"unit": unit, "owner": None} if unit else {}))
        entry = exams.exam_entry_register(
            actor=None, registration=registration, subject=subject, exam_date=date(2024, 5, 30)
        )
        exams.exam_result_record(actor=None, entry=entry, result=Result.PASSED, grade=3)
        prevention.preventive_case_open(
            actor=None,
            registration=registration,
            kind="pupil",
            school="Skole",
            started_on=date(2023, 9, 1),
        )
        participant = projects.participant_add(
            actor=None, project=project, registration=registration, joined_on=date(2023, 9, 1)
        )
        projects.participant_outcome_record(
            actor=None, participant=participant, outcome="school", outcome_on=date(2024, 6, 20)
        )


def test_exams_report(world):
    document = json.loads(stats("--report", "exams"))
    assert document["total"]["exams"] == 2 and document["total"]["pass_rate"] == 100
    assert document["by_subject"]["MAT1001"]["youths"] == 2
    assert document["by_unit"]["u-hor"]["passed"] == 1


def test_prevention_and_projects_reports(world):
    assert json.loads(stats("--report", "prevention"))["by_unit"]["u-tbg"]["cases"] == 1
    document = json.loads(stats("--report", "projects"))
    assert document["by_project"]["Overgangsprosjektet"]["school"] == 2
    assert document["total"]["share_school"] == 100


def test_csv_and_known_at(world):
    assert "exams;total;;exams;2" in stats("--report", "exams", "--format", "csv")
    with pytest.raises(CommandError, match="--known-at"):
        stats("--report", "exams", "--known-at", "2024-06-20T00:00:00+02:00")
