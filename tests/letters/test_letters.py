"""Letters: the PDF, the guardian block, the batch, permissions and the template versions."""

from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.template import TemplateDoesNotExist
from django.utils import timezone

from tests.conftest import at
from veiviser.audit.models import AuditEvent
from veiviser.casework.models import Appointment
from veiviser.letters import render, services
from veiviser.letters.models import (
    BatchStatus,
    Letter,
    LetterBlock,
    LetterTemplate,
)
from veiviser.letters.selectors import is_minor
from veiviser.problems import ValidationFailed

pytestmark = pytest.mark.django_db


def template(key):
    return LetterTemplate.objects.get(key=key, active=True)


def test_the_migration_installs_the_default_texts():
    keys = set(LetterTemplate.objects.filter(active=True).values_list("key", "kind", "audience"))
    assert keys == {
        ("informasjon-ungdom", "information", "youth"),
        ("informasjon-foresatte", "information", "guardian"),
        ("innkalling-samtale", "appointment", "youth"),
    }


def test_information_letter_is_a_pdf_with_the_youths_name(advisor, minor):
    letter = services.letter_create(
        actor=advisor, registration=minor, template=template("informasjon-ungdom")
    )
    pdf = bytes(letter.pdf)
    assert pdf.startswith(b"%PDF-")
    assert pdf.rstrip().endswith(b"%%EOF")
    assert letter.recipient_name == "Mia Prøvesen"
    import hashlib

    assert letter.sha256 == hashlib.sha256(pdf).hexdigest()
    # The laid-out text of the same HTML the PDF is written from.
    html = render.letter_html(
        title=letter.template.title,
        body=letter.template.body,
        variables=services.letter_variables(minor, recipient_name="Mia Prøvesen", on=date.today()),
        letterhead=services._letterhead(minor),
        recipient={"name": "Mia Prøvesen", "address": minor.person.address},
    )
    pages, text = render.pdf_text(html)
    assert 1 <= pages <= 3
    assert "Mia Prøvesen" in text
    assert "Hei, Mia!" in text
    assert "Vestfold" in text
    event = AuditEvent.objects.get(action="letters.letter.created")
    assert event.data["sha256"] == letter.sha256
    assert event.county == "39"


def _appointment(registration, advisor, days=7, **changes):
    """An appointment with the youth `days` from now, at 10:00 Oslo time."""
    from veiviser.casework import services as casework

    when = timezone.localtime() + timedelta(days=days)
    fields = {
        "starts_at": when.replace(hour=10, minute=0, second=0, microsecond=0),
        "duration_minutes": 45,
        "mode": "meeting",
        "place": "OT Tønsberg, Møterom 2",
    }
    fields.update(changes)
    return casework.appointment_book(actor=advisor, registration=registration, **fields)


def test_an_appointment_letter_is_made_from_a_booked_appointment(advisor, minor):
    with pytest.raises(ValidationFailed) as failed:
        services.letter_create(
            actor=advisor, registration=minor, template=template("innkalling-samtale")
        )
    assert {p.field for p in failed.value.problems} == {"appointment"}
    appointment = _appointment(minor, advisor)
    letter = services.letter_create(
        actor=advisor,
        registration=minor,
        template=template("innkalling-samtale"),
        appointment=appointment,
    )
    assert (letter.kind, letter.appointment) == ("appointment", appointment)
    event = AuditEvent.objects.get(action="letters.letter.created", object_id=str(letter.pk))
    assert event.data["appointment"] == appointment.pk


def test_the_appointment_letter_takes_time_and_place_from_the_appointment(advisor, minor):
    appointment = _appointment(minor, advisor, mode="phone", place="Kari ringer deg")
    variables = services.letter_variables(
        minor,
        recipient_name="Mia Prøvesen",
        on=date.today(),
        context_extra=services.appointment_variables(appointment),
    )
    assert variables["appointment_time"] == render.nb_datetime(appointment.starts_at)
    assert variables["appointment_time"].endswith("kl. 10:00")
    assert variables["appointment_place"] == "Telefonsamtale: Kari ringer deg"
    html = render.letter_html(
        title="Innkalling",
        body=template("innkalling-samtale").body,
        variables=variables,
        letterhead=services._letterhead(minor),
        recipient={"name": "Mia Prøvesen", "address": ""},
    )
    _pages, text = render.pdf_text(html)
    assert "Telefonsamtale: Kari ringer deg" in text
    assert "kl. 10:00" in text


