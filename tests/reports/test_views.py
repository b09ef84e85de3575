"""The annual report pages: county-wide only, a report queued and followed, downloads audited,
narratives saved as new versions."""

import pytest
from django.urls import reverse

from tests.reports.conftest import SCHOOL_YEAR, made
from veiviser.audit.models import AuditEvent
from veiviser.organisation import services as organisation
from veiviser.organisation.models import Role
from veiviser.reports import services
from veiviser.reports.models import Narrative, Report, ReportStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(vestfold, tonsberg):
    return organisation.staff_user_create(
        actor=None,
        username="trine",
        password="pw-123456789",
        role=Role.UNIT_COORDINATOR,
        county=vestfold,
        unit=tonsberg,
    )


@pytest.fixture
def other_leader(telemark):
    return organisation.staff_user_create(
        actor=None,
        username="tor",
        password="pw-123456789",
        role=Role.COUNTY_LEADER,
        county=telemark,
    )


def test_leader_queues_a_report_and_the_task_makes_it(
    client, leader, report_world, django_capture_on_commit_callbacks
):
    client.force_login(leader)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            reverse("web:reports"), {"school_year": SCHOOL_YEAR, "format": "html"}
        )
    report = Report.objects.get()
    assert response.status_code == 302 and response.url == reverse("web:report", args=[report.pk])
    assert report.status == ReportStatus.QUEUED and report.created_by == leader
    status = client.get(reverse("web:report-status", args=[report.pk]))
    assert b'hx-trigger="every 2s"' in status.content  # polling while queued
    services.report_run(report)  # what the background task does
    status = client.get(reverse("web:report-status", args=[report.pk]))
    assert b"hx-trigger" not in status.content  # done: the polling stops
    download = client.get(reverse("web:report-download", args=[report.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert download.content.startswith(b"<!DOCTYPE html>")
    assert AuditEvent.objects.filter(action="reports.report.downloaded", actor=leader).exists()


def test_bad_choice_is_refused_and_nothing_is_queued(client, leader, report_world):
    client.force_login(leader)
    response = client.post(reverse("web:reports"), {"school_year": 1990, "format": "html"})
    assert response.status_code == 400
    assert not Report.objects.exists()


def test_coordinator_cannot_reach_reports(client, coordinator, report_world):
    report = made(report_world)
    client.force_login(coordinator)
    for name, args in (
        ("web:reports", []),
        ("web:report-narratives", []),
        ("web:report", [report.pk]),
        ("web:report-status", [report.pk]),
        ("web:report-download", [report.pk]),
    ):
        assert client.get(reverse(name, args=args)).status_code in (403, 404), name


def test_other_county_cannot_see_the_report(client, other_leader, report_world):
    report = made(report_world)
    client.force_login(other_leader)
    for name in ("web:report", "web:report-status", "web:report-download"):
        assert client.get(reverse(name, args=[report.pk])).status_code == 404, name


def test_narrative_saved_from_the_page_is_a_new_version(client, leader, report_world):
    client.force_login(leader)
    url = reverse("web:report-narratives")
    assert client.get(url).status_code == 200
    for body in ("Første utkast.", "Andre utkast."):
        response = client.post(url, {"key": "introduction", "body": body})
        assert response.status_code == 302
    versions = list(Narrative.objects.filter(key="introduction").values_list("version", "body"))
    assert sorted(versions) == [(1, "Første utkast."), (2, "Andre utkast.")]
    page = client.get(url)
    assert "Andre utkast." in page.content.decode()
    assert client.post(url, {"key": "no-such", "body": "x"}).status_code == 400


def test_a_finished_report_is_made_again_with_the_same_numbers(
    client, leader, report_world, django_capture_on_commit_callbacks
):
    services.narrative_save(actor=None, county=report_world, key="introduction", body="Første.")
    first = made(report_world)
    services.narrative_save(actor=None, county=report_world, key="introduction", body="Andre.")
    client.force_login(leader)
    page = client.get(reverse("web:report", args=[first.pk]))
    assert reverse("web:report-again", args=[first.pk]) in page.content.decode()
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(reverse("web:report-again", args=[first.pk]))
    again = Report.objects.get(again_of=first)
    assert response.url == reverse("web:report", args=[again.pk])
    services.report_run(Report.objects.get(pk=again.pk))  # the background task's part
    again.refresh_from_db()
    assert again.known_at == first.known_at
    assert again.numbers == first.numbers
    assert again.narratives == {"introduction": 1}
    assert "Første." in bytes(again.file).decode()


def test_others_cannot_make_a_report_again(client, coordinator, other_leader, report_world):
    report = made(report_world)
    for user in (coordinator, other_leader):
        client.force_login(user)
        assert client.post(reverse("web:report-again", args=[report.pk])).status_code in (403, 404)
    assert not Report.objects.filter(again_of=report).exists()
