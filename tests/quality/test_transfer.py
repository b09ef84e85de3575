"""Moving between counties: the sending county's transfer file, with consent, only what the law
allows; the receiving county's new registration with the history read-only; audited on both
sides; receiving twice changes nothing."""

import json
from datetime import date

import pytest
import time_machine

from veiviser.audit.models import AuditEvent
from veiviser.casework import services as casework
from veiviser.organisation import services as organisation
from veiviser.problems import ValidationFailed
from veiviser.quality import transfer
from veiviser.quality.models import ReceivedTransfer, SentTransfer
from veiviser.quality.services import transfer_receive, transfer_send
from veiviser.registry.models import Registration, Source

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def spring():
    with time_machine.travel("2025-03-03 10:00 +01:00", tick=False):
        yield


@pytest.fixture
def grenland(telemark):
    unit, _ = organisation.unit_upsert(
        actor=None, county=telemark, key="u-gren", name="Grenland", municipalities=["4003"]
    )
    return unit


@pytest.fixture
def moved(register, advisor):
    from veiviser.registry import services as registry

    registration = register(statuses=[("OTOV", date(2024, 9, 1)), ("OTFA_IM", date(2025, 2, 20))])
    registry.registration_assign(actor=None, registration=registration, advisor=advisor)
    casework.note_add(
        actor=None, registration=registration, text="HEMMELIG notat", confidential=False
    )
    return registration


def consent(registration, **kw):
    return casework.consent_record(
        actor=None,
        registration=registration,
        partner_kind="other_county",
        given_on=kw.pop("given_on", date(2025, 2, 21)),
        written=True,
        signed_by_guardian=False,
    )


def records(content: bytes) -> list[dict]:
    return [json.loads(line) for line in content.decode().splitlines()]


def test_no_transfer_without_the_youths_consent(moved):
    with pytest.raises(ValidationFailed) as failed:
        transfer_send(actor=None, registration=moved, to_county="40")
    assert [p.field for p in failed.value.problems] == ["consent"]
    assert not SentTransfer.objects.exists()


def test_no_transfer_unless_the_status_is_otfa_im(register):
    registration = register(statuses=[("OTOV", date(2024, 9, 1))])
    consent(registration)
    with pytest.raises(ValidationFailed) as failed:
        transfer_send(actor=None, registration=registration, to_county="40")
    assert [p.field for p in failed.value.problems] == ["status"]


def test_a_withdrawn_consent_does_not_count(moved):
    given = consent(moved)
    casework.consent_withdraw(actor=None, consent=given, withdrawn_on=date(2025, 2, 25))
    with pytest.raises(ValidationFailed):
        transfer_send(actor=None, registration=moved, to_county="40")


def test_the_file_holds_identity_history_and_contact_but_no_notes(moved, advisor):
    consent(moved)
    content, sent = transfer_send(actor=None, registration=moved, to_county="40")
    lines = records(content)
    assert [r["type"] for r in lines] == [
        "header",
        "person",
        "registration",
        "status",
        "status",
        "contact",
    ]
    header = lines[0]
    assert (header["format"], header["version"], header["to_county"]) == (
        "veiviser-transfer",
        1,
        "40",
    )
    assert lines[1] == {
        "type": "person",
        "fnr": moved.person.fnr,
        "birth_date": moved.person.birth_date.isoformat(),
        "given_name": moved.person.given_name,
        "family_name": moved.person.family_name,
    }
    assert [r["code"] for r in lines if r["type"] == "status"] == ["OTOV", "OTFA_IM"]
    assert lines[-1]["unit"] == "Tønsberg"
    assert "HEMMELIG" not in content.decode()
    assert sent.sha256 == transfer.checksum(content)
    event = AuditEvent.objects.get(action="quality.transfer.sent")
    assert (event.county, event.data["to_county"]) == ("39", "40")


def test_the_receiving_county_gets_a_new_registration_and_the_history(moved, telemark, grenland):
    consent(moved)
    content, sent = transfer_send(actor=None, registration=moved, to_county="40")
    received, created = transfer_receive(
        actor=None, county=telemark, content=content, unit=grenland
    )
    assert created
    new = received.registration
    assert (new.county, new.unit, new.source) == (telemark, grenland, Source.OTHER_COUNTY)
    assert (new.school_year, new.registered_on, new.reason) == (
        2024,
        date(2025, 3, 3),
        "not_applied",
    )
    assert new.person.fnr == moved.person.fnr
    assert new.person_id != moved.person_id
    history = received.history["registrations"]
    assert [r["id"] for r in history] == [moved.key]
    assert [s["code"] for s in history[0]["statuses"]] == ["OTOV", "OTFA_IM"]
    assert received.history["contact"]["unit"] == "Tønsberg"
    event = AuditEvent.objects.get(action="quality.transfer.received")
    assert (event.county, event.data["transfer"]) == ("40", sent.transfer_id)


