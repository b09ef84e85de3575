"""An appointment from the advisor's youth page to the youth's phone: the advisor books it (the
page and its forms accessible), then the youth logs in to Min side on a phone-sized screen and
sees the next appointment, with axe-core finding no WCAG 2.1 A/AA violation."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.conftest import synthetic_fnr
from tests.e2e.conftest import assert_accessible, login
from tests.e2e.test_public import PHONE, fits_the_screen
from veiviser.casework.models import Appointment
from veiviser.codes.selectors import school_year_of
from veiviser.registry import services as registry

pytestmark = pytest.mark.e2e

PASSWORD = "not-a-real-password-1"  # the advisor fixture's, tests/conftest.py
BIRTH = date(2004, 4, 4)


def test_the_advisor_books_an_appointment_and_the_youth_sees_it_on_a_phone(
    page, settings, make_person, tonsberg, advisor
):
    settings.YOUTH_TEST_LOGIN = True
    advisor.first_name, advisor.last_name = "Kari", "Rådgiver"
    advisor.save()
    person = make_person(birth_date=BIRTH, given="Siri", family="Selvsen")
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
    day = timezone.localdate() + timedelta(days=6)

    login(page, "kari", PASSWORD)
    page.goto(f"/ungdom/{person.pk}/")
    expect(page.get_by_role("heading", name="Siri Selvsen", level=1)).to_be_visible()
    page.locator("summary", has_text="Lag en avtale").click()
    form = page.locator("form[action$='/avtale/']")
    expect(form).to_be_visible()
    assert_accessible(page)
    form.get_by_label("Tidspunkt").fill(f"{day:%Y-%m-%d}T10:30")
    form.get_by_label("Varighet").select_option("60")
    form.get_by_label("Møte").check()
    form.get_by_label("Sted").fill("OT Tønsberg, møterom 2")
    form.get_by_label("Beskjed til ungdommen").fill("Ta med vitnemålet.")
    form.get_by_role("button", name="Lagre avtalen").click()
    expect(page.get_by_text("Avtalen er lagret.")).to_be_visible()
    expect(page.locator("#next-appointment")).to_contain_text("10:30")
    assert_accessible(page)
    appointment = Appointment.objects.get(registration=registration)
    assert timezone.localtime(appointment.starts_at).strftime("%H:%M") == "10:30"
    assert appointment.duration_minutes == 60 and appointment.advisor == advisor

    page.get_by_role("button", name="Logg ut").click()
    page.wait_for_url("**/logg-inn/**")

    page.set_viewport_size(PHONE)
    page.goto("/min-side/test-innlogging/")
    page.get_by_label("Syntetisk testfødselsnummer").fill(synthetic_fnr(BIRTH))
    page.get_by_role("button", name="Logg inn").click()
    expect(page.get_by_role("heading", name="Hei, Siri", level=1)).to_be_visible()
    section = page.locator("#appointments")
    expect(section.get_by_role("heading", name="Neste avtale")).to_be_visible()
    expect(section).to_contain_text("kl. 10:30–11:30")
    expect(section).to_contain_text("OT Tønsberg, møterom 2")
    expect(section).to_contain_text("Kari Rådgiver")
    expect(section).to_contain_text("Ta med vitnemålet.")
    expect(section.get_by_role("link", name="Legg i kalenderen min (.ics)")).to_be_visible()
    assert fits_the_screen(page)
    assert_accessible(page)
