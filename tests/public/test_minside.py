"""Min side: the youth sees their own registration, advisor, plan, next appointment, letters and
consents, and nothing confidential; gives and withdraws consents (audited, seen by the advisor
at once); reaches nobody else's data (another youth's letter id → 404)."""

from datetime import date, timedelta

import pytest
from django.core.checks import run_checks
from django.urls import reverse
from django.utils import timezone

from tests.conftest import synthetic_fnr
from veiviser.audit.models import AuditEvent
from veiviser.casework import services as casework
from veiviser.casework.models import Consent
from veiviser.codes.selectors import school_year_of
from veiviser.letters.models import Audience, Letter, LetterKind, LetterTemplate
from veiviser.people import services as people
from veiviser.registry import services as registry

pytestmark = pytest.mark.django_db

ADULT = date(2004, 4, 4)
OTHER = date(2005, 5, 5)
MINOR_BIRTH = date(timezone.localdate().year - 16, 6, 6)


@pytest.fixture(autouse=True)
def test_login_on(settings):
    settings.YOUTH_TEST_LOGIN = True


def _letter(registration, title, audience=Audience.YOUTH, guardian=None):
    template, _ = LetterTemplate.objects.get_or_create(
        key="test-info",
        defaults={
            "kind": LetterKind.INFORMATION,
            "audience": Audience.YOUTH,
            "title": "Info",
            "body": "x",
        },
    )
    return Letter.objects.create(
        county_id=registration.county_id,
        registration=registration,
        template=template,
        kind=template.kind,
        audience=audience,
        guardian=guardian,
        recipient_name="x",
        title=title,
        pdf=b"%PDF-1.4 " + title.encode(),
        sha256="0" * 64,
    )


@pytest.fixture
def world(make_person, tonsberg, advisor):
    year = school_year_of(timezone.localdate())

    def youth(birth, given, family):
        person = make_person(birth_date=birth, given=given, family=family)
        registration = registry.registration_create(
            actor=None,
            person=person,
            school_year=year,
            registered_on=date(year, 8, 20),
            reason="not_applied",
            unit=tonsberg,
        )
        registry.registration_assign(actor=None, registration=registration, advisor=advisor)
        return person, registration

    me, mine = youth(ADULT, "Siri", "Selvsen")
    other, theirs = youth(OTHER, "Tor", "Tredjesen")
    casework.plan_save(
        actor=advisor,
        registration=mine,
        goals="Begynne på vg1 i høst",
        steps="Søke skoleplass",
        agreed_on=timezone.localdate(),
        review_on=timezone.localdate() + timedelta(days=30),
    )
    casework.note_add(actor=advisor, registration=mine, text="HEMMELIG-HELSE", confidential=True)
    casework.note_add(actor=advisor, registration=mine, text="VANLIG-NOTAT", confidential=False)
    guardian = people.guardian_add(actor=None, person=me, name="Foresatt Selvsen")
    return {
        "me": me,
        "mine": mine,
        "other": other,
        "theirs": theirs,
        "my_letter": _letter(mine, "Brev til Siri"),
        "guardian_letter": _letter(mine, "Brev til foresatt", Audience.GUARDIAN, guardian),
        "their_letter": _letter(theirs, "Brev til Tor"),
        "their_consent": casework.consent_record(
            actor=advisor,
            registration=theirs,
            partner_kind="school",
            given_on=timezone.localdate(),
            written=True,
            signed_by_guardian=False,
        ),
    }


def log_in(client, birth_date):
    return client.post(reverse("minside:test-login"), {"fnr": synthetic_fnr(birth_date)})


def test_without_login_the_page_offers_the_login(client, world):
    page = client.get(reverse("minside:home")).content.decode()
    assert reverse("minside:test-login") in page
    assert "Siri" not in page


def test_the_test_login_is_404_when_off(client, world, settings):
    settings.YOUTH_TEST_LOGIN = False
    assert client.get(reverse("minside:test-login")).status_code == 404
    assert log_in(client, ADULT).status_code == 404


