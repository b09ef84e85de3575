"""The comparison page: the county's numbers beside Udir's, and the office's upload."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.udir.test_services import NATION, TELEMARK, VESTFOLD, csv
from veiviser.organisation import services as organisation
from veiviser.organisation.models import Role
from veiviser.registry import services as registry
from veiviser.udir import services
from veiviser.udir.models import UdirTable

pytestmark = pytest.mark.django_db


@pytest.fixture
def leader(vestfold):
    return organisation.staff_user_create(
        actor=None,
        username="lise",
        password="pw-123456789",
        role=Role.COUNTY_LEADER,
        county=vestfold,
    )


def test_the_office_uploads_a_table_and_sees_the_comparison(client, office, tonsberg, make_person):
    registration = registry.registration_create(
        actor=None,
        person=make_person(birth_date=date(2006, 1, 1)),
        school_year=2024,
        registered_on=date(2024, 9, 1),
        reason="not_applied",
        unit=tonsberg,
    )
    registry.status_record(
        actor=None, registration=registration, code="OTEV", valid_from=date(2024, 9, 2)
    )
    client.force_login(office)
    response = client.post(
        reverse("web:udir"),
        {"file": SimpleUploadedFile("udir.csv", csv(VESTFOLD, TELEMARK, NATION))},
    )
    assert response.status_code == 302
    table = UdirTable.objects.get()
    assert table.imported_by == office
    page = client.get(response.url).content.decode()
    assert "Udirs publiserte tall" in page
    # Registered: own 1, Udir 10, difference −9; share in activity: own 100 %, Udir 50 %.
    assert '<td class="app-num">-9</td>' in page
    assert "100,0 %" in page and "50,0 %" in page
    assert 'id="chart-udir-shares-title"' in page
    assert "Telemark" in page and "Hele landet" in page


def test_an_upload_with_errors_lists_row_and_column(client, office):
    client.force_login(office)
    response = client.post(
        reverse("web:udir"), {"file": SimpleUploadedFile("udir.csv", csv(VESTFOLD))}
    )
    assert response.status_code == 400
    assert "rad 1, kolonne Fylkesnummer" in response.content.decode()
    assert not UdirTable.objects.exists()


def test_the_leader_sees_the_comparison_but_may_not_upload(client, leader):
    services.table_import(actor=None, filename="u.csv", data=csv(VESTFOLD, NATION))
    client.force_login(leader)
    page = client.get(reverse("web:udir")).content.decode()
    assert "Andel i aktivitet" in page
    assert 'type="file"' not in page
    response = client.post(
        reverse("web:udir"), {"file": SimpleUploadedFile("x.csv", csv(VESTFOLD, NATION))}
    )
    assert response.status_code == 403


def test_the_statistics_page_links_to_the_comparison(client, leader):
    client.force_login(leader)
    page = client.get(reverse("web:statistics")).content.decode()
    assert reverse("web:udir") in page
