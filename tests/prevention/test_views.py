from datetime import date

import pytest
from django.urls import reverse

from veiviser.organisation import services as organisation
from veiviser.organisation.models import Role
from veiviser.prevention import services
from veiviser.prevention.models import ClarificationMeeting, PreventiveCase

pytestmark = pytest.mark.django_db


@pytest.fixture
def per(vestfold, horten):
    return organisation.staff_user_create(
        actor=None,
        username="per",
        password="pw-1234567",
        role=Role.ADVISOR,
        county=vestfold,
        unit=horten,
    )


def test_advisor_starts_preventive_work_records_a_meeting_and_the_outcome(
    client, advisor, register
):
    registration = register(school_year=2024)
    client.force_login(advisor)
    page = client.get(reverse("web:youth", args=[registration.person_id])).content.decode()
    assert "Start forebyggende arbeid" in page
    p = f"f{registration.pk}"
    response = client.post(
        reverse("web:prevention-open", args=[registration.pk]),
        {f"{p}-kind": "pupil", f"{p}-school": "Eksempel vgs", f"{p}-started_on": "2024-09-10"},
    )
    assert response.status_code == 302
    case = PreventiveCase.objects.get()
    m = f"m{case.pk}"
    response = client.post(
        reverse("web:prevention-meeting", args=[case.pk]),
        {f"{m}-held_on": "2024-10-01", f"{m}-partners": ["school", "ppt"], f"{m}-summary": "Plan"},
    )
    assert response.status_code == 302
    assert ClarificationMeeting.objects.get().partners == ["ppt", "school"]
    u = f"u{case.pk}"
    response = client.post(
        reverse("web:prevention-outcome", args=[case.pk]),
        {f"{u}-outcome": "dropped_out", f"{u}-outcome_on": "2025-01-15"},
    )
    assert response.status_code == 400  # a drop-out needs a reason
    assert "si hvorfor ungdommen avbrøt" in response.content.decode()
    response = client.post(
        reverse("web:prevention-outcome", args=[case.pk]),
        {
            f"{u}-outcome": "dropped_out",
            f"{u}-outcome_on": "2025-01-15",
            f"{u}-dropout_reason": "motivation",
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("web:youth", args=[registration.person_id])).content.decode()
    assert "Motivasjon" in page and "PPT" in page


def test_meeting_and_outcome_of_another_units_youth_are_refused(client, per, register):
    case = services.preventive_case_open(
        actor=None,
        registration=register(),
        kind="pupil",
        school="Skole",
        started_on=date(2023, 9, 1),
    )
    client.force_login(per)
    assert client.post(reverse("web:prevention-meeting", args=[case.pk])).status_code == 403
    assert client.post(reverse("web:prevention-outcome", args=[case.pk])).status_code == 403
    assert not ClarificationMeeting.objects.exists()


def test_statistics_show_prevention_and_the_list_behind_a_number(client, vestfold, register):
    leader = organisation.staff_user_create(
        actor=None,
        username="lise",
        password="pw-123456789",
        role=Role.COUNTY_LEADER,
        county=vestfold,
    )
    for kind in ("pupil", "apprentice"):
        services.preventive_case_open(
            actor=None,
            registration=register(),
            kind=kind,
            school="Skole",
            started_on=date(2023, 9, 1),
        )
    client.force_login(leader)
    page = client.get(reverse("web:statistics"), {"school_year": 2023}).content.decode()
    assert "Forebyggende arbeid" in page
    listed = client.get(reverse("web:statistics-prevention"), {"school_year": 2023, "cell": "open"})
    assert listed.context["total"] == 2 == len(listed.context["page_obj"].object_list)


def test_the_prevention_list_shows_the_cases_the_user_may_see(client, advisor, register, horten):
    for kw in ({}, {"unit": horten, "owner": None}):
        services.preventive_case_open(
            actor=None,
            registration=register(**kw),
            kind="pupil",
            school="Skole",
            started_on=date(2023, 9, 1),
        )
    client.force_login(advisor)
    page = client.get(reverse("web:prevention"), {"school_year": 2023, "show": "open"})
    assert page.status_code == 200
    assert page.context["page_obj"].paginator.count == 1
