"""The letters on the youth page and the letter texts in the admin."""

import pytest

from veiviser.audit.models import AuditEvent
from veiviser.letters import services
from veiviser.letters.models import Letter, LetterBlock, LetterTemplate
from veiviser.organisation import services as organisation
from veiviser.organisation.models import Role

pytestmark = pytest.mark.django_db


def test_youth_page_has_the_letters_section(client, advisor, minor):
    client.force_login(advisor)
    page = client.get(f"/ungdom/{minor.person_id}/")
    assert page.status_code == 200
    assert page.context["entries"][0]["letter_form"] is not None
    assert page.context["letter_block_form"] is not None
    assert "Ingen brev ennå." in page.content.decode()


def test_make_and_download_a_letter(client, advisor, minor):
    client.force_login(advisor)
    info = LetterTemplate.objects.get(key="informasjon-ungdom", active=True)
    response = client.post(
        f"/tilmelding/{minor.pk}/brev/",
        {f"b{minor.pk}-template": info.pk, f"b{minor.pk}-recipient": "youth"},
    )
    assert response.status_code == 302
    letter = Letter.objects.get()
    page = client.get(f"/ungdom/{minor.person_id}/").content.decode()
    assert f"/brev/{letter.pk}/pdf/" in page
    download = client.get(f"/brev/{letter.pk}/pdf/")
    assert download["Content-Type"] == "application/pdf"
    assert download.content == bytes(letter.pdf)
    assert AuditEvent.objects.filter(action="letters.letter.downloaded", actor=advisor).exists()


def test_guardian_letter_form_refuses_a_blocked_guardian(client, advisor, minor):
    client.force_login(advisor)
    response = client.post(
        f"/ungdom/{minor.person_id}/brevsperre/",
        {"brevsperre-blocked": "on", "brevsperre-reason": "Fortrolig adresse"},
    )
    assert response.status_code == 302
    assert LetterBlock.objects.get().reason == "Fortrolig adresse"
    guardians = LetterTemplate.objects.get(key="informasjon-foresatte", active=True)
    anne = minor.person.guardians.get(name="Anne Prøvesen")
    response = client.post(
        f"/tilmelding/{minor.pk}/brev/",
        {f"b{minor.pk}-template": guardians.pk, f"b{minor.pk}-recipient": str(anne.pk)},
    )
    assert response.status_code == 400
    assert "er sperret (taushetsplikt)" in response.content.decode()
    assert not Letter.objects.exists()
    client.post(f"/ungdom/{minor.person_id}/brevsperre/", {"brevsperre-reason": ""})
    assert not LetterBlock.objects.exists()


def test_other_units_advisor_cannot_download_or_block(client, per, advisor, minor):
    letter = services.letter_create(
        actor=advisor,
        registration=minor,
        template=LetterTemplate.objects.get(key="informasjon-ungdom", active=True),
    )
    client.force_login(per)
    assert client.get(f"/brev/{letter.pk}/pdf/").status_code == 403
    response = client.post(
        f"/ungdom/{minor.person_id}/brevsperre/",
        {"brevsperre-blocked": "on", "brevsperre-reason": "x"},
    )
    assert response.status_code == 403
    assert not LetterBlock.objects.exists()


def test_county_leader_sees_letters_but_gets_no_forms(client, leader, minor):
    client.force_login(leader)
    # Outside any caseload the county leader states a reason first (break the glass).
    page = client.post(f"/ungdom/{minor.person_id}/", {"reason": "Klage fra foresatt"}, follow=True)
    assert page.context["entries"][0]["letter_form"] is None
    assert page.context["letter_block_form"] is None


def test_admin_edit_makes_a_new_version(client, vestfold):
    admin = organisation.staff_user_create(
        actor=None,
        username="admin",
        password="not-a-real-password-1",
        role=Role.ADMINISTRATOR,
        county=vestfold,
    )
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    first = LetterTemplate.objects.get(key="innkalling-samtale", active=True)
    response = client.post(
        f"/admin/letters/lettertemplate/{first.pk}/change/",
        {
            "kind": first.kind,
            "audience": first.audience,
            "title": first.title,
            "body": "<p>Hei {{ youth_given_name }}, vi sees {{ appointment_time }}.</p>",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    versions = list(
        LetterTemplate.objects.filter(key="innkalling-samtale").values_list("version", "active")
    )
    # Version 1 is the migration's first text, 2 its signature fix (letters.0005), 3 the edit.
    assert sorted(versions) == [(1, False), (2, False), (3, True)]
    assert AuditEvent.objects.filter(action="admin.letters.lettertemplate.changed").exists()
    # A broken text is refused.
    current = LetterTemplate.objects.get(key="innkalling-samtale", active=True)
    response = client.post(
        f"/admin/letters/lettertemplate/{current.pk}/change/",
        {"kind": current.kind, "audience": current.audience, "title": "x", "body": "{% if %}"},
    )
    assert response.status_code == 200
    assert LetterTemplate.objects.filter(key="innkalling-samtale").count() == 3
