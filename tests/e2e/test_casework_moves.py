"""The youth page's move to another unit and the history of the letter block, in a real
browser with axe (docs/casework.md)."""

from datetime import date

import pytest

from tests.e2e.conftest import assert_accessible, login, open_form
from veiviser.letters.models import LetterBlockChange
from veiviser.organisation import services as organisation
from veiviser.organisation.models import Role
from veiviser.registry import services as registry
from veiviser.registry.models import Registration

pytestmark = pytest.mark.e2e

PASSWORD = "not-a-real-password-1"


def test_coordinator_blocks_letters_sees_the_history_and_moves_the_youth(
    page, vestfold, tonsberg, horten, make_person, advisor
):
    organisation.staff_user_create(
        actor=None,
        username="trine",
        password=PASSWORD,
        role=Role.UNIT_COORDINATOR,
        county=vestfold,
        unit=tonsberg,
        first_name="Trine",
        last_name="Koordinator",
    )
    person = make_person(given="Emma", family="Eksempel", birth_date=date(2008, 5, 1))
    registration = registry.registration_create(
        actor=None,
        person=person,
        school_year=2024,
        registered_on=date(2024, 8, 20),
        reason="not_applied",
        unit=tonsberg,
    )
    registry.registration_assign(actor=None, registration=registration, advisor=advisor)
    login(page, "trine", PASSWORD)

    page.goto(f"/ungdom/{person.pk}/")
    block = open_form(page, "Sperr brev til de foresatte")
    block.get_by_label("Ikke send brev til de foresatte (taushetsplikt)").check()
    block.get_by_label("Begrunnelse for sperren").fill("Sperret adresse")
    # The form posts and the page comes back: wait for that before reading it.
    with page.expect_navigation():
        block.get_by_role("button").click()
    page.locator("summary", has_text="Historikk for brevsperre mot foresatte").click()
    page.locator("#letter-block-history").get_by_text("Sperret adresse").wait_for()
    assert_accessible(page)

    move = open_form(page, "Flytt til en annen enhet")
    move.get_by_label("Ny enhet").select_option(str(horten.pk))
    assert_accessible(page)
    with page.expect_navigation():
        move.get_by_role("button", name="Flytt", exact=True).click()
    moved = Registration.objects.get(pk=registration.pk)
    assert (moved.unit_id, moved.advisor_id) == (horten.pk, None)
    assert LetterBlockChange.objects.filter(person=person, action="set").exists()