def test_no_appointment_letter_from_a_cancelled_past_or_other_appointment(advisor, minor, adult):
    from veiviser.casework import services as casework

    theirs = _appointment(adult, advisor)
    cancelled = casework.appointment_cancel(
        actor=advisor, appointment=_appointment(minor, advisor, days=3), reason="Syk"
    )
    for appointment in (theirs, cancelled):
        with pytest.raises(ValidationFailed) as failed:
            services.letter_create(
                actor=advisor,
                registration=minor,
                template=template("innkalling-samtale"),
                appointment=appointment,
            )
        assert [p.field for p in failed.value.problems] == ["appointment"]
    begun = _appointment(minor, advisor, days=2)
    Appointment.objects.filter(pk=begun.pk).update(
        starts_at=timezone.now() - timedelta(minutes=5), ends_at=timezone.now() + timedelta(hours=1)
    )
    begun.refresh_from_db()
    with pytest.raises(ValidationFailed):
        services.letter_create(
            actor=advisor,
            registration=minor,
            template=template("innkalling-samtale"),
            appointment=begun,
        )
    # An information letter refers to no appointment.
    with pytest.raises(ValidationFailed):
        services.letter_create(
            actor=advisor,
            registration=minor,
            template=template("informasjon-ungdom"),
            appointment=_appointment(minor, advisor, days=4),
        )
    assert not Letter.objects.exists()


def test_appointment_time_is_written_in_bokmal():
    assert render.nb_datetime(at("2025-09-02 08:00")) == "tirsdag 2. september 2025 kl. 10:00"


def test_guardian_letter_goes_to_a_guardian_of_the_youth(advisor, minor, adult):
    anne = minor.person.guardians.get(name="Anne Prøvesen")
    letter = services.letter_create(
        actor=advisor,
        registration=minor,
        template=template("informasjon-foresatte"),
        recipient=anne,
    )
    assert (letter.audience, letter.guardian, letter.recipient_name) == (
        "guardian",
        anne,
        "Anne Prøvesen",
    )
    other = adult.person.guardians.get()
    with pytest.raises(ValidationFailed):
        services.letter_create(
            actor=advisor,
            registration=minor,
            template=template("informasjon-foresatte"),
            recipient=other,
        )


def test_no_letter_to_guardians_when_the_record_blocks_it(advisor, minor):
    services.letter_block_set(
        actor=advisor, person=minor.person, reason="Fortrolig adresse (kode 7)"
    )
    anne = minor.person.guardians.get(name="Anne Prøvesen")
    with pytest.raises(ValidationFailed) as failed:
        services.letter_create(
            actor=advisor,
            registration=minor,
            template=template("informasjon-foresatte"),
            recipient=anne,
        )
    assert failed.value.problems[0].field == "recipient"
    assert not Letter.objects.exists()
    # The youth still gets their own letter.
    services.letter_create(
        actor=advisor, registration=minor, template=template("informasjon-ungdom")
    )
    assert AuditEvent.objects.filter(action="letters.block.set").count() == 1


def test_the_batch_refuses_letters_to_blocked_guardians_and_counts_them(advisor, minor):
    services.letter_block_set(actor=advisor, person=minor.person, reason="Barnevernet ber om det")
    result = services.letters_batch(actor=None, county=minor.county, since=date(2025, 8, 1))
    # The youth's letter is made; one letter to each of her two guardians is refused.
    assert result == {"candidates": 3, "created": 1, "refused": 2}
    assert list(Letter.objects.values_list("audience", flat=True)) == ["youth"]
    completed = AuditEvent.objects.get(action="letters.batch.completed")
    assert (completed.data["created"], completed.data["refused"]) == (1, 2)
    # Run again: the youth has her letter; the guardians' letters are refused again, nothing made.
    again = services.letters_batch(actor=None, county=minor.county, since=date(2025, 8, 1))
    assert again == {"candidates": 2, "created": 0, "refused": 2}
    assert Letter.objects.count() == 1


