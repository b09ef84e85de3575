"""The public contact page and Min side as a youth uses them: on a phone-sized screen, in a
real browser, with axe-core finding no WCAG 2.1 A/AA violation; then the coordinator who
receives the request."""

import re
from datetime import date

import pytest
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import expect

from tests.conftest import synthetic_fnr
from tests.e2e.conftest import assert_accessible, login
from veiviser.casework import services as casework
from veiviser.casework.models import Consent
from veiviser.codes.selectors import school_year_of
from veiviser.organisation import services as organisation
from veiviser.organisation.models import Role
from veiviser.public.models import Referral, ReferralStatus
from veiviser.registry import services as registry
from veiviser.registry.models import Registration, Source

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


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


def test_a_youth_asks_for_contact_on_a_phone_and_the_coordinator_registers_them(
    page, tonsberg, coordinator
):
    cache.clear()
    page.set_viewport_size(PHONE)
    page.goto("/kontakt/39/")
    assert page.locator("html").get_attribute("lang") == "nb"
    assert fits_the_screen(page)
    assert_accessible(page)

    # Sent empty first: the errors are shown, accessibly.
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Fornavn").fill("Mia")
    page.get_by_label("Etternavn").fill("Prøvesen")
    page.get_by_label("Fødselsdato").fill("2007-05-17")
    page.get_by_label("Kommunen ungdommen bor i").select_option("3905")
    page.get_by_label("SMS", exact=True).check()
    page.get_by_label("Telefonnummer eller e-postadresse").fill("40000000")
    page.get_by_label("Hva trenger du hjelp til? (valgfritt)").fill("Vil tilbake på skolen")
    page.get_by_role("button", name="Send").click()
    page.wait_for_load_state()
    expect(page).to_have_url(re.compile(r"/kontakt/39/takk/$"))
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Takk, vi har fått henvendelsen din"
    )
    assert "Mia" not in page.content()
    assert fits_the_screen(page)
    assert_accessible(page)
    assert Referral.objects.get().status == ReferralStatus.PENDING

    login(page, "trine", "pw-123456789")
    page.goto("/henvendelser/")
    assert_accessible(page)
    page.get_by_role("link", name="Mia Prøvesen").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_role("button", name="Tilmeld ungdommen").click()
    page.wait_for_load_state()
    registration = Registration.objects.get()
    assert (registration.reason, registration.source) == ("other", Source.SELF_REFERRAL)
    assert Referral.objects.get().status == ReferralStatus.REGISTERED


def test_the_contact_page_switches_to_english(page, tonsberg):
    page.set_viewport_size(PHONE)
    page.goto("/kontakt/39/")
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    expect(page.get_by_role("heading", name="Ask us to contact you")).to_be_visible()
    assert_accessible(page)


def test_min_side_on_a_phone(page, settings, make_person, tonsberg, advisor):
    settings.YOUTH_TEST_LOGIN = True
    birth = date(2004, 4, 4)
    person = make_person(birth_date=birth, given="Siri", family="Selvsen")
    year = school_year_of(timezone.localdate())
    registration = registry.registration_create(
        actor=None,
        person=person,
        school_year=year,
        registered_on=date(year, 8, 20),
        reason="not_applied",
        unit=tonsberg,
    )
    registry.registration_assign(actor=None, registration=registration, advisor=advisor)
    casework.plan_save(
        actor=advisor,
        registration=registration,
        goals="Begynne på vg1",
        steps="",
        agreed_on=timezone.localdate(),
    )
    casework.note_add(actor=advisor, registration=registration, text="HEMMELIG", confidential=True)

    page.set_viewport_size(PHONE)
    page.goto("/min-side/")
    assert_accessible(page)
    page.get_by_role("link", name="Testinnlogging (bare i demo)").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_label("Syntetisk testfødselsnummer").fill(synthetic_fnr(birth))
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Hei, Siri"
    assert "Begynne på vg1" in page.content()
    assert "HEMMELIG" not in page.content()
    assert fits_the_screen(page)
    assert_accessible(page)

    page.get_by_label("Hvem kan OT dele opplysninger med?").select_option("nav")
    page.get_by_role("button", name="Gi samtykke").click()
    page.wait_for_load_state()
    expect(page.get_by_role("status").first).to_be_visible()
    assert_accessible(page)
    consent = Consent.objects.get(registration=registration)
    assert consent.withdrawn_on is None

    page.get_by_role("button", name="Trekk samtykket for NAV").click()
    page.wait_for_load_state()
    consent.refresh_from_db()
    assert consent.withdrawn_on == timezone.localdate()
    assert_accessible(page)
