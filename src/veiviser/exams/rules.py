"""The rules of an exam entry, as pure functions returning problems (problems.py)."""

from datetime import date

from django.utils.translation import gettext as _

from veiviser.codes.selectors import school_year_bounds, school_year_label
from veiviser.exams.models import Result
from veiviser.problems import Problem

GRADES = range(1, 7)


def result_problems(result: str, grade: int | None) -> list[Problem]:
    """A grade is 1–6. Grade 1 is not passed and 2–6 passed (forskrift til opplæringslova
    § 3-4); a subject assessed passed / not passed has no grade. No result, no grade."""
    if result not in Result.values:
        return [Problem("result", _("%(result)s is not an exam result") % {"result": repr(result)})]
    if grade is None:
        return []
    if grade not in GRADES:
        return [Problem("grade", _("a grade is a whole number from 1 to 6"))]
    if result in (Result.PENDING, Result.WITHDRAWN):
        return [Problem("grade", _("only an exam that was taken has a grade"))]
    if result == Result.PASSED and grade == 1:
        return [Problem("grade", _("grade 1 means the exam was not passed"))]
    if result == Result.NOT_PASSED and grade != 1:
        return [Problem("grade", _("grades 2 to 6 mean the exam was passed"))]
    return []


def exam_date_problems(exam_date: date, school_year: int) -> list[Problem]:
    """An exam entry belongs to the school year of its registration: the exam date lies in it,
    so the entry is counted in the year and unit of that registration."""
    start, end = school_year_bounds(school_year)
    if start <= exam_date <= end:
        return []
    return [
        Problem(
            "exam_date",
            _("the exam date must lie in the school year %(year)s of the registration")
            % {"year": school_year_label(school_year)},
        )
    ]
