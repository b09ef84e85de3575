"""The e-mail that tells the unit coordinator a request from the contact page is waiting: to
the unit's coordinators (else the county's office), with no personal data, audited; a setting
turns it off, and a failing mail server never fails the youth's request."""

import pytest
from django.urls import reverse

from veiviser.audit.models import AuditEvent
from veiviser.organisation import services as organisation
from veiviser.organisation.models import Role
from veiviser.public.models import Referral

pytestmark = pytest.mark.django_db


def staff(username, role, county, unit=None, email=""):
    return organisation.staff_user_create(
        actor=None,
        username=username,
        password="pw-123456789",
        role=role,
        county=county,
        unit=unit,
        email=email,
    )


@pytest.fixture
def people(vestfold, tonsberg, horten):
    return {
        "trine": staff("trine", Role.UNIT_COORDINATOR, vestfold, tonsberg, "trine@example.org"),
        "hanne": staff("hanne", Role.UNIT_COORDINATOR, vestfold, horten, "hanne@example.org"),
        "kari": staff("kari", Role.ADVISOR, vestfold, tonsberg, "kari@example.org"),
        "ola": staff("ola", Role.OFFICE, vestfold, None, "ola@example.org"),
    }


def send(client, form_data, django_capture_on_commit_callbacks, **changes):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("public:contact", args=["39"]), form_data(**changes))
    assert response.status_code == 302
    return response


def test_the_units_coordinator_gets_a_mail_without_personal_data(
    client, people, form_data, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.VEIVISER_BASE_URL = "https://veiviser.example.no"
    send(client, form_data, django_capture_on_commit_callbacks)
    assert [mail.to for mail in mailoutbox] == [["trine@example.org"]]
    mail = mailoutbox[0]
    text = mail.subject + mail.body
    assert "https://veiviser.example.no/henvendelser/" in mail.body
    referral = Referral.objects.get()
    for personal in ("Mia", "Prøvesen", "40000000", "3905", "Tønsberg", "skolen", "2007"):
        assert personal not in text, personal
    assert str(referral.pk) not in mail.body.replace("henvendelser/", "")
    event = AuditEvent.objects.get(action="public.referral.notice_sent")
    assert event.object_id == str(referral.pk)
    assert event.data == {"recipients": 1, "failed": 0}


def test_without_a_coordinator_with_an_address_the_office_is_told(
    client, people, form_data, mailoutbox, django_capture_on_commit_callbacks
):
    people["trine"].email = ""
    people["trine"].save()
    send(client, form_data, django_capture_on_commit_callbacks)
    assert [mail.to for mail in mailoutbox] == [["ola@example.org"]]


def test_the_setting_turns_the_mail_off(
    client, people, form_data, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.PUBLIC_REFERRAL_NOTICE = False
    send(client, form_data, django_capture_on_commit_callbacks)
    assert Referral.objects.count() == 1
    assert mailoutbox == []


def test_the_honeypot_sends_nothing(
    client, people, form_data, mailoutbox, django_capture_on_commit_callbacks
):
    send(client, form_data, django_capture_on_commit_callbacks, website="http://spam.example")
    assert mailoutbox == [] and not Referral.objects.exists()


def test_a_failing_mail_server_does_not_fail_the_request(
    client, people, form_data, django_capture_on_commit_callbacks, monkeypatch
):
    import django.core.mail

    def broken(*args, **kwargs):
        raise ConnectionRefusedError

    monkeypatch.setattr(django.core.mail, "send_mail", broken)
    send(client, form_data, django_capture_on_commit_callbacks)
    assert Referral.objects.count() == 1
    assert not AuditEvent.objects.filter(action="public.referral.notice_sent").exists()
