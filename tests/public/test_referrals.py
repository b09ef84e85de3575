"""The coordinator's side: the request reaches the unit of the youth's municipality, where it is
matched, registered as new (reason "other", source self-referral) or closed; every opening and
action is audited, and nobody outside the unit sees it."""

from datetime import date

import pytest
from django.urls import reverse

from tests.public.conftest import BIRTH
from veiviser.audit.models import AuditEvent
from veiviser.public import services
from veiviser.public.models import Referral, ReferralStatus
from veiviser.registry import services as registry
from veiviser.registry.models import Registration, Source

pytestmark = pytest.mark.django_db


@pytest.fixture
def referral(vestfold, tonsberg):
    return services.referral_receive(
        county=vestfold,
        municipality="3905",
        given_name="Mia",
        family_name="Prøvesen",
        birth_date=BIRTH,
        reach_by="phone",
        reach_at="40000000",
        asker="self",
    )


def test_the_coordinator_of_the_unit_sees_the_request(client, coordinator, referral):
    client.force_login(coordinator)
    page = client.get(reverse("web:referrals")).content.decode()
    assert "Mia Prøvesen" in page
    listed = AuditEvent.objects.get(action="public.referrals.listed")
    assert listed.data == {"referrals": [referral.pk]} and listed.county == "39"


def test_another_units_coordinator_does_not(client, horten_coordinator, referral):
    client.force_login(horten_coordinator)
    assert "Prøvesen" not in client.get(reverse("web:referrals")).content.decode()
    assert client.get(reverse("web:referral", args=[referral.pk])).status_code == 404


def test_an_advisor_may_not_handle_requests(client, advisor, referral):
    client.force_login(advisor)
    assert client.get(reverse("web:referrals")).status_code == 403
    assert client.get(reverse("web:referral", args=[referral.pk])).status_code == 403


def test_opening_a_request_is_audited(client, coordinator, referral):
    client.force_login(coordinator)
    assert client.get(reverse("web:referral", args=[referral.pk])).status_code == 200
    event = AuditEvent.objects.get(action="public.referral.viewed")
    assert event.actor == coordinator and event.object_id == str(referral.pk)


def test_register_as_new_uses_reason_other_and_source_self_referral(
    client, coordinator, referral, tonsberg
):
    client.force_login(coordinator)
    response = client.post(reverse("web:referral-register", args=[referral.pk]))
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert (registration.reason, registration.source) == ("other", Source.SELF_REFERRAL)
    assert registration.unit == tonsberg
    assert registration.person.phone == "40000000"
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.REGISTERED
    assert referral.registration == registration
    assert AuditEvent.objects.filter(action="public.referral.registered").exists()


def test_a_likely_duplicate_is_suggested_and_register_needs_confirmation(
    client, coordinator, referral, make_person
):
    known = make_person(birth_date=BIRTH, given="MIA", family="Prøvesen", fnr=None)
    client.force_login(coordinator)
    page = client.get(reverse("web:referral", args=[referral.pk])).content.decode()
    assert f'value="{known.pk}"' in page
    refused = client.post(reverse("web:referral-register", args=[referral.pk]))
    assert refused.status_code == 400
    assert not Registration.objects.exists()
    client.post(
        reverse("web:referral-register", args=[referral.pk]), {"register-confirm_duplicate": "on"}
    )
    assert Registration.objects.count() == 1


def test_matching_registers_a_known_youth_without_a_registration_this_year(
    client, coordinator, referral, make_person
):
    known = make_person(birth_date=BIRTH, given="Mia", family="Prøvesen")
    client.force_login(coordinator)
    response = client.post(
        reverse("web:referral-match", args=[referral.pk]), {"match-person": known.pk}
    )
    assert response.status_code == 302
    registration = Registration.objects.get(person=known)
    assert registration.source == Source.SELF_REFERRAL
    referral.refresh_from_db()
    assert (referral.status, referral.person) == (ReferralStatus.MATCHED, known)


def test_matching_keeps_an_existing_registration(client, coordinator, referral, make_person):
    from django.utils import timezone

    from veiviser.codes.selectors import school_year_of

    known = make_person(birth_date=BIRTH, given="Mia", family="Prøvesen")
    year = school_year_of(timezone.localdate())
    existing = registry.registration_create(
        actor=None,
        person=known,
        school_year=year,
        registered_on=date(year, 8, 20),
        reason="not_applied",
        unit=coordinator.unit,
    )
    client.force_login(coordinator)
    client.post(reverse("web:referral-match", args=[referral.pk]), {"match-person": known.pk})
    referral.refresh_from_db()
    assert referral.registration == existing
    assert Registration.objects.count() == 1


def test_a_youth_outside_the_suggestions_cannot_be_matched(
    client, coordinator, referral, make_person
):
    stranger = make_person(birth_date=date(2006, 2, 2), given="Per", family="Annensen")
    client.force_login(coordinator)
    response = client.post(
        reverse("web:referral-match", args=[referral.pk]), {"match-person": stranger.pk}
    )
    assert response.status_code == 400
    assert Referral.objects.get().status == ReferralStatus.PENDING


def test_closing_needs_a_reason_and_is_audited(client, coordinator, referral):
    client.force_login(coordinator)
    assert client.post(reverse("web:referral-close", args=[referral.pk])).status_code == 400
    client.post(reverse("web:referral-close", args=[referral.pk]), {"close-reason": "Test"})
    referral.refresh_from_db()
    assert (referral.status, referral.close_reason) == (ReferralStatus.CLOSED, "Test")
    assert AuditEvent.objects.filter(action="public.referral.closed").exists()
    assert "Prøvesen" not in client.get(reverse("web:referrals")).content.decode()


def test_a_handled_request_cannot_be_handled_again(coordinator, referral):
    from veiviser.problems import ValidationFailed

    services.referral_close(actor=coordinator, referral=referral, reason="Dobbel")
    with pytest.raises(ValidationFailed):
        services.referral_register(actor=coordinator, referral=referral, today=date.today())
    assert not Registration.objects.exists()


def test_the_office_handles_every_unit_of_the_county(client, vestfold, referral):
    from veiviser.organisation import services as organisation
    from veiviser.organisation.models import Role

    office = organisation.staff_user_create(
        actor=None, username="ola", password="pw-123456789", role=Role.OFFICE, county=vestfold
    )
    client.force_login(office)
    assert "Prøvesen" in client.get(reverse("web:referrals")).content.decode()


def test_the_admin_shows_a_referral_read_only_and_audits_the_opening(admin_client, referral):
    url = f"/admin/public/referral/{referral.pk}/change/"
    assert admin_client.get(url).status_code == 200
    assert AuditEvent.objects.filter(action="public.referral.viewed").exists()
    admin_client.post(url, {"given_name": "Endret"})
    referral.refresh_from_db()
    assert referral.given_name == "Mia"
