"""The information-letter batch page: who may start a batch (coordinator: the unit, office:
the county), the POST that queues it, and the progress fragment htmx polls until it is done."""

from datetime import date

import pytest
import time_machine
from django.core.management import call_command

from veiviser.letters import services
from veiviser.letters.models import BatchStatus, LetterBatch
from veiviser.organisation import services as organisation
from veiviser.organisation.models import Role

pytestmark = pytest.mark.django_db

TODAY = "2025-08-25 10:00 +02:00"


def staff(username, role, county, unit=None):
    return organisation.staff_user_create(
        actor=None, username=username, password="pw-123456789", role=role, county=county, unit=unit
    )


@pytest.fixture
def coordinator(vestfold, tonsberg):
    return staff("trine", Role.UNIT_COORDINATOR, vestfold, tonsberg)


@pytest.fixture
def office(vestfold):
    return staff("ola", Role.OFFICE, vestfold)


@time_machine.travel(TODAY, tick=False)
def test_a_coordinator_queues_a_batch_for_her_unit(
    client, coordinator, tonsberg, minor, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    page = client.get("/brev/kjoringer/")
    assert page.status_code == 200
    assert "unit" not in page.context["form"].fields
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/brev/kjoringer/", {"since": "2025-08-18"})
    batch = LetterBatch.objects.get()
    assert response.status_code == 302 and response.url == f"/brev/kjoringer/{batch.pk}/"
    assert (batch.unit, batch.since, batch.created_by) == (tonsberg, date(2025, 8, 18), coordinator)
    assert batch.task_id
    detail = client.get(response.url).content.decode()
    assert 'hx-trigger="every 2s"' in detail
    assert f'hx-get="/brev/kjoringer/{batch.pk}/status/"' in detail


@time_machine.travel(TODAY, tick=False)
def test_the_fragment_stops_polling_when_the_batch_is_done(client, coordinator, minor):
    batch = services.batch_start(
        actor=coordinator, county=coordinator.county, since=date(2025, 8, 1), unit=coordinator.unit
    )
    client.force_login(coordinator)
    fragment = client.get(f"/brev/kjoringer/{batch.pk}/status/")
    assert fragment.status_code == 200
    assert "every 2s" in fragment.content.decode()
    assert fragment["Cache-Control"] == "no-store"
    services.batch_run(batch)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DONE
    fragment = client.get(f"/brev/kjoringer/{batch.pk}/status/").content.decode()
    assert "hx-get" not in fragment and "hx-trigger" not in fragment
    assert "3 brev laget" in fragment  # the page speaks bokmål


@time_machine.travel(TODAY, tick=False)
def test_the_office_may_choose_a_unit_or_the_whole_county(client, office, horten, minor):
    client.force_login(office)
    assert "unit" in client.get("/brev/kjoringer/").context["form"].fields
    response = client.post("/brev/kjoringer/", {"since": "2025-08-18", "unit": horten.pk})
    assert response.status_code == 302
    assert LetterBatch.objects.get().unit == horten
    client.post("/brev/kjoringer/", {"since": "2025-08-18"})
    assert LetterBatch.objects.filter(unit__isnull=True).count() == 1


@time_machine.travel(TODAY, tick=False)
def test_a_date_in_the_future_is_refused(client, coordinator):
    client.force_login(coordinator)
    response = client.post("/brev/kjoringer/", {"since": "2025-09-01"})
    assert response.status_code == 400
    assert not LetterBatch.objects.exists()


@time_machine.travel(TODAY, tick=False)
def test_batches_of_another_unit_or_county_are_not_shown(
    client, coordinator, vestfold, horten, telemark, minor
):
    other_coordinator = staff("hanne", Role.UNIT_COORDINATOR, vestfold, horten)
    other_county_office = staff("tor", Role.OFFICE, telemark)
    batch = services.batch_start(
        actor=coordinator, county=vestfold, since=date(2025, 8, 1), unit=coordinator.unit
    )
    for user in (other_coordinator, other_county_office):
        client.force_login(user)
        assert client.get(f"/brev/kjoringer/{batch.pk}/").status_code == 404
        assert client.get(f"/brev/kjoringer/{batch.pk}/status/").status_code == 404
        assert batch not in client.get("/brev/kjoringer/").context["batches"]
    office = staff("ola", Role.OFFICE, vestfold)
    client.force_login(office)
    assert client.get(f"/brev/kjoringer/{batch.pk}/").status_code == 200


@time_machine.travel(TODAY, tick=False)
def test_advisors_and_the_county_leader_may_not(client, advisor, leader, coordinator, minor):
    batch = services.batch_start(
        actor=coordinator, county=coordinator.county, since=date(2025, 8, 1), unit=coordinator.unit
    )
    for user in (advisor, leader):
        client.force_login(user)
        assert client.get("/brev/kjoringer/").status_code == 403
        assert client.post("/brev/kjoringer/", {"since": "2025-08-18"}).status_code == 403
        assert client.get(f"/brev/kjoringer/{batch.pk}/").status_code == 403
        assert client.get(f"/brev/kjoringer/{batch.pk}/status/").status_code == 403


# -- "Prøv igjen": starting a failed batch again -------------------------------------------


def _failed_batch(coordinator, monkeypatch, django_capture_on_commit_callbacks):
    """A batch whose task failed in the worker (the PDF renderer broke), as it stays: the
    batch failed with the error, the task result failed."""
    from django_tasks_db.models import DBTaskResult

    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )
    with django_capture_on_commit_callbacks(execute=True):
        batch = services.batch_start(
            actor=coordinator,
            county=coordinator.county,
            since=date(2025, 8, 1),
            unit=coordinator.unit,
        )

    def broken(html):
        raise OSError("pango is missing")

    with monkeypatch.context() as patched:
        patched.setattr("veiviser.letters.render.html_to_pdf", broken)
        call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.FAILED and "pango" in batch.error
    assert DBTaskResult.objects.get(pk=batch.task_id).status == "FAILED"
    return batch


