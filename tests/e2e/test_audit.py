"""Break the glass and the audit viewer in a real browser, with axe: the county leader states a
reason before a youth's page opens, then finds that reading in the county's audit trail."""

from datetime import date

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, login, menu_link
from veiviser.audit.models import AuditEvent
from veiviser.organisation import services as organisation
from veiviser.organisation.models import Role
from veiviser.registry import services as registry

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
def youth(make_person, tonsberg):
    registration = registry.registration_create(
        actor=None,
        person=make_person(birth_date=date(2006, 5, 1), given="Emma", family="Eksempel"),
        school_year=2024,
        registered_on=date(2024, 8, 20),
        reason="not_applied",
        unit=tonsberg,
    )
    return registration.person


def test_leader_states_a_reason_and_reads_the_audit_trail(page, leader, youth):
    login(page, "lise", PASSWORD)
    page.goto(f"/ungdom/{youth.pk}/")
    expect(page.get_by_text("Du åpner en ungdom som ikke er i porteføljen din")).to_be_visible()
    assert "Emma" not in page.content() and "Eksempel" not in page.content()
    assert_accessible(page)

    page.get_by_role("button", name="Åpne ungdommen").click()  # no reason: refused
    expect(page.get_by_role("alert")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Grunn til å åpne").fill("Klage fra foresatt")
    page.get_by_role("button", name="Åpne ungdommen").click()
    expect(page.get_by_role("heading", name="Emma Eksempel")).to_be_visible()
    assert (
        AuditEvent.objects.get(action="people.person.viewed", object_id=str(youth.pk)).reason
        == "Klage fra foresatt"
    )

    menu_link(page, "Revisjonsspor").click()
    expect(page.get_by_role("heading", name="Revisjonsspor")).to_be_visible()
    expect(page.get_by_role("cell", name="Klage fra foresatt")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Handling").fill("people.person.viewed")
    page.get_by_role("button", name="Vis").click()
    expect(page.get_by_role("cell", name="Klage fra foresatt")).to_be_visible()
    assert_accessible(page)
    assert AuditEvent.objects.filter(action="audit.viewer.opened", actor=leader).count() == 2


def test_leader_finds_a_person_for_an_access_request(page, leader, youth):
    login(page, "lise", PASSWORD)
    menu_link(page, "Personvern").click()
    expect(page.get_by_role("heading", name="Innsynsrapport")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Fødselsnummer eller nøkkel").fill(youth.fnr)
    page.get_by_label("Begrunnelse").fill("Sak 2026/117")
    page.get_by_role("button", name="Finn", exact=True).click()
    expect(page.get_by_text("Funnet: Emma Eksempel")).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Last ned rapporten som PDF").click()
    assert download.value.suggested_filename == f"innsyn-{youth.pk}.pdf"
    event = AuditEvent.objects.get(action="privacy.access_report.created")
    assert (event.object_id, event.reason) == (str(youth.pk), "Sak 2026/117")
