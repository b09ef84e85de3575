"""The county leader makes the annual report in a real browser, with axe on every page and on
the report's HTML itself; and writes the report's introduction."""

from datetime import date

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, login, menu_link
from veiviser.organisation import services as organisation
from veiviser.organisation.models import Role
from veiviser.registry import services as registry
from veiviser.reports import services as reports
from veiviser.reports.models import Report

pytestmark = pytest.mark.e2e

PASSWORD = "not-a-real-password-1"


@pytest.fixture
def leader(vestfold):
    return organisation.staff_user_create(
        actor=None,
        username="lise",
        password=PASSWORD,
        role=Role.COUNTY_LEADER,
        county=vestfold,
        first_name="Lise",
        last_name="Leder",
    )


@pytest.fixture
def youths(make_person, tonsberg, horten):
    for n in range(12):
        registration = registry.registration_create(
            actor=None,
            person=make_person(birth_date=date(2005, 5, n + 1), given=f"Test{n}"),
            school_year=2024,
            registered_on=date(2024, 8, 20),
            reason=("not_applied", "declined", "dropped_out", "other")[n % 4],
            unit=(tonsberg, horten)[n % 2],
        )
        registry.status_record(
            actor=None,
            registration=registration,
            code=("OTOV", "OTEV", "OTOA", "OTNO")[n % 4],
            valid_from=date(2024, 9, 1),
        )


def test_leader_makes_the_annual_report(page, leader, youths):
    login(page, "lise", PASSWORD)
    menu_link(page, "Årsrapport").click()
    expect(page.get_by_role("heading", name="Årsrapport", exact=True)).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Skoleår").select_option("2024")
    page.get_by_label("Format").select_option("html")
    page.get_by_role("button", name="Lag rapporten").click()
    page.wait_for_load_state()
    expect(page.locator("#report-status").get_by_text("I kø")).to_be_visible()
    assert_accessible(page)
    # The worker's part, run here: the polling fragment shows it done, then stops polling.
    report = reports.report_run(Report.objects.get())
    page.locator("#report-status").get_by_text("Ferdig").wait_for()
    assert page.locator("#report-status[hx-trigger]").count() == 0
    assert_accessible(page)
    # The report itself, as a reader opens the HTML file: a document of its own (with its own
    # stylesheet inside), not a page of the app under the app's Content-Security-Policy.
    reader = page.context.new_page()
    reader.set_content(bytes(report.file).decode())
    assert reader.get_by_role("heading", name="Tabell 1").count() == 0  # a caption
    expect(reader.get_by_text("Tabell 2. Tilmeldte ungdommer etter hovedgruppe")).to_be_visible()
    assert_accessible(reader)


def test_leader_writes_the_introduction(page, leader, youths):
    login(page, "lise", PASSWORD)
    page.goto("/arsrapport/tekster/")
    assert_accessible(page)
    section = page.locator("section", has=page.get_by_role("heading", name="Innledning"))
    section.get_by_label("Tekst (Markdown)").fill("Et **godt** år.")
    section.get_by_role("button", name="Lagre en ny versjon").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Teksten er lagret som versjon 1.")).to_be_visible()
    assert_accessible(page)