def test_the_test_login_takes_synthetic_numbers_only(client, world):
    from stdnum.no import fodselsnummer

    base = "040404" + "500"
    real = base + fodselsnummer.calc_check_digit1(base)
    real += fodselsnummer.calc_check_digit2(real)
    response = client.post(reverse("minside:test-login"), {"fnr": real})
    assert response.status_code == 400
    assert "veiviser_youth" not in client.session


def test_the_youth_sees_their_registration_advisor_plan_and_letters(client, world, advisor):
    assert log_in(client, ADULT).status_code == 302
    page = client.get(reverse("minside:home")).content.decode()
    assert "Siri" in page
    assert advisor.username in page or advisor.get_full_name() in page
    assert "Begynne på vg1 i høst" in page
    assert "Brev til Siri" in page
    assert (timezone.localdate() + timedelta(days=30)).strftime("%-d.%-m.%Y") in page
    assert AuditEvent.objects.filter(
        action="public.minside.login", actor_label=f"youth:{world['me'].key}"
    ).exists()


def test_nothing_confidential_and_no_other_youth_is_shown(client, world):
    log_in(client, ADULT)
    page = client.get(reverse("minside:home")).content.decode()
    assert "HEMMELIG-HELSE" not in page
    assert "VANLIG-NOTAT" not in page
    assert "Tor" not in page and "Brev til Tor" not in page
    assert "Brev til foresatt" not in page


