from io import StringIO

import pytest
from django.core.management import call_command

from veiviser.exams.selectors import exam_counts
from veiviser.organisation.models import County

pytestmark = pytest.mark.django_db


def test_the_demo_county_has_exams_of_a_realistic_size():
    out = StringIO()
    call_command("demo", "--seed", "7", stdout=out, stderr=StringIO())
    county = County.objects.get(number="39")
    for year in (2022, 2023, 2024):
        total = exam_counts(county_id=county.pk, school_year=year)["total"]
        # Seed 001: 216 exams for 106 youths, 87 % passed.
        assert 80 <= total["youths"] <= 110, total
        assert 150 <= total["exams"] <= 280, total
        assert 80 <= total["pass_rate"] <= 92, total


def test_the_demo_county_has_preventive_work_of_a_realistic_size():
    from veiviser.prevention.selectors import prevention_counts

    call_command("demo", "--seed", "7", stdout=StringIO(), stderr=StringIO())
    county = County.objects.get(number="39")
    for year in (2022, 2023, 2024):
        c = prevention_counts(county_id=county.pk, school_year=year)
        # Seed 002: 580 worked with in a county half again as big, 263 completed.
        assert 200 <= c["cases"] <= 600, c
        assert c["completed"] > c["dropped_out"] > 0, c
        assert c["meetings"] >= c["with_meeting"] > 0, c
