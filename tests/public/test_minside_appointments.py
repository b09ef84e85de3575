"""Min side's appointments: the next one (date, time, place or mode, advisor), the coming ones,
a cancelled one shown as cancelled, the calendar file; the youth's reading is audited, and no
other youth's appointment is ever shown or served."""

from datetime import UTC, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.public.test_minside import ADULT, log_in, world  # noqa: F401 (the fixture)
from veiviser.audit.models import AuditEvent
from veiviser.casework import services as casework

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def test_login_on(settings):
    settings.YOUTH_TEST_LOGIN = True


def at_ten(days: int):
    return (timezone.localtime() + timedelta(days=days)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )


def book(advisor, registration, days, **changes):
    fields = {
        "starts_at": at_ten(days),
        "duration_minutes": 45,
        "mode": "meeting",
        "place": "OT Tønsberg, møterom 2",
        "note": "Ta med vitnemålet.",
    }
    fields.update(changes)
    return casework.appointment_book(actor=advisor, registration=registration, **fields)


@pytest.fixture
def appointments(world, advisor):  # noqa: F811
    return {
        "next": book(advisor, world["mine"], 3),
        "later": book(advisor, world["mine"], 10, mode="phone", place="Kari ringer deg"),
        "cancelled": casework.appointment_cancel(
            actor=advisor,
            appointment=book(advisor, world["mine"], 5, place="HEMMELIG-STED"),
            reason="INTERN-GRUNN",
        ),
        "theirs": book(advisor, world["theirs"], 1, place="TORS-STED", note="TORS-NOTAT"),
    }


def test_the_youth_sees_the_next_appointment_with_time_place_and_advisor(
    client,
    world,  # noqa: F811
    appointments,
    advisor,
):
    log_in(client, ADULT)
    response = client.get(reverse("minside:home"))
    assert response.context["next_appointment"] == appointments["next"]
    page = response.content.decode()
    when = appointments["next"].starts_at
    assert f"{timezone.localtime(when):%H}:00" in page
    assert "OT Tønsberg, møterom 2" in page
    assert "Ta med vitnemålet." in page
    assert advisor.get_username() in page or advisor.get_full_name() in page
    assert reverse("minside:appointment-ics", args=[appointments["next"].pk]) in page


def test_coming_appointments_are_listed_and_a_cancelled_one_shows_as_cancelled(
    client,
    world,  # noqa: F811
    appointments,
):
    log_in(client, ADULT)
    response = client.get(reverse("minside:home"))
    assert [a.pk for a in response.context["appointments"]] == [
        appointments["next"].pk,
        appointments["cancelled"].pk,
        appointments["later"].pk,
    ]
    page = response.content.decode()
    assert "Kari ringer deg" in page
    marker = f'data-appointment="{appointments["cancelled"].pk}"'
    cancelled = page.split(marker)[1].split("</li>")[0]
    assert "Avlyst" in cancelled or "Cancelled" in cancelled
    # The reason for cancelling is staff's, not shown to the youth.
    assert "INTERN-GRUNN" not in page


def test_a_cancelled_next_appointment_gives_way_to_the_following_one(
    client,
    world,  # noqa: F811
    appointments,
    advisor,
):
    casework.appointment_cancel(actor=advisor, appointment=appointments["next"], reason="Syk")
    log_in(client, ADULT)
    response = client.get(reverse("minside:home"))
    assert response.context["next_appointment"] == appointments["later"]


def test_no_appointment_says_so(client, world):  # noqa: F811
    log_in(client, ADULT)
    response = client.get(reverse("minside:home"))
    assert response.context["next_appointment"] is None
    assert not AuditEvent.objects.filter(action="public.minside.appointments_viewed").exists()


def test_another_youths_appointment_is_never_shown_or_served(
    client,
    world,  # noqa: F811
    appointments,
):
    log_in(client, ADULT)
    page = client.get(reverse("minside:home")).content.decode()
    assert "TORS-STED" not in page and "TORS-NOTAT" not in page
    url = reverse("minside:appointment-ics", args=[appointments["theirs"].pk])
    assert client.get(url).status_code == 404


def test_reading_the_appointments_is_audited_as_the_youth(
    client,
    world,  # noqa: F811
    appointments,
):
    log_in(client, ADULT)
    client.get(reverse("minside:home"))
    event = AuditEvent.objects.get(action="public.minside.appointments_viewed")
    assert event.actor is None and event.actor_label == f"youth:{world['me'].key}"
    assert event.object_id == str(world["me"].pk)
    assert set(event.data["appointments"]) == {
        appointments["next"].pk,
        appointments["cancelled"].pk,
        appointments["later"].pk,
    }


def test_the_calendar_file_of_the_own_appointment(client, world, appointments):  # noqa: F811
    log_in(client, ADULT)
    appointment = appointments["next"]
    response = client.get(reverse("minside:appointment-ics", args=[appointment.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "no-store" in response["Cache-Control"]
    body = response.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.endswith("END:VCALENDAR\r\n")
    start = appointment.starts_at.astimezone(UTC)
    assert f"DTSTART:{start:%Y%m%dT%H%M%SZ}" in body
    assert "LOCATION:OT Tønsberg\\, møterom 2" in body
    assert "STATUS:CONFIRMED" in body
    event = AuditEvent.objects.get(action="public.minside.appointment_downloaded")
    assert event.object_id == str(appointment.pk)
    assert event.actor_label == f"youth:{world['me'].key}"
    cancelled = client.get(reverse("minside:appointment-ics", args=[appointments["cancelled"].pk]))
    assert "STATUS:CANCELLED" in cancelled.content.decode()


def test_without_login_the_calendar_file_is_not_served(client, world, appointments):  # noqa: F811
    response = client.get(reverse("minside:appointment-ics", args=[appointments["next"].pk]))
    assert response.status_code == 302 and response.url == reverse("minside:home")
