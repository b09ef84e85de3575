"""Every count of the measures section against its definition (docs/statistics.md,
"Measures") and against the drill-down list behind it."""

from datetime import date

import pytest
from django.urls import reverse

from veiviser.audit.models import AuditEvent
from veiviser.measures import services, statistics
from veiviser.registry import services as registry

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(vestfold, tonsberg, horten, leader, make_person, measure):
    """Five youths of 2024/25: A completed the training and is in school in the autumn, B
    dropped out of it and has no outcome, C is still in it and in work practice, D is in a
    county-wide group only (not training), E (Horten) has no measure. F is 2023/24."""
    group = services.measure_create(
        actor=leader,
        county=vestfold,
        name="Tirsdagsgruppa",
        kind="group",
        starts_on=date(2024, 8, 1),
    )

    def youth(n, unit=tonsberg, year=2024):
        person = make_person(birth_date=date(2006, 1, 1 + n), given=f"Y{n}")
        return registry.registration_create(
            actor=None,
            person=person,
            school_year=year,
            registered_on=date(year, 8, 20),
            reason="other",
            unit=unit,
        )

    a, b, c, d = (youth(n) for n in range(4))
    e = youth(5, unit=horten)
    f = youth(6, year=2023)
    enrol = services.enrolment_create
    ea = enrol(actor=None, registration=a, measure=measure, starts_on=date(2024, 9, 2))
    services.enrolment_end(
        actor=None, enrolment=ea, ends_on=date(2025, 6, 1), end_reason="completed"
    )
    eb = enrol(actor=None, registration=b, measure=measure, starts_on=date(2024, 9, 3))
    services.enrolment_end(
        actor=None, enrolment=eb, ends_on=date(2024, 10, 1), end_reason="dropped_out"
    )
    enrol(actor=None, registration=c, measure=group, starts_on=date(2024, 9, 3))
    enrol(actor=None, registration=c, measure=measure, starts_on=date(2024, 10, 2))
    enrol(actor=None, registration=d, measure=group, starts_on=date(2024, 9, 3))
    services.placement_create(
        actor=None,
        registration=c,
        employer_orgnr="974760673",
        employer_name="Bakeri AS",
        starts_on=date(2024, 11, 1),
        hours_per_week=15,
    )
    services.autumn_outcome_record(
        actor=None, registration=a, place="education", observed_on=date(2025, 9, 1)
    )
    return {"a": a, "b": b, "c": c, "d": d, "e": e, "f": f, "group": group}


def test_the_counts_follow_their_definitions(world, vestfold, measure):
    counts = statistics.measure_counts(vestfold, 2024, on=date(2024, 11, 20))
    assert counts.enrolments == 5
    assert counts.placements == 1
    assert counts.cells["participants"] == 4  # a, b, c, d
    assert counts.cells["completed"] == 1  # a
    assert counts.cells["ended_early"] == 1  # b
    assert counts.cells["ongoing"] == 2  # c, d
    assert counts.cells["in_work_practice"] == 1  # c
    assert counts.cells["training"] == 3  # a, b, c (d only in a group)
    assert counts.cells["autumn.education"] == 1
    assert counts.cells["autumn.none"] == 2
    assert counts.back_in_education_or_work == round(1 / 3, 4)
    by_measure = {row.measure_id: row for row in counts.rows}
    assert by_measure[measure.pk].cells["participants"] == 3
    assert by_measure[world["group"].pk].cells["participants"] == 2
    # c's placement started 1 Nov: both follow-ups were due 15 Nov and are overdue on the 20th.
    assert counts.follow_ups["overdue"] == 2


def test_a_unit_counts_its_own_registrations(world, vestfold, horten):
    counts = statistics.measure_counts(vestfold, 2024, unit_id=horten.pk)
    assert counts.cells["participants"] == 0 and counts.enrolments == 0


def test_every_count_equals_its_drill_down(world, vestfold, measure):
    counts = statistics.measure_counts(vestfold, 2024)
    for cell in statistics.CELLS:
        behind = statistics.cell_registrations(vestfold, 2024, cell)
        assert behind.count() == counts.cells[cell], cell
    for row in counts.rows:
        for cell in statistics.ENROLMENT_CELLS:
            behind = statistics.cell_registrations(vestfold, 2024, cell, measure_id=row.measure_id)
            assert behind.count() == row.cells[cell], (row.name, cell)


def test_the_statistics_page_shows_the_section_and_the_drill_down_is_audited(
    client, world, leader, measure
):
    client.force_login(leader)
    page = client.get(reverse("web:statistics"), {"school_year": 2024})
    assert page.status_code == 200
    section = page.context["measures"]
    assert section["totals"][0]["count"] == 4
    url = section["rows"][0]["cells"][0]["url"]
    response = client.get(url)
    assert response.status_code == 200
    names = {r.person.given_name for r in response.context["rows"]}
    assert response.context["total"] == len(names)
    event = AuditEvent.objects.get(action="statistics.drilldown.viewed")
    assert event.data["cell"] == "measures.participants"


def test_a_coordinator_drills_down_only_in_the_own_unit(client, world, vestfold, horten):
    from veiviser.organisation import services as organisation

    other = organisation.staff_user_create(
        actor=None,
        username="koord-h",
        password="not-a-real-password-1",
        role="unit_coordinator",
        county=vestfold,
        unit=horten,
    )
    client.force_login(other)
    response = client.get(
        reverse("web:statistics-measure-youths"),
        {"school_year": 2024, "cell": "participants", "unit": world["a"].unit_id},
    )
    assert response.status_code == 400  # another unit is not a valid choice
