from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from veiviser.exams.models import Result
from veiviser.exams.rules import exam_date_problems, result_problems


@pytest.mark.parametrize(
    "result, grade, ok",
    [
        (Result.PASSED, 2, True),
        (Result.PASSED, 6, True),
        (Result.PASSED, None, True),
        (Result.PASSED, 1, False),
        (Result.NOT_PASSED, 1, True),
        (Result.NOT_PASSED, None, True),
        (Result.NOT_PASSED, 4, False),
        (Result.WITHDRAWN, None, True),
        (Result.WITHDRAWN, 3, False),
        (Result.PENDING, 2, False),
        (Result.PASSED, 7, False),
        (Result.PASSED, 0, False),
        ("excellent", None, False),
    ],
)
def test_result_and_grade_rule(result, grade, ok):
    assert (result_problems(result, grade) == []) is ok


@given(grade=st.integers(min_value=1, max_value=6))
def test_every_grade_fits_exactly_one_taken_result(grade):
    fits = [r for r in (Result.PASSED, Result.NOT_PASSED) if not result_problems(r, grade)]
    assert fits == [Result.PASSED if grade >= 2 else Result.NOT_PASSED]


def test_exam_date_must_lie_in_the_registrations_school_year():
    assert exam_date_problems(date(2024, 5, 30), 2023) == []
    assert exam_date_problems(date(2023, 8, 1), 2023) == []
    assert exam_date_problems(date(2024, 7, 31), 2023) == []
    assert exam_date_problems(date(2024, 8, 1), 2023)[0].field == "exam_date"
    assert exam_date_problems(date(2023, 7, 31), 2023)[0].field == "exam_date"
