"""Break the glass: outside the own caseload a youth's page asks for a reason first, the reason
goes into the audit trail, and the answer lasts 8 hours for that youth in the session."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from veiviser import policy
from veiviser.audit.models import AuditEvent
from veiviser.organisation import services as organisation
from veiviser.organisation.models import Role
from veiviser.registry import services as registry
from veiviser.web.views import GRANTS_KEY

pytestmark = pytest.mark.django_db


def staff(username, role, county, unit=None):
    return organisation.staff_user_create(
        actor=None, username=username, password="pw-123456789", role=role, county=county, unit=unit
    )


@pytest.fixture
def youths(make_person, tonsberg, advisor, vestfold):
    """Kari's own youth and one of her colleague Kaja's, both in Tønsberg."""
    kaja = staff("kaja", Role.ADVISOR, vestfold, tonsberg)
    regs = {}
    for n, (key, owner) in enumerate([("own", advisor), ("colleague", kaja)]):
        registration = registry.registration_create(
            actor=None,
            person=make_person(birth_date=date(2006, 4, n + 1), given="Sara", family=f"Glass{n}"),
            school_year=2024,
            registered_on=date(2024, 8, 20),
            reason="not_applied",
            unit=tonsberg,
        )
        registry.registration_assign(actor=None, registration=registration, advisor=owner)
        regs[key] = registration
    return regs


def views_of(person, user):
    return AuditEvent.objects.filter(
        action="people.person.viewed", object_id=str(person.pk), actor=user
    )


def test_own_caseload_youth_opens_directly(client, advisor, youths):
    client.force_login(advisor)
    person = youths["own"].person
    response = client.get(f"/ungdom/{person.pk}/")
    assert response.status_code == 200
    assert "web/youth.html" in [t.name for t in response.templates]
    assert views_of(person, advisor).get().reason == ""


def test_colleagues_youth_asks_for_a_reason_and_shows_nothing_about_the_youth(
    client, advisor, youths
):
    client.force_login(advisor)
    person = youths["colleague"].person
    response = client.get(f"/ungdom/{person.pk}/", HTTP_ACCEPT_LANGUAGE="nb")
    assert response.status_code == 200
    assert response.templates[0].name == "web/access_reason.html"
    html = response.content.decode()
    assert "Du åpner en ungdom som ikke er i porteføljen din" in html
    assert person.family_name not in html and person.given_name not in html
    assert person.fnr not in html
    assert not views_of(person, advisor).exists()


def test_an_empty_reason_is_refused(client, advisor, youths):
    client.force_login(advisor)
    person = youths["colleague"].person
    response = client.post(f"/ungdom/{person.pk}/", {"reason": "   "})
    assert response.status_code == 400
    assert person.family_name not in response.content.decode()
    assert not views_of(person, advisor).exists()
    assert client.get(f"/ungdom/{person.pk}/").templates[0].name == "web/access_reason.html"


def test_with_a_reason_the_page_opens_and_the_reason_is_in_the_audit_trail(client, advisor, youths):
    client.force_login(advisor)
    person = youths["colleague"].person
    response = client.post(f"/ungdom/{person.pk}/", {"reason": "Vikar for Kaja, ungdommen ringte"})
    assert response.status_code == 302 and response.url == f"/ungdom/{person.pk}/"
    page = client.get(response.url)
    assert page.templates[0].name == "web/youth.html"
    assert person.family_name in page.content.decode()
    # One event for the opening right after the reason, with the reason.
    assert [e.reason for e in views_of(person, advisor)] == ["Vikar for Kaja, ungdommen ringte"]

    # Not asked again; every later opening is logged with the same reason.
    assert client.get(f"/ungdom/{person.pk}/").templates[0].name == "web/youth.html"
    assert [e.reason for e in views_of(person, advisor)] == ["Vikar for Kaja, ungdommen ringte"] * 2


def test_the_reason_lasts_eight_hours_and_only_for_that_youth(client, advisor, youths, vestfold):
    client.force_login(advisor)
    person = youths["colleague"].person
    client.post(f"/ungdom/{person.pk}/", {"reason": "Vikar"})
    grant = client.session[GRANTS_KEY][str(person.pk)]
    hours = (grant["until"] - timezone.now().timestamp()) / 3600
    assert policy.REASON_GRANT_HOURS - 0.1 < hours <= policy.REASON_GRANT_HOURS

    session = client.session
    session[GRANTS_KEY][str(person.pk)]["until"] = (
        timezone.now() - timedelta(seconds=1)
    ).timestamp()
    session.save()
    assert client.get(f"/ungdom/{person.pk}/").templates[0].name == "web/access_reason.html"


def test_the_reason_is_not_shared_with_another_session(client, advisor, youths):
    client.force_login(advisor)
    person = youths["colleague"].person
    client.post(f"/ungdom/{person.pk}/", {"reason": "Vikar"})
    client.logout()
    client.force_login(advisor)
    assert client.get(f"/ungdom/{person.pk}/").templates[0].name == "web/access_reason.html"


def test_an_action_with_errors_does_not_show_the_youth_without_a_reason(client, advisor, youths):
    """The colleague's youth may not be changed by Kari at all; an unassigned youth of her unit
    may, and an invalid form there sends her to the reason page instead of the youth's page."""
    client.force_login(advisor)
    registration = youths["colleague"]
    registry.registration_assign(actor=None, registration=registration, advisor=None)
    response = client.post(f"/tilmelding/{registration.pk}/status/", {})
    assert response.status_code == 302
    assert response.url == f"/ungdom/{registration.person_id}/"


def test_coordinator_opens_the_units_youths_directly(client, youths, vestfold, tonsberg):
    trine = staff("trine", Role.UNIT_COORDINATOR, vestfold, tonsberg)
    client.force_login(trine)
    response = client.get(f"/ungdom/{youths['colleague'].person_id}/")
    assert response.templates[0].name == "web/youth.html"


@pytest.mark.parametrize("role", [Role.COUNTY_LEADER, Role.OFFICE])
def test_county_wide_roles_are_always_asked(client, youths, vestfold, role):
    client.force_login(staff("lise", role, vestfold))
    response = client.get(f"/ungdom/{youths['own'].person_id}/")
    assert response.templates[0].name == "web/access_reason.html"


def test_letter_download_outside_the_caseload_asks_for_a_reason_first(
    client, vestfold, tonsberg, make_person
):
    from veiviser.letters import services as letters
    from veiviser.letters.models import LetterTemplate

    colleague = organisation.staff_user_create(
        actor=None,
        username="ane2",
        password="pw-123456789",
        role=Role.ADVISOR,
        county=vestfold,
        unit=tonsberg,
    )
    registration = registry.registration_create(
        actor=None,
        person=make_person(birth_date=date(2005, 3, 3)),
        school_year=2024,
        registered_on=date(2024, 8, 20),
        reason="other",
        unit=tonsberg,
    )
    template = LetterTemplate.objects.get(key="informasjon-ungdom", active=True)
    letter = letters.letter_create(actor=None, registration=registration, template=template)
    client.force_login(colleague)
    response = client.get(f"/brev/{letter.pk}/pdf/")
    assert response.status_code == 302
    assert response.url == f"/ungdom/{registration.person_id}/"
