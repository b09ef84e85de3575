"""Every count of the preventive-work section against a hand count (docs/statistics.md)."""

from datetime import date

import pytest

from veiviser.prevention import selectors, services
from veiviser.prevention.models import ClarificationMeeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(register, horten):
    def case(registration, kind, outcome="", reason="", meetings=0):
        c = services.preventive_case_open(
            actor=None,
            registration=registration,
            kind=kind,
            school="Skole",
            started_on=date(registration.school_year, 9, 1),
        )
        for n in range(meetings):
            services.meeting_record(
                actor=None, case=c, held_on=date(registration.school_year, 10, 1 + n), partners=[]
            )
        if outcome:
            services.preventive_outcome_record(
                actor=None,
                case=c,
                outcome=outcome,
                outcome_on=date(registration.school_year + 1, 6, 20),
                dropout_reason=reason,
            )
        return c

    case(register(), "pupil", "completed", meetings=2)
    case(register(), "pupil", "dropped_out", "absence", meetings=1)
    case(register(), "apprentice", "dropped_out", "work")
    case(register(), "lower_secondary")
    case(register(unit=horten, owner=None), "candidate", "completed", meetings=1)
    case(register(school_year=2024), "pupil", "completed")  # another year


def test_county_counts(vestfold, world):
    counts = selectors.prevention_counts(county_id=vestfold.pk, school_year=2023)
    assert counts["cases"] == 5
    assert counts["with_meeting"] == 3
    assert counts["meetings"] == 4
    assert (counts["completed"], counts["dropped_out"], counts["open"]) == (2, 2, 1)
    assert counts["completed_share"] == 50
    assert counts["kind.pupil"] == 2 and counts["kind.lower_secondary"] == 1
    assert counts["reason.absence"] == 1 and counts["reason.work"] == 1
    assert counts["reason.health"] == 0


def test_unit_counts(vestfold, horten, world):
    counts = selectors.prevention_counts(county_id=vestfold.pk, school_year=2023, unit_id=horten.pk)
    assert (counts["cases"], counts["completed"], counts["meetings"]) == (1, 1, 1)


def test_the_parts_add_up(vestfold, world):
    c = selectors.prevention_counts(county_id=vestfold.pk, school_year=2023)
    assert c["completed"] + c["dropped_out"] + c["open"] == c["cases"]
    assert sum(v for k, v in c.items() if k.startswith("kind.")) == c["cases"]
    assert sum(v for k, v in c.items() if k.startswith("reason.")) == c["dropped_out"]


@pytest.mark.parametrize("cell", [*selectors.CELLS, selectors.MEETINGS])
def test_every_cell_lists_as_many_as_it_counts(vestfold, world, cell):
    counts = selectors.prevention_counts(county_id=vestfold.pk, school_year=2023)
    listed = selectors.prevention_cell(
        county_id=vestfold.pk, school_year=2023, unit_id=None, cell=cell
    )
    assert listed.count() == counts[cell]
    if cell == selectors.MEETINGS:
        assert listed.model is ClarificationMeeting
