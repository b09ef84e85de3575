"""The annual report's chapter on projects and cohorts (docs/reports.md): per project the
participants of the school year and where they were at the end of the project year (seed
004's outcome categories). Every number is `cohort_counts`'s (docs/statistics.md,
"Projects"), published through the county's small-number rule with the sums a reader sees.

Participants are casework, not bitemporal: a regeneration prints the numbers kept with the
earlier report (`reports.services.NOT_BITEMPORAL`)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from veiviser.projects.models import ProjectOutcome
from veiviser.projects.selectors import OUTCOMES, cohort_counts
from veiviser.statistics import charts
from veiviser.statistics.suppression import Equation

# Short labels under the bars (the long ones overlap); the table below the chart has the rest.
SHORT = {
    "apprentice": gettext_lazy("Apprentice"),
    "school": gettext_lazy("School"),
    "job": gettext_lazy("Job"),
    "nav_aap": "NAV/AAP",
    "continues_ot": gettext_lazy("In OT"),
    "moved": gettext_lazy("Moved"),
    "other": gettext_lazy("Other"),
    "none": gettext_lazy("Not recorded"),
}


def _share(part, whole):
    return None if part is None or whole is None or not whole else round(part / whole, 4)


def projects_numbers(ctx) -> dict:
    counts = cohort_counts(county_id=ctx.county.pk, school_year=ctx.school_year)
    rows = [(str(r["project_id"]), r["project__name"], r) for r in counts["projects"]]
    cells, equations = {}, []
    for key, _name, row in [*rows, ("total", "", counts["total"])]:
        cells[f"{key}:participants"] = row["participants"]
        cells.update({f"{key}:{o}": row[o] for o in OUTCOMES})
        equations.append(Equation(f"{key}:participants", tuple(f"{key}:{o}" for o in OUTCOMES)))
    for column in ("participants", *OUTCOMES):
        equations.append(Equation(f"total:{column}", tuple(f"{k}:{column}" for k, _n, _r in rows)))
    shown = ctx.publish(cells, equations)

    def published(key, name):
        row = {"name": name, "participants": shown[f"{key}:participants"]}
        row["outcomes"] = {o: shown[f"{key}:{o}"] for o in OUTCOMES}
        return row

    return {
        "projects": [published(key, name) for key, name, _r in rows],
        "total": published("total", ""),
    }


def projects_section(ctx) -> dict:
    numbers = ctx.frozen.get("projects") or projects_numbers(ctx)
    labels = {**dict(ProjectOutcome.choices), "none": _("No outcome recorded yet")}
    total = numbers["total"]
    outcomes = [
        {
            "label": str(labels[o]),
            "value": total["outcomes"][o],
            "share": _share(total["outcomes"][o], total["participants"]),
        }
        for o in OUTCOMES
    ]
    chart = ""
    if numbers["projects"]:
        chart = charts.bar_chart(
            title=_("Participants in projects at the end of the project year"),
            categories=[str(SHORT[o]) for o in OUTCOMES],
            series=[(_("Participants"), [o["value"] for o in outcomes])],
            id_prefix="report-projects",
            description=_(
                "Bar chart of the participants in the county's projects by where they were at "
                "the end of the project year."
            ),
        )
    return {
        "projects": numbers["projects"],
        "total": total,
        "outcomes": outcomes,
        "labels": [str(labels[o]) for o in OUTCOMES],
        "chart": chart,
        "numbers": numbers,
    }
