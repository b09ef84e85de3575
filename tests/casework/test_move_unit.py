"""Moving a registration to another unit of the county (registry.registration_move_unit)."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from veiviser.audit.models import AuditEvent
from veiviser.organisation import services as organisation
from veiviser.organisation.models import Role
from veiviser.problems import ValidationFailed
from veiviser.registry import services as registry
from veiviser.registry.models import Registration

pytestmark = pytest.mark.django_db


@pytest.fixture
def registration(make_person, tonsberg):
    return registry.registration_create(
        actor=None,
        person=make_person(),
        school_year=2024,
        registered_on=date(2024, 8, 20),
        reason="not_applied",
        unit=tonsberg,
    )


def test_moving_clears_an_advisor_of_the_old_unit_and_is_audited(
    registration, advisor, coordinator, horten, tonsberg
):
    registry.registration_assign(actor=None, registration=registration, advisor=advisor)
    assert registry.registration_move_unit(
        actor=coordinator, registration=registration, unit=horten
    )
    registration.refresh_from_db()
    assert registration.unit == horten
    assert registration.advisor is None
    event = AuditEvent.objects.get(action="registry.registration.unit_moved")
    assert event.data == {"from": tonsberg.pk, "to": horten.pk, "advisor_cleared": advisor.pk}
    assert event.actor == coordinator


def test_an_advisor_of_the_new_unit_keeps_the_youth(registration, staff, office, horten):
    horten_advisor = staff("per", Role.ADVISOR, horten)
    registry.registration_assign(actor=None, registration=registration, advisor=horten_advisor)
    registry.registration_move_unit(actor=office, registration=registration, unit=horten)
    registration.refresh_from_db()
    assert registration.advisor == horten_advisor


def test_moving_to_the_same_unit_changes_nothing(registration, office, tonsberg):
    assert not registry.registration_move_unit(
        actor=office, registration=registration, unit=tonsberg
    )
    assert not AuditEvent.objects.filter(action="registry.registration.unit_moved").exists()


def test_a_unit_of_another_county_or_a_closed_unit_is_refused(
    registration, office, telemark, horten
):
    elsewhere, _ = organisation.unit_upsert(
        actor=None, county=telemark, key="u-skien", name="Skien", municipalities=["4003"]
    )
    with pytest.raises(ValidationFailed) as failed:
        registry.registration_move_unit(actor=office, registration=registration, unit=elsewhere)
    assert failed.value.problems[0].field == "unit"
    horten.closed_on = date(2020, 1, 1)
    horten.save()
    with pytest.raises(ValidationFailed):
        registry.registration_move_unit(actor=office, registration=registration, unit=horten)
    registration.refresh_from_db()
    assert registration.unit.key == "u-tbg"


def test_an_advisor_and_another_units_coordinator_may_not_move(
    registration, advisor, staff, horten
):
    other = staff("siri", Role.UNIT_COORDINATOR, horten)
    for actor in (advisor, other):
        with pytest.raises(PermissionDenied):
            registry.registration_move_unit(actor=actor, registration=registration, unit=horten)
    assert Registration.objects.get(pk=registration.pk).unit.key == "u-tbg"


def test_a_registration_without_a_unit_needs_county_scope(
    make_person, coordinator, office, tonsberg
):
    nowhere = registry.registration_create(
        actor=None,
        person=make_person(given="Utenenhet"),
        school_year=2024,
        registered_on=date(2024, 8, 20),
        reason="not_applied",
        unit=None,
    )
    with pytest.raises(PermissionDenied):
        registry.registration_move_unit(actor=coordinator, registration=nowhere, unit=tonsberg)
    registry.registration_move_unit(actor=office, registration=nowhere, unit=tonsberg)
    assert Registration.objects.get(pk=nowhere.pk).unit == tonsberg


def test_the_youth_page_form_moves_the_youth(client, registration, coordinator, horten):
    client.force_login(coordinator)
    page = client.get(reverse("web:youth", args=[registration.person_id])).content.decode()
    assert f'id="move-unit-{registration.pk}"' in page
    response = client.post(
        reverse("web:move-unit", args=[registration.pk]),
        {f"u{registration.pk}-unit": horten.pk},
    )
    assert response.status_code == 302
    assert Registration.objects.get(pk=registration.pk).unit == horten


def test_the_form_refuses_a_unit_that_is_not_offered(client, registration, coordinator, tonsberg):
    client.force_login(coordinator)
    response = client.post(
        reverse("web:move-unit", args=[registration.pk]),
        {f"u{registration.pk}-unit": tonsberg.pk},  # the current unit is not a choice
    )
    assert response.status_code == 400
    assert f'id="move-unit-{registration.pk}" open' in response.content.decode()


def test_the_quality_checks_no_unit_finding_links_to_the_open_form(
    client, make_person, office, tonsberg
):
    nowhere = registry.registration_create(
        actor=None,
        person=make_person(given="Utenenhet"),
        school_year=2024,
        registered_on=date(2024, 8, 20),
        reason="not_applied",
        unit=None,
    )
    client.force_login(office)
    page = client.get(reverse("web:quality"), {"date": "2024-11-15"}).content.decode()
    section = page[page.index('data-rule="no_unit"') :]
    link = f"{reverse('web:youth', args=[nowhere.person_id])}?endre=u{nowhere.pk}"
    assert f"{link}#move-unit-{nowhere.pk}" in section
    # The office states a reason first (break the glass); the form is open afterwards.
    response = client.post(link, {"reason": "Retter datakvalitet før telledato"}, follow=True)
    page = response.content.decode()
    assert f'id="move-unit-{nowhere.pk}" open' in page
    client.post(reverse("web:move-unit", args=[nowhere.pk]), {f"u{nowhere.pk}-unit": tonsberg.pk})
    page = client.get(reverse("web:quality"), {"date": "2024-11-15"}).content.decode()
    section = page[page.index('data-rule="no_unit"') :]
    section = section[: section.index("</section>")]
    assert f'data-registration="{nowhere.key}"' not in section
