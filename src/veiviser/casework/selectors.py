"""Reads of the casework."""

from django.db.models import Q

from veiviser.casework.models import Appointment, WorkingList


def working_lists_for(user):
    """The user's own working lists and those shared by colleagues in the same unit."""
    shared = Q(shared=True, owner__unit_id=user.unit_id) if user.unit_id else Q(pk__in=[])
    return WorkingList.objects.filter(Q(owner=user) | shared).select_related("owner")


def upcoming(appointments, *, now):
    """Of `appointments` (already loaded), those not over yet, in time order: the ones still to
    come and the one going on."""
    return sorted((a for a in appointments if a.ends_at > now), key=lambda a: (a.starts_at, a.pk))


def next_appointment(appointments, *, now):
    """The first appointment of `appointments` not over yet and not cancelled, or None."""
    return next((a for a in upcoming(appointments, now=now) if a.cancelled_at is None), None)


def youth_appointments(person, *, now):
    """The youth's own appointments not over yet (cancelled ones too, to be shown as
    cancelled), in time order, for "Min side"; every registration of the person."""
    return list(
        Appointment.objects.filter(registration__person=person, ends_at__gt=now)
        .select_related("advisor")
        .order_by("starts_at", "pk")
    )


def youth_appointment(person, pk: int):
    """One of the youth's own appointments, or 404: another youth's id is not found."""
    from django.http import Http404

    appointment = (
        Appointment.objects.filter(pk=pk, registration__person=person)
        .select_related("advisor")
        .first()
    )
    if appointment is None:
        raise Http404
    return appointment
