"""The data-quality page and the submission page of the staff web app."""

import hashlib
from datetime import date

import pytest
from django.urls import reverse

from veiviser.audit.models import AuditEvent
from veiviser.organisation import services as organisation
from veiviser.organisation.models import Role
from veiviser.quality.models import Submission

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(vestfold):
    return organisation.staff_user_create(
        actor=None, username="ola", password="pw-123456789", role=Role.OFFICE, county=vestfold
    )


@pytest.fixture
def coordinator(vestfold, horten):
    return organisation.staff_user_create(
        actor=None,
        username="trine",
        password="pw-123456789",
        role=Role.UNIT_COORDINATOR,
        county=vestfold,
        unit=horten,
    )


def test_the_office_sees_each_finding_under_its_rule_with_a_link_to_fix_it(
    client, office, register
):
    nowhere = register(unit=None, given="Utenenhet")
    client.force_login(office)
    response = client.get(reverse("web:quality"), {"date": "2024-11-15"})
    assert response.status_code == 200
    page = response.content.decode()
    section = page[page.index('data-rule="no_unit"') :]
    assert f'data-registration="{nowhere.key}"' in section
    assert reverse("web:youth", args=[nowhere.person_id]) in section
    event = AuditEvent.objects.get(action="quality.check.viewed")
    assert event.data["counts"]["no_unit"] == 1
    assert event.data["date"] == "2024-11-15"


def test_the_page_shows_the_trend_as_a_table_and_a_chart(client, office, register):
    register(fnr=None)
    client.force_login(office)
    page = client.get(reverse("web:quality"), {"date": "2025-02-15"}).content.decode()
    assert "15.11.2024" in page and "15.2.2025" in page
    assert 'id="chart-quality-title"' in page


def test_a_coordinator_sees_the_own_units_findings_only(client, coordinator, register, horten):
    mine = register(fnr=None, unit=horten)
    other = register(fnr=None)
    client.force_login(coordinator)
    page = client.get(reverse("web:quality"), {"date": "2024-11-15"}).content.decode()
    assert mine.key in page
    assert other.key not in page


def test_a_date_without_a_code_list_is_refused(client, office):
    client.force_login(office)
    response = client.get(reverse("web:quality"), {"date": "1990-11-15"})
    assert response.status_code == 400


def test_the_submission_page_downloads_the_file_and_logs_it(client, office, register):
    register()
    client.force_login(office)
    response = client.post(reverse("web:submission"), {"date": "2024-11-15"})
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('ot-innsending-39-2024-11-15.csv"')
    content = response.content
    log = Submission.objects.get()
    assert log.sha256 == hashlib.sha256(content).hexdigest() == response["X-Checksum-SHA256"]
    assert log.produced_by == office


def test_producing_a_logged_file_again_gives_the_same_bytes(client, office, register):
    register()
    client.force_login(office)
    first = client.post(reverse("web:submission"), {"date": "2024-11-15"}).content
    log = Submission.objects.get()
    register(registered_on=date(2024, 10, 1))  # learned afterwards
    page = client.get(reverse("web:submission")).content.decode()
    assert log.sha256[:16] in page
    again = client.post(
        reverse("web:submission"),
        {
            "date": "2024-11-15",
            "known_at": "2024-01-01T00:00",
            "known_at_exact": log.known_at.isoformat(),
        },
    ).content
    now = client.post(reverse("web:submission"), {"date": "2024-11-15"}).content
    assert again == first
    assert now != first
    page = client.get(reverse("web:submission")).content.decode()
    assert f'data-same-as="{log.pk}"' in page


def test_the_submission_page_refuses_a_coordinator(client, coordinator):
    client.force_login(coordinator)
    assert client.get(reverse("web:submission")).status_code == 403
    assert client.post(reverse("web:submission"), {"date": "2024-11-15"}).status_code == 403


def test_the_flows_page_shows_the_matrix_and_opens_the_youths_behind_a_cell(
    client, office, register
):
    mover = register(
        given="Flytter", statuses=[("OTOV", date(2024, 9, 1)), ("OTEV", date(2025, 1, 5))]
    )
    client.force_login(office)
    params = {"first": "2024-11-15", "second": "2025-02-15"}
    page = client.get(reverse("web:flows"), params).content.decode()
    assert 'id="chart-flows-title"' in page
    drill = reverse("web:flows-youths")
    assert f"{drill}?first=2024-11-15&amp;second=2025-02-15&amp;cell_from=2&amp;cell_to=3" in page
    response = client.get(drill, {**params, "cell_from": 2, "cell_to": 3})
    assert response.status_code == 200
    listing = response.content.decode()
    assert f'data-registration="{mover.key}"' in listing
    assert reverse("web:youth", args=[mover.person_id]) in listing
    event = AuditEvent.objects.get(action="quality.flows.drilldown.viewed")
    assert (event.data["from"], event.data["to"], event.data["count"]) == (2, 3, 1)


def test_the_flows_page_refuses_dates_in_the_wrong_order(client, office):
    client.force_login(office)
    response = client.get(reverse("web:flows"), {"first": "2025-02-15", "second": "2024-11-15"})
    assert response.status_code == 400


def test_a_coordinator_sees_the_flows_of_the_own_unit_only(client, coordinator, register, horten):
    register(unit=horten, registered_on=date(2025, 1, 10))
    register(registered_on=date(2025, 1, 10))
    client.force_login(coordinator)
    response = client.get(
        reverse("web:flows-youths"),
        {"first": "2024-11-15", "second": "2025-02-15", "cell_from": 0, "cell_to": 1},
    )
    assert response.status_code == 200
    assert response.content.decode().count("data-registration=") == 1


def test_without_a_date_the_page_checks_the_coming_or_last_counting_date(client, office, register):
    import time_machine

    nowhere = register(unit=None)
    client.force_login(office)
    with time_machine.travel("2026-11-25 10:00 +01:00", tick=False):
        later = client.get(reverse("web:quality")).content.decode()
    with time_machine.travel("2025-01-20 10:00 +01:00", tick=False):
        coming = client.get(reverse("web:quality")).content.decode()
    assert "15.6.2025" in later and nowhere.key in later
    assert "15.2.2025" in coming


def test_the_check_page_makes_as_many_queries_for_many_findings_as_for_few(
    client, office, register
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(office)
    params = {"date": "2025-02-15"}

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("web:quality"), params).status_code == 200
        return len(captured)

    register(fnr=None)
    few = queries()
    for _ in range(6):
        register(fnr=None, unit=None)
    assert queries() == few
