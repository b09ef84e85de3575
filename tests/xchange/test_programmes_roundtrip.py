"""Version 2 with the exams', prevention's and projects' record types (docs/exchange.md): the
demo county exported, the database emptied, the file imported: every count of the three apps'
statistics and every record are the same; a second import changes nothing."""

import json

import pytest
from django.db.models import F

from tests.exchange.test_roundtrip import wipe
from veiviser.demo import generator
from veiviser.exams import demo as exams_demo
from veiviser.exams.models import ExamEntry
from veiviser.exams.selectors import exam_counts
from veiviser.exchange.exporter import export_lines
from veiviser.exchange.importer import import_lines
from veiviser.organisation.models import County, Unit
from veiviser.prevention import demo as prevention_demo
from veiviser.prevention.models import ClarificationMeeting, PreventiveCase
from veiviser.prevention.selectors import prevention_counts
from veiviser.projects import demo as projects_demo
from veiviser.projects.models import Participant, Project
from veiviser.projects.selectors import cohort_counts

pytestmark = pytest.mark.django_db(transaction=False)

TYPES = (
    "subject",
    "exam_entry",
    "preventive_case",
    "clarification_meeting",
    "project",
    "project_participant",
)


def statistics(county: County) -> dict:
    """Every count of the three apps, per school year, for the county and each unit (by key)."""
    units = {None: None} | dict(Unit.objects.filter(county=county).values_list("key", "pk"))
    out = {}
    for year in generator.SCHOOL_YEARS:
        for unit_key, unit_id in units.items():
            where = {"county_id": county.pk, "school_year": year, "unit_id": unit_id}
            cohorts = cohort_counts(**where)
            for row in cohorts["projects"]:
                row.pop("project_id")
            out[(year, unit_key)] = (exam_counts(**where), prevention_counts(**where), cohorts)
    return out


def records(county: County) -> list[dict]:
    found = [json.loads(line) for line in export_lines(county, version=2)]
    return sorted((r for r in found if r["type"] != "header"), key=lambda r: (r["type"], r["id"]))


def test_the_demo_county_survives_export_and_import_into_an_empty_database():
    import_lines(generator.generate(generator.DEFAULT_SEED), county="39", actor=None)
    county = County.objects.get(number="39")
    made = {
        "exams": exams_demo.build(county, seed=generator.DEFAULT_SEED),
        "prevention": prevention_demo.build(county, seed=generator.DEFAULT_SEED),
        "projects": projects_demo.build(county, seed=generator.DEFAULT_SEED),
    }
    assert all(made.values()), made
    before_stats = statistics(county)
    before = records(county)
    exported = list(export_lines(county, version=2))
    assert set(TYPES) <= {json.loads(line)["type"] for line in exported}
    counts = {
        ExamEntry: ExamEntry.objects.count(),
        PreventiveCase: PreventiveCase.objects.count(),
        ClarificationMeeting: ClarificationMeeting.objects.count(),
        Project: Project.objects.count(),
        Participant: Participant.objects.count(),
    }
    assert all(counts.values()), counts

    for model in (ClarificationMeeting, PreventiveCase, ExamEntry, Participant, Project):
        model.objects.all().delete()
    wipe()
    assert not County.objects.exists()

    result = import_lines(exported, county="39", actor=None)
    assert result.created["exam_entry"] == counts[ExamEntry]
    assert result.created["clarification_meeting"] == counts[ClarificationMeeting]
    county = County.objects.get(number="39")
    assert {model: model.objects.count() for model in counts} == counts
    assert statistics(county) == before_stats
    assert records(county) == before
    # Every meeting belongs to its case's registration again.
    assert not ClarificationMeeting.objects.exclude(
        registration_id=F("case__registration_id")
    ).exists()

    again = import_lines(exported, county="39", actor=None)
    assert sum(again.created.values()) == 0 and sum(again.updated.values()) == 0
    assert again.unchanged["project_participant"] == counts[Participant]