def test_a_background_batch_shows_made_and_refused_letters(
    advisor, minor, adult, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )
    services.letter_block_set(actor=advisor, person=minor.person, reason="Fortrolig adresse")
    with django_capture_on_commit_callbacks(execute=True):
        batch = services.batch_start(actor=None, county=minor.county, since=date(2025, 8, 1))
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    batch.refresh_from_db()
    # Mia and Ola get their letters; Mia's two guardians are refused; Ola is of age.
    assert (batch.status, batch.total, batch.done, batch.skipped) == (BatchStatus.DONE, 4, 2, 2)


def test_a_letter_addresses_the_recipient_on_the_lines_of_an_address_block():
    assert render.postal_address("Storgata 1, 3110 Tønsberg") == "Storgata 1\n3110 Tønsberg"
    assert render.postal_address("c/o Hansen,Storgata 1\n3110 Tønsberg ") == (
        "c/o Hansen\nStorgata 1\n3110 Tønsberg"
    )
    assert render.postal_address("") == ""


def test_lifting_the_block_allows_guardian_letters_again(advisor, minor):
    services.letter_block_set(actor=advisor, person=minor.person, reason="midlertidig")
    assert services.letter_block_clear(actor=advisor, person=minor.person)
    assert not LetterBlock.objects.exists()
    assert not services.letter_block_clear(actor=advisor, person=minor.person)


def test_batch_makes_letters_to_youths_and_guardians_of_minors_once(minor, adult):
    result = services.letters_batch(actor=None, county=minor.county, since=date(2025, 8, 1))
    # Mia and her two guardians; Ola (of age) alone.
    assert result == {"candidates": 4, "created": 4, "refused": 0}
    assert sorted(Letter.objects.values_list("recipient_name", flat=True)) == [
        "Anne Prøvesen",
        "Bjørn Prøvesen",
        "Mia Prøvesen",
        "Ola Testesen",
    ]
    events = AuditEvent.objects.count()
    again = services.letters_batch(actor=None, county=minor.county, since=date(2025, 8, 1))
    assert again == {"candidates": 0, "created": 0, "refused": 0}
    assert Letter.objects.count() == 4
    assert AuditEvent.objects.count() == events


def test_batch_only_covers_registrations_since_the_date(minor, adult):
    result = services.letters_batch(actor=None, county=minor.county, since=date(2025, 8, 21))
    assert result["created"] == 0


def test_batch_as_an_advisor_covers_only_what_she_may_change(per, minor):
    result = services.letters_batch(actor=per, county=minor.county, since=date(2025, 8, 1))
    assert result["created"] == 0


def test_background_batch_records_its_progress(
    minor, django_capture_on_commit_callbacks, monkeypatch
):
    # The worker closes "old" connections between tasks; inside the test's transaction that
    # would close the test's own PostgreSQL connection (SQLite's in-memory one survives it).
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )
    with django_capture_on_commit_callbacks(execute=True):
        batch = services.batch_start(actor=None, county=minor.county, since=date(2025, 8, 1))
    batch.refresh_from_db()
    assert batch.status == BatchStatus.QUEUED and batch.task_id
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    batch.refresh_from_db()
    assert (batch.status, batch.total, batch.done) == (BatchStatus.DONE, 3, 3)
    assert batch.letters.count() == 3


def test_letters_batch_command(minor, capsys):
    call_command("letters", "batch", "--county", "39", "--since", "2025-08-01", verbosity=0)
    assert Letter.objects.count() == 3
    call_command("letters", "batch", "--county", "39", "--since", "2025-08-01", verbosity=0)
    assert Letter.objects.count() == 3


