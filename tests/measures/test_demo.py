"""The demo's measures (measures.demo): the catalogue per unit, enrolments that follow the
status history without writing any status, and the same result for the same seed."""

from datetime import date

import pytest
from django.db import transaction

from veiviser.measures import demo
from veiviser.measures.models import AutumnOutcome, Enrolment, Measure, Placement
from veiviser.registry import services as registry
from veiviser.registry.models import StatusFact

pytestmark = pytest.mark.django_db


@pytest.fixture
def youths(vestfold, tonsberg, horten, make_person):
    made = []
    for n, (unit, code) in enumerate(
        [(tonsberg, "OTOA"), (tonsberg, "OTKO"), (horten, "OTOA"), (horten, "OTOV")] * 3
    ):
        registration = registry.registration_create(
            actor=None,
            person=make_person(birth_date=date(2006, 2, 1 + n), given=f"Demo{n}"),
            school_year=2024,
            registered_on=date(2024, 8, 20),
            reason="other",
            unit=unit,
        )
        registry.status_record(
            actor=None, registration=registration, code=code, valid_from=date(2024, 9, 2 + n)
        )
        made.append(registration)
    return made


def _snapshot():
    return sorted(
        Enrolment.objects.values_list(
            "registration_id", "measure__name", "starts_on", "ends_on", "end_reason"
        )
    ), sorted(Placement.objects.values_list("registration_id", "employer_orgnr", "hours_per_week"))


def test_the_demo_follows_the_status_history_and_writes_no_status(vestfold, youths):
    facts = StatusFact.objects.count()
    summary = demo.build(vestfold, seed=1, school_years=(2024,))
    assert summary["measures"] == 2 * len(demo.UNIT_MEASURES) + len(demo.COUNTY_MEASURES)
    assert StatusFact.objects.count() == facts
    # Every OTOA/OTKO youth enrolled from the day the status began: nothing proposed.
    enrolled = Enrolment.objects.exclude(proposal="proposed")
    assert enrolled.count() == 9
    assert all(e.starts_on == e.registration.status_facts.get().valid_from for e in enrolled)
    assert Measure.objects.filter(unit__isnull=True).count() == len(demo.COUNTY_MEASURES)
    assert AutumnOutcome.objects.count() <= 9


def test_the_same_seed_gives_the_same_measures(vestfold, youths):
    with transaction.atomic():
        demo.build(vestfold, seed=3, school_years=(2024,))
        first = _snapshot()
        transaction.set_rollback(True)
    demo.build(vestfold, seed=3, school_years=(2024,))
    assert _snapshot() == first