def test_receiving_the_same_file_twice_changes_nothing(moved, telemark, grenland):
    consent(moved)
    content, _ = transfer_send(actor=None, registration=moved, to_county="40")
    first, _ = transfer_receive(actor=None, county=telemark, content=content, unit=grenland)
    count = Registration.objects.count()
    again, created = transfer_receive(actor=None, county=telemark, content=content, unit=grenland)
    assert not created
    assert again == first
    assert Registration.objects.count() == count
    assert ReceivedTransfer.objects.count() == 1
    assert AuditEvent.objects.filter(action="quality.transfer.received").count() == 1


def test_a_file_for_another_county_is_refused_and_nothing_is_written(moved, telemark, vestfold):
    consent(moved)
    content, _ = transfer_send(actor=None, registration=moved, to_county="40")
    organisation.county_ensure(actor=None, number="42", name="Agder")
    agder = organisation.county_ensure(actor=None, number="42")
    count = Registration.objects.count()
    with pytest.raises(ValidationFailed) as failed:
        transfer_receive(actor=None, county=agder, content=content)
    assert [p.field for p in failed.value.problems] == ["to_county"]
    assert Registration.objects.count() == count
    assert not ReceivedTransfer.objects.exists()


def test_a_broken_file_is_refused_with_every_problem(telemark):
    content = b'{"type":"person","birth_date":"2006-13-01"}\nnot json\n'
    with pytest.raises(ValidationFailed) as failed:
        transfer_receive(actor=None, county=telemark, content=content)
    reasons = [str(p) for p in failed.value.problems]
    assert any("line 1: birth_date" in r for r in reasons)
    assert any("line 2" in r for r in reasons)
    assert not ReceivedTransfer.objects.exists()


def test_the_commands_move_a_youth_between_two_counties(moved, telemark, grenland, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    consent(moved)
    path = tmp_path / "overforing.jsonl"
    out = StringIO()
    call_command(
        "transfer",
        "export",
        "--county",
        "39",
        "--registration",
        moved.key,
        "--to",
        "40",
        "--output",
        str(path),
        stdout=out,
    )
    assert "veiviser-transfer" in path.read_text()
    for _ in range(2):
        call_command(
            "transfer", "import", str(path), "--county", "40", "--unit", "u-gren", stdout=out
        )
    assert ReceivedTransfer.objects.get().registration.unit == grenland
    assert "nothing done" in out.getvalue()


def test_the_export_command_names_every_problem(register, tmp_path):
    from io import StringIO

    from django.core.management import CommandError, call_command

    registration = register(statuses=[("OTOV", date(2024, 9, 1))])
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was written"):
        call_command(
            "transfer",
            "export",
            "--county",
            "39",
            "--registration",
            registration.key,
            "--to",
            "40",
            "--output",
            str(tmp_path / "x.jsonl"),
            stderr=err,
        )
    assert "status:" in err.getvalue() and "consent:" in err.getvalue()
    assert not (tmp_path / "x.jsonl").exists()


def test_the_web_buttons_send_and_receive_and_the_youth_page_shows_the_history(
    client, moved, advisor, telemark, grenland
):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    client.force_login(advisor)
    page = client.get(reverse("web:youth", args=[moved.person_id])).content.decode()
    send_url = reverse("web:transfer-send", args=[moved.pk])
    # The form comes when it is opened (web/lazy_forms.py).
    form_url = reverse("web:youth-form", args=[moved.person_id, f"transfer-{moved.pk}"])
    assert form_url in page
    form = client.get(form_url, headers={"HX-Request": "true"}).content.decode()
    assert send_url in form
    refused = client.post(send_url, {"to_county": "40"})
    assert refused.status_code == 400
    consent(moved)
    response = client.post(send_url, {"to_county": "40"})
    assert response.status_code == 200
    content = response.content
    assert records(content)[0]["format"] == "veiviser-transfer"

    gro = organisation.staff_user_create(
        actor=None,
        username="gro",
        password="pw-123456789",
        role="office",
        county=telemark,
    )
    client.force_login(gro)
    upload = SimpleUploadedFile("t.jsonl", content, content_type="application/jsonl")
    response = client.post(reverse("web:transfer-receive"), {"file": upload, "unit": grenland.pk})
    received = ReceivedTransfer.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("web:youth", args=[received.registration.person_id])
    youth_url = reverse("web:youth", args=[received.registration.person_id])
    page = client.post(youth_url, {"reason": "Mottatt overføring"}, follow=True).content.decode()
    assert f'data-transfer="{received.transfer_id}"' in page
    assert "OTFA_IM" in page
    event = AuditEvent.objects.get(action="quality.transfer.received")
    assert event.actor == gro


def test_the_receive_page_lists_every_problem_and_writes_nothing(client, telemark, grenland):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    office = organisation.staff_user_create(
        actor=None, username="gro", password="pw-123456789", role="office", county=telemark
    )
    client.force_login(office)
    upload = SimpleUploadedFile("t.jsonl", b"not json\n")
    response = client.post(reverse("web:transfer-receive"), {"file": upload, "unit": grenland.pk})
    assert response.status_code == 400
    assert not ReceivedTransfer.objects.exists()
