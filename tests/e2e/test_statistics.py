"""The county leader's statistics page in a real browser, with axe: the tables, the charts,
and a drill-down list of the youths behind a number."""

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
def youths(make_person, tonsberg, horten):
    for n, (given, family, unit, code) in enumerate(
        [
            ("Emma", "Eksempel", tonsberg, "OTOV"),
            ("Jonas", "Prøvesen", tonsberg, "OTEV"),
            ("Ida", "Testdal", horten, "OTEV"),
            ("Ali", "Aktivsen", horten, None),
        ]
    ):
        person = make_person(birth_date=date(2006, 5, n + 1), given=given, family=family)
        registration = registry.registration_create(
            actor=None,
            person=person,
            school_year=2024,
            registered_on=date(2024, 8, 20),
            reason="not_applied",
            unit=unit,
        )
        if code:
            registry.status_record(
                actor=None, registration=registration, code=code, valid_from=date(2024, 9, 1)
            )


def test_county_leader_opens_the_statistics_and_a_drilldown(page, leader, youths):
    login(page, "lise", PASSWORD)
    menu_link(page, "Statistikk").click()
    expect(page.get_by_role("heading", name="Statistikk", exact=True)).to_be_visible()
    table2 = page.get_by_role("table", name="Tabell 2. Tilmeldt ungdom etter status og målgruppe")
    expect(table2).to_be_visible()
    expect(page.get_by_role("img", name="Målgruppen etter hovedgruppe for status")).to_have_count(1)
    assert_accessible(page)

    row = table2.get_by_role("row", name="3. Ungdom i aktivitet")
    row.get_by_role("link", name="2").first.click()
    expect(page.get_by_role("heading", name="3. Ungdom i aktivitet – 15.11.2024")).to_be_visible()
    expect(page.get_by_role("link", name="Prøvesen, Jonas")).to_be_visible()
    expect(page.get_by_role("link", name="Testdal, Ida")).to_be_visible()
    assert page.get_by_role("link", name="Eksempel, Emma").count() == 0
    assert_accessible(page)
    assert AuditEvent.objects.filter(action="statistics.drilldown.viewed").count() == 1


def test_county_leader_explains_changes_between_two_readings(page, leader, youths):
    login(page, "lise", PASSWORD)
    menu_link(page, "Statistikk").click()
    page.get_by_role("link", name="Forklar endringer").click()
    expect(page.get_by_role("heading", name="Forklar endringer")).to_be_visible()
    page.get_by_label("Dato").fill("2024-11-15")
    page.get_by_label("Første avlesning (kjent per)").fill("2024-08-01T00:00")
    page.get_by_role("button", name="Sammenlign").click()
    expect(page.get_by_role("table", name="Tabell 2")).to_be_visible()
    expect(page.get_by_text("4 tilmeldinger telles annerledes.")).to_be_visible()
    assert page.get_by_text("Eksempel").count() == 0
    assert_accessible(page)
    assert AuditEvent.objects.filter(action="statistics.reconcile.viewed").count() == 1


def test_county_leader_compares_with_udirs_table(page, leader, youths):
    from veiviser.udir import services as udir

    header = (
        "Tellingsdato;Fylkesnummer;Fylke;Ikke søkt opplæring;Takket nei til opplæring;"
        "Avbrutt opplæring;Andre grunner;Tilmeldte i alt;Ukjent aktivitet;"
        "Under oppfølging og veiledning;I aktivitet;Avklart;Målgruppe i alt;Ikke i målgruppen"
    )
    rows = [
        header,
        "2024-11-15;39;Vestfold;1;1;0;0;2;*;*;0;0;2;0",
        "2024-11-15;00;Hele landet;1;1;0;0;2;*;*;0;0;2;0",
    ]
    udir.table_import(actor=None, filename="udir.csv", data="\n".join(rows).encode())
    login(page, "lise", PASSWORD)
    menu_link(page, "Statistikk").click()
    page.get_by_role("link", name="Forklar endringer").click()
    page.get_by_label("Dato").fill("2024-11-15")
    page.get_by_label("Første avlesning (kjent per)").fill("2024-08-01T00:00")
    page.get_by_label("Sammenlign med Udirs publiserte tabell").check()
    page.get_by_role("button", name="Sammenlign").click()
    expect(
        page.get_by_role("table", name="Udirs tabell v1 (udir.csv) ved siden av fylkets tall")
    ).to_be_visible()
    expect(page.get_by_text("ikke publisert av Udir").first).to_be_visible()
    assert_accessible(page)
