"""Every count of the exams section, against a hand count of a small world (docs/statistics.md,
"Subject training and exams")."""

from datetime import date

import pytest

from veiviser.exams import selectors, services
from veiviser.exams.models import Result

pytestmark = pytest.mark.django_db


def _exam(registration, subject, on, result, grade=None):
    entry = services.exam_entry_register(
        actor=None, registration=registration, subject=subject, exam_date=on
    )
    if result != Result.PENDING:
        services.exam_result_record(actor=None, entry=entry, result=result, grade=grade)
    return entry


@pytest.fixture
def world(register, norsk, matte, horten):
    a, b, c = register(), register(), register()
    d = register(unit=horten, owner=None)
    e = register(school_year=2024)
    _exam(a, norsk, date(2023, 12, 1), Result.PASSED, 4)
    _exam(a, matte, date(2024, 5, 30), Result.NOT_PASSED, 1)
    _exam(a, matte, date(2024, 6, 10), Result.PASSED, 2)  # a re-sit counts as a second exam
    _exam(b, norsk, date(2024, 5, 30), Result.PASSED)  # passed without a grade
    _exam(b, matte, date(2024, 5, 30), Result.WITHDRAWN)  # not taken
    _exam(c, matte, date(2024, 5, 30), Result.PENDING)  # not taken (yet): c is not counted
    _exam(d, norsk, date(2024, 5, 30), Result.NOT_PASSED)
    _exam(e, norsk, date(2025, 5, 30), Result.PASSED, 5)  # another school year
    return {"a": a, "b": b, "c": c, "d": d, "e": e}


def test_county_totals_follow_the_definitions(vestfold, world):
    total = selectors.exam_counts(county_id=vestfold.pk, school_year=2023)["total"]
    assert total == {
        "youths": 3,  # a, b, d: at least one exam taken
        "exams": 5,
        "passed": 3,
        "not_passed": 2,
        "withdrawn": 1,
        "pending": 1,
        "pass_rate": 60,
    }


def test_per_subject_and_per_unit(vestfold, horten, tonsberg, world):
    rows = {
        r["subject__code"]: r
        for r in selectors.exam_counts(county_id=vestfold.pk, school_year=2023)["subjects"]
    }
    assert (rows["NOR1211"]["youths"], rows["NOR1211"]["exams"], rows["NOR1211"]["passed"]) == (
        3,
        3,
        2,
    )
    assert (rows["MAT1001"]["youths"], rows["MAT1001"]["exams"], rows["MAT1001"]["passed"]) == (
        1,
        2,
        1,
    )
    assert rows["MAT1001"]["pass_rate"] == 50
    hor = selectors.exam_counts(county_id=vestfold.pk, school_year=2023, unit_id=horten.pk)
    assert (hor["total"]["exams"], hor["total"]["not_passed"], hor["total"]["youths"]) == (1, 1, 1)
    tbg = selectors.exam_counts(county_id=vestfold.pk, school_year=2023, unit_id=tonsberg.pk)
    assert tbg["total"]["exams"] == 4


def test_a_year_without_exams_has_no_pass_rate(vestfold, world):
    total = selectors.exam_counts(county_id=vestfold.pk, school_year=2021)["total"]
    assert total["exams"] == 0 and total["pass_rate"] is None


@pytest.mark.parametrize(
    "cell", ["exams", "passed", "not_passed", "withdrawn", "pending", "youths"]
)
@pytest.mark.parametrize("subject", ["", "NOR1211", "MAT1001"])
def test_every_cell_lists_as_many_as_it_counts(vestfold, world, cell, subject):
    counts = selectors.exam_counts(county_id=vestfold.pk, school_year=2023)
    row = (
        counts["total"]
        if not subject
        else next(r for r in counts["subjects"] if r["subject__code"] == subject)
    )
    listed = selectors.exam_cell(
        county_id=vestfold.pk, school_year=2023, unit_id=None, cell=cell, subject=subject
    )
    assert listed.count() == row[cell]


def test_the_subjects_add_up_to_the_total_exams(vestfold, world):
    counts = selectors.exam_counts(county_id=vestfold.pk, school_year=2023)
    for key in ("exams", "passed", "not_passed", "withdrawn", "pending"):
        assert sum(r[key] for r in counts["subjects"]) == counts["total"][key]
