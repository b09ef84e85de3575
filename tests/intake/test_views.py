"""The intake pages: upload → preview → confirm → progress, and who may see which runs."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.intake.conftest import csv_bytes, row
from veiviser.audit.models import AuditEvent
from veiviser.intake import services
from veiviser.intake.models import IntakeRun, RunStatus
from veiviser.registry.models import Registration

pytestmark = pytest.mark.django_db


def upload(client, rows, name="inntak.csv"):
    return client.post(
        reverse("web:intake"), {"file": SimpleUploadedFile(name, csv_bytes(rows), "text/csv")}
    )


def test_the_office_uploads_previews_and_confirms(
    client, vestfold, tonsberg, office, django_capture_on_commit_callbacks
):
    client.force_login(office)
    response = upload(client, [row(), row(birth=date(2007, 5, 3), municipality="9999")])
    run = IntakeRun.objects.get()
    assert response.url == reverse("web:intake-run", args=[run.pk])
    page = client.get(response.url).content.decode()
    assert "Opprettes" in page and "Avvist" in page
    assert "Kolonne «Kommunenr»: kommunen hører ikke til fylket" in page
    assert run.sha256 in page
    assert AuditEvent.objects.filter(action="intake.run.viewed", actor=office).exists()
    assert not Registration.objects.exists()

    with django_capture_on_commit_callbacks(execute=False):
        client.post(reverse("web:intake-confirm", args=[run.pk]), {"sha256": run.sha256})
    run.refresh_from_db()
    assert run.status == RunStatus.QUEUED
    fragment = client.get(reverse("web:intake-run-status", args=[run.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in fragment
    services.run_apply(run=run)  # the worker's part
    fragment = client.get(reverse("web:intake-run-status", args=[run.pk])).content.decode()
    assert "hx-trigger" not in fragment and "Ferdig" in fragment
    assert Registration.objects.count() == 1


def test_a_confirmation_with_another_checksum_writes_nothing(client, vestfold, tonsberg, office):
    client.force_login(office)
    upload(client, [row()])
    run = IntakeRun.objects.get()
    response = client.post(reverse("web:intake-confirm", args=[run.pk]), {"sha256": "f" * 64})
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == RunStatus.PREVIEWED
    assert not Registration.objects.exists()


def test_an_unreadable_file_is_refused_on_the_form(client, vestfold, office):
    client.force_login(office)
    response = client.post(
        reverse("web:intake"), {"file": SimpleUploadedFile("x.csv", b"a,b,c\n1,2,3\n")}
    )
    assert response.status_code == 400
    assert "semikolonseparert" in response.content.decode()
    assert not IntakeRun.objects.exists()


def test_another_countys_office_cannot_see_the_runs(
    client, vestfold, tonsberg, office, telemark_office
):
    client.force_login(office)
    upload(client, [row()])
    run = IntakeRun.objects.get()
    client.force_login(telemark_office)
    for name in ("web:intake-run", "web:intake-run-status"):
        assert client.get(reverse(name, args=[run.pk])).status_code == 404
    response = client.post(reverse("web:intake-confirm", args=[run.pk]), {"sha256": run.sha256})
    assert response.status_code == 404
    assert run.filename not in client.get(reverse("web:intake")).content.decode()


def test_a_coordinator_sees_only_the_runs_of_their_unit(
    client, vestfold, tonsberg, office, coordinator
):
    client.force_login(office)
    upload(client, [row()], name="fylket.csv")
    client.force_login(coordinator)
    upload(client, [row()], name="enheten.csv")
    mine = IntakeRun.objects.get(filename="enheten.csv")
    county = IntakeRun.objects.get(filename="fylket.csv")
    assert client.get(reverse("web:intake-run", args=[mine.pk])).status_code == 200
    assert client.get(reverse("web:intake-run", args=[county.pk])).status_code == 404


def test_an_advisor_and_the_leader_are_refused(client, vestfold, advisor):
    from veiviser.organisation import services as organisation

    leader = organisation.staff_user_create(
        actor=None, username="lise", password="pw-123456789", role="county_leader", county=vestfold
    )
    for user in (advisor, leader):
        client.force_login(user)
        assert client.get(reverse("web:intake")).status_code == 403


def test_the_office_edits_the_column_mapping(client, vestfold, tonsberg, office):
    from veiviser.intake.models import ColumnMapping

    client.force_login(office)
    data = {f"col_{f}": v for f, v in ColumnMapping(county=vestfold).columns.items()}
    data["col_reason"] = "Grunn"
    data["reason_values"] = "Søkte ikke = OSON\nFeil = XXXX"
    response = client.post(reverse("web:intake-mapping"), data)
    assert response.status_code == 400
    assert "XXXX er verken en årsakskode eller en årsaksgruppe" in response.content.decode()
    data["reason_values"] = "Søkte ikke = OSON"
    assert client.post(reverse("web:intake-mapping"), data).status_code == 302
    mapping = ColumnMapping.objects.get(county=vestfold)
    assert mapping.columns["reason"] == "Grunn"
    assert mapping.reason_values == {"Søkte ikke": "OSON"}
    assert AuditEvent.objects.filter(action="intake.mapping.saved", actor=office).exists()


def test_a_coordinator_may_not_edit_the_mapping(client, vestfold, coordinator):
    client.force_login(coordinator)
    assert client.get(reverse("web:intake-mapping")).status_code == 403
