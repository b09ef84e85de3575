"""The duties dashboard (/plikter/) and the worklist's "next duty" column."""

from datetime import date

import pytest
import time_machine
from django.utils import translation

from tests.conftest import at
from veiviser.casework import services as casework
from veiviser.organisation import services as organisation
from veiviser.organisation.models import Role
from veiviser.registry import services as registry

pytestmark = pytest.mark.django_db

TODAY = "2024-09-15 12:00 +02:00"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


def staff(username, role, county, unit=None):
    return organisation.staff_user_create(
        actor=None,
        username=username,
        password="pw-123456789",
        role=role,
        county=county,
        unit=unit,
        first_name=username.title(),
        last_name="Testesen",
    )


@pytest.fixture
def world(make_person, vestfold, tonsberg, horten, advisor):
    """Kari (Tønsberg) has Anna (registered 1 Sep, overdue first contact) and Bent (registered
    12 Sep, contacted); Per (Horten) has Cecilie; one unassigned youth in Tønsberg."""
    per = staff("per", Role.ADVISOR, vestfold, horten)

    def register(given, day, unit, owner, registered_on):
        registration = registry.registration_create(
            actor=None,
            person=make_person(birth_date=date(2006, 1, day), given=given, family="Plikt"),
            school_year=2024,
            registered_on=registered_on,
            reason="not_applied",
            unit=unit,
        )
        if owner:
            registry.registration_assign(actor=None, registration=registration, advisor=owner)
        return registration

    anna = register("Anna", 1, tonsberg, advisor, date(2024, 9, 1))
    bent = register("Bent", 2, tonsberg, advisor, date(2024, 9, 12))
    casework.contact_record(
        actor=None, registration=bent, at=at("2024-09-13 10:00"), channel="phone", outcome="reached"
    )
    cecilie = register("Cecilie", 3, horten, per, date(2024, 9, 1))
    dora = register("Dora", 4, tonsberg, None, date(2024, 9, 10))
    return {"per": per, "anna": anna, "bent": bent, "cecilie": cecilie, "dora": dora}


def names(response):
    return {line["registration"].given_name for line in response.context["lines"]}


def test_advisor_sees_the_duties_of_her_caseload_overdue_first(client, advisor, world):
    client.force_login(advisor)
    response = client.get("/plikter/")
    assert response.status_code == 200
    assert names(response) == {"Anna", "Bent"}
    lines = response.context["lines"]
    assert lines[0]["registration"].given_name == "Anna"
    assert lines[0]["overdue"]
    assert [line["overdue"] for line in lines] == sorted(
        (line["overdue"] for line in lines), reverse=True
    )


def test_coordinator_sees_the_unit_with_a_summary_per_advisor(client, tonsberg, vestfold, world):
    client.force_login(staff("trine", Role.UNIT_COORDINATOR, vestfold, tonsberg))
    response = client.get("/plikter/")
    assert names(response) == {"Anna", "Bent", "Dora"}
    assert {s.advisor_name for s in response.context["summary"]} == {"kari", ""}


def test_county_leader_sees_the_county_and_can_choose_a_unit(client, vestfold, horten, world):
    client.force_login(staff("lise", Role.COUNTY_LEADER, vestfold))
    assert names(client.get("/plikter/")) == {"Anna", "Bent", "Cecilie", "Dora"}
    assert names(client.get(f"/plikter/?unit={horten.pk}")) == {"Cecilie"}


def test_advisor_in_another_unit_sees_only_her_own(client, world):
    client.force_login(world["per"])
    assert names(client.get("/plikter/")) == {"Cecilie"}


def test_advisor_cannot_choose_another_unit(client, advisor, horten, world):
    client.force_login(advisor)
    assert names(client.get(f"/plikter/?unit={horten.pk}")) == {"Anna", "Bent"}


def test_administrator_gets_403(client, vestfold, world):
    client.force_login(staff("sysadm", Role.ADMINISTRATOR, vestfold))
    assert client.get("/plikter/").status_code == 403


def test_only_overdue_filter(client, advisor, world):
    client.force_login(advisor)
    response = client.get("/plikter/?state=overdue")
    assert response.context["lines"]
    assert all(line["overdue"] for line in response.context["lines"])


def test_dashboard_query_count_does_not_grow_with_rows(
    client, vestfold, make_person, tonsberg, world, django_assert_max_num_queries
):
    leader = staff("lise", Role.COUNTY_LEADER, vestfold)
    client.force_login(leader)
    with django_assert_max_num_queries(20) as few:
        client.get("/plikter/")
    for n in range(10):
        registry.registration_create(
            actor=None,
            person=make_person(birth_date=date(2007, 2, n + 1), given=f"Ny{n}"),
            school_year=2024,
            registered_on=date(2024, 9, 1),
            reason="not_applied",
            unit=tonsberg,
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/plikter/")


def test_worklist_shows_the_next_duty_and_marks_it_overdue(client, advisor, world):
    client.force_login(advisor)
    with translation.override("nb"):
        response = client.get("/ungdommer/?school_year=2024", HTTP_ACCEPT_LANGUAGE="nb")
    rows = {row["person"].given_name: row for row in response.context["rows"]}
    assert rows["Anna"]["next_duty"]["kind"] == "first_contact"
    assert rows["Anna"]["next_duty"]["overdue"]
    assert rows["Bent"]["next_duty"]["kind"] == "information_youth"
    text = response.content.decode()
    assert "Neste plikt" in text
    assert "forfalt" in text


def test_the_menu_links_to_the_duties(client, advisor, world):
    client.force_login(advisor)
    with translation.override("nb"):
        text = client.get("/ungdommer/", HTTP_ACCEPT_LANGUAGE="nb").content.decode()
    assert 'href="/plikter/"' in text
    assert "Plikter" in text
