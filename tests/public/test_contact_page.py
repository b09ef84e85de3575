"""The public contact page: reachable without login, stores a pending referral, answers the
same neutral page to everyone, and refuses floods, bots and oversized requests."""

import logging
import re

import pytest
from django.urls import reverse

from veiviser.audit.models import AuditEvent
from veiviser.public.models import Referral, ReferralStatus

pytestmark = pytest.mark.django_db


def without_token(content: bytes) -> str:
    """The page without its CSRF token (masked differently on every response)."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", content.decode())


def contact_url(county="39"):
    return reverse("public:contact", args=[county])


def test_the_page_opens_without_login_and_lists_the_countys_municipalities(client, tonsberg):
    response = client.get(contact_url())
    assert response.status_code == 200
    assert 'value="3905"' in response.content.decode()


def test_an_unknown_county_is_404(client, tonsberg):
    assert client.get(contact_url("99")).status_code == 404


def test_a_request_becomes_a_pending_referral_for_the_municipalitys_unit(
    client, tonsberg, form_data
):
    response = client.post(contact_url(), form_data())
    assert response.status_code == 302
    assert response.url == reverse("public:thanks", args=["39"])
    referral = Referral.objects.get()
    assert referral.unit == tonsberg
    assert referral.status == ReferralStatus.PENDING
    assert (referral.given_name, referral.reach_by, referral.reach_at) == ("Mia", "sms", "40000000")


def test_the_answer_is_the_same_whether_the_youth_is_known_or_not(
    client, tonsberg, form_data, make_person, birth_fnr
):
    from tests.public.conftest import BIRTH

    unknown = client.post(contact_url(), form_data(), follow=True)
    make_person(birth_date=BIRTH, given="Mia", family="Prøvesen", fnr=birth_fnr)
    known = client.post(contact_url(), form_data(fnr=birth_fnr), follow=True)
    assert unknown.redirect_chain == known.redirect_chain
    assert without_token(unknown.content) == without_token(known.content)
    assert Referral.objects.count() == 2


def test_no_personal_data_in_urls_or_the_audit_trail(client, tonsberg, form_data, caplog):
    with caplog.at_level(logging.DEBUG):
        response = client.post(contact_url(), form_data(), follow=True)
    for url, _status in response.redirect_chain:
        assert "Mia" not in url and "Pr" not in url and "?" not in url
    event = AuditEvent.objects.get(action="public.referral.received")
    assert "Mia" not in str(event.data) and "40000000" not in str(event.data)
    assert "Mia" not in caplog.text and "40000000" not in caplog.text


def test_the_thanks_page_reveals_nothing(client, tonsberg, form_data):
    page = client.post(contact_url(), form_data(), follow=True).content.decode()
    assert "Mia" not in page and "Prøvesen" not in page


def test_a_bad_identity_number_is_refused_with_the_reason(client, tonsberg, form_data):
    response = client.post(contact_url(), form_data(fnr="12345678901"))
    assert response.status_code == 400
    assert "check digits" in response.content.decode() or "kontrollsiffer" in (
        response.content.decode()
    )
    assert not Referral.objects.exists()


def test_an_identity_number_must_agree_with_the_birth_date(client, tonsberg, form_data):
    from datetime import date

    from tests.conftest import synthetic_fnr

    response = client.post(contact_url(), form_data(fnr=synthetic_fnr(date(2006, 1, 1))))
    assert response.status_code == 400
    assert not Referral.objects.exists()


def test_asking_for_someone_else_needs_their_agreement(client, tonsberg, form_data):
    refused = client.post(contact_url(), form_data(asker="guardian"))
    assert refused.status_code == 400
    assert not Referral.objects.exists()
    client.post(contact_url(), form_data(asker="guardian", consent_confirmed="on"))
    assert Referral.objects.get().consent_confirmed


def test_a_municipality_of_another_county_is_refused(client, tonsberg, telemark, form_data):
    response = client.post(contact_url(), form_data(municipality="4003"))
    assert response.status_code == 400
    assert not Referral.objects.exists()


def test_the_honeypot_gets_the_same_answer_and_stores_nothing(client, tonsberg, form_data):
    response = client.post(contact_url(), form_data(website="http://spam.example"))
    assert response.status_code == 302
    assert response.url == reverse("public:thanks", args=["39"])
    assert not Referral.objects.exists()


def test_the_need_is_size_limited(client, tonsberg, form_data):
    response = client.post(contact_url(), form_data(need="x" * 1001))
    assert response.status_code == 400
    assert not Referral.objects.exists()


def test_an_oversized_body_is_refused(client, tonsberg, form_data, settings):
    settings.PUBLIC_MAX_BODY_BYTES = 2000
    response = client.post(contact_url(), form_data(given_name="x" * 3000))
    assert response.status_code == 413
    assert not Referral.objects.exists()


def test_flooding_is_throttled_per_address(client, tonsberg, form_data, settings):
    settings.PUBLIC_RATE_LIMIT = 3
    statuses = [client.post(contact_url(), form_data()).status_code for _ in range(5)]
    assert statuses == [302, 302, 302, 429, 429]
    assert Referral.objects.count() == 3
    other = client.post(contact_url(), form_data(), REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 302


def test_the_form_needs_a_csrf_token(tonsberg, form_data):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post(contact_url(), form_data()).status_code == 403
    assert not Referral.objects.exists()


def test_the_page_is_in_english_when_chosen(client, tonsberg):
    client.post(reverse("set_language"), {"language": "en", "next": contact_url()})
    page = client.get(contact_url()).content.decode()
    assert 'lang="en"' in page
    assert "Ask us to contact you" in page


@pytest.mark.parametrize(
    ("reach_by", "reach_at", "ok"),
    [
        ("sms", "400 00 000", True),
        ("phone", "+47 40000000", True),
        ("phone", "ring meg", False),
        ("email", "mia@example.org", True),
        ("email", "40000000", False),
    ],
)
def test_how_to_reach_must_fit_the_channel(client, tonsberg, form_data, reach_by, reach_at, ok):
    response = client.post(contact_url(), form_data(reach_by=reach_by, reach_at=reach_at))
    assert (response.status_code == 302) == ok
    assert Referral.objects.exists() == ok