def test_the_youth_downloads_their_own_letter(client, world):
    log_in(client, ADULT)
    response = client.get(reverse("minside:letter", args=[world["my_letter"].pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_another_youths_letter_id_is_404(client, world):
    log_in(client, ADULT)
    assert client.get(reverse("minside:letter", args=[world["their_letter"].pk])).status_code == 404


def test_a_letter_to_the_guardian_is_not_the_youths(client, world):
    log_in(client, ADULT)
    url = reverse("minside:letter", args=[world["guardian_letter"].pk])
    assert client.get(url).status_code == 404


def test_without_login_a_letter_is_not_served(client, world):
    response = client.get(reverse("minside:letter", args=[world["my_letter"].pk]))
    assert response.status_code == 302
    assert response.url == reverse("minside:home")


def test_giving_a_consent_is_audited_and_seen_by_the_advisor_at_once(client, world, advisor):
    log_in(client, ADULT)
    response = client.post(reverse("minside:consent-give"), {"consent-partner_kind": "nav"})
    assert response.status_code == 302
    consent = Consent.objects.get(registration=world["mine"])
    assert (consent.partner_kind, consent.written, consent.withdrawn_on) == ("nav", True, None)
    event = AuditEvent.objects.get(action="casework.consent.recorded", object_id=str(consent.pk))
    assert event.actor is None and event.actor_label == f"youth:{world['me'].key}"
    staff = client.__class__()
    staff.force_login(advisor)
    youth_page = staff.get(reverse("web:youth", args=[world["me"].pk]))
    assert youth_page.status_code == 200
    assert any(c.pk == consent.pk for c in _consents_in(youth_page.context))


def _consents_in(context):
    for entry in context.get("entries", []):
        yield from entry.get("consents", [])


def test_withdrawing_a_consent_is_audited(client, world):
    log_in(client, ADULT)
    client.post(reverse("minside:consent-give"), {"consent-partner_kind": "school"})
    consent = Consent.objects.get(registration=world["mine"])
    client.post(reverse("minside:consent-withdraw", args=[consent.pk]))
    consent.refresh_from_db()
    assert consent.withdrawn_on == timezone.localdate()
    assert AuditEvent.objects.filter(
        action="casework.consent.withdrawn", actor_label=f"youth:{world['me'].key}"
    ).exists()


def test_another_youths_consent_cannot_be_withdrawn(client, world):
    log_in(client, ADULT)
    url = reverse("minside:consent-withdraw", args=[world["their_consent"].pk])
    assert client.post(url).status_code == 404
    world["their_consent"].refresh_from_db()
    assert world["their_consent"].withdrawn_on is None


def test_a_minor_cannot_give_a_consent_alone(client, make_person, tonsberg):
    person = make_person(birth_date=MINOR_BIRTH, given="Ung", family="Umyndigsen")
    year = school_year_of(timezone.localdate())
    registry.registration_create(
        actor=None,
        person=person,
        school_year=year,
        registered_on=date(year, 8, 20),
        reason="other",
        unit=tonsberg,
    )
    log_in(client, MINOR_BIRTH)
    response = client.post(reverse("minside:consent-give"), {"consent-partner_kind": "nav"})
    assert response.status_code == 400
    assert not Consent.objects.exists()


def test_an_unregistered_youth_is_not_logged_in(client, make_person):
    make_person(birth_date=OTHER, given="Ikke", family="Registrertsen")
    response = log_in(client, OTHER)
    assert response.status_code == 404
    assert "veiviser_youth" not in client.session


def test_logout_ends_the_youths_session(client, world):
    log_in(client, ADULT)
    client.post(reverse("minside:logout"))
    assert "Siri" not in client.get(reverse("minside:home")).content.decode()


def test_the_oidc_callback_finds_the_person_by_the_pid_claim(client, world, monkeypatch, settings):
    from veiviser.public import oidc

    settings.YOUTH_OIDC = {**settings.YOUTH_OIDC, "METADATA_URL": "https://idp.example/.well-known"}
    monkeypatch.setattr(oidc, "identity_number", lambda request: world["me"].fnr)
    response = client.get(reverse("minside:callback"), {"code": "x", "state": "y"})
    assert response.status_code == 302
    assert client.session["veiviser_youth"] == world["me"].pk


def test_a_failed_oidc_login_is_not_an_error_page(client, world, settings):
    settings.YOUTH_OIDC = {**settings.YOUTH_OIDC, "METADATA_URL": "https://idp.invalid/x"}
    response = client.get(reverse("minside:callback"), {"state": "forged"})
    assert response.status_code == 302
    assert "veiviser_youth" not in client.session


def test_the_oidc_login_sends_pkce_nonce_and_acr(client, world, monkeypatch, settings):
    from authlib.integrations.django_client import OAuth

    from veiviser.public import oidc

    settings.YOUTH_OIDC = {**settings.YOUTH_OIDC, "METADATA_URL": "https://idp.example/x"}
    oauth = OAuth()
    oauth.register(
        name="t",
        client_id="veiviser",
        client_secret="s",
        authorize_url="https://idp.example/authorize",
        access_token_url="https://idp.example/token",
        client_kwargs={"scope": "openid profile", "code_challenge_method": "S256"},
    )
    monkeypatch.setattr(oidc, "client", lambda: oauth.t)
    response = client.get(reverse("minside:login"))
    assert response.status_code == 302
    url = response.url
    assert url.startswith("https://idp.example/authorize?")
    for part in (
        "code_challenge=",
        "code_challenge_method=S256",
        "nonce=",
        "acr_values=",
        "state=",
    ):
        assert part in url


def test_without_oidc_configured_the_login_is_404(client, world, settings):
    settings.YOUTH_OIDC = {**settings.YOUTH_OIDC, "METADATA_URL": ""}
    assert client.get(reverse("minside:login")).status_code == 404


def test_the_deploy_check_refuses_the_test_login(settings):
    settings.YOUTH_TEST_LOGIN = True
    ids = {m.id for m in run_checks(include_deployment_checks=True)}
    assert "veiviser.public.E001" in ids
    settings.YOUTH_TEST_LOGIN = False
    ids = {m.id for m in run_checks(include_deployment_checks=True)}
    assert "veiviser.public.E001" not in ids


@pytest.mark.slow
def test_production_refuses_the_test_login(tmp_path):
    from tests.config.test_settings import run

    result = run(
        tmp_path,
        "check",
        VEIVISER_ENV="production",
        VEIVISER_SECRET_KEY="x" * 50,
        VEIVISER_YOUTH_TEST_LOGIN="1",
    )
    assert result.returncode != 0
    assert "VEIVISER_YOUTH_TEST_LOGIN" in result.stderr
