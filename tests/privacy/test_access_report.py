import json
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from veiviser.audit.models import AuditEvent
from veiviser.organisation import services as organisation
from veiviser.organisation.models import Role
from veiviser.privacy import services

pytestmark = pytest.mark.django_db


def tables(report):
    return {s["table"]: s["rows"] for s in report["sections"]}


def test_the_report_holds_every_table_that_refers_to_the_person(youth, leader):
    report = services.access_report(actor=leader, person=youth, reason="case 2026/17")
    found = tables(report)
    assert found["people.person"][0]["family_name"] == "Fjellheim"
    assert found["people.guardian"][0]["name"] == "Rune Fjellheim"
    assert [r["school_year"] for r in found["registry.registration"]] == [2023]
    assert [r["code"] for r in found["registry.statusfact"]] == ["OTUK"]
    assert found["casework.contact"][0]["note"] == "Talked about the carpentry course"
    assert found["casework.note"][0]["confidential"] is True
    assert found["casework.plan"][0]["goals"] == "Start a course in January"
    # Choice fields carry the code and its text.
    assert found["casework.contact"][0]["channel"] == {"code": "phone", "text": "Phone"}


def test_the_report_lists_who_read_the_record_and_is_itself_audited(youth, leader, advisor):
    from veiviser.audit import services as audit

    audit.log(advisor, "people.person.viewed", youth, reason="follow-up")
    report = services.access_report(actor=leader, person=youth, reason="case 2026/17")
    viewed = [e for e in report["audit_trail"] if e["action"] == "people.person.viewed"]
    assert viewed == [
        {
            "at": viewed[0]["at"],
            "actor": "kari",
            "action": "people.person.viewed",
            "object_type": "people.person",
            "object_id": str(youth.pk),
            "reason": "follow-up",
        }
    ]
    event = AuditEvent.objects.filter(action="privacy.access_report.created").get()
    assert event.actor == leader and event.reason == "case 2026/17"
    assert event.object_id == str(youth.pk)


def test_nobody_but_the_county_leader_of_the_persons_county(youth, advisor, telemark):
    with pytest.raises(PermissionDenied):
        services.access_report(actor=advisor, person=youth)
    other = organisation.staff_user_create(
        actor=None,
        username="tove",
        password="pw-123456789",
        role=Role.COUNTY_LEADER,
        county=telemark,
    )
    with pytest.raises(PermissionDenied):
        services.access_report(actor=other, person=youth)


def test_another_persons_rows_are_not_in_the_report(youth, leader, make_person, tonsberg):
    from veiviser.registry import services as registry

    other = make_person(birth_date=date(2007, 1, 1), given="Ask", family="Annen")
    registry.registration_create(
        actor=None,
        person=other,
        school_year=2023,
        registered_on=date(2023, 9, 1),
        reason="not_applied",
        unit=tonsberg,
    )
    text = json.dumps(services.access_report(actor=leader, person=youth))
    assert "Annen" not in text and "Fjellheim" in text


def test_the_pdf_has_the_tables_and_the_trail(youth, leader):
    from django.template.loader import render_to_string

    from veiviser.letters.render import pdf_text

    report = services.access_report(actor=leader, person=youth)
    pdf = services.access_report_pdf(report)
    assert pdf.startswith(b"%PDF")
    _, text = pdf_text(render_to_string("privacy/access_report.html", {"report": report}))
    assert "Fjellheim" in text and "Start a course in January" in text


def test_the_command_writes_json(youth, tmp_path):
    out = tmp_path / "innsyn.json"
    call_command("access_report", county="39", person=youth.key, output=str(out))
    report = json.loads(out.read_text())
    assert report["format"] == "veiviser-access-report"
    assert tables(report)["people.person"][0]["key"] == youth.key
