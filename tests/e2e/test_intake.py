"""The intake flow in a real browser, with axe: the office uploads an admissions file with a
good and a bad row, reads the preview, confirms, and watches the run finish (htmx polling);
then the Udir comparison page."""

from datetime import date

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, login, menu_link
from tests.intake.conftest import csv_bytes, row
from tests.udir.test_services import NATION, TELEMARK, VESTFOLD, csv
from veiviser.intake import services
from veiviser.intake.models import IntakeRun
from veiviser.organisation import services as organisation
from veiviser.organisation.models import Role
from veiviser.registry.models import Registration
from veiviser.udir import services as udir

pytestmark = pytest.mark.e2e

PASSWORD = "not-a-real-password-1"


@pytest.fixture
def office(vestfold, tonsberg):
    return organisation.staff_user_create(
        actor=None,
        username="kontor",
        password=PASSWORD,
        role=Role.OFFICE,
        county=vestfold,
        first_name="Kari",
        last_name="Kontor",
    )


def test_the_office_previews_and_imports_an_intake_file(page, office, tmp_path):
    path = tmp_path / "inntak.csv"
    path.write_bytes(
        csv_bytes(
            [row(given="Åse"), row(birth=date(2007, 5, 3), municipality="9999")],
            encoding="cp1252",
        )
    )
    login(page, "kontor", PASSWORD)
    menu_link(page, "Inntaksfiler").click()
    expect(page.get_by_role("heading", name="Inntaksfiler", exact=True)).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Inntaksfil (CSV)").set_input_files(str(path))
    page.get_by_role("button", name="Forhåndsvis filen").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Inntaksfil inntak.csv")).to_be_visible()
    expect(page.get_by_role("row", name="Prøvesen, Åse").get_by_text("Opprettes")).to_be_visible()
    expect(page.get_by_text("Kolonne «Kommunenr»: kommunen hører ikke til fylket")).to_be_visible()
    assert_accessible(page)
    assert not Registration.objects.exists()

    page.get_by_role("button", name="Bekreft importen").click()
    page.wait_for_load_state()
    expect(page.locator("#run-status").get_by_text("I kø")).to_be_visible()
    assert_accessible(page)
    # The worker's part, run here: the polling fragment shows it done, then stops polling.
    services.run_apply(run=IntakeRun.objects.get())
    page.locator("#run-status").get_by_text("Ferdig").wait_for()
    assert page.locator("#run-status[hx-trigger]").count() == 0
    assert Registration.objects.get().person.given_name == "Åse"
    assert_accessible(page)


def test_the_udir_comparison_page_is_accessible(page, office):
    udir.table_import(actor=None, filename="udir.csv", data=csv(VESTFOLD, TELEMARK, NATION))
    login(page, "kontor", PASSWORD)
    page.goto("/statistikk/udir/")
    expect(page.get_by_role("heading", name="Andel i aktivitet per fylke")).to_be_visible()
    expect(page.get_by_role("img", name="Andel i aktivitet, prosent")).to_be_visible()
    assert_accessible(page)
