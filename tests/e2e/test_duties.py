"""The duties dashboard in a real browser, with axe."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, login
from veiviser.codes.selectors import school_year_of
from veiviser.registry import services as registry

pytestmark = pytest.mark.e2e

PASSWORD = "not-a-real-password-1"  # the advisor fixture's, tests/conftest.py


@pytest.fixture
def overdue_youth(make_person, tonsberg, advisor):
    today = timezone.localdate()
    year = school_year_of(today)
    registered_on = max(date(year, 8, 1), today - timedelta(days=20))
    registration = registry.registration_create(
        actor=None,
        person=make_person(birth_date=date(year - 17, 5, 1), given="Emma", family="Eksempel"),
        school_year=year,
        registered_on=registered_on,
        reason="not_applied",
        unit=tonsberg,
    )
    registry.registration_assign(actor=None, registration=registration, advisor=advisor)
    return registration


def test_advisor_sees_her_duties_on_an_accessible_page(page, advisor, overdue_youth):
    login(page, "kari", PASSWORD)
    page.get_by_role("link", name="Plikter").click()
    expect(page.get_by_role("heading", name="Plikter", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Eksempel, Emma").first).to_be_visible()
    expect(page.locator("table").get_by_text("Første kontaktforsøk").first).to_be_visible()
    assert_accessible(page)
