"""The grouped main menu in Chromium: each role's menu passes axe with a group open, works with
the keyboard and without JavaScript, and fits a 390 px wide phone."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, login, menu_link
from veiviser.organisation import services as organisation
from veiviser.organisation.models import Role

PASSWORD = "not-a-real-password-1"
pytestmark = pytest.mark.e2e


@pytest.fixture
def staff(vestfold, tonsberg):
    def make(role):
        unit = None if role in (Role.COUNTY_LEADER, Role.OFFICE, Role.ADMINISTRATOR) else tonsberg
        organisation.staff_user_create(
            actor=None, username=role, password=PASSWORD, role=role, county=vestfold, unit=unit
        )
        return role

    return make


def groups(page):
    return page.get_by_role("navigation", name="Hovedmeny").locator("details")


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_every_roles_menu_is_accessible_with_each_group_open(page, staff, role):
    login(page, staff(role), PASSWORD)
    page.goto("/ungdommer/")
    assert_accessible(page)
    for index in range(groups(page).count()):
        group = groups(page).nth(index)
        group.locator("summary").click()
        assert group.get_attribute("open") is not None
        expect(group.get_by_role("link").first).to_be_visible()
        assert_accessible(page)


def test_the_menu_works_with_the_keyboard(page, staff):
    login(page, staff(Role.COUNTY_LEADER), PASSWORD)
    page.goto("/ungdommer/")
    summary = page.locator("summary", has_text="Statistikk og rapporter")
    summary.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name="Datakvalitet")).to_be_visible()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "Datakvalitet"
    # Escape closes the group and gives the focus back to its button (web/menu.js).
    page.keyboard.press("Escape")
    expect(page.get_by_role("link", name="Datakvalitet")).not_to_be_visible()
    assert page.evaluate("document.activeElement.textContent") == "Statistikk og rapporter"
    # Opening one group closes the other.
    summary.click()
    page.locator("summary", has_text="Administrasjon").click()
    # The other group closes on the "toggle" event, which the browser fires a moment later.
    page.get_by_role("link", name="Datakvalitet").wait_for(state="hidden")
    expect(page.get_by_role("link", name="Revisjonsspor")).to_be_visible()
    page.get_by_role("link", name="Revisjonsspor").click()
    page.wait_for_url("**/revisjon/")
    assert page.locator("summary", has_text="Administrasjon").get_attribute("aria-current") == (
        "true"
    )


def test_the_current_page_is_marked_in_its_group(page, staff):
    login(page, staff(Role.COUNTY_LEADER), PASSWORD)
    page.goto("/ungdommer/")
    menu_link(page, "Årsrapport").click()
    page.wait_for_url("**/arsrapport/")
    assert menu_link(page, "Årsrapport").get_attribute("aria-current") == "page"
    assert menu_link(page, "Statistikk").get_attribute("aria-current") is None


def test_the_menu_works_without_javascript(
    browser, live_server, django_db_serialized_rollback, staff
):
    staff(Role.OFFICE)
    context = browser.new_context(
        base_url=live_server.url, locale="nb-NO", java_script_enabled=False
    )
    page = context.new_page()
    try:
        login(page, Role.OFFICE, PASSWORD)
        page.goto("/ungdommer/")
        page.locator("summary", has_text="Administrasjon").click()
        page.get_by_role("link", name="Inntaksfiler").click()
        page.wait_for_url("**/inntak/")
    finally:
        context.close()


@pytest.mark.parametrize("role", [Role.ADVISOR, Role.OFFICE])
def test_the_menu_fits_a_phone(page, staff, role):
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, staff(role), PASSWORD)
    for url in ("/ungdommer/", "/ungdom/ny/", "/tiltak/"):
        page.goto(url)
        for index in range(groups(page).count()):
            groups(page).nth(index).locator("summary").click()
            assert page.evaluate("document.documentElement.scrollWidth") <= 390, url
        header = page.locator("header").bounding_box()
        assert header["width"] <= 390
    assert_accessible(page)
