"""The appointments on the youth page ("Avtaler"): booking, moving, cancelling and recording a
held appointment through the forms, who may, the header's next appointment, the worklist's
column, and the appointment letter made from a booked appointment."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from veiviser.casework import services as casework
from veiviser.casework.models import Appointment, Contact
from veiviser.letters.models import Letter, LetterTemplate
from veiviser.organisation.models import Role
from veiviser.registry import services as registry

pytestmark = pytest.mark.django_db


@pytest.fixture
def registration(make_person, tonsberg, advisor):
    registration = registry.registration_create(
        actor=None,
        person=make_person(given="Emma", family="Eksempel"),
        school_year=2024,
        registered_on=date(2024, 8, 20),
        reason="not_applied",
        unit=tonsberg,
    )
    registry.registration_assign(actor=None, registration=registration, advisor=advisor)
    return registration


def _next_week_at_ten():
    return (timezone.localtime() + timedelta(days=7)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )


def _form(prefix, when, **changes):
    data = {
        f"{prefix}-starts_at": when.strftime("%Y-%m-%dT%H:%M"),
        f"{prefix}-duration_minutes": "45",
        f"{prefix}-mode": "meeting",
        f"{prefix}-place": "OT Tønsberg, møterom 2",
        f"{prefix}-advisor": "",
        f"{prefix}-note": "Ta med vitnemålet.",
    }
    data.update({f"{prefix}-{k}": v for k, v in changes.items()})
    return data


def _book(registration, advisor, when=None, **changes):
    fields = {
        "starts_at": when or _next_week_at_ten(),
        "duration_minutes": 45,
        "mode": "meeting",
        "place": "OT Tønsberg, møterom 2",
    }
    fields.update(changes)
    return casework.appointment_book(actor=advisor, registration=registration, **fields)


def test_the_advisor_books_an_appointment_on_the_youth_page(client, registration, advisor):
    client.force_login(advisor)
    when = _next_week_at_ten()
    url = reverse("web:appointment-book", args=[registration.pk])
    response = client.post(url, _form(f"avt{registration.pk}", when))
    assert response.status_code == 302
    appointment = Appointment.objects.get(registration=registration)
    assert appointment.starts_at == when and appointment.advisor == advisor
    page = client.get(reverse("web:youth", args=[registration.person_id])).content.decode()
    assert 'id="next-appointment"' in page
    assert "OT Tønsberg, møterom 2" in page
    assert when.strftime("%-d.%-m.%Y 10:00") in page


def test_a_bad_booking_shows_the_page_again_with_the_form_open(client, registration, advisor):
    client.force_login(advisor)
    url = reverse("web:appointment-book", args=[registration.pk])
    prefix = f"avt{registration.pk}"
    response = client.post(url, _form(prefix, _next_week_at_ten(), place=""))
    assert response.status_code == 400
    assert response.context["open_form"] == prefix
    entry = response.context["entries"][0]
    assert entry["appointment_form"].errors["place"]
    assert not Appointment.objects.exists()


def test_another_units_advisor_and_another_county_cannot_book_or_change(
    client, registration, advisor, vestfold, horten, telemark
):
    from veiviser.organisation import services as organisation

    appointment = _book(registration, advisor)
    per = organisation.staff_user_create(
        actor=None,
        username="per",
        password="pw-123456789",
        role=Role.ADVISOR,
        county=vestfold,
        unit=horten,
    )
    gro = organisation.staff_user_create(
        actor=None, username="gro", password="pw-123456789", role=Role.OFFICE, county=telemark
    )
    for user in (per, gro):
        client.force_login(user)
        book = reverse("web:appointment-book", args=[registration.pk])
        response = client.post(book, _form(f"avt{registration.pk}", _next_week_at_ten()))
        assert response.status_code in (403, 404)
        for name in ("web:appointment-move", "web:appointment-cancel", "web:appointment-held"):
            url = reverse(name, args=[appointment.pk])
            assert client.post(url, {f"ava{appointment.pk}-reason": "x"}).status_code in (403, 404)
        page = client.get(reverse("web:youth", args=[registration.person_id]))
        assert page.status_code in (403, 404)
    assert Appointment.objects.count() == 1
    appointment.refresh_from_db()
    assert appointment.cancelled_at is None


def test_moving_and_cancelling_through_the_forms(client, registration, advisor):
    appointment = _book(registration, advisor)
    client.force_login(advisor)
    later = _next_week_at_ten() + timedelta(days=1)
    response = client.post(
        reverse("web:appointment-move", args=[appointment.pk]),
        _form(f"avf{appointment.pk}", later, mode="phone", place="Kari ringer"),
    )
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert (appointment.starts_at, appointment.mode) == (later, "phone")
    response = client.post(
        reverse("web:appointment-cancel", args=[appointment.pk]),
        {f"ava{appointment.pk}-reason": ""},
    )
    assert response.status_code == 400
    assert response.context["open_form"] == f"ava{appointment.pk}"
    response = client.post(
        reverse("web:appointment-cancel", args=[appointment.pk]),
        {f"ava{appointment.pk}-reason": "Ungdommen har fått jobb"},
    )
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.cancelled_at is not None
    page = client.get(reverse("web:youth", args=[registration.person_id])).content.decode()
    assert "Ungdommen har fått jobb" in page
    assert 'id="next-appointment"' not in page


def test_a_held_appointment_is_recorded_as_a_contact_from_the_page(client, registration, advisor):
    appointment = _book(registration, advisor)
    Appointment.objects.filter(pk=appointment.pk).update(
        starts_at=timezone.now() - timedelta(hours=2),
        ends_at=timezone.now() - timedelta(hours=1),
    )
    client.force_login(advisor)
    page = client.get(reverse("web:youth", args=[registration.person_id]))
    row = page.context["entries"][0]["appointments"][0]
    assert row["held_form"] is not None and row["move_form"] is None
    response = client.post(
        reverse("web:appointment-held", args=[appointment.pk]),
        {f"avg{appointment.pk}-outcome": "reached", f"avg{appointment.pk}-note": "Bra samtale"},
    )
    assert response.status_code == 302
    contact = Contact.objects.get(registration=registration)
    assert (contact.channel, contact.outcome, contact.note) == ("meeting", "reached", "Bra samtale")


def test_the_worklist_shows_the_next_appointment(client, registration, advisor):
    when = _next_week_at_ten()
    _book(registration, advisor, when=when)
    client.force_login(advisor)
    response = client.get("/ungdommer/?school_year=2024")
    [row] = response.context["rows"]
    assert row["next_appointment"] == when
    assert when.strftime("%-d.%-m.%Y 10:00") in response.content.decode()


def test_the_appointment_letter_is_made_from_the_chosen_appointment(client, registration, advisor):
    appointment = _book(registration, advisor)
    template = LetterTemplate.objects.get(key="innkalling-samtale", active=True)
    client.force_login(advisor)
    page = client.get(reverse("web:youth", args=[registration.person_id]))
    form = page.context["entries"][0]["letter_form"].form
    assert [pk for pk, _label in form.fields["appointment"].choices] == ["", appointment.pk]
    prefix = f"b{registration.pk}"
    response = client.post(
        reverse("web:letter-create", args=[registration.pk]),
        {f"{prefix}-template": template.pk, f"{prefix}-recipient": "youth"},
    )
    # Nothing chosen: the letter is refused on the appointment field.
    assert response.status_code == 400
    assert response.context["entries"][0]["letter_form"].form.errors["appointment"]
    response = client.post(
        reverse("web:letter-create", args=[registration.pk]),
        {
            f"{prefix}-template": template.pk,
            f"{prefix}-recipient": "youth",
            f"{prefix}-appointment": appointment.pk,
        },
    )
    assert response.status_code == 302
    letter = Letter.objects.get(registration=registration)
    assert letter.appointment == appointment
    # Moved after the letter: the page says the letter shows the old time.
    casework.appointment_move(
        actor=advisor,
        appointment=appointment,
        starts_at=appointment.starts_at + timedelta(days=1),
        duration_minutes=45,
        mode="meeting",
        place="OT Tønsberg, møterom 2",
    )
    page = client.get(reverse("web:youth", args=[registration.person_id]))
    row = page.context["entries"][0]["appointments"][0]
    assert row["letters"] == [letter] and row["letter_outdated"]


def test_an_information_letter_ignores_a_preselected_appointment(client, registration, advisor):
    appointment = _book(registration, advisor)
    template = LetterTemplate.objects.get(key="informasjon-ungdom", active=True)
    client.force_login(advisor)
    prefix = f"b{registration.pk}"
    response = client.post(
        reverse("web:letter-create", args=[registration.pk]),
        {
            f"{prefix}-template": template.pk,
            f"{prefix}-recipient": "youth",
            f"{prefix}-appointment": appointment.pk,
        },
    )
    assert response.status_code == 302
    assert Letter.objects.get(registration=registration).appointment is None


def test_the_page_lists_the_coming_appointments_first_the_next_at_the_top(
    client, registration, advisor
):
    later = _book(registration, advisor, when=_next_week_at_ten() + timedelta(days=3))
    soon = _book(registration, advisor)
    past = _book(registration, advisor, when=_next_week_at_ten() + timedelta(days=1))
    Appointment.objects.filter(pk=past.pk).update(
        starts_at=timezone.now() - timedelta(days=2),
        ends_at=timezone.now() - timedelta(days=2) + timedelta(minutes=45),
    )
    client.force_login(advisor)
    page = client.get(reverse("web:youth", args=[registration.person_id]))
    rows = page.context["entries"][0]["appointments"]
    assert [row["appointment"].pk for row in rows] == [soon.pk, later.pk, past.pk]
    assert page.context["next_appointment"] == soon
