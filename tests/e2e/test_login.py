"""Logging in and out in a real browser: the neutral error, the lockout, the page shell."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, login
from veiviser.accounts import services as accounts
from veiviser.audit.models import AuditEvent
from veiviser.organisation import services as organisation
from veiviser.organisation.models import Role

pytestmark = pytest.mark.e2e

PASSWORD = "not-a-real-password-1"  # the advisor fixture's, tests/conftest.py
REFUSED = "Feil brukernavn eller passord, eller kontoen er midlertidig sperret. Prøv igjen senere."


def test_login_page_is_accessible(page):
    page.goto("/logg-inn/")
    assert page.title() == "Logg inn – Veiviser"
    assert page.locator("html").get_attribute("lang") == "nb"
    assert_accessible(page)


def test_login_page_fits_a_phone_screen(page):
    page.set_viewport_size({"width": 375, "height": 700})
    page.goto("/logg-inn/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    expect(page.get_by_role("button", name="Logg inn")).to_be_visible()


def test_skip_link_is_the_first_tab_stop_and_leads_to_main(page):
    page.goto("/logg-inn/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Hopp til hovedinnhold")
    assert skip.evaluate("el => el === document.activeElement")
    expect(skip).to_be_visible()  # visible once focused
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"\#main$"))


def test_wrong_password_shows_the_neutral_error(page, advisor):
    login(page, "kari", "wrong-password")
    expect(page.get_by_role("alert")).to_have_text(REFUSED)
    expect(page).to_have_url(re.compile(r"/logg-inn/$"))
    assert_accessible(page)


def test_unknown_user_gets_the_same_error(page, advisor):
    login(page, "nobody", "wrong-password")
    expect(page.get_by_role("alert")).to_have_text(REFUSED)


def test_five_failures_lock_the_account_even_for_the_right_password(page, advisor):
    for _ in range(accounts.USERNAME_LIMIT):
        login(page, "kari", "wrong-password")
    login(page, "kari", PASSWORD)
    expect(page.get_by_role("alert")).to_have_text(REFUSED)
    expect(page).to_have_url(re.compile(r"/logg-inn/$"))
    actions = list(
        AuditEvent.objects.filter(action__startswith="accounts.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["accounts.login.failed"] * 5 + ["accounts.login.locked"]
    for event in AuditEvent.objects.filter(action__startswith="accounts."):
        assert event.data["username"] == "kari"
        assert PASSWORD not in str(event.data) and "wrong-password" not in str(event.data)


def test_login_lands_on_the_worklist_and_is_audited(page, advisor):
    login(page, "kari", PASSWORD)
    expect(page).to_have_url(re.compile(r"/ungdommer/$"))
    event = AuditEvent.objects.get(action="accounts.login.succeeded")
    assert event.actor == advisor
    assert event.data["username"] == "kari"


def test_login_returns_to_the_page_asked_for(page, advisor):
    page.goto("/ungdom/ny/")
    expect(page).to_have_url(re.compile(r"/logg\-inn/\?next="))
    page.get_by_label("Brukernavn").fill("kari")
    page.get_by_label("Passord", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_load_state()
    expect(page).to_have_url(re.compile(r"/ungdom/ny/$"))


def test_page_shell_shows_the_user_and_the_menu(page, advisor):
    login(page, "kari", PASSWORD)
    page.goto("/ungdom/ny/")
    header = page.locator("header")
    expect(header).to_contain_text("kari")
    expect(header).to_contain_text("OT-rådgiver")
    menu = page.get_by_role("navigation", name="Hovedmeny")
    assert menu.get_by_role("link", name="Registrer ungdom").get_attribute("aria-current") == "page"
    assert menu.get_by_role("link", name="Mine ungdommer").get_attribute("aria-current") is None
    # Assignment is for coordinators and leaders, not for an advisor.
    assert menu.get_by_role("link", name="Fordeling").count() == 0
    assert_accessible(page)


def test_logout_ends_the_session(page, advisor):
    login(page, "kari", PASSWORD)
    page.goto("/ungdom/ny/")
    page.get_by_role("button", name="Logg ut").click()
    page.wait_for_load_state()
    expect(page).to_have_url(re.compile(r"/logg-inn/$"))
    expect(page.get_by_role("status")).to_contain_text("Du er logget ut.")
    page.goto("/ungdommer/")
    expect(page).to_have_url(re.compile(r"/logg\-inn/"))
    assert AuditEvent.objects.filter(action="accounts.logout", actor=advisor).exists()


def test_coordinators_get_the_assignment_page_in_the_menu(page, vestfold, tonsberg):
    organisation.staff_user_create(
        actor=None,
        username="mona",
        password=PASSWORD,
        role=Role.UNIT_COORDINATOR,
        county=vestfold,
        unit=tonsberg,
    )
    login(page, "mona", PASSWORD)
    page.goto("/ungdom/ny/")
    menu = page.get_by_role("navigation", name="Hovedmeny")
    expect(menu.get_by_role("link", name="Fordeling")).to_be_visible()
