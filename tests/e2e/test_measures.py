"""An advisor enrols a youth in a measure and confirms the status it implies, in a real browser
with axe on the pages; the coordinator's catalogue shows the participant."""

from datetime import date

import pytest
import time_machine
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, login, open_form
from veiviser.measures import services
from veiviser.measures.models import Enrolment, ProposalState
from veiviser.registry import services as registry
from veiviser.registry.models import StatusFact

pytestmark = pytest.mark.e2e

PASSWORD = "not-a-real-password-1"


@pytest.fixture
def youth(make_person, tonsberg, advisor, vestfold):
    person = make_person(birth_date=date(2006, 5, 2), given="Emma", family="Eksempel")
    registration = registry.registration_create(
        actor=None,
        person=person,
        school_year=2024,
        registered_on=date(2024, 8, 20),
        reason="dropped_out",
        unit=tonsberg,
    )
    registry.registration_assign(actor=None, registration=registration, advisor=advisor)
    registry.status_record(
        actor=None, registration=registration, code="OTOV", valid_from=date(2024, 8, 26)
    )
    services.measure_create(
        actor=None,
        county=vestfold,
        unit=tonsberg,
        name="Grunnleggende ferdigheter",
        kind="basic_skills",
        capacity=12,
        starts_on=date(2024, 8, 15),
    )
    return registration


@time_machine.travel("2024-10-01 10:00 +0200", tick=True)
def test_advisor_enrols_a_youth_and_confirms_the_proposed_status(page, advisor, youth):
    login(page, "kari", PASSWORD)
    page.goto(f"/ungdom/{youth.person_id}/")
    expect(page.get_by_role("heading", name="Tiltak", exact=True)).to_be_visible()
    assert_accessible(page)

    form = open_form(page, "Meld på et tiltak")
    form.get_by_label("Tiltak").select_option(label="Grunnleggende ferdigheter (Tønsberg)")
    form.get_by_label("Starter").fill("2024-09-16")
    form.get_by_role("button", name="Meld på").click()
    expect(page.get_by_text("Ungdommen er meldt på tiltaket.")).to_be_visible()
    expect(page.get_by_text("Tiltaket tilsier status OTOA fra 16.9.2024.")).to_be_visible()
    enrolment = Enrolment.objects.get(registration=youth)
    assert enrolment.proposal == ProposalState.PROPOSED
    assert not StatusFact.objects.filter(registration=youth, code="OTOA").exists()
    assert_accessible(page)

    page.get_by_role("button", name="Bekreft OTOA").click()
    expect(page.get_by_text("Status OTOA er registrert fra 16.09.2024.")).to_be_visible()
    fact = StatusFact.objects.get(registration=youth, code="OTOA")
    assert fact.valid_from == date(2024, 9, 16)
    expect(page.get_by_text("OTOA bekreftet")).to_be_visible()
    assert_accessible(page)

    page.goto("/tiltak/")
    row = page.get_by_role("row", name="Grunnleggende ferdigheter")
    expect(row.get_by_role("cell").nth(5)).to_have_text("1")
    assert_accessible(page)
