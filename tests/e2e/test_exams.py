"""Recording an exam and its result on the youth page, and finding it in the statistics, in a
real browser with axe on every page."""

from datetime import date

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, login, menu_link, open_form
from veiviser.exams import services as exams
from veiviser.exams.models import ExamEntry, Result
from veiviser.organisation import services as organisation
from veiviser.organisation.models import Role
from veiviser.registry import services as registry

pytestmark = pytest.mark.e2e

PASSWORD = "not-a-real-password-1"  # the advisor fixture's, tests/conftest.py


@pytest.fixture
def youth(make_person, tonsberg, advisor):
    person = make_person(birth_date=date(2006, 5, 1), given="Emma", family="Eksempel")
    registration = registry.registration_create(
        actor=None,
        person=person,
        school_year=2024,
        registered_on=date(2024, 8, 20),
        reason="not_applied",
        unit=tonsberg,
    )
    registry.registration_assign(actor=None, registration=registration, advisor=advisor)
    return registration


def test_advisor_records_an_exam_and_its_result_and_the_leader_counts_it(
    page, vestfold, advisor, youth
):
    # The e2e database is emptied between tests: make sure the subject exists.
    subject = exams.subject_upsert(actor=None, code="MAT1001", name="Matematikk 1P")
    organisation.staff_user_create(
        actor=None,
        username="lise",
        password=PASSWORD,
        role=Role.COUNTY_LEADER,
        county=vestfold,
    )
    login(page, "kari", PASSWORD)
    page.goto(f"/ungdom/{youth.person_id}/")
    form = open_form(page, "Registrer til eksamen")
    form.get_by_label("Fag").select_option(str(subject.pk))
    form.get_by_label("Eksamensdato").fill("2025-05-27")
    form.get_by_label("Opplæring gitt").fill("Opplæring i fag på enheten")
    form.get_by_label("Timer opplæring").fill("40")
    form.get_by_role("button", name="Lagre eksamensoppmelding").click()
    expect(page.get_by_text("Eksamensoppmeldingen er lagret.")).to_be_visible()
    assert_accessible(page)

    entry = ExamEntry.objects.get(registration=youth)
    result = open_form(page, "Registrer resultat: MAT1001")
    assert result.get_attribute("action").endswith(f"/eksamen/{entry.pk}/resultat/")
    result.get_by_label("Resultat").select_option("passed")
    result.get_by_label("Karakter").select_option("4")
    with page.expect_navigation():
        result.get_by_role("button", name="Lagre resultat").click()
    page.get_by_text("Eksamensresultatet er lagret.").wait_for()
    entry.refresh_from_db()
    assert (entry.result, entry.grade) == (Result.PASSED, 4)
    assert_accessible(page)

    menu_link(page, "Eksamener").click()
    page.wait_for_url("**/eksamener/**")
    expect(page.get_by_role("link", name="Eksempel, Emma")).to_be_visible()
    assert_accessible(page)
    page.goto("/forebygging/?school_year=2024")
    assert_accessible(page)

    page.get_by_role("button", name="Logg ut").click()
    login(page, "lise", PASSWORD)
    page.goto("/statistikk/?school_year=2024")
    section = page.locator("section[aria-labelledby='exams-heading']")
    expect(section.get_by_role("row", name="MAT1001 Matematikk 1P")).to_be_visible()
    assert_accessible(page)
    section.get_by_role("row", name="Alle fag").get_by_role("link").nth(2).click()
    page.wait_for_url("**/statistikk/eksamener/**")
    expect(page.get_by_role("link", name="Eksempel, Emma")).to_be_visible()
    assert_accessible(page)


def test_project_worker_records_an_outcome_on_the_project_page(page, vestfold, tonsberg, youth):
    from veiviser.projects import services as projects
    from veiviser.projects.models import Participant

    worker = organisation.staff_user_create(
        actor=None,
        username="pia",
        password=PASSWORD,
        role=Role.PROJECT_WORKER,
        county=vestfold,
        first_name="Pia",
        last_name="Prosjekt",
    )
    project = projects.project_create(
        actor=None,
        county=vestfold,
        unit=tonsberg,
        name="Overgangsprosjektet",
        starts_on=date(2024, 8, 1),
        workers=[worker],
    )
    participant = projects.participant_add(
        actor=None, project=project, registration=youth, joined_on=date(2024, 9, 1)
    )
    login(page, "pia", PASSWORD)
    page.goto("/prosjekter/")
    assert_accessible(page)
    page.get_by_role("link", name="Overgangsprosjektet").click()
    page.wait_for_url(f"**/prosjekter/{project.pk}/**")
    assert_accessible(page)
    page.locator("summary", has_text="Registrer status for Emma").click()
    form = page.locator(f"form[action$='/prosjektdeltaker/{participant.pk}/utfall/']")
    form.get_by_label("Status ved slutten av prosjektåret").select_option("school")
    form.get_by_label("Dato").fill("2025-06-20")
    form.get_by_role("button", name="Lagre utfall").click()
    expect(page.get_by_text("Utfallet er registrert.")).to_be_visible()
    assert Participant.objects.get(pk=participant.pk).outcome == "school"
    # The participant's page opens directly, with the preventive-work and project sections.
    page.get_by_role("link", name="Eksempel, Emma").click()
    page.wait_for_url("**/ungdom/**")
    expect(page.get_by_role("heading", name="Forebyggende arbeid")).to_be_visible()
    assert_accessible(page)
