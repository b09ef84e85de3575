"""The advisor's and the coordinator's daily work in a real browser, with axe on every page:
log in, find a youth, record a contact, change the status, assign from the coordinator list."""

from datetime import date

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, login, open_form
from veiviser.casework.models import Contact
from veiviser.organisation import services as organisation
from veiviser.organisation.models import Role
from veiviser.registry import services as registry
from veiviser.registry.models import Registration, StatusFact

pytestmark = pytest.mark.e2e

PASSWORD = "not-a-real-password-1"  # the advisor fixture's, tests/conftest.py


@pytest.fixture
def youths(make_person, tonsberg, advisor):
    regs = []
    for n, (given, family) in enumerate(
        [("Emma", "Eksempel"), ("Jonas", "Prøvesen"), ("Ida", "Testdal")]
    ):
        person = make_person(birth_date=date(2006, 5, n + 1), given=given, family=family)
        registration = registry.registration_create(
            actor=None,
            person=person,
            school_year=2024,
            registered_on=date(2024, 8, 20),
            reason="not_applied",
            unit=tonsberg,
        )
        if n < 2:
            registry.registration_assign(actor=None, registration=registration, advisor=advisor)
        regs.append(registration)
    return regs


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


def test_advisor_finds_a_youth_records_contact_and_changes_status(page, advisor, youths):
    login(page, "kari", PASSWORD)
    page.goto("/ungdommer/?school_year=2024")
    assert_accessible(page)
    expect(page.get_by_role("link", name="Eksempel, Emma")).to_be_visible()
    assert page.get_by_role("link", name="Testdal, Ida").count() == 0  # not in her caseload

    page.get_by_label("Søk på navn, fødselsnummer eller D-nummer").fill("Prøvesen")
    page.get_by_role("button", name="Vis").click()
    # The list is swapped in place (htmx): wait until it shows only the match.
    page.get_by_role("link", name="Eksempel, Emma").wait_for(state="detached")
    page.get_by_role("link", name="Prøvesen, Jonas").click()
    page.wait_for_url("**/ungdom/**")
    expect(page.get_by_role("heading", name="Jonas Prøvesen")).to_be_visible()
    assert_accessible(page)

    contact = open_form(page, "Registrer kontakt")
    assert contact.get_attribute("action").endswith("/kontakt/")
    contact.get_by_label("Kontaktmåte").select_option("phone")
    contact.get_by_label("Fikk tak i ungdommen: kontakt opprettet").check()
    contact.get_by_label("Notat").fill("Avtalte møte neste uke.")
    contact.get_by_role("button", name="Lagre kontakt").click()
    expect(page.get_by_text("Kontakten er registrert.")).to_be_visible()
    assert Contact.objects.get(registration=youths[1]).establishes_contact

    # The keyboard opens a form as the mouse does.
    status = open_form(page, "Endre eller rett status", keyboard=True)
    assert status.get_attribute("action").endswith("/status/")
    status.get_by_label("Statuskode").select_option("OTOV")
    status.get_by_label("Gyldig fra").fill("2024-09-02")
    status.get_by_role("button", name="Lagre status").click()
    expect(page.get_by_text("Statusen er registrert.")).to_be_visible()
    assert StatusFact.objects.get(registration=youths[1]).code == "OTOV"
    assert_accessible(page)


def test_coordinator_assigns_a_new_registration(page, coordinator, advisor, youths):
    login(page, "trine", PASSWORD)
    page.goto("/fordeling/?school_year=2024")
    assert_accessible(page)
    page.get_by_label("Velg Ida Testdal").check()
    page.get_by_label("Rådgiver").select_option(str(advisor.pk))
    page.get_by_role("button", name="Fordel de valgte ungdommene").click()
    expect(page.get_by_text("1 ungdom er fordelt til")).to_be_visible()
    assert Registration.objects.get(pk=youths[2].pk).advisor == advisor


def test_register_page_is_accessible(page, advisor, youths):
    login(page, "kari", PASSWORD)
    page.goto("/ungdom/ny/")
    assert_accessible(page)
    page.get_by_role("button", name="Registrer").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    assert_accessible(page)


def test_worklist_on_a_phone(page, advisor, youths):
    page.set_viewport_size({"width": 375, "height": 800})
    login(page, "kari", PASSWORD)
    page.goto("/ungdommer/?school_year=2024")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_search_updates_the_list_in_place(page, advisor, youths):
    """htmx: typing in the search field narrows the list without a page load; the URL follows,
    so the filtered list can be bookmarked or saved as a working list."""
    login(page, "kari", PASSWORD)
    page.goto("/ungdommer/?school_year=2024")
    page.evaluate("window.__marker = 1")  # gone if the page reloads
    page.get_by_label("Søk på navn, fødselsnummer eller D-nummer").fill("Eksempel")
    page.wait_for_url("**q=Eksempel**")
    expect(page.get_by_role("link", name="Eksempel, Emma")).to_be_visible()
    assert page.get_by_role("link", name="Prøvesen, Jonas").count() == 0
    assert page.evaluate("window.__marker") == 1
    assert_accessible(page)


def test_without_javascript_a_form_opens_by_its_link(page, browser, live_server, advisor, youths):
    """The youth page's forms are fetched when opened (htmx); without JavaScript the closed
    form's link opens the page again with that form in place, and it posts as before."""
    from playwright.sync_api import expect

    context = browser.new_context(
        base_url=live_server.url, locale="nb-NO", java_script_enabled=False
    )
    tab = context.new_page()
    login(tab, "kari", PASSWORD)
    tab.goto(f"/ungdom/{youths[0].person_id}/")
    summary = tab.locator("summary", has_text="Registrer kontakt")
    summary.click()
    details = tab.locator("details").filter(has=summary)
    details.get_by_role("link", name="Åpne skjemaet").click()
    contact = tab.locator("form[action$='/kontakt/']")
    expect(contact).to_be_visible()
    contact.get_by_label("Kontaktmåte").select_option("phone")
    contact.get_by_label("Fikk tak i ungdommen: kontakt opprettet").check()
    contact.get_by_role("button", name="Lagre kontakt").click()
    expect(tab.get_by_text("Kontakten er registrert.")).to_be_visible()
    assert Contact.objects.get(registration=youths[0]).establishes_contact
    context.close()
