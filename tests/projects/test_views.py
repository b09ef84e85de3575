from datetime import date

import pytest
from django.urls import reverse

from veiviser.organisation.models import Role
from veiviser.projects import services
from veiviser.projects.models import Participant, Project

pytestmark = pytest.mark.django_db


def test_coordinator_starts_a_project_and_adds_a_youth_from_the_youth_page(
    client, staff, tonsberg, register, pia
):
    trine = staff("trine", Role.UNIT_COORDINATOR, unit=tonsberg)
    client.force_login(trine)
    response = client.post(
        reverse("web:projects"),
        {
            "name": "Gode overganger",
            "unit": tonsberg.pk,
            "starts_on": "2024-08-01",
            "workers": [pia.pk],
        },
    )
    project = Project.objects.get()
    assert response.status_code == 302 and list(project.workers.all()) == [pia]
    registration = register(school_year=2024)
    response = client.post(
        reverse("web:project-join", args=[registration.pk]),
        {f"j{registration.pk}-project": project.pk, f"j{registration.pk}-joined_on": "2024-09-01"},
    )
    assert response.status_code == 302
    assert Participant.objects.get().registration == registration


def test_project_worker_sees_the_cohort_and_records_an_outcome(client, pia, project, register):
    participant = services.participant_add(
        actor=None, project=project, registration=register(), joined_on=date(2023, 9, 1)
    )
    client.force_login(pia)
    page = client.get(reverse("web:project", args=[project.pk]))
    assert page.status_code == 200
    assert participant.registration.person.family_name in page.content.decode()
    response = client.post(
        reverse("web:project-outcome", args=[participant.pk]),
        {f"o{participant.pk}-outcome": "apprentice", f"o{participant.pk}-outcome_on": "2024-06-20"},
    )
    assert response.status_code == 302
    participant.refresh_from_db()
    assert participant.outcome == "apprentice"
    # and the youth's page opens without asking for a reason
    youth = client.get(reverse("web:youth", args=[participant.registration.person_id]))
    assert youth.status_code == 200 and "web/youth.html" in [t.name for t in youth.templates]


def test_others_cannot_open_or_manage_the_project(client, staff, project, register, horten):
    participant = services.participant_add(
        actor=None, project=project, registration=register(), joined_on=date(2023, 9, 1)
    )
    ivar = staff("ivar", Role.PROJECT_WORKER)
    hege = staff("hege", Role.UNIT_COORDINATOR, unit=horten)
    for user in (ivar, hege):
        client.force_login(user)
        assert client.get(reverse("web:project", args=[project.pk])).status_code == 404
        response = client.post(
            reverse("web:project-outcome", args=[participant.pk]),
            {f"o{participant.pk}-outcome": "job", f"o{participant.pk}-outcome_on": "2024-06-20"},
        )
        assert response.status_code == 403
    participant.refresh_from_db()
    assert participant.outcome == ""


def test_advisor_sees_the_project_but_only_the_participants_of_her_unit(
    client, advisor, project, register, horten
):
    for unit in (None, horten):
        kw = {"unit": unit, "owner": None} if unit else {}
        services.participant_add(
            actor=None, project=project, registration=register(**kw), joined_on=date(2023, 9, 1)
        )
    client.force_login(advisor)
    page = client.get(reverse("web:project", args=[project.pk]))
    assert (page.context["total"], page.context["hidden"]) == (2, 1)


def test_statistics_show_the_cohort_and_the_list_behind_a_number(client, staff, project, register):
    leader = staff("lise", Role.COUNTY_LEADER)
    for outcome in ("school", "school", "job"):
        p = services.participant_add(
            actor=None, project=project, registration=register(), joined_on=date(2023, 9, 1)
        )
        services.participant_outcome_record(
            actor=None, participant=p, outcome=outcome, outcome_on=date(2024, 6, 20)
        )
    client.force_login(leader)
    page = client.get(reverse("web:statistics"), {"school_year": 2023}).content.decode()
    assert "Overgangsprosjektet" in page
    listed = client.get(
        reverse("web:statistics-projects"),
        {"school_year": 2023, "outcome": "school", "project": project.pk},
    )
    assert listed.context["total"] == 2 == len(listed.context["page_obj"].object_list)


def test_the_project_page_does_not_query_per_participant(
    client, pia, project, register, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("web:project", args=[project.pk])).status_code == 200
        return len(captured)

    client.force_login(pia)
    for _n in range(2):
        services.participant_add(
            actor=None, project=project, registration=register(), joined_on=date(2023, 9, 1)
        )
    few = queries()
    for _n in range(6):
        services.participant_add(
            actor=None, project=project, registration=register(), joined_on=date(2023, 9, 1)
        )
    assert queries() == few
    with django_assert_max_num_queries(25):
        client.get(reverse("web:project", args=[project.pk]))