# -- permissions ------------------------------------------------------------------------------


def test_advisor_of_another_unit_cannot_make_a_letter(per, minor):
    with pytest.raises(PermissionDenied):
        services.letter_create(
            actor=per, registration=minor, template=template("informasjon-ungdom")
        )


def test_county_leader_cannot_make_letters_or_set_the_block(leader, minor):
    with pytest.raises(PermissionDenied):
        services.letter_create(
            actor=leader, registration=minor, template=template("informasjon-ungdom")
        )
    with pytest.raises(PermissionDenied):
        services.letter_block_set(actor=leader, person=minor.person, reason="x")
    with pytest.raises(PermissionDenied):
        services.batch_start(actor=leader, county=minor.county, since=date(2025, 8, 1))


def test_download_needs_view_and_is_audited(advisor, leader, per, minor, telemark):
    letter = services.letter_create(
        actor=advisor, registration=minor, template=template("informasjon-ungdom")
    )
    # The county leader may view (not change): she may read the letter, and it is logged.
    assert services.letter_download(actor=leader, letter=letter).startswith(b"%PDF")
    event = AuditEvent.objects.get(action="letters.letter.downloaded")
    assert event.actor == leader
    # Per, an advisor in Horten, sees his own unit only.
    with pytest.raises(PermissionDenied):
        services.letter_download(actor=per, letter=letter)


# -- templates --------------------------------------------------------------------------------


def test_editing_a_template_makes_a_new_version_and_old_letters_keep_theirs(advisor, minor):
    first = template("informasjon-ungdom")
    letter = services.letter_create(actor=advisor, registration=minor, template=first)
    edited = LetterTemplate.objects.get(pk=first.pk)
    edited.body = "<p>Ny tekst til {{ youth_name }}</p>"
    services.template_new_version(edited, actor=None)
    edited.save()
    first.refresh_from_db()
    assert (first.active, edited.active, edited.version) == (False, True, first.version + 1)
    letter.refresh_from_db()
    assert letter.template_id == first.pk
    with pytest.raises(ValidationFailed):
        services.letter_create(actor=advisor, registration=minor, template=first)


@pytest.mark.parametrize("key", ["informasjon-ungdom", "informasjon-foresatte"])
def test_the_default_texts_sign_with_the_advisor_or_once_with_the_unit(advisor, minor, key):
    """Version 2 of the default texts (migration letters.0005): a registration without an
    advisor is signed by the unit once, not twice."""
    text = template(key)
    assert text.version == 2
    recipient = minor.person.guardians.first() if text.audience == "guardian" else None

    def signature(registration) -> str:
        html, _block, _variables = services.letter_document(
            registration=registration, template=text, recipient=recipient, on=date(2025, 8, 25)
        )
        return render.pdf_text(html)[1].split("Vennlig hilsen", 1)[1]

    signed = signature(minor)
    assert advisor.get_full_name() in signed
    assert signed.count("Oppfølgingstjenesten, Tønsberg") == 1
    minor.advisor = None
    unsigned = signature(minor)
    assert unsigned.count("Oppfølgingstjenesten, Tønsberg") == 1
    assert "Vestfold" in unsigned


def test_a_letter_text_cannot_include_other_templates():
    assert render.check_body("{{ youth_name }}") is None
    assert render.check_body("{% include 'web/base.html' %}") is None  # parses ...
    with pytest.raises(TemplateDoesNotExist):  # ... but there is nothing to include
        render.render_body("{% include 'web/base.html' %}", {})
    assert render.check_body("{% if %}") is not None


def test_minor_is_by_exact_age():
    assert is_minor(date(2007, 9, 1), date(2025, 8, 31))
    assert not is_minor(date(2007, 9, 1), date(2025, 9, 1))


def test_letter_dates_are_in_bokmal():
    assert render.nb_date(date(2025, 3, 3)) == "3. mars 2025"
    assert isinstance(render.nb_datetime(datetime(2025, 3, 3, 10, 0)), str)