@time_machine.travel(TODAY, tick=False)
def test_a_failed_batch_is_started_again_with_the_button_once(
    client, coordinator, minor, monkeypatch, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    from veiviser.audit.models import AuditEvent

    batch = _failed_batch(coordinator, monkeypatch, django_capture_on_commit_callbacks)
    failed_task = batch.task_id
    client.force_login(coordinator)
    page = client.get(f"/brev/kjoringer/{batch.pk}/").content.decode()
    assert f'action="/brev/kjoringer/{batch.pk}/prov-igjen/"' in page
    assert "Prøv igjen" in page  # the page speaks bokmål

    response = client.post(f"/brev/kjoringer/{batch.pk}/prov-igjen/")
    assert response.status_code == 302 and response.url == f"/brev/kjoringer/{batch.pk}/"
    batch.refresh_from_db()
    assert (batch.status, batch.error) == (BatchStatus.QUEUED, "")
    assert batch.task_id != failed_task
    assert DBTaskResult.objects.get(pk=batch.task_id).status == "READY"
    event = AuditEvent.objects.get(action="letters.batch.retried")
    assert (event.actor, event.data) == (
        coordinator,
        {"failed_task": failed_task, "task": batch.task_id},
    )
    assert "prov-igjen" not in client.get(f"/brev/kjoringer/{batch.pk}/").content.decode()

    # A second press (a double click, another tab) changes nothing.
    client.post(f"/brev/kjoringer/{batch.pk}/prov-igjen/")
    assert DBTaskResult.objects.count() == 2
    assert AuditEvent.objects.filter(action="letters.batch.retried").count() == 1

    # The worker makes the letters this time; the old failed task stays as it was.
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    batch.refresh_from_db()
    assert (batch.status, batch.done, batch.total) == (BatchStatus.DONE, 3, 3)
    assert DBTaskResult.objects.get(pk=failed_task).status == "FAILED"
    # Pressed again now that the batch is done: nothing happens.
    client.post(f"/brev/kjoringer/{batch.pk}/prov-igjen/")
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DONE and DBTaskResult.objects.count() == 2


@time_machine.travel(TODAY, tick=False)
def test_only_those_who_see_the_batch_may_start_it_again(
    client,
    coordinator,
    advisor,
    leader,
    vestfold,
    horten,
    minor,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    batch = _failed_batch(coordinator, monkeypatch, django_capture_on_commit_callbacks)
    url = f"/brev/kjoringer/{batch.pk}/prov-igjen/"
    for user, status in (
        (advisor, 403),
        (leader, 403),
        (staff("hanne", Role.UNIT_COORDINATOR, vestfold, horten), 404),
    ):
        client.force_login(user)
        assert client.post(url).status_code == status
    client.logout()
    assert client.post(url).status_code == 302  # to the login
    assert client.get(url).status_code == 302
    batch.refresh_from_db()
    assert batch.status == BatchStatus.FAILED
    client.force_login(staff("ola", Role.OFFICE, vestfold))
    assert client.post(url).status_code == 302
    batch.refresh_from_db()
    assert batch.status == BatchStatus.QUEUED
