"""Appointments through the API: booked on a registration (the youth sees them on Min side),
listed, cancelled; the rules of the web app, the audit trail, and a retried cancel."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.api.conftest import bearer
from veiviser.audit.models import AuditEvent
from veiviser.casework.models import Appointment

pytestmark = pytest.mark.django_db


def url(world, tail=""):
    return f"/api/v1/registrations/{world['own'].key}/appointments{tail}"


def send(client, method, path, token, body):
    return getattr(client, method)(path, body, content_type="application/json", **bearer(token))


def next_week() -> str:
    return (timezone.now() + timedelta(days=7)).replace(microsecond=0).isoformat()


def test_booking_listing_and_cancelling(client, world, make_client):
    api_client, token = make_client(world["vestfold"])
    body = {"starts_at": next_week(), "duration_minutes": 30, "mode": "meeting", "place": "NAV"}
    created = send(client, "post", url(world), token, body)
    assert created.status_code == 201, created.content
    data = created.json()
    appointment = Appointment.objects.get(pk=data["id"])
    assert appointment.duration_minutes == 30 and data["registration"] == world["own"].key
    booked = AuditEvent.objects.get(action="casework.appointment.booked")
    assert booked.actor == api_client.user

    listed = client.get(url(world), **bearer(token))
    assert [item["id"] for item in listed.json()["items"]] == [appointment.pk]
    assert AuditEvent.objects.filter(action="people.person.viewed").exists()

    cancel = url(world, f"/{appointment.pk}/cancel")
    first = send(client, "put", cancel, token, {"reason": "Ungdommen er syk"})
    assert first.status_code == 200 and first.json()["cancelled_at"]
    # A retry with the same reason is the same answer and writes nothing more.
    again = send(client, "put", cancel, token, {"reason": "Ungdommen er syk"})
    assert again.json() == first.json()
    assert AuditEvent.objects.filter(action="casework.appointment.cancelled").count() == 1
    other = send(client, "put", cancel, token, {"reason": "Noe annet"})
    assert other.status_code == 422


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"starts_at": "2020-01-01T10:00:00+01:00"}, "starts_at"),
        ({"starts_at": "2030-01-01T10:00:00"}, "starts_at"),
        ({"mode": "meeting", "place": ""}, "place"),
        ({"duration_minutes": 1}, "duration_minutes"),
        ({"mode": "letter"}, "mode"),
    ],
)
def test_bad_bookings_are_422_on_the_field(client, world, make_client, changes, field):
    _, token = make_client(world["vestfold"])
    body = {"starts_at": next_week(), "mode": "phone", **changes}
    response = send(client, "post", url(world), token, body)
    assert response.status_code == 422, response.content
    assert response.json()["errors"][0]["field"] == field
    assert not Appointment.objects.exists()


def test_another_registrations_appointment_cannot_be_cancelled_through_this_one(
    client, world, make_client
):
    from veiviser.casework import services as casework

    theirs = casework.appointment_book(
        actor=None,
        registration=world["other"],
        starts_at=timezone.now() + timedelta(days=3),
        duration_minutes=45,
        mode="phone",
    )
    _, token = make_client(world["vestfold"])
    response = send(client, "put", url(world, f"/{theirs.pk}/cancel"), token, {"reason": "x"})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.cancelled_at is None
