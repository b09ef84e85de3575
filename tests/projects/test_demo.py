"""The demo county's exams, preventive work and project cohort (one demo build for all three,
to keep the suite quick): realistic in size."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import translation

from veiviser.exams.selectors import exam_counts
from veiviser.organisation.models import County, User
from veiviser.policy import VIEW, registrations_q
from veiviser.prevention.selectors import prevention_counts
from veiviser.projects.selectors import cohort_counts
from veiviser.registry.models import Registration

pytestmark = pytest.mark.django_db


def test_the_demo_county_has_exams_preventive_work_and_a_project_cohort():
    out = StringIO()
    with translation.override("en"):
        call_command("demo", "--seed", "7", stdout=out, stderr=StringIO())
    county = County.objects.get(number="39")
    for year in (2022, 2023, 2024):
        exams = exam_counts(county_id=county.pk, school_year=year)["total"]
        # Seed 001: 216 exams for 106 youths, 87 % passed.
        assert 80 <= exams["youths"] <= 110, exams
        assert 150 <= exams["exams"] <= 280, exams
        assert 80 <= exams["pass_rate"] <= 92, exams

        prevention = prevention_counts(county_id=county.pk, school_year=year)
        # Seed 002: 580 worked with in a county half again as big; most completed the year.
        assert 200 <= prevention["cases"] <= 600, prevention
        assert prevention["completed"] > prevention["dropped_out"] > 0, prevention
        assert prevention["meetings"] >= prevention["with_meeting"] > 0, prevention

        cohort = cohort_counts(county_id=county.pk, school_year=year)["total"]
        # Seed 004: 34 participants, most of them in school at the end of the year.
        assert cohort["participants"] == 34, cohort
        assert cohort["school"] > cohort["participants"] / 2, cohort
    assert "Project participants: 102" in out.getvalue()
    # The demo's project worker sees the cohort (and nothing else).
    worker = User.objects.get(username="prosjekt")
    seen = Registration.objects.filter(registrations_q(worker, VIEW)).count()
    assert seen == 102
