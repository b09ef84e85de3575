"""The information-letter batch page in a real browser, with axe: a unit coordinator starts a
batch and watches its progress, refreshed by htmx until it is done."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, login, menu_link
from veiviser.codes.selectors import school_year_of
from veiviser.letters import services as letters
from veiviser.letters.models import LetterBatch, LetterTemplate
from veiviser.organisation import services as organisation
from veiviser.organisation.models import Role
from veiviser.registry import services as registry

pytestmark = pytest.mark.e2e

PASSWORD = "not-a-real-password-1"


@pytest.fixture
def coordinator(vestfold, tonsberg):
    return organisation.staff_user_create(
        actor=None,
        username="trine",
        password=PASSWORD,
        role=Role.UNIT_COORDINATOR,
        county=vestfold,
        unit=tonsberg,
        first_name="Trine",
        last_name="Koordinator",
    )


@pytest.fixture
def new_youth(make_person, tonsberg, coordinator):
    today = timezone.localdate()
    registration = registry.registration_create(
        actor=None,
        person=make_person(birth_date=date(today.year - 20, 5, 1), given="Emma"),
        school_year=school_year_of(today),
        registered_on=max(date(school_year_of(today), 8, 1), today - timedelta(days=2)),
        reason="not_applied",
        unit=tonsberg,
    )
    registry.registration_assign(actor=None, registration=registration, advisor=coordinator)
    if not LetterTemplate.objects.filter(active=True, kind="information", audience="youth"):
        LetterTemplate.objects.create(
            key="informasjon-ungdom",
            kind="information",
            audience="youth",
            title="Informasjon",
            body="<p>Hei {{ youth_given_name }}</p>",
        )
    return registration


def test_a_coordinator_starts_a_batch_and_sees_it_finish(page, coordinator, new_youth):
    login(page, "trine", PASSWORD)
    menu_link(page, "Informasjonsbrev").click()
    expect(page.get_by_role("heading", name="Informasjonsbrev", exact=True)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Lag brevene").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Brevkjøring")).to_be_visible()
    expect(page.locator("#batch-status").get_by_text("I kø")).to_be_visible()
    assert_accessible(page)
    # The worker's part, run here: the polling fragment shows it done, then stops polling.
    letters.batch_run(LetterBatch.objects.get())
    page.locator("#batch-status").get_by_text("Ferdig").wait_for()
    assert page.locator("#batch-status[hx-trigger]").count() == 0
    assert_accessible(page)


def test_a_failed_batch_is_started_again_with_the_button(page, coordinator, new_youth):
    """A batch whose task failed shows the error and "Prøv igjen"; pressing it queues the
    batch again (the polling starts again) and says so."""
    from django_tasks_db.models import DBTaskResult
    from playwright.sync_api import expect

    from veiviser.letters.models import BatchStatus

    batch = letters.batch_start(
        actor=coordinator,
        county=coordinator.county,
        since=new_youth.registered_on,
        unit=coordinator.unit,
    )
    batch.refresh_from_db()
    DBTaskResult.objects.get(pk=batch.task_id).set_failed(OSError("pango is missing"))
    LetterBatch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.FAILED, error="pango is missing"
    )
    login(page, "trine", PASSWORD)
    page.goto(f"/brev/kjoringer/{batch.pk}/")
    status = page.locator("#batch-status")
    expect(status.get_by_role("alert")).to_be_visible()
    expect(status.get_by_text("Feilet")).to_be_visible()
    assert_accessible(page)
    status.get_by_role("button", name="Prøv igjen").click()
    expect(page.get_by_text("Brevkjøringen er lagt i kø på nytt.")).to_be_visible()
    expect(page.locator("#batch-status").get_by_text("I kø")).to_be_visible()
    expect(page.get_by_role("button", name="Prøv igjen")).to_have_count(0)
    assert_accessible(page)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.QUEUED and batch.task_id != ""
