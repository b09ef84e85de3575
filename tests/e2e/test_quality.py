"""The office's data-quality pages in a real browser, with axe: the check with a finding and
its link to the youth, the trend chart, the flows matrix and the submission page."""

from datetime import date

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, login, menu_link
from veiviser.organisation import services as organisation
from veiviser.organisation.models import Role
from veiviser.registry import services as registry

pytestmark = pytest.mark.e2e

PASSWORD = "not-a-real-password-1"


@pytest.fixture
def office(vestfold):
    return organisation.staff_user_create(
        actor=None,
        username="ola",
        password=PASSWORD,
        role=Role.OFFICE,
        county=vestfold,
        first_name="Ola",
        last_name="Kontor",
    )


@pytest.fixture
def youths(make_person, tonsberg):
    nameless = make_person(birth_date=date(2006, 5, 1), given="Uten", family="Nummersen", fnr=None)
    registry.registration_create(
        actor=None,
        person=nameless,
        school_year=2024,
        registered_on=date(2024, 8, 20),
        reason="not_applied",
        unit=tonsberg,
    )
    mover = make_person(birth_date=date(2006, 5, 2), given="Jonas", family="Prøvesen")
    registration = registry.registration_create(
        actor=None,
        person=mover,
        school_year=2024,
        registered_on=date(2024, 8, 20),
        reason="not_applied",
        unit=tonsberg,
    )
    registry.status_record(
        actor=None, registration=registration, code="OTOV", valid_from=date(2024, 9, 1)
    )
    registry.status_record(
        actor=None, registration=registration, code="OTEV", valid_from=date(2025, 1, 10)
    )


def test_office_checks_the_data_and_sees_flows_and_the_submission_page(page, office, youths):
    login(page, "ola", PASSWORD)
    menu_link(page, "Datakvalitet").click()
    page.get_by_label("Dato", exact=True).fill("2025-02-15")
    page.get_by_role("button", name="Kontroller").click()
    section = page.locator('[data-rule="no_identity_number"]')
    expect(section.get_by_role("link", name="Uten Nummersen")).to_be_visible()
    expect(page.get_by_role("img", name="Funn per enhet på hver telledato")).to_have_count(1)
    assert_accessible(page)

    page.get_by_role("link", name="Bevegelser mellom to datoer").click()
    page.get_by_label("Fra", exact=True).fill("2024-11-15")
    page.get_by_label("Til", exact=True).fill("2025-02-15")
    page.get_by_role("button", name="Vis").click()
    expect(page.get_by_role("table", name="Overgangsmatrise")).to_be_visible()
    assert_accessible(page)

    page.goto("/kvalitet/innsending/")
    expect(page.get_by_role("heading", name="Innsendingsfil")).to_be_visible()
    assert_accessible(page)
