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
