"""The `--report` counts of subject training and exams, preventive work and projects
(docs/statistics.md, "Subject training, exams, preventive work and projects"): the same
selectors as the statistics page, for the whole county and per unit (by unit key).

These are recorded work read as it is now: they are not bitemporal, so `--known-at` is refused
for them (`NOT_BITEMPORAL`)."""

from veiviser.exams.selectors import exam_counts
from veiviser.organisation.models import County
from veiviser.prevention.selectors import prevention_counts
from veiviser.projects.selectors import cohort_counts

NOT_BITEMPORAL = ("exams", "prevention", "projects")


def _units(county_id: int):
    return County.objects.get(pk=county_id).units.order_by("key")


def _by_unit(count, county_id: int, school_year: int, pick) -> dict:
    return {
        unit.key: pick(count(county_id=county_id, school_year=school_year, unit_id=unit.pk))
        for unit in _units(county_id)
    }


def _county_id(county: str) -> int:
    return County.objects.get(number=county).pk


def exams(kv, *, county: str, school_year: int, known_at=None) -> dict:
    county_id = _county_id(county)
    counts = exam_counts(county_id=county_id, school_year=school_year)
    return {
        "total": counts["total"],
        "by_subject": {
            row["subject__code"]: {k: v for k, v in row.items() if not k.startswith("subject__")}
            for row in counts["subjects"]
        },
        "by_unit": _by_unit(exam_counts, county_id, school_year, lambda c: c["total"]),
    }


def prevention(kv, *, county: str, school_year: int, known_at=None) -> dict:
    county_id = _county_id(county)
    return {
        "total": prevention_counts(county_id=county_id, school_year=school_year),
        "by_unit": _by_unit(prevention_counts, county_id, school_year, lambda c: c),
    }


def projects(kv, *, county: str, school_year: int, known_at=None) -> dict:
    county_id = _county_id(county)

    def flat(row: dict) -> dict:
        shares = {f"share_{k}": v for k, v in row["shares"].items()}
        return {
            **{k: v for k, v in row.items() if k != "shares" and not k.startswith("project")},
            **shares,
        }

    counts = cohort_counts(county_id=county_id, school_year=school_year)
    return {
        "total": flat(counts["total"]),
        "by_project": {row["project__name"]: flat(row) for row in counts["projects"]},
        "by_unit": _by_unit(cohort_counts, county_id, school_year, lambda c: flat(c["total"])),
    }


FUNCTIONS = {"exams": exams, "prevention": prevention, "projects": projects}
