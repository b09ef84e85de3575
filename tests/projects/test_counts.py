"""The cohort counts (seed 004's outcome table) against a hand count (docs/statistics.md)."""

from datetime import date

import pytest

from veiviser.projects import selectors, services

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(vestfold, project, register, horten):
    other = services.project_create(
        actor=None, county=vestfold, name="Talenthuset", starts_on=date(2022, 8, 1)
    )

    def join(p, outcome="", **kw):
        participant = services.participant_add(
            actor=None,
            project=p,
            registration=register(**kw),
            joined_on=date(kw.get("school_year", 2023), 9, 1),
        )
        if outcome:
            services.participant_outcome_record(
                actor=None,
                participant=participant,
                outcome=outcome,
                outcome_on=date(kw.get("school_year", 2023) + 1, 6, 20),
            )

    for outcome in ["school", "school", "school", "apprentice", "nav_aap", ""]:
        join(project, outcome)
    join(other, "job", unit=horten, owner=None)
    join(other, "moved")
    join(project, "school", school_year=2024)  # another cohort


def test_counts_per_project_and_in_all(vestfold, world):
    counts = selectors.cohort_counts(county_id=vestfold.pk, school_year=2023)
    rows = {r["project__name"]: r for r in counts["projects"]}
    main = rows["Overgangsprosjektet"]
    assert main["participants"] == 6
    assert (main["school"], main["apprentice"], main["nav_aap"], main["none"]) == (3, 1, 1, 1)
    assert main["shares"]["school"] == 50
    total = counts["total"]
    assert total["participants"] == 8
    assert (total["job"], total["moved"], total["continues_ot"]) == (1, 1, 0)
    assert sum(total[o] for o in selectors.OUTCOMES) == total["participants"]


def test_a_unit_counts_its_own_youths(vestfold, horten, world):
    total = selectors.cohort_counts(county_id=vestfold.pk, school_year=2023, unit_id=horten.pk)[
        "total"
    ]
    assert (total["participants"], total["job"]) == (1, 1)


@pytest.mark.parametrize("outcome", ["participants", *selectors.OUTCOMES])
def test_every_cell_lists_as_many_as_it_counts(vestfold, world, outcome):
    counts = selectors.cohort_counts(county_id=vestfold.pk, school_year=2023)
    for row in [*counts["projects"], counts["total"]]:
        listed = selectors.cohort_cell(
            county_id=vestfold.pk,
            school_year=2023,
            unit_id=None,
            outcome=outcome,
            project_id=row.get("project_id"),
        )
        assert listed.count() == row[outcome]
