import json
from datetime import date

import pytest
from django.urls import reverse

from veiviser.people.models import Person

pytestmark = pytest.mark.django_db


def test_the_leader_finds_the_person_and_downloads_the_report(client, youth, leader):
    client.force_login(leader)
    page = client.get(reverse("web:privacy"), {"q": youth.fnr, "reason": "sak 17"})
    assert "Mira Fjellheim" in page.content.decode()
    response = client.get(
        reverse("web:access-report", args=[youth.pk]), {"format": "json", "reason": "sak 17"}
    )
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content)["person"] == youth.key
    pdf = client.get(reverse("web:access-report", args=[youth.pk]), {"format": "pdf"})
    assert pdf.content.startswith(b"%PDF")


def test_the_retention_run_needs_an_extract_and_the_leader(
    client, youth, leader, advisor, time_machine, tmp_path
):
    from veiviser.privacy import archive

    time_machine.move_to("2030-01-01 12:00+01:00")
    client.force_login(advisor)
    assert client.post(reverse("web:retention-run")).status_code == 403
    client.force_login(leader)
    client.post(reverse("web:retention-run"))
    assert Person.objects.get(pk=youth.pk).family_name == "Fjellheim"
    page = client.get(reverse("web:privacy")).content.decode()
    assert youth.key in page
    archive.make_extract(
        actor=leader, county=youth.county, closed_before=date(2025, 1, 1), out=tmp_path
    )
    client.post(reverse("web:retention-run"))
    assert Person.objects.get(pk=youth.pk).family_name == ""
