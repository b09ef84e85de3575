"""The annual report's chapter on subject training and exams (docs/reports.md): per subject
the youths who took an exam, the exams taken, passed and not passed, and the pass rate. Every
number is `exam_counts`'s (docs/statistics.md, "Subject training and exams"), published
through the county's small-number rule with the column sums a reader sees.

Exam entries are casework, not bitemporal: a regeneration prints the numbers kept with the
earlier report (`reports.services.NOT_BITEMPORAL`)."""

from django.utils.translation import gettext as _

from veiviser.exams.selectors import exam_counts
from veiviser.statistics import charts
from veiviser.statistics.suppression import Equation

COLUMNS = ("youths", "exams", "passed", "not_passed")


def _rate(passed, exams):
    if passed is None or exams is None or not exams:
        return None
    return round(passed / exams, 4)


def exams_numbers(ctx) -> dict:
    counts = exam_counts(county_id=ctx.county.pk, school_year=ctx.school_year)
    subjects = counts["subjects"]
    cells = {}
    equations = []
    for row in subjects:
        code = row["subject__code"]
        for column in COLUMNS:
            cells[f"{code}:{column}"] = row[column]
        equations.append(Equation(f"{code}:exams", (f"{code}:passed", f"{code}:not_passed")))
    for column in COLUMNS:
        cells[f"total:{column}"] = counts["total"][column]
    equations.append(Equation("total:exams", ("total:passed", "total:not_passed")))
    for column in ("exams", "passed", "not_passed"):  # exams are rows: they add up
        equations.append(
            Equation(f"total:{column}", tuple(f"{r['subject__code']}:{column}" for r in subjects))
        )
    shown = ctx.publish(cells, equations)

    def published(key: str, name: str) -> dict:
        row = {"code": key, "name": name, **{c: shown[f"{key}:{c}"] for c in COLUMNS}}
        row["pass_rate"] = _rate(row["passed"], row["exams"])
        return row

    return {
        "subjects": [published(r["subject__code"], r["subject__name"]) for r in subjects],
        "total": published("total", ""),
    }


def exams_section(ctx) -> dict:
    numbers = ctx.frozen.get("exams") or exams_numbers(ctx)
    subjects = numbers["subjects"]
    chart = ""
    if subjects:
        chart = charts.bar_chart(
            title=_("Exams taken and passed, by subject"),
            # Subject codes under the bars (names overlap); the table below names them.
            categories=[s["code"] for s in subjects],
            series=[
                (_("Exams taken"), [s["exams"] for s in subjects]),
                (_("Passed"), [s["passed"] for s in subjects]),
            ],
            id_prefix="report-exams",
            description=_("Bar chart of the exams taken and passed in each subject."),
        )
    return {"subjects": subjects, "total": numbers["total"], "chart": chart, "numbers": numbers}
