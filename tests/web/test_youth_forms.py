"""The youth page's forms on demand (web/lazy_forms.py): the page holds closed disclosures, and
a form comes from `/ungdom/<id>/skjema/<key>/` when it is opened, or in place with `?endre=`.
Who gets which form is in tests/test_authorization_matrix.py."""

from datetime import date

import pytest

from veiviser.audit.models import AuditEvent
from veiviser.registry import services as registry

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def registration(make_person, tonsberg, advisor):
    registration = registry.registration_create(
        actor=None,
        person=make_person(birth_date=date(2006, 2, 1)),
        school_year=2024,
        registered_on=date(2024, 8, 20),
        reason="not_applied",
        unit=tonsberg,
    )
    registry.registration_assign(actor=None, registration=registration, advisor=advisor)
    return registration


def test_the_page_holds_no_form_until_one_is_opened(client, advisor, registration):
    client.force_login(advisor)
    pk, person = registration.pk, registration.person_id
    page = client.get(f"/ungdom/{person}/").content.decode()
    assert f'name="c{pk}-at"' not in page
    assert 'name="csrfmiddlewaretoken"' in page  # the logout form; no action form
    assert f'hx-get="/ungdom/{person}/skjema/contact-{pk}/"' in page
    assert f'href="/ungdom/{person}/?endre=contact-{pk}#contact-{pk}"' in page

    fragment = client.get(f"/ungdom/{person}/skjema/contact-{pk}/", headers=HTMX)
    assert fragment.status_code == 200
    html = fragment.content.decode()
    assert html.lstrip().startswith("<form")
    assert f'action="/tilmelding/{pk}/kontakt/"' in html
    assert f'name="c{pk}-at"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert "HX-Request" in fragment["Vary"]


@pytest.mark.parametrize("endre", ["status-{pk}", "s{pk}"])
def test_endre_opens_the_form_in_place_by_key_or_prefix(client, advisor, registration, endre):
    client.force_login(advisor)
    pk = registration.pk
    page = client.get(
        f"/ungdom/{registration.person_id}/?endre={endre.format(pk=pk)}"
    ).content.decode()
    assert f'<details class="ds-details" id="status-{pk}" open>' in page
    assert f'name="s{pk}-code"' in page
    assert f'name="c{pk}-at"' not in page  # the others stay closed


def test_without_htmx_the_fragment_sends_to_the_page_with_the_form_open(
    client, advisor, registration
):
    client.force_login(advisor)
    person, pk = registration.person_id, registration.pk
    response = client.get(f"/ungdom/{person}/skjema/plan-{pk}/")
    assert response.status_code == 302
    assert response.url == f"/ungdom/{person}/?endre=plan-{pk}#plan-{pk}"


def test_opening_a_form_is_audited_as_a_reading_of_the_youth(client, advisor, registration):
    client.force_login(advisor)
    person, pk = registration.person_id, registration.pk
    client.get(f"/ungdom/{person}/skjema/plan-{pk}/", headers=HTMX)
    event = AuditEvent.objects.get(action="people.person.viewed", data__form=f"plan-{pk}")
    assert (event.actor, event.object_id) == (advisor, str(person))


def test_a_form_the_page_does_not_offer_is_not_found(client, advisor, registration):
    client.force_login(advisor)
    person, pk = registration.person_id, registration.pk
    # An advisor does not reassign; no such key; another registration's key.
    for key in (f"assign-{pk}", "nothing-1", f"contact-{pk + 1000}"):
        response = client.get(f"/ungdom/{person}/skjema/{key}/", headers=HTMX)
        assert response.status_code == 404, key


def test_a_form_sent_back_with_errors_is_open_in_its_place(client, advisor, registration):
    client.force_login(advisor)
    pk = registration.pk
    response = client.post(
        f"/tilmelding/{pk}/status/", {f"s{pk}-code": "OTOV", f"s{pk}-valid_from": "2025-09-01"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert f'<details class="ds-details" id="status-{pk}" open>' in page
    assert 'aria-invalid="true"' in page
    assert f'name="c{pk}-at"' not in page


@pytest.mark.parametrize("who", ["advisor", "coordinator", "office"])
def test_a_registrations_own_forms_come_as_the_page_makes_them(
    rf, who, advisor, registration, vestfold, tonsberg
):
    """The fragment makes a form of a registration's own section from that registration alone
    (views._youth_slot): the same forms, keys, prefixes and templates as the whole page."""
    from veiviser.organisation import services as organisation
    from veiviser.organisation.models import Role
    from veiviser.web import views
    from veiviser.web.lazy_forms import slots_in

    users = {
        "advisor": advisor,
        "coordinator": organisation.staff_user_create(
            actor=None,
            username="trine",
            password="pw-123456789",
            role=Role.UNIT_COORDINATOR,
            county=vestfold,
            unit=tonsberg,
        ),
        "office": organisation.staff_user_create(
            actor=None, username="ola", password="pw-123456789", role=Role.OFFICE, county=vestfold
        ),
    }
    request = rf.get("/")
    request.user = users[who]
    person = registration.person
    page = {
        s.key: (s.prefix, s.template)
        for s in slots_in(views._youth_context(request, person))
        if s.key.rpartition("-")[0] in views.REGISTRATION_FORMS
    }
    assert page, who
    pk = registration.pk
    for kind in views.REGISTRATION_FORMS:
        slot = views._youth_slot(request, person, f"{kind}-{pk}")
        expected = page.get(f"{kind}-{pk}")
        assert (slot and (slot.prefix, slot.template)) == expected, (who, kind)
